"""The module list the dependency Containerfiles write after installing: read from files, nothing imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from roles import TEMPLATES

LISTER = TEMPLATES / "checks" / "installed_modules.py"
sys.path.insert(0, str(LISTER.parent))
import installed_modules  # noqa: E402  (a script beside the checks, not a package)


def listing(*prefixes: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-I", "-S", str(LISTER), *map(str, prefixes)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def install(site: Path, name: str, version: str, record: str, top_level: str = "") -> None:
    """A distribution as an installer leaves it: its files and a dist-info with METADATA and RECORD."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nA description.\n")
    if record:
        (info / "RECORD").write_text(record)
    if top_level:
        (info / "top_level.txt").write_text(top_level)
    for line in record.splitlines():
        path = site / line.split(",", 1)[0]
        if not path.name.endswith(("RECORD", "METADATA")) and not line.startswith(".."):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")


def test_reads_each_distributions_modules_from_its_record(tmp_path: Path) -> None:
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    install(
        site,
        "scikit-learn",
        "1.4.2",
        "sklearn/__init__.py,sha256=x,1\nsklearn/_c.cpython-311-x86_64-linux-gnu.so,,\n"
        "scikit_learn-1.4.2.dist-info/RECORD,,\n",
    )
    install(site, "PyYAML", "6.0.1", "yaml/__init__.py,,\n_yaml/__init__.py,,\n")
    install(site, "six", "1.16.0", "six.py,,\n__pycache__/six.cpython-311.pyc,,\n../../../bin/tool,,\n")
    install(site, "protobuf", "4.25.0", "google/protobuf/__init__.py,,\n")
    install(site, "old-style", "1.0", "", top_level="oldstyle\n")
    (site / "stray.py").write_text("")
    report = listing(tmp_path / "venv")
    modules = {item["name"]: item["modules"] for item in report["distributions"]}
    assert modules == {
        "scikit-learn": ["sklearn"],
        "PyYAML": ["_yaml", "yaml"],
        "six": ["six"],
        "protobuf": ["google"],
        "old-style": ["oldstyle"],
    }
    assert {item["name"]: item["version"] for item in report["distributions"]}["scikit-learn"] == "1.4.2"
    # oldstyle has no files here (its top_level.txt names it); stray.py is importable but nobody's.
    assert report["unowned"] == ["stray"]


def test_several_prefixes_are_one_environment(tmp_path: Path) -> None:
    install(tmp_path / "venv/lib/python3.11/site-packages", "numpy", "1.26.4", "numpy/__init__.py,,\n")
    install(tmp_path / "layer/lib/python3.11/site-packages", "mlflow", "2.12.1", "mlflow/__init__.py,,\n")
    report = listing(tmp_path / "venv", tmp_path / "layer")
    assert sorted(item["name"] for item in report["distributions"]) == ["mlflow", "numpy"]


def test_a_distribution_in_two_prefixes_is_listed_once(tmp_path: Path) -> None:
    """An aggregator environment made from the learner's (no lock) holds the learner's distributions too."""
    for prefix in ("venv", "aggregator"):
        install(tmp_path / prefix / "lib/python3.11/site-packages", "numpy", "1.26.4", "numpy/__init__.py,,\n")
    install(tmp_path / "aggregator/lib/python3.11/site-packages", "mlflow", "2.12.1", "mlflow/__init__.py,,\n")
    report = listing(tmp_path / "venv", tmp_path / "aggregator")
    assert sorted(item["name"] for item in report["distributions"]) == ["mlflow", "numpy"]


def test_the_standard_library_is_this_pythons_own() -> None:
    report = listing()
    # The tests run on the test venv's python 3.11; the type checker reads for 3.9, which lacks the name.
    assert report["stdlib"] == sorted(sys.stdlib_module_names)  # type: ignore[attr-defined]
    assert report["python"] == ".".join(map(str, sys.version_info[:3]))


def test_before_310_the_standard_library_is_read_from_the_interpreter_and_its_folders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(sys, "stdlib_module_names")
    found = set(installed_modules.stdlib())
    for name in ("sys", "os", "json", "asyncio", "collections", "_ctypes", "math", "typing", "__future__"):
        assert name in found
    assert "numpy" not in found and "site-packages" not in found


def test_the_test_environment_lists_what_the_check_needs() -> None:
    """The builder's test venv, as an image's would be listed: module names unlike their distributions'."""
    report = listing(Path(sys.prefix))
    owner = {module: item["name"] for item in report["distributions"] for module in item["modules"]}
    assert owner["sklearn"] == "scikit-learn"
    assert owner["PIL"].lower() == "pillow"
    assert owner["yaml"] == "PyYAML"
    assert owner["paho"] == "paho-mqtt"
