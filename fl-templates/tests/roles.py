"""Processes as the images run them: long-running children whose output tests wait on."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent
RUNTIME = TEMPLATES / "runtime"
PROJECT = TEMPLATES.parent
FLOPS_REPOS = PROJECT / "test" / "fixtures" / "flops-repos"
SERVERS = PROJECT / "scripts" / "servers"
# make_datasets.py is the tests' alone.
TEST_SERVERS = PROJECT / "test" / "servers"
BASE_ENV = {"FLWR_TELEMETRY_ENABLED": "0", "PYTHONUNBUFFERED": "1"}


class Running:
    """A child process whose combined output is collected line by line as it comes."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    @property
    def output(self) -> str:
        with self.changed:
            return "".join(self.lines)

    def wait_for(self, needle: str, timeout: float = 60) -> str:
        """The first output line containing ``needle``; fails if the process ends or the time runs out first."""

        def found() -> str | None:
            line = next((line for line in self.lines if needle in line), None)
            if line is None and not self.reader.is_alive():
                return f"exited:{self.process.poll()}"
            return line

        with self.changed:
            line = self.changed.wait_for(found, timeout)
        if line is None or line.startswith("exited:"):
            raise AssertionError(
                f"{self.process.args!r} printed no line with {needle!r} ({line or 'timed out'}):\n{self.output[-4000:]}"
            )
        return line

    def finish(self, timeout: float = 120) -> tuple[int, str]:
        """Wait for the exit; return the status and the output (killing the process on timeout)."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"{self.process.args!r} did not end within {timeout} s:\n{self.output[-4000:]}"
            ) from None
        self.reader.join(timeout=10)
        return code, self.output

    def stop(self, timeout: float = 60) -> tuple[int, str]:
        """SIGTERM, as the orchestrator stops a container; then as finish()."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.finish(timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class ImageLayout:
    """A folder laid out like a learner or aggregator image, with the repo at ``repo``.

    ``lib`` is /opt/flops/lib, ``stand_ins`` /opt/flops/stand-ins (learner only),
    ``entry`` /opt/flops/<role> with main.py (the image's WORKDIR).
    """

    def __init__(self, root: Path, role: str, repo: Path) -> None:
        self.role = role
        self.repo = repo
        self.lib = root / role / "lib"
        self.stand_ins = root / role / "stand-ins"
        self.entry = root / role / "entry"
        self.lib.mkdir(parents=True)
        for package in ("flops_common", "flops_utils", f"flops_{role}"):
            (self.lib / package).symlink_to(RUNTIME / package, target_is_directory=True)
        if role == "learner":
            self.stand_ins.mkdir()
            (self.stand_ins / "mlflow").symlink_to(RUNTIME / "stand-ins" / "mlflow", target_is_directory=True)
        self.entry.mkdir()
        shutil.copy(RUNTIME / "entry" / role / "main.py", self.entry / "main.py")

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        path = [self.lib, *([self.stand_ins] if self.role == "learner" else []), self.repo]
        return {
            **os.environ,
            **BASE_ENV,
            "PYTHONPATH": os.pathsep.join(str(p) for p in path),
            "FLOPS_REPO_DIR": str(self.repo),
            **(extra or {}),
        }

    def start(self, *args: str, env: dict[str, str] | None = None) -> Running:
        """``python main.py args…`` in the entry folder, as the FLOps manager starts the image."""
        return Running([sys.executable, "main.py", *args], self.entry, self.env(env))


def copy_repo(name: str, into: Path) -> Path:
    """A fresh copy of a FLOps-style fixture repo (the roles write next to it, e.g. mlruns/)."""
    target = into / name
    shutil.copytree(FLOPS_REPOS / name, target)
    return target


def start_server(
    script: str, *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> tuple[Running, int]:
    """Start one of scripts/servers/ and return it with the port of its ``ready <port>`` line."""
    server = Running([sys.executable, str(SERVERS / script), *args], PROJECT, {**os.environ, **(env or {})})
    try:
        line = server.wait_for("ready ", timeout)
    except AssertionError:
        server.kill()
        raise
    return server, int(line.split()[-1])
