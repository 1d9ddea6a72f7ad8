"""Runs pip with environment markers evaluated for the image's python, not for the python running pip.

Usage: python3 -I pip_for_target.py <target python, e.g. 3.12.99> <pip arguments...>

pip's --python-version chooses wheels and checks Requires-Python for the target, but evaluates markers
such as `numpy==1.24.4; python_version < "3.12"` against the interpreter that runs it, and its maintainers
keep it that way (https://github.com/pypa/pip/issues/10050). The builder runs pip on its own python for
images of another one, so this sets the python fields of the marker environment to the target's before
pip starts. The report pip writes then shows that environment too.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

TARGET_PYTHON = re.compile(r"3\.\d{1,2}(\.\d{1,3})?")


def target_environment(python: str, host: dict[str, str]) -> dict[str, str]:
    """The host's marker environment with the target's python version (`3.12` or `3.12.99`; a missing patch is 0)."""
    major, minor, *patch = python.split(".")
    full = f"{major}.{minor}.{patch[0] if patch else 0}"
    return {
        **host,
        "python_version": f"{major}.{minor}",
        "python_full_version": full,
        "implementation_version": full,
    }


def use_target_markers(python: str) -> None:
    """Makes every marker pip evaluates from now on see the target python."""
    from pip._internal.models import installation_report
    from pip._vendor.packaging import markers

    environment = target_environment(python, dict(markers.default_environment()))
    replacement: Callable[[], dict[str, str]] = lambda: dict(environment)  # noqa: E731
    # Marker.evaluate looks default_environment up in its module at each call; the report imported it by name.
    markers.default_environment = replacement
    installation_report.default_environment = replacement


def main(argv: list[str]) -> int:
    if len(argv) < 2 or not TARGET_PYTHON.fullmatch(argv[0]):
        print("usage: pip_for_target.py <3.X[.Y]> <pip arguments...>", file=sys.stderr)
        return 2
    use_target_markers(argv[0])
    from pip._internal.cli.main import main as pip_main

    return pip_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
