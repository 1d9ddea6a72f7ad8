"""Real services for the tests: mosquitto, an observer, the Flight data server, an MLflow server."""

from __future__ import annotations

import json
import queue
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, Callable

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from flops_common.address import Address
from roles import TEST_SERVERS, Running, start_server

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
# Data tags on the test's Flight server: two MNIST-shaped learners' worth and a CIFAR-shaped one.
MNIST_TAGS = ("mnist-a", "mnist-b")
CIFAR_TAG = "cifar"


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

    def empty(self) -> bool:
        return self.messages.empty()

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

    def wait_for(self, needle: str, timeout: float, count: int = 1) -> str:
        """The ``count``-th line received so far (or within ``timeout``) containing ``needle``."""

        def nth_match() -> str | None:
            matches = [line for line in self.lines if needle in line]
            return matches[count - 1] if len(matches) >= count else None

        with self.arrived:
            line = self.arrived.wait_for(nth_match, timeout)
        if line is not None:
            return line
        raise AssertionError(f"the observer got fewer than {count} line(s) with {needle!r}: {self.lines}")


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


@pytest.fixture(scope="session")
def flight_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Address]:
    """The Flight data server holding MNIST_TAGS (one of them in two partitions) and CIFAR_TAG."""
    data = tmp_path_factory.mktemp("ml-data")
    for tag, shape, rows, partitions in (
        (MNIST_TAGS[0], "mnist", 200, 2),
        (MNIST_TAGS[1], "mnist", 200, 1),
        (CIFAR_TAG, "cifar", 20, 1),
    ):
        subprocess.run(
            [
                sys.executable,
                str(TEST_SERVERS / "make_datasets.py"),
                "--data-dir",
                str(data),
                "--shape",
                shape,
                "--tag",
                tag,
                "--rows",
                str(rows),
                "--partitions",
                str(partitions),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    server, port = start_server("flight_data_server.py", "--port", "0", "--data-dir", str(data), timeout=60)
    yield Address("127.0.0.1", port)
    server.stop()


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real MLflow 2.x tracking server (made once into the test cache; minutes the first time)."""
    server, port = start_server("mlflow_server.py", "--port", "0", "--dir", str(tmp_path_factory.mktemp("mlflow")))
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def processes() -> Iterator[list[Running]]:
    """Register started roles here: whatever a test leaves running is killed."""
    started: list[Running] = []
    yield started
    for process in started:
        process.kill()
