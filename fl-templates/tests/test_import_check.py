"""The platform check's importer: what loads, what cannot load its native code, what only lacks an option."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

IMPORT_CHECK = Path(__file__).resolve().parent.parent / "checks" / "import_check.py"

# Module source per distribution: each distribution installs one top-level module of the same name.
DISTRIBUTIONS: dict[str, str] = {
    "basic_ok": "VALUE = 2\n",
    "fine_one": "VALUE = 1\n",
    "fine_two": "import fine_one\n",
    "fine_three": "import json\n",
    "wrong_machine": "raise ImportError('_native.so: wrong ELF class: ELFCLASS32')\n",
    "needs_option": "import an_optional_package_nobody_installed\n",
    "crashes": "import os\nos._exit(7)\n",
    "shared_base": "import fine_one\nSHARED = True\n",
}


def make_site_packages(root: Path, names: list[str]) -> Path:
    site = root / "site-packages"
    for name in names:
        (site / f"{name}.py").parent.mkdir(parents=True, exist_ok=True)
        (site / f"{name}.py").write_text(DISTRIBUTIONS[name], encoding="utf-8")
        info = site / f"{name}-1.0.dist-info"
        info.mkdir()
        (info / "RECORD").write_text(f"{name}.py,,\n{name}-1.0.dist-info/RECORD,,\n", encoding="utf-8")
    return site


def run_check(site: Path, *arguments: str) -> dict[str, list]:
    done = subprocess.run(
        [sys.executable, str(IMPORT_CHECK), str(site), *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def modules(entries: list[dict[str, str]]) -> list[str]:
    return sorted(entry["module"] for entry in entries)


@pytest.mark.parametrize("jobs", ["1", "2", "3"])
def test_sorts_every_module_into_imported_failed_or_warning_whatever_the_processes(tmp_path: Path, jobs: str) -> None:
    site = make_site_packages(tmp_path, ["fine_one", "fine_two", "fine_three", "wrong_machine", "needs_option"])
    report = run_check(site, "--jobs", jobs, "json")
    assert sorted(report["imported"]) == ["fine_one", "fine_three", "fine_two", "json"]
    assert modules(report["failed"]) == ["wrong_machine"]
    assert "ELF" in report["failed"][0]["error"]
    assert modules(report["warnings"]) == ["needs_option"]


def test_a_required_module_that_does_not_import_fails_the_check(tmp_path: Path) -> None:
    site = make_site_packages(tmp_path, ["fine_one"])
    # The first loads before the fork; of the others, the second process gets the missing one.
    report = run_check(site, "--jobs", "2", "json", "fine_one", "not_installed_anywhere")
    assert report["imported"] == ["json", "fine_one"]
    assert modules(report["failed"]) == ["not_installed_anywhere"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_import_that_ends_its_process_fails_that_module_alone(tmp_path: Path, jobs: str) -> None:
    # With one process, the one that crashed had imported basic_ok before and fine_one is left to a new one.
    site = make_site_packages(tmp_path, ["basic_ok", "crashes", "fine_one"])
    report = run_check(site, "--jobs", jobs)
    assert sorted(report["imported"]) == ["basic_ok", "fine_one"]
    assert modules(report["failed"]) == ["crashes"]
    assert "ended the process (7)" in report["failed"][0]["error"]


def test_only_imports_the_named_distributions_and_counts_what_the_required_modules_loaded(tmp_path: Path) -> None:
    site = make_site_packages(tmp_path, ["fine_one", "shared_base", "wrong_machine"])
    report = run_check(site, "--jobs", "2", "--only", "fine-one,shared_base", "shared_base")
    assert sorted(report["imported"]) == ["fine_one", "shared_base"]
    assert report["failed"] == [] and report["warnings"] == []


def test_two_folders_are_one_environment(tmp_path: Path) -> None:
    """The learner's environment and the aggregator's beside it: a module of one imports the other's."""
    learner = make_site_packages(tmp_path / "learner", ["fine_one"])
    aggregator = make_site_packages(tmp_path / "aggregator", ["fine_two", "wrong_machine"])
    report = run_check(Path(f"{learner}:{aggregator}"), "--jobs", "2", "--only", "fine_two,wrong_machine")
    assert sorted(report["imported"]) == ["fine_two"]
    assert modules(report["failed"]) == ["wrong_machine"]


def test_native_only_imports_the_distributions_with_compiled_code(tmp_path: Path) -> None:
    """A pure-Python wheel is the same file everywhere; one whose RECORD lists a shared object is imported."""
    site = make_site_packages(tmp_path, ["fine_one", "wrong_machine", "needs_option"])
    record = site / "wrong_machine-1.0.dist-info" / "RECORD"
    record.write_text(record.read_text(encoding="utf-8") + "wrong_machine.libs/libgomp-a34b3233.so.1.0.0,,\n")
    report = run_check(site, "--native-only", "--jobs", "2", "json")
    assert sorted(report["imported"]) == ["json"]
    assert modules(report["failed"]) == ["wrong_machine"]
    assert report["warnings"] == []
