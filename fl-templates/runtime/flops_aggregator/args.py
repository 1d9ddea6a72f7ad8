"""Command line of ``python -m flops_aggregator``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

from flops_common.address import Address
from flops_common.cli import add_common_arguments, port, positive_int

DEFAULT_PORT = 8080
NO_TRACKING = "-"


@dataclass(frozen=True)
class AggregatorArgs:
    project_id: str
    mqtt: Address
    observer: Address
    tracking_uri: str | None
    rounds: int
    min_available_clients: int
    min_fit_clients: int
    min_evaluate_clients: int
    port: int
    notify: bool


def tracking_uri(text: str) -> str | None:
    if text == NO_TRACKING:
        return None
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an http(s):// MLflow tracking URI or {NO_TRACKING!r} for none"
        )
    return text.rstrip("/")


def parse_args(argv: Sequence[str]) -> AggregatorArgs:
    parser = argparse.ArgumentParser(
        prog="python -m flops_aggregator",
        description="Run the Flower server (FedAvg) of one FLOps training session.",
    )
    add_common_arguments(parser)
    parser.add_argument("tracking_uri", type=tracking_uri, help="MLflow tracking URI, or -")
    parser.add_argument("rounds", type=positive_int)
    parser.add_argument("min_available_clients", type=positive_int)
    parser.add_argument("min_fit_clients", type=positive_int)
    parser.add_argument("min_evaluate_clients", type=positive_int)
    parser.add_argument(
        "--port", type=port, default=DEFAULT_PORT,
        help=f"port to listen on, on all interfaces (default {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--deactivate-notifications", action="store_true",
        help="do not publish the outcome over MQTT",
    )
    ns = parser.parse_args(argv)
    for name in ("min_fit_clients", "min_evaluate_clients"):
        if getattr(ns, name) > ns.min_available_clients:
            parser.error(
                f"{name} ({getattr(ns, name)}) cannot exceed min_available_clients "
                f"({ns.min_available_clients}): the server only waits for that many"
            )
    return AggregatorArgs(
        project_id=ns.project_id,
        mqtt=Address(ns.mqtt_ip, ns.mqtt_port),
        observer=ns.observer,
        tracking_uri=ns.tracking_uri,
        rounds=ns.rounds,
        min_available_clients=ns.min_available_clients,
        min_fit_clients=ns.min_fit_clients,
        min_evaluate_clients=ns.min_evaluate_clients,
        port=ns.port,
        notify=not ns.deactivate_notifications,
    )
