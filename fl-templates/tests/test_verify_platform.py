"""verify_platform's view of an image whose environment comes from another mounted root (the install stage's)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

CHECKS = Path(__file__).resolve().parent.parent / "checks"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_platform", CHECKS / "verify_platform.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["verify_platform"] = module
    spec.loader.exec_module(module)
    return module


verify = load()


def make_base(root: Path) -> None:
    """A base image's python, as python:X.Y-slim lays it out: python3 links to python3.11 in /usr/local/bin."""
    bin_dir = root / "usr/local/bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python3.11").write_bytes(b"\x7fELF")
    os.symlink("python3.11", bin_dir / "python3")


def make_venv(root: Path, so_machine: int) -> None:
    """A uv environment whose python links to the base's, with one extension module of the given ELF machine."""
    venv = root / "opt/venv"
    (venv / "bin").mkdir(parents=True)
    os.symlink("/usr/local/bin/python3", venv / "bin/python")
    site = venv / "lib/python3.11/site-packages/fast"
    site.mkdir(parents=True)
    header = b"\x7fELF\x02\x01" + bytes(12) + so_machine.to_bytes(2, "little")
    (site / "_speed.cpython-311-aarch64-linux-gnu.so").write_bytes(header)


def test_the_python_is_the_base_s_and_the_packages_the_install_stage_s(tmp_path: Path) -> None:
    base, stage = tmp_path / "base", tmp_path / "stage"
    make_base(base)
    make_venv(stage, 183)
    image = verify.Image(base, (stage,))
    # The environment's link leaves /opt/venv: it is followed in the base, where the platform's python is.
    assert verify.inside(image, "/opt/venv/bin/python") == base / "usr/local/bin/python3.11"
    # A host path (qemu's -L falls back to the host for what the base lacks), into the install stage.
    assert verify.site_packages(image) == str(stage / "opt/venv/lib/python3.11/site-packages")


def test_one_root_keeps_the_image_s_own_paths(tmp_path: Path) -> None:
    make_base(tmp_path)
    make_venv(tmp_path, 183)
    image = verify.Image(tmp_path, (tmp_path,))
    assert verify.inside(image, "/opt/venv/bin/python") == tmp_path / "usr/local/bin/python3.11"
    assert verify.site_packages(image) == "/opt/venv/lib/python3.11/site-packages"


def test_the_elf_check_reads_the_environment_s_root(tmp_path: Path) -> None:
    base, stage = tmp_path / "base", tmp_path / "stage"
    make_base(base)
    make_venv(stage, 62)
    report = verify.with_elf(verify.Image(base, (stage,)), 183)
    assert report["checked"] == 1
    assert report["failed"] == [
        {
            "module": "opt/venv/lib/python3.11/site-packages/fast/_speed.cpython-311-aarch64-linux-gnu.so",
            "error": "ELF machine 62, not 183",
        }
    ]


def test_two_environments_are_read_in_order(tmp_path: Path) -> None:
    """The learner's install stage, then the aggregator's: both environments' site-packages, both ELF-checked."""
    base, learner, aggregator = tmp_path / "base", tmp_path / "learner", tmp_path / "aggregator"
    make_base(base)
    make_venv(learner, 183)
    make_venv(aggregator, 62)
    image = verify.Image(base, (learner, aggregator))
    assert verify.site_packages(image).split(":") == [
        str(learner / "opt/venv/lib/python3.11/site-packages"),
        str(aggregator / "opt/venv/lib/python3.11/site-packages"),
    ]
    report = verify.with_elf(image, 183)
    assert report["checked"] == 2
    assert len(report["failed"]) == 1
