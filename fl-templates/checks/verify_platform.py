"""Proves that an image's installed packages load on its platform, before the image is pushed.

Usage: python3 verify_platform.py --root-env <variable naming the mounted image> --elf-machine <n>
           [--qemu <qemu-user binary>] [--python-path <host folder>] [--only <distribution>,...] -- <module>...
With a user-mode emulator (nothing registered with the kernel), the image's own python imports the given modules
and every installed distribution's (import_check.py). Without one, every extension module's ELF machine is compared
with the platform's. Prints one JSON object: {"method": "qemu"|"elf", "checked": n, "failed": [...], "warnings": [...]}.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

VENV = "/opt/venv"
IMPORT_CHECK = Path(__file__).with_name("import_check.py")
EMULATED_SECONDS = 900
MAX_IMPORT_JOBS = 4


def inside(root: Path, path: str, hops: int = 40) -> Path:
    """`path` of the image, its symbolic links followed inside `root` (absolute links point into the image)."""
    current = Path(path)
    for _ in range(hops):
        host = root / current.relative_to("/")
        if not host.is_symlink():
            return host
        target = Path(os.readlink(host))
        current = target if target.is_absolute() else (current.parent / target)
        current = Path(os.path.normpath(current))
    raise RuntimeError(f"too many symbolic links from {path}")


def site_packages(root: Path) -> str:
    lib = root / VENV.lstrip("/") / "lib"
    found = sorted(lib.glob("python3.*/site-packages"))
    if not found:
        raise RuntimeError(f"{VENV} holds no site-packages")
    return "/" + str(found[0].relative_to(root))


def import_jobs() -> int:
    """Processes for the emulated imports: one per core this check may use (each is single-threaded), at most 4."""
    return max(1, min(MAX_IMPORT_JOBS, len(os.sched_getaffinity(0))))


def with_qemu(
    root: Path, qemu: str, python_path: str | None, only: str | None, modules: list[str]
) -> dict[str, object]:
    python = inside(root, f"{VENV}/bin/python")
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1", "LANG": "C.UTF-8"}
    if python_path:
        env["PYTHONPATH"] = python_path
    # -L makes the image the emulated program's root; paths it lacks (this script, the runtime) fall back to the host.
    chosen = ["--only", only] if only else []
    jobs = ["--jobs", str(import_jobs())]
    argv = [qemu, "-L", str(root), str(python), str(IMPORT_CHECK), site_packages(root), *jobs, *chosen, *modules]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=EMULATED_SECONDS, check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        return {"method": "qemu", "checked": 0, "failed": [{"module": "python", "error": tail}], "warnings": []}
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "method": "qemu",
        "checked": len(report["imported"]),
        "failed": report["failed"],
        "warnings": report["warnings"],
    }


def with_elf(root: Path, machine: int) -> dict[str, object]:
    failed: list[dict[str, str]] = []
    checked = 0
    for path in (root / VENV.lstrip("/")).rglob("*.so*"):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as file:
            header = file.read(20)
        if header[:4] != b"\x7fELF":
            continue
        checked += 1
        found = int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")
        if found != machine:
            failed.append({"module": str(path.relative_to(root)), "error": f"ELF machine {found}, not {machine}"})
    return {"method": "elf", "checked": checked, "failed": failed, "warnings": []}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    # A variable, not a path: rootless, the image is mounted inside `buildah unshare`, which names the path only there.
    parser.add_argument("--root-env", required=True, help="the environment variable holding the mounted image's path")
    parser.add_argument("--elf-machine", type=int, required=True)
    parser.add_argument("--qemu")
    parser.add_argument("--python-path")
    parser.add_argument("--only", help="the distributions to import (comma-separated): the image's own layer")
    parser.add_argument("modules", nargs="*")
    args = parser.parse_args(argv)
    root = Path(os.environ[args.root_env])
    if args.qemu:
        report = with_qemu(root, args.qemu, args.python_path, args.only, args.modules)
    else:
        report = with_elf(root, args.elf_machine)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
