"""Proves that an image's installed packages load on its platform, before the image is pushed.

Usage: python3 verify_platform.py --root-env <variable naming the mounted image> [--venv-env <variable>]...
           --elf-machine <n> [--qemu <qemu-user binary>] [--python-path <host folder>] [--only <distribution>,...]
           -- <module>...
With a user-mode emulator (nothing registered with the kernel), the image's own python imports the given modules
and every installed distribution's (import_check.py). Without one, every extension module's ELF machine is compared
with the platform's. Prints one JSON object: {"method": "qemu"|"elf", "checked": n, "failed": [...], "warnings": [...]}.

The environment (/opt/venv) may come from other mounted roots (--venv-env, in order) than the platform's base
(--root-env): the install stages that made it, on the build's platform, before their layers are assembled on the
target's base (the learner's environment, then the aggregator's beside it). The python and the system libraries are
the base's; the packages are the install stages', the same files as the layers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

VENV = "/opt/venv"
IMPORT_CHECK = Path(__file__).with_name("import_check.py")
EMULATED_SECONDS = 900
MAX_IMPORT_JOBS = 4


@dataclass(frozen=True)
class Image:
    """The mounted roots: the platform's (python, system libraries) and those holding the environment."""

    root: Path
    venv_roots: tuple[Path, ...]

    def host_path(self, path: str) -> Path:
        """Where `path` of the image is on this host: under /opt/venv in the first environment, else the base's."""
        inside_venv = path == VENV or path.startswith(VENV + "/")
        return (self.venv_roots[0] if inside_venv else self.root) / Path(path).relative_to("/")


def inside(image: Image, path: str, hops: int = 40) -> Path:
    """`path` of the image, its symbolic links followed inside the image (absolute links point into the image)."""
    current = Path(path)
    for _ in range(hops):
        host = image.host_path(str(current))
        if not host.is_symlink():
            return host
        target = Path(os.readlink(host))
        current = target if target.is_absolute() else (current.parent / target)
        current = Path(os.path.normpath(current))
    raise RuntimeError(f"too many symbolic links from {path}")


def site_packages(image: Image) -> str:
    """The environments' site-packages as the emulated python opens them, joined by ":": paths of the image when the
    environment is the image's own, else host paths into the environments' roots (qemu's -L falls back to the host
    for what the image lacks)."""
    folders: list[str] = []
    for venv_root in image.venv_roots:
        found = sorted((venv_root / VENV.lstrip("/") / "lib").glob("python3.*/site-packages"))
        if not found:
            raise RuntimeError(f"{VENV} holds no site-packages in {venv_root}")
        folders.append("/" + str(found[0].relative_to(image.root)) if venv_root == image.root else str(found[0]))
    return os.pathsep.join(folders)


def import_jobs() -> int:
    """Processes for the emulated imports: one per core this check may use (each is single-threaded), at most 4."""
    return max(1, min(MAX_IMPORT_JOBS, len(os.sched_getaffinity(0))))


def with_qemu(
    image: Image, qemu: str, python_path: str | None, only: str | None, modules: list[str]
) -> dict[str, object]:
    python = inside(image, f"{VENV}/bin/python")
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1", "LANG": "C.UTF-8"}
    if python_path:
        env["PYTHONPATH"] = python_path
    # -L makes the image the emulated program's root; paths it lacks (this script, the runtime) fall back to the host.
    chosen = ["--only", only] if only else []
    jobs = ["--jobs", str(import_jobs())]
    # Pure-Python wheels are the same files on every platform: of the installed distributions, only those with
    # compiled code are imported (import_check.py); the required modules import whatever they use.
    checked = [site_packages(image), *jobs, "--native-only", *chosen]
    argv = [qemu, "-L", str(image.root), str(python), str(IMPORT_CHECK), *checked, *modules]
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


def with_elf(image: Image, machine: int) -> dict[str, object]:
    failed: list[dict[str, str]] = []
    checked = 0
    libraries = [(root, path) for root in image.venv_roots for path in (root / VENV.lstrip("/")).rglob("*.so*")]
    for root, path in libraries:
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
    parser.add_argument("--venv-env", action="append", help="a variable holding a root whose /opt/venv is checked")
    parser.add_argument("--elf-machine", type=int, required=True)
    parser.add_argument("--qemu")
    parser.add_argument("--python-path")
    parser.add_argument("--only", help="the distributions to import (comma-separated): the image's own layer")
    parser.add_argument("modules", nargs="*")
    args = parser.parse_args(argv)
    root = Path(os.environ[args.root_env])
    venv_roots = tuple(Path(os.environ[variable]) for variable in args.venv_env or [])
    image = Image(root, venv_roots or (root,))
    if args.qemu:
        report = with_qemu(image, args.qemu, args.python_path, args.only, args.modules)
    else:
        report = with_elf(image, args.elf_machine)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
