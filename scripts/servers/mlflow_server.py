"""Start a real MLflow 2.x tracking server for tests, as FLOps' tracking server runs.

Upstream's server is MLflow 2.12 with a database backend and proxied artifacts
(``mlflow-artifacts:``); this one runs MLflow 2.22.5 (or ``--mlflow VERSION``) from a
virtual environment made once and cached in
``${FLOPS_TEST_CACHE:-~/.cache/flops-image-builder}/mlflow-venv-VERSION`` (by uv,
which the test venv has), with a sqlite backend ``<dir>/mlflow.db`` and artifacts
under ``<dir>/artifacts`` (or ``--artifacts s3://…``, proxied, or read and written by the
clients themselves with ``--no-serve-artifacts``), on 127.0.0.1. The venv also holds scikit-learn, so that
its python logs models as an MLflow of that version does (test/servers/log_models.py).

Usage: python mlflow_server.py --port N --dir D [--mlflow VERSION] [--artifacts URI [--no-serve-artifacts]]
Prints ``python <venv python>`` and then ``ready <port>`` once /health answers (port 0
picks a free one); SIGTERM or SIGINT stops the server and exits 0.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType
from typing import Optional

# The aggregator's client is MLflow 2.x, as upstream's tracking server. SQLAlchemy 2.1
# came after MLflow 2; MLflow before 2.13 imports pkg_resources, which setuptools 81
# dropped; scikit-learn 1.5 has wheels for numpy 1 and 2 (MLflow 2.12 needs 1).
DEFAULT_MLFLOW = "2.22.5"
SKLEARN = "scikit-learn==1.5.2"
# Artifacts in S3 need boto3, in a venv of its own so that the plain one stays as other tests made it.
BOTO3 = "boto3==1.44.18"


def pins(version: str, s3: bool) -> tuple[str, ...]:
    major, minor = (int(part) for part in version.split(".")[:2])
    sqlalchemy = ("sqlalchemy==2.0.58",) if major == 2 else ()
    setuptools = ("setuptools<81",) if (major, minor) < (2, 13) else ()
    boto3 = (BOTO3,) if s3 else ()
    return (f"mlflow=={version}", *sqlalchemy, *setuptools, SKLEARN, *boto3)
START_TIMEOUT_SECONDS = 180.0


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "flops-image-builder"
    return Path(os.environ.get("FLOPS_TEST_CACHE") or default)


def mlflow_venv(version: str, s3: bool) -> Path:
    """The cached venv with ``pins(version, s3)``, made first if missing or made with other pins."""
    venv = cache_dir() / f"mlflow-{'s3-' if s3 else ''}venv-{version}"
    marker = venv / ".flops-pins"
    wanted = pins(version, s3)
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test process may be making it too
        if not marker.is_file() or marker.read_text() != "\n".join(wanted):
            shutil.rmtree(venv, ignore_errors=True)
            uv = [sys.executable, "-m", "uv"]
            subprocess.run([*uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
            subprocess.run(
                [*uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), *wanted],
                check=True,
            )
            marker.write_text("\n".join(wanted))
    return venv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True, help="holds mlflow.db and artifacts/")
    parser.add_argument("--mlflow", default=DEFAULT_MLFLOW, help=f"MLflow version (default {DEFAULT_MLFLOW})")
    parser.add_argument("--artifacts", help="where artifacts go (an s3:// URI); default <dir>/artifacts")
    parser.add_argument(
        "--no-serve-artifacts",
        action="store_true",
        help="clients read and write the artifacts themselves (--default-artifact-root)",
    )
    args = parser.parse_args()
    port = args.port or free_port()
    data = args.dir.resolve()
    data.mkdir(parents=True, exist_ok=True)
    artifacts = args.artifacts or str(data / "artifacts")
    venv = mlflow_venv(args.mlflow, artifacts.startswith("s3://"))
    artifact_args = (
        ["--no-serve-artifacts", "--default-artifact-root", artifacts]
        if args.no_serve_artifacts
        else ["--serve-artifacts", "--artifacts-destination", artifacts]
    )
    server = subprocess.Popen(
        [
            str(venv / "bin" / "mlflow"), "server",
            "--backend-store-uri", f"sqlite:///{data / 'mlflow.db'}",
            *artifact_args,
            "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        ],
        start_new_session=True,  # its own process group: gunicorn and its worker stop together
    )

    stopping = []

    def stop(_signum: int, _frame: Optional[FrameType]) -> None:
        # Only signal here: the main thread's wait() reaps the server.
        stopping.append(True)
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not healthy(port):
        if server.poll() is not None:
            if stopping:
                return 0
            print(f"mlflow server exited with status {server.returncode}", file=sys.stderr)
            return 1
        if time.monotonic() > deadline:
            print(f"mlflow server did not answer within {START_TIMEOUT_SECONDS:g} s", file=sys.stderr)
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
            return 1
        time.sleep(0.5)
    print(f"python {venv / 'bin' / 'python'}\nready {port}", flush=True)
    status = server.wait()
    return 0 if stopping else status


if __name__ == "__main__":
    sys.exit(main())
