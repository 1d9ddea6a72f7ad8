"""Lists what an environment lets code import: the python's standard library and each installed distribution's modules.

Usage: <the environment's python> -B -I -S installed_modules.py <prefix>...
Run by the dependency Containerfiles right after installing, with the image's own python (the build platform's,
never emulated), on each install prefix (the learner's venv, the aggregator's beside it). It reads files only: `-S`
keeps the installed packages' `.pth` files from running, and nothing is imported.
Prints one JSON object:
  {"python": "3.11.2", "stdlib": [str],
   "distributions": [{"name", "version", "modules": [str]}],
   "unowned": [str]}
``modules`` are a distribution's top-level modules, read from its RECORD (else top_level.txt): the files it
installed, so a module named unlike its distribution (sklearn, cv2, PIL, yaml) is found without a table.
``unowned`` are modules in site-packages that no distribution claims (importable all the same).
"""

from __future__ import annotations

import json
import pkgutil
import sys
from collections.abc import Iterable
from pathlib import Path

# Metadata folders and the like: importable by name, never an import a repo means.
NOT_MODULES = {"__pycache__", "bin", "include", "share"}


def stdlib() -> list[str]:
    """This python's own module names: sys.stdlib_module_names (3.10+); before that, what the interpreter has built in
    and what its standard-library folders hold, as that list is made."""
    names = getattr(sys, "stdlib_module_names", None)
    if names is not None:
        return sorted(names)
    found: set[str] = set(sys.builtin_module_names)
    # The interpreter's own folders on sys.path (library, lib-dynload, its zip), never an environment's packages.
    bases = (sys.base_prefix, sys.base_exec_prefix)
    folders = [
        entry
        for entry in sys.path
        if entry.startswith(bases) and not any(part in entry for part in ("site-packages", "dist-packages"))
    ]
    found.update(module.name for module in pkgutil.iter_modules(folders))
    return sorted(found)


def module_of(path: str) -> str:
    """The top-level module a RECORD path installs (`numpy/core/x.py` → numpy, `six.py` → six), or ""."""
    first = path.split("/", 1)[0]
    if first.endswith((".dist-info", ".egg-info", ".data", ".pth")) or first.startswith(("..", "/")):
        return ""
    if "/" in path:
        return first if first.isidentifier() else ""
    for suffix in (".py", ".pyc", ".so", ".pyd"):
        if first.endswith(suffix):
            name = first.split(".", 1)[0]
            return name if name.isidentifier() else ""
    return ""


def record_modules(info: Path) -> set[str]:
    record = info / "RECORD"
    if record.is_file():
        lines = record.read_text(encoding="utf-8", errors="replace").splitlines()
        return {name for name in (module_of(line.split(",", 1)[0]) for line in lines) if name} - NOT_MODULES
    top_level = info / "top_level.txt"
    if top_level.is_file():
        return {line.strip().split("/", 1)[0] for line in top_level.read_text().splitlines() if line.strip()}
    return set()


def metadata_field(info: Path, field: str) -> str:
    for name in ("METADATA", "PKG-INFO"):
        path = info / name
        if path.is_file():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith(f"{field}:"):
                    return line.split(":", 1)[1].strip()
                if not line:
                    break
    return ""


def present(site_packages: Path) -> set[str]:
    """What `import <name>` finds in the folder: packages (namespace ones too), modules, extension modules."""
    names: set[str] = set()
    for entry in site_packages.iterdir():
        name = entry.name if entry.is_dir() else entry.name.split(".", 1)[0]
        if entry.is_dir() or entry.suffix in (".py", ".so", ".pyd"):
            if name.isidentifier() and name not in NOT_MODULES:
                names.add(name)
    return names


def site_folders(prefixes: Iterable[str]) -> list[Path]:
    return sorted(folder for prefix in prefixes for folder in Path(prefix).glob("lib/python*/site-packages"))


def listing(prefixes: list[str]) -> dict[str, object]:
    distributions = []
    claimed: set[str] = set()
    here: set[str] = set()
    # A distribution in two prefixes (an aggregator environment made from the learner's, without a lock) once.
    seen: set[str] = set()
    for folder in site_folders(prefixes):
        here.update(present(folder))
        for info in sorted([*folder.glob("*.dist-info"), *folder.glob("*.egg-info")]):
            if info.name in seen:
                continue
            seen.add(info.name)
            modules = record_modules(info)
            claimed.update(modules)
            name = metadata_field(info, "Name") or info.name.split("-", 1)[0]
            version = metadata_field(info, "Version")
            distributions.append({"name": name, "version": version, "modules": sorted(modules)})
    return {
        "python": ".".join(str(part) for part in sys.version_info[:3]),
        "stdlib": stdlib(),
        "distributions": distributions,
        "unowned": sorted(here - claimed),
    }


if __name__ == "__main__":
    print(json.dumps(listing(sys.argv[1:]), separators=(",", ":")))
