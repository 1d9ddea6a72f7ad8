"""Publish a FLOps notification over MQTT and wait until the broker has it."""

import json
import logging
import threading
from collections.abc import Mapping
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from flops_common.address import Address
from flops_common.stop import signals_held

TIMEOUT_SECONDS = 5.0

log = logging.getLogger(__name__)


def publish(broker: Address, topic: str, payload: Mapping[str, Any]) -> bool:
    """Publish ``payload`` as JSON with QoS 1; return whether the broker acked it.

    Every wait is bounded so that a dead broker delays the caller by seconds,
    never hangs it: the notification is best effort, the training result is not.
    A stop signal waits for the publish to end (seconds at most), so that the
    client is never abandoned half set up.
    """
    with signals_held():
        return _publish(broker, topic, payload)


def _publish(broker: Address, topic: str, payload: Mapping[str, Any]) -> bool:
    connected = threading.Event()
    refusals: list[str] = []

    def on_connect(_c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            refusals.append(str(reason))
        connected.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2)
    client.connect_timeout = TIMEOUT_SECONDS
    client.on_connect = on_connect
    try:
        client.connect(broker.host, broker.port)
        client.loop_start()
        if not connected.wait(TIMEOUT_SECONDS):
            raise TimeoutError(f"no CONNACK within {TIMEOUT_SECONDS} s")
        if refusals:
            raise ConnectionRefusedError(f"the broker refused the connection: {refusals[0]}")
        info = client.publish(topic, json.dumps(payload), qos=1)
        info.wait_for_publish(TIMEOUT_SECONDS)
        if not info.is_published():
            raise TimeoutError(f"no PUBACK within {TIMEOUT_SECONDS} s")
    except (OSError, RuntimeError, ValueError) as error:
        log.warning(
            "Could not deliver %s to the MQTT broker at %s:%s: %s",
            topic,
            *broker,
            error,
        )
        return False
    finally:
        client.disconnect()
        client.loop_stop()
    log.info("Delivered %s to the MQTT broker", topic)
    return True
