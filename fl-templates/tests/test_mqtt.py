import socket
import subprocess
import time
from pathlib import Path

import pytest
from conftest import MOSQUITTO, Subscribe, free_port, wait_for_port

import flops_common.mqtt
from flops_common.address import Address
from flops_common.mqtt import publish


def test_publishes_json_and_gets_the_ack(broker: Address, subscribe: Subscribe) -> None:
    messages = subscribe("flops_manager/test")
    assert publish(broker, "flops_manager/test", {"flops_project_id": "p1", "n": [1, 2]})
    assert messages.next() == {"flops_project_id": "p1", "n": [1, 2]}


def test_a_dead_broker_returns_false_quickly() -> None:
    started = time.monotonic()
    assert not publish(Address("127.0.0.1", free_port()), "t", {})
    assert time.monotonic() - started < 2


def test_a_refusing_broker_returns_false_with_its_reason(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous false\n")
    broker = subprocess.Popen([MOSQUITTO, "-c", str(conf)], stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        started = time.monotonic()
        assert not publish(Address("127.0.0.1", port), "t", {})
        assert time.monotonic() - started < 2
        assert "refused" in caplog.text
    finally:
        broker.terminate()
        broker.wait(timeout=10)


def test_a_silent_broker_costs_the_timeout_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flops_common.mqtt, "TIMEOUT_SECONDS", 0.5)
    with socket.socket() as silent:  # accepts TCP (backlog), never answers MQTT
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        started = time.monotonic()
        assert not publish(Address("127.0.0.1", silent.getsockname()[1]), "t", {})
        assert time.monotonic() - started < 2
