"""Tell people (the observer) and the FLOps manager (MQTT) how a role is doing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flops_common.address import Address
from flops_common.mqtt import publish
from flops_common.observer import notify_observer


@dataclass(frozen=True)
class Reporter:
    project_id: str
    role: str
    mqtt: Address
    observer: Address
    # Off with --deactivate-notifications: then nothing leaves the process, as upstream.
    enabled: bool = True

    def tell(self, text: str) -> None:
        """One line for the people watching the project."""
        if self.enabled:
            notify_observer(self.observer, f"[{self.project_id}] {self.role}: {text}")

    def publish(self, topic: str, payload: Mapping[str, Any]) -> bool:
        """``payload`` plus ``flops_project_id`` to the manager; whether the broker has it."""
        if not self.enabled:
            return False
        return publish(self.mqtt, topic, {"flops_project_id": self.project_id, **payload})
