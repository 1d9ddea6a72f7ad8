"""Real services for the tests: a mosquitto broker, an observer, subprocess helpers."""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from flops_common.address import Address

TEMPLATES = Path(__file__).resolve().parent.parent
RUNTIME = TEMPLATES / "runtime"
EXAMPLE_REPO = TEMPLATES.parent / "examples" / "numpy-regression"
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Address]:
    port = free_port()
    conf = tmp_path_factory.mktemp("mosquitto") / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\n")
    process = subprocess.Popen([MOSQUITTO, "-c", str(conf)], stderr=subprocess.PIPE)
    try:
        wait_for_port(port)
        yield Address("127.0.0.1", port)
    finally:
        process.terminate()
        process.wait(timeout=10)


class Subscription:
    """Messages that arrive on one MQTT topic, decoded from JSON."""

    def __init__(self, broker: Address, topic: str) -> None:
        self.messages: queue.Queue[Any] = queue.Queue()
        subscribed = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2)
        self.client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
        self.client.on_subscribe = lambda *_: subscribed.set()
        self.client.on_message = lambda _c, _u, m: self.messages.put(json.loads(m.payload))
        self.client.connect(broker.host, broker.port)
        self.client.loop_start()
        assert subscribed.wait(5), "no SUBACK from the test broker"

    def next(self, timeout: float = 5.0) -> Any:
        return self.messages.get(timeout=timeout)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


Subscribe = Callable[[str], Subscription]


@pytest.fixture
def subscribe(broker: Address) -> Iterator[Subscribe]:
    subscriptions: list[Subscription] = []

    def make(topic: str) -> Subscription:
        subscriptions.append(Subscription(broker, topic))
        return subscriptions[-1]

    yield make
    for subscription in subscriptions:
        subscription.close()


class Observer(socketserver.ThreadingTCPServer):
    """Collects what each connection sends, as FLOps' observer would show it."""

    daemon_threads = True

    def __init__(self) -> None:
        # Connections are handled on their own threads, so lines may arrive in any
        # order; every line is kept so that waiting for one never drops another.
        self.lines: list[str] = []
        self.arrived = threading.Condition()
        super().__init__(("127.0.0.1", 0), ObserverHandler)

    def add(self, line: bytes) -> None:
        with self.arrived:
            self.lines.append(line.decode("utf-8"))
            self.arrived.notify_all()

    @property
    def address(self) -> Address:
        return Address("127.0.0.1", self.server_address[1])

    @property
    def hostport(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def wait_for(self, needle: str, timeout: float) -> str:
        """The first line received so far (or within ``timeout``) containing ``needle``."""

        def first_match() -> str | None:
            return next((line for line in self.lines if needle in line), None)

        with self.arrived:
            line = self.arrived.wait_for(first_match, timeout)
        if line is not None:
            return line
        raise AssertionError(f"the observer got no line containing {needle!r}")


class ObserverHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        assert isinstance(self.server, Observer)
        self.server.add(self.rfile.read())


@pytest.fixture
def observer() -> Iterator[Observer]:
    server = Observer()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def start_module(module: str, *args: str, cwd: Path, repo: Path = EXAMPLE_REPO,
                 extra_env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start ``python -m module args`` as the images do, with the repo on PYTHONPATH."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(RUNTIME), str(repo)]),
        "FLWR_TELEMETRY_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str]:
    """Wait for ``process``; return its exit code and output (killing it on timeout)."""
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        pytest.fail(f"{process.args!r} did not end within {timeout} s:\n{output[-4000:]}")
    return process.returncode, output
