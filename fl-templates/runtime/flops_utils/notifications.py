"""Notify the project's observer (people) and the FLOps manager (MQTT).

Unlike upstream, the MQTT message is confirmed by the broker (QoS 1) before
this returns, and every wait is bounded; an unreachable receiver is logged,
never raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flops_common.address import parse_address
from flops_common.cli import MQTT_DEFAULT_PORT, OBSERVER_DEFAULT_PORT
from flops_common.mqtt import publish
from flops_common.observer import notify_observer
from flops_utils.mqtt_topics import SupportedTopic


def notify_project_observer(project_observer_ip: str, msg: str) -> None:
    """Send ``msg`` to the observer at ``host`` (port 2727) or ``host:port``."""
    notify_observer(parse_address(project_observer_ip, OBSERVER_DEFAULT_PORT), msg)


def notify_flops_manager(
    flops_project_id: str,
    mqtt_ip: str,
    topic: SupportedTopic | str,
    msg_payload: Mapping[str, Any] | None = None,
    error_msg: str = "",
    mqtt_port: int = MQTT_DEFAULT_PORT,
) -> bool:
    """Publish ``msg_payload`` plus ``flops_project_id`` (and ``error_msg`` if any) as JSON.

    Returns whether the broker acknowledged it.
    """
    payload = {
        **(msg_payload or {}),
        "flops_project_id": flops_project_id,
        **({"error_msg": error_msg} if error_msg else {}),
    }
    name = topic.value if isinstance(topic, SupportedTopic) else topic
    return publish(parse_address(mqtt_ip, mqtt_port), name, payload)
