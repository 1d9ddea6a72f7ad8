"""Command line of the aggregator, in the FLOps manager's form and in ours.

Manager's form (what FLOps puts in the SLA):
    main.py <project_id> <mqtt_ip> <observer_ip> <tracking_server_url> <aggregator_type>
            <rounds> <min_available_clients> <min_fit_clients> <min_evaluate_clients>
            [<root_aggregator_ip>]
Our own form (a classic aggregator; ``-`` for no tracking):
    python -m flops_aggregator <project_id> <mqtt_ip> <observer> <tracking_uri|->
            <rounds> <min_available_clients> <min_fit_clients> <min_evaluate_clients>
The fifth argument tells them apart: a number in ours, an aggregator type in the manager's.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass

from flops_common.address import Address
from flops_common.cli import (
    add_common_arguments,
    address,
    mqtt_address,
    port,
    positive_int,
    positive_seconds,
)
from flops_utils.types import AggregatorType

DEFAULT_PORT = 8080
ROOT_DEFAULT_PORT = 8080
NO_TRACKING = "-"
RETRY_INTERVAL_ENV, RETRY_INTERVAL_DEFAULT = "FLOPS_RETRY_INTERVAL", "20"
USAGE = """
  main.py project_id mqtt_ip observer tracking_server_url aggregator_type rounds
          min_available_clients min_fit_clients min_evaluate_clients [root_aggregator_ip] [options]
  main.py project_id mqtt_ip observer tracking_uri|- rounds
          min_available_clients min_fit_clients min_evaluate_clients [options]"""


@dataclass(frozen=True)
class AggregatorArgs:
    project_id: str
    mqtt: Address
    observer: Address
    tracking_uri: str | None  # None: no tracking (our form's "-")
    track_locally: bool
    aggregator_type: AggregatorType
    rounds: int
    min_available_clients: int
    min_fit_clients: int
    min_evaluate_clients: int
    root_aggregator: Address | None
    port: int
    notify: bool
    retry_interval: float


def tracking_uri(text: str) -> str | None:
    if text == NO_TRACKING:
        return None
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an http(s):// MLflow tracking URI (or {NO_TRACKING!r} for none)"
        )
    return text.rstrip("/")


def aggregator_type(text: str) -> AggregatorType:
    try:
        return AggregatorType(text)
    except ValueError:
        accepted = ", ".join(t.value for t in AggregatorType)
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {accepted}") from None


def _add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port",
        type=port,
        default=DEFAULT_PORT,
        help=f"port to serve Flower on, on all interfaces (default {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--track-locally",
        action="store_true",
        help="track to a file store in the working directory instead of the tracking server",
    )
    parser.add_argument(
        "--deactivate-notifications",
        action="store_true",
        help="send nothing to the MQTT broker or the observer (for local debugging)",
    )
    parser.add_argument(
        "--retry-interval",
        type=positive_seconds,
        default=os.environ.get(RETRY_INTERVAL_ENV, RETRY_INTERVAL_DEFAULT),
        metavar="SECONDS",
        help="a cluster aggregator's longest wait between attempts to reach the root: waits start at 1 s "
        f"and double up to it (default ${RETRY_INTERVAL_ENV} or {RETRY_INTERVAL_DEFAULT})",
    )


def _is_our_form(argv: Sequence[str]) -> bool:
    sniffer = argparse.ArgumentParser(add_help=False)
    sniffer.add_argument("--mqtt-port")
    _add_options(sniffer)
    _, rest = sniffer.parse_known_args(argv)
    positionals = [a for a in rest if a == NO_TRACKING or not a.startswith("-")]
    return len(positionals) >= 5 and positionals[4].isdecimal()


def _parser(ours: bool) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        usage=USAGE,
        description="Run the Flower server (FedAvg) of a FLOps project: classic, root or cluster aggregator.",
    )
    add_common_arguments(parser)
    parser.add_argument(
        "tracking_uri",
        type=tracking_uri,
        help="the MLflow tracking server, e.g. http://10.0.0.5:7027" + (", or - for none" if ours else ""),
    )
    if not ours:
        parser.add_argument(
            "aggregator_type",
            type=aggregator_type,
            help=", ".join(t.value for t in AggregatorType),
        )
    parser.add_argument("rounds", type=positive_int, help="rounds (a root aggregator: training cycles)")
    parser.add_argument("min_available_clients", type=positive_int)
    parser.add_argument("min_fit_clients", type=positive_int)
    parser.add_argument("min_evaluate_clients", type=positive_int)
    if not ours:
        parser.add_argument(
            "root_aggregator_ip",
            nargs="?",
            type=address(ROOT_DEFAULT_PORT),
            help=f"a cluster aggregator's root: host[:port] (port {ROOT_DEFAULT_PORT})",
        )
    _add_options(parser)
    return parser


def parse_args(argv: Sequence[str]) -> AggregatorArgs:
    ours = _is_our_form(argv)
    parser = _parser(ours)
    ns = parser.parse_args(argv)
    kind = AggregatorType.CLASSIC_AGGREGATOR if ours else ns.aggregator_type
    root = None if ours else ns.root_aggregator_ip
    for name in ("min_fit_clients", "min_evaluate_clients"):
        if getattr(ns, name) > ns.min_available_clients:
            parser.error(
                f"{name} ({getattr(ns, name)}) cannot exceed min_available_clients "
                f"({ns.min_available_clients}): the server only waits for that many"
            )
    if kind is AggregatorType.CLUSTER_AGGREGATOR and root is None:
        parser.error("a CLUSTER_AGGREGATOR needs root_aggregator_ip, the root aggregator's host[:port]")
    if kind is not AggregatorType.CLUSTER_AGGREGATOR and root is not None:
        parser.error(f"root_aggregator_ip is only for a CLUSTER_AGGREGATOR, not a {kind.value}")
    if not ours and ns.tracking_uri is None:
        parser.error("tracking_server_url must be an http(s):// URL in this form; '-' is for the short form")
    return AggregatorArgs(
        project_id=ns.project_id,
        mqtt=mqtt_address(parser, ns),
        observer=ns.observer,
        tracking_uri=ns.tracking_uri,
        track_locally=ns.track_locally,
        aggregator_type=kind,
        rounds=ns.rounds,
        min_available_clients=ns.min_available_clients,
        min_fit_clients=ns.min_fit_clients,
        min_evaluate_clients=ns.min_evaluate_clients,
        root_aggregator=root,
        port=ns.port,
        notify=not ns.deactivate_notifications,
        retry_interval=ns.retry_interval,
    )
