"""Imports every installed distribution's top-level modules with the image's own python, to prove they load.

Usage: <the image's python> import_check.py <site-packages folder> [--only <distribution>,...] <module>...
Run by the builder under user-mode emulation for a platform it does not run on. Extra modules (Flower, the FL
runtime) must import; of the installed distributions', a failure to load native code fails the check, while a
module that needs an optional package it does not have only goes on the list of warnings.
Prints one JSON object: {"imported": [str], "failed": [{"module", "error"}], "warnings": [{"module", "error"}]}.
"""

from __future__ import annotations

import importlib
import json
import site
import sys
from pathlib import Path
from typing import Dict, List, Optional, Set

# An import that fails with one of these cannot load its compiled code on this platform.
NATIVE_FAILURES = ("ELF", "shared object", "undefined symbol", "GLIBC", "Exec format", "wrong architecture", ".so")
SKIPPED = {"__pycache__", "_distutils_hack", "bin", "tests", "test"}


def normalise(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def top_level_modules(site_packages: Path, only: Optional[Set[str]]) -> List[str]:
    """The top-level modules the distributions install (those named in `only`, if given), read from RECORD files."""
    found = set()
    for record in site_packages.glob("*.dist-info/RECORD"):
        if only is not None and normalise(record.parent.name.split("-", 1)[0]) not in only:
            continue
        for line in record.read_text(encoding="utf-8").splitlines():
            path = line.split(",", 1)[0]
            first = path.split("/", 1)[0]
            if first.endswith((".dist-info", ".data")) or first.startswith(("..", "/")):
                continue
            if "/" in path and path.endswith(".py"):
                found.add(first)
            elif path.endswith(".py") or ".cpython-" in path or path.endswith((".abi3.so", ".so")):
                found.add(first.split(".", 1)[0])
    return sorted(name for name in found if name.isidentifier() and name not in SKIPPED)


def try_import(name: str) -> str:
    try:
        importlib.import_module(name)
    except BaseException as error:  # a module's import may raise anything, SystemExit included
        return f"{type(error).__name__}: {error}"
    return ""


def main(site_packages: str, required: List[str], only: Optional[Set[str]]) -> int:
    site.addsitedir(site_packages)
    imported: List[str] = []
    failed: List[Dict[str, str]] = []
    warnings: List[Dict[str, str]] = []
    for name in required:
        error = try_import(name)
        (failed.append({"module": name, "error": error}) if error else imported.append(name))
    for name in top_level_modules(Path(site_packages), only):
        error = try_import(name)
        if not error:
            imported.append(name)
        elif any(sign in error for sign in NATIVE_FAILURES):
            failed.append({"module": name, "error": error})
        else:
            warnings.append({"module": name, "error": error})
    print(json.dumps({"imported": imported, "failed": failed, "warnings": warnings}))
    return 0


if __name__ == "__main__":
    arguments = sys.argv[2:]
    chosen: Optional[Set[str]] = None
    if arguments[:1] == ["--only"]:
        chosen = {normalise(name) for name in arguments[1].split(",") if name}
        arguments = arguments[2:]
    sys.exit(main(sys.argv[1], arguments, chosen))
