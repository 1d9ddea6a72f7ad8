"""Start a real S3-compatible server for tests: moto's server.

moto[server] runs from a virtual environment made once and cached in
``${FLOPS_TEST_CACHE:-~/.cache/flops-image-builder}/moto-venv`` (by uv, which the
test venv has), on 127.0.0.1. It keeps its buckets in memory, checks that a
request is signed with a known key pair only when told to (the tests set
``MOTO_...`` nothing: moto accepts any key, so a "wrong key" is tested against
a bucket policy-free access check the server does support: see s3-sources).

Usage: python s3_server.py --port N
Prints ``ready <port>`` once the server answers (port 0 picks a free one);
SIGTERM or SIGINT stops the server and exits 0.
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

PINS = ("moto[server]==5.1.18",)
START_TIMEOUT_SECONDS = 60.0


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "flops-image-builder"
    return Path(os.environ.get("FLOPS_TEST_CACHE") or default)


def moto_venv() -> Path:
    """The cached venv with PINS, made first if missing or made with other pins."""
    venv = cache_dir() / "moto-venv"
    marker = venv / ".flops-pins"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / "moto-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test process may be making it too
        if not marker.is_file() or marker.read_text() != "\n".join(PINS):
            shutil.rmtree(venv, ignore_errors=True)
            uv = [sys.executable, "-m", "uv"]
            subprocess.run([*uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
            subprocess.run(
                [*uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), *PINS],
                check=True,
            )
            marker.write_text("\n".join(PINS))
    return venv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    port = args.port or free_port()
    server = subprocess.Popen(
        [str(moto_venv() / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        start_new_session=True,
    )

    stopping = []

    def stop(_signum: int, _frame: Optional[FrameType]) -> None:
        stopping.append(True)
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not answers(port):
        if server.poll() is not None:
            if stopping:
                return 0
            print(f"moto server exited with status {server.returncode}", file=sys.stderr)
            return 1
        if time.monotonic() > deadline:
            print(f"moto server did not answer within {START_TIMEOUT_SECONDS:g} s", file=sys.stderr)
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
            return 1
        time.sleep(0.2)
    print(f"ready {port}", flush=True)
    status = server.wait()
    return 0 if stopping else status


if __name__ == "__main__":
    sys.exit(main())
