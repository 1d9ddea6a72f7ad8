"""The resolve phase's pip wrapper: markers see the image's python, not the one running pip."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CHECKS = Path(__file__).resolve().parent.parent / "checks"
sys.path.insert(0, str(CHECKS))

from pip_for_target import main, target_environment  # noqa: E402


def test_target_environment_replaces_only_the_python_fields() -> None:
    host = {
        "python_version": "3.11",
        "python_full_version": "3.11.7",
        "implementation_version": "3.11.7",
        "sys_platform": "linux",
    }
    assert target_environment("3.9.99", host) == {
        "python_version": "3.9",
        "python_full_version": "3.9.99",
        "implementation_version": "3.9.99",
        "sys_platform": "linux",
    }
    assert target_environment("3.12", host)["python_full_version"] == "3.12.0"


def test_markers_pip_evaluates_see_the_target_python() -> None:
    host_minor = sys.version_info.minor
    target = f"3.{host_minor - 2}"
    script = (
        "import pip_for_target as shim\n"
        f"shim.use_target_markers({target!r})\n"
        "from pip._vendor.packaging.markers import Marker\n"
        "from pip._internal.models import installation_report\n"
        f"marker = Marker(\"python_version == '{target}'\")\n"
        "print(marker.evaluate(), installation_report.default_environment()['python_version'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=CHECKS, capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["True", target]


def test_refuses_a_target_that_is_not_a_python_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--dry-run", "install"]) == 2
    assert main(["3.11"]) == 2
    assert "usage" in capsys.readouterr().err
