"""Command line of the learner, in the FLOps manager's form and in ours.

Manager's form (what FLOps puts in the SLA; the learner then serves session
after session until it is stopped):
    main.py <project_id> <mqtt_ip> <observer_ip> <aggregator_ip> <data_tags>
Our own form (no data tags; one session, then exit):
    python -m flops_learner <project_id> <mqtt_ip> <observer> <aggregator>
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
    positive_seconds,
)
from flops_common.connect import Patience

AGGREGATOR_DEFAULT_PORT = 8080
# Where upstream's learner finds the ML data server: the Docker host, port 11027.
DATA_SERVER_HOST_ENV, DATA_SERVER_HOST_DEFAULT = "ML_DATA_SERVER_IP", "172.17.0.1"
DATA_SERVER_PORT_ENV, DATA_SERVER_PORT_DEFAULT = "DATA_MANAGER_PORT", "11027"
DATA_TIMEOUT_ENV, DATA_TIMEOUT_DEFAULT = "FLOPS_DATA_SERVER_TIMEOUT", "120"
CONNECT_TIMEOUT_ENV = "FLOPS_CONNECT_TIMEOUT"
# Our own form gives up after this long; the manager's form waits until stopped.
CONNECT_TIMEOUT_DEFAULT = 300.0
RETRY_INTERVAL_ENV, RETRY_INTERVAL_DEFAULT = "FLOPS_RETRY_INTERVAL", "20"


@dataclass(frozen=True)
class LearnerArgs:
    project_id: str
    mqtt: Address
    observer: Address
    aggregator: Address
    data_tags: tuple[str, ...]
    # The manager's form: after a session, wait for the next one until stopped.
    keep_serving: bool
    patience: Patience
    data_server: Address
    data_timeout: float


def split_tags(text: str) -> tuple[str, ...]:
    """``"mnist, extra,"`` → ``("mnist", "extra")``."""
    return tuple(tag.strip() for tag in text.split(",") if tag.strip())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Train the repo's ModelManager as a client of a FLOps aggregator. "
        "With data_tags (the FLOps manager's form) it serves one session after another "
        "until stopped; without, it ends after one session.",
    )
    add_common_arguments(parser)
    parser.add_argument(
        "aggregator",
        type=address(AGGREGATOR_DEFAULT_PORT),
        help=f"host[:port] of the aggregator (port {AGGREGATOR_DEFAULT_PORT})",
    )
    parser.add_argument(
        "data_tags",
        nargs="?",
        type=split_tags,
        help="comma-separated tags of the data that load_dataset() fetches",
    )
    # argparse runs `type` on a string default too, so a bad env value is
    # reported like a bad flag.
    parser.add_argument(
        "--connect-timeout",
        type=positive_seconds,
        default=os.environ.get(CONNECT_TIMEOUT_ENV),
        metavar="SECONDS",
        help="give up when the aggregator has not answered for this long (default "
        f"${CONNECT_TIMEOUT_ENV}, else: wait until stopped with data_tags, "
        f"{CONNECT_TIMEOUT_DEFAULT:g} s without)",
    )
    parser.add_argument(
        "--retry-interval",
        type=positive_seconds,
        default=os.environ.get(RETRY_INTERVAL_ENV, RETRY_INTERVAL_DEFAULT),
        metavar="SECONDS",
        help=f"the longest wait between attempts to reach the aggregator: waits start at 1 s and double "
        f"up to it (default ${RETRY_INTERVAL_ENV} or {RETRY_INTERVAL_DEFAULT})",
    )
    parser.add_argument(
        "--data-server",
        default=os.environ.get(DATA_SERVER_HOST_ENV, DATA_SERVER_HOST_DEFAULT),
        metavar="HOST[:PORT]",
        help=f"the ML data server (default ${DATA_SERVER_HOST_ENV} or {DATA_SERVER_HOST_DEFAULT}, "
        f"port ${DATA_SERVER_PORT_ENV} or {DATA_SERVER_PORT_DEFAULT})",
    )
    parser.add_argument(
        "--data-timeout",
        type=positive_seconds,
        default=os.environ.get(DATA_TIMEOUT_ENV, DATA_TIMEOUT_DEFAULT),
        metavar="SECONDS",
        help=f"give up when the data server has not answered for this long "
        f"(default ${DATA_TIMEOUT_ENV} or {DATA_TIMEOUT_DEFAULT})",
    )
    return parser


def parse_args(argv: Sequence[str]) -> LearnerArgs:
    parser = _parser()
    ns = parser.parse_args(argv)
    keep_serving = ns.data_tags is not None
    timeout: float | None = ns.connect_timeout
    if timeout is None and not keep_serving:
        timeout = CONNECT_TIMEOUT_DEFAULT
    try:
        data_port = port(os.environ.get(DATA_SERVER_PORT_ENV, DATA_SERVER_PORT_DEFAULT))
        data_server = address(data_port)(ns.data_server)
    except argparse.ArgumentTypeError as error:
        parser.error(f"the ML data server (${DATA_SERVER_HOST_ENV}, ${DATA_SERVER_PORT_ENV}): {error}")
    return LearnerArgs(
        project_id=ns.project_id,
        mqtt=mqtt_address(parser, ns),
        observer=ns.observer,
        aggregator=ns.aggregator,
        data_tags=ns.data_tags or (),
        keep_serving=keep_serving,
        patience=Patience(interval=ns.retry_interval, timeout=timeout),
        data_server=data_server,
        data_timeout=ns.data_timeout,
    )
