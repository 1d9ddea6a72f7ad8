"""Imports every installed distribution's top-level modules with the image's own python, to prove they load.

Usage: <the image's python> import_check.py <site-packages folder>[:<folder>...] [--jobs <n>]
           [--only <distribution>,...] [--native-only] <module>...
Run by the builder under user-mode emulation for a platform it does not run on. Extra modules (Flower, the FL
runtime) must import; of the installed distributions', a failure to load native code fails the check, while a
module that needs an optional package it does not have only goes on the list of warnings.
Prints one JSON object: {"imported": [str], "failed": [{"module", "error"}], "warnings": [{"module", "error"}]}.

With --native-only, of the installed distributions only those with compiled code (a shared object in their RECORD)
are imported: a pure-Python wheel is the same file for every platform, and what it needs of compiled code is
another distribution's, imported for itself.

Several folders (the learner's environment and the aggregator's beside it) are one environment, in that order.

Emulated imports are slow and use one core each: after the first extra module (Flower, which most others import
too), `jobs` processes share the rest, each taking the next module when it is done with one.
"""

from __future__ import annotations

import importlib
import json
import os
import site
import struct
import sys
from pathlib import Path

# An import that fails with one of these cannot load its compiled code on this platform.
NATIVE_FAILURES = ("ELF", "shared object", "undefined symbol", "GLIBC", "Exec format", "wrong architecture", ".so")
SKIPPED = {"__pycache__", "_distutils_hack", "bin", "tests", "test"}

Report = dict[str, list]


def normalise(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def is_native(lines: list[str]) -> bool:
    """Whether a RECORD's files include compiled code: an extension module or a bundled shared library."""
    paths = (line.split(",", 1)[0] for line in lines)
    return any(path.endswith((".so", ".pyd")) or ".so." in path.rsplit("/", 1)[-1] for path in paths)


def top_level_modules(site_packages: Path, only: set[str] | None, native_only: bool = False) -> list[str]:
    """The top-level modules the distributions install (those named in `only`, if given; with compiled code, if
    `native_only`), read from RECORD files."""
    found = set()
    for record in site_packages.glob("*.dist-info/RECORD"):
        if only is not None and normalise(record.parent.name.split("-", 1)[0]) not in only:
            continue
        lines = record.read_text(encoding="utf-8").splitlines()
        if native_only and not is_native(lines):
            continue
        for line in lines:
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


def empty_report() -> Report:
    return {"imported": [], "failed": [], "warnings": []}


def import_required(names: list[str], report: Report) -> None:
    for name in names:
        error = try_import(name)
        (report["failed"].append({"module": name, "error": error}) if error else report["imported"].append(name))


def import_installed(names: list[str], report: Report) -> None:
    for name in names:
        error = try_import(name)
        if not error:
            report["imported"].append(name)
        elif any(sign in error for sign in NATIVE_FAILURES):
            report["failed"].append({"module": name, "error": error})
        else:
            report["warnings"].append({"module": name, "error": error})


# One module to import: whether it is required (any failure fails the check) or an installed distribution's.
Work = tuple[bool, str]
TASK = struct.Struct("=I")


def import_one(item: Work, report: Report) -> None:
    required, name = item
    (import_required if required else import_installed)([name], report)


def next_task(tasks: int, work: list[Work]) -> Work | None:
    """The module whose task number comes next from the pipe, or None when it is empty."""
    data = os.read(tasks, TASK.size)
    return work[TASK.unpack(data)[0]] if data else None


def in_child(tasks: int, work: list[Work]) -> tuple[int, int]:
    """
    Forks a process that imports modules by task number until none is left. It writes each module's name before
    importing it, so that a crash is known by the last name, and each module's result once it has one, so that a
    crash loses none of the modules the process imported before: (pid, read end of that output).
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        with os.fdopen(write, "w", encoding="utf-8") as out:
            item = next_task(tasks, work)
            while item is not None:
                out.write(json.dumps({"took": item[1]}) + "\n")
                out.flush()
                result = empty_report()
                import_one(item, result)
                out.write(json.dumps({"result": result}) + "\n")
                out.flush()
                item = next_task(tasks, work)
        os._exit(0)  # no atexit handlers or buffered output of the parent's, twice
    os.close(write)
    return pid, read


def collect(pid: int, read: int, report: Report) -> bool:
    """
    Adds a child's results; whether it ended cleanly. A child that died (a crash in native code) fails the module
    it was importing.
    """
    with os.fdopen(read, encoding="utf-8") as source:
        lines = [json.loads(line) for line in source.read().splitlines()]
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    for line in lines:
        for key in report:
            report[key].extend(line.get("result", {}).get(key, []))
    if code != 0 or (lines and "took" in lines[-1]):
        last = lines[-1]["took"] if lines and "took" in lines[-1] else "python"
        report["failed"].append({"module": last, "error": f"the import ended the process ({code})"})
        return False
    return True


def check(
    site_packages: str, required: list[str], only: set[str] | None, jobs: int, native_only: bool = False
) -> Report:
    """
    The first required module (Flower: what most others import too) loads before the processes fork; then each
    process takes the next module from a pipe of task numbers, so that a slow import holds up no fixed share.
    """
    folders = [folder for folder in site_packages.split(os.pathsep) if folder]
    for folder in folders:
        site.addsitedir(folder)
    report = empty_report()
    import_required(required[:1], report)
    names = sorted({name for folder in folders for name in top_level_modules(Path(folder), only, native_only)})
    # What is loaded already is counted, not imported again in every process.
    report["imported"].extend(name for name in names if name in sys.modules and name not in report["imported"])
    installed = [name for name in names if name not in sys.modules and name not in required]
    work: list[Work] = [(True, name) for name in required[1:]] + [(False, name) for name in installed]
    tasks, feed = os.pipe()
    # Written whole before anyone reads: a pipe holds 16 384 task numbers (64 KiB), far more modules than an image has.
    os.set_blocking(feed, False)
    numbers = b"".join(TASK.pack(index) for index in range(len(work)))
    if os.write(feed, numbers) != len(numbers):
        raise RuntimeError(f"{len(work)} modules to import: more than a pipe holds")
    os.close(feed)
    # Only the forked processes import: one that crashes in native code leaves this one to tell which module did it,
    # and a new process in its place takes the modules left (it ends at once when none is).
    running = [in_child(tasks, work) for _ in range(max(1, jobs))]
    while running:
        pid, read = running.pop(0)
        if not collect(pid, read, report):
            running.append(in_child(tasks, work))
    os.close(tasks)
    return report


def parse(arguments: list[str]) -> tuple[str, int, set[str] | None, bool, list[str]]:
    site_packages, rest = arguments[0], arguments[1:]
    jobs, only, native_only = 1, None, False
    while rest[:1] in (["--jobs"], ["--only"], ["--native-only"]):
        if rest[0] == "--native-only":
            native_only, rest = True, rest[1:]
            continue
        if rest[0] == "--jobs":
            jobs = int(rest[1])
        else:
            only = {normalise(name) for name in rest[1].split(",") if name}
        rest = rest[2:]
    return site_packages, jobs, only, native_only, rest


if __name__ == "__main__":
    folder, job_count, chosen, native, modules = parse(sys.argv[1:])
    print(json.dumps(check(folder, modules, chosen, job_count, native)))
    sys.exit(0)
