"""Command line of ``python -m flops_learner``."""

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass

from flops_common.address import Address
from flops_common.cli import add_common_arguments, address, positive_int

AGGREGATOR_DEFAULT_PORT = 8080
CONNECT_TIMEOUT_ENV = "FLOPS_CONNECT_TIMEOUT"
CONNECT_TIMEOUT_DEFAULT = "300"


@dataclass(frozen=True)
class LearnerArgs:
    project_id: str
    # Taken so that both images share one calling convention; the learner
    # reports to people through the observer only.
    mqtt: Address
    observer: Address
    aggregator: Address
    connect_timeout: int


def parse_args(argv: Sequence[str]) -> LearnerArgs:
    parser = argparse.ArgumentParser(
        prog="python -m flops_learner",
        description="Train the repo's ModelManager as a client of a FLOps aggregator.",
    )
    add_common_arguments(parser)
    parser.add_argument(
        "aggregator",
        type=address(AGGREGATOR_DEFAULT_PORT),
        help=f"host[:port] of the aggregator (port {AGGREGATOR_DEFAULT_PORT})",
    )
    parser.add_argument(
        "--connect-timeout",
        type=positive_int,
        # argparse runs `type` on a string default too, so a bad env value is
        # reported like a bad flag.
        default=os.environ.get(CONNECT_TIMEOUT_ENV, CONNECT_TIMEOUT_DEFAULT),
        metavar="SECONDS",
        help="how long to keep retrying while the aggregator is not up "
        f"(default ${CONNECT_TIMEOUT_ENV} or {CONNECT_TIMEOUT_DEFAULT})",
    )
    ns = parser.parse_args(argv)
    return LearnerArgs(
        project_id=ns.project_id,
        mqtt=Address(ns.mqtt_ip, ns.mqtt_port),
        observer=ns.observer,
        aggregator=ns.aggregator,
        connect_timeout=ns.connect_timeout,
    )
