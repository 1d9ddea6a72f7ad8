import time

from conftest import free_port
from flops_common.address import Address
from flops_common.mqtt import publish


def test_publishes_json_and_gets_the_ack(broker: Address, subscribe) -> None:
    messages = subscribe("flops_manager/test")
    assert publish(broker, "flops_manager/test", {"flops_project_id": "p1", "n": [1, 2]})
    assert messages.next() == {"flops_project_id": "p1", "n": [1, 2]}


def test_a_dead_broker_returns_false_quickly() -> None:
    started = time.monotonic()
    assert not publish(Address("127.0.0.1", free_port()), "t", {})
    assert time.monotonic() - started < 2
