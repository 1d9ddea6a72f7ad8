"""Start a real S3-compatible server for tests: moto's server.

moto[server] runs from a virtual environment made once and cached in
``${FLOPS_TEST_CACHE:-~/.cache/flops-image-builder}/moto-venv`` (by uv, which the
test venv has), on 127.0.0.1, keeping its buckets in memory. moto accepts any
key unless told to check: here it is (INITIAL_NO_AUTH_ACTION_COUNT), and the
first requests make an IAM user with a key pair allowed everything in S3, so
that a wrong key is refused as AWS refuses it. With --any-key it checks none:
moto 5.1's check refuses a ListObjectsV2 whose prefix holds "/" (it signs the
query differently), which MLflow's artifact listing needs.

Usage: python s3_server.py --port N
Prints ``key <access key id> <secret access key>``, then ``ready <port>`` once
the server checks keys (port 0 picks a free one); SIGTERM or SIGINT stops the
server and exits 0.
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
# The requests that make the user, its key and its policy, before keys are checked.
SETUP_ACTIONS = 3
SETUP = """
import sys, json, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="setup", aws_secret_access_key="setup")
iam.create_user(UserName="flops")
key = iam.create_access_key(UserName="flops")["AccessKey"]
policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
iam.put_user_policy(UserName="flops", PolicyName="all", PolicyDocument=json.dumps(policy))
print(key["AccessKeyId"], key["SecretAccessKey"])
"""
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
    parser.add_argument("--any-key", action="store_true", help="accept any key pair (no IAM check)")
    args = parser.parse_args()
    port = args.port or free_port()
    venv = moto_venv()
    env = {**os.environ}
    if not args.any_key:
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(SETUP_ACTIONS)
    server = subprocess.Popen(
        [str(venv / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        start_new_session=True,  # its own process group, stopped as one
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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
    if args.any_key:
        print("key flops-test-key flops-test-secret-key", flush=True)
        print(f"ready {port}", flush=True)
        status = server.wait()
        return 0 if stopping else status
    made = subprocess.run(
        [str(venv / "bin" / "python"), "-c", SETUP, f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=False,
    )
    if made.returncode != 0:
        print(f"making the S3 user failed: {made.stderr}", file=sys.stderr)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
        return 1
    print(f"key {made.stdout.strip()}", flush=True)
    print(f"ready {port}", flush=True)
    status = server.wait()
    return 0 if stopping else status


if __name__ == "__main__":
    sys.exit(main())
