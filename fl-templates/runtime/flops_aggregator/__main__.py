"""``python -m flops_aggregator <args>`` (see flops_aggregator.args for both argument forms)."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from flops_aggregator.args import parse_args
from flops_aggregator.classic import run_classic
from flops_aggregator.cluster import run_cluster
from flops_common.entry import enter_repo, exit_process
from flops_common.logs import configure_logging
from flops_common.reporter import Reporter
from flops_common.stop import Stopped, hold_until_exit, stop_on_signals
from flops_utils.types import AggregatorType

log = logging.getLogger("flops_aggregator")

ROLES = {
    AggregatorType.CLASSIC_AGGREGATOR: "aggregator",
    AggregatorType.ROOT_AGGREGATOR: "root aggregator",
    AggregatorType.CLUSTER_AGGREGATOR: "cluster aggregator",
}


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    configure_logging()
    stop_on_signals()
    reporter = Reporter(args.project_id, ROLES[args.aggregator_type], args.mqtt, args.observer, args.notify)
    try:
        if args.aggregator_type is AggregatorType.CLUSTER_AGGREGATOR:
            return run_cluster(args, reporter)
        return run_classic(args, reporter)
    except Stopped as stop:
        hold_until_exit(stop)
        log.info("Stopped (%s)", stop)
        reporter.tell("stopped")
        return 0


if __name__ == "__main__":
    enter_repo(os.getcwd(), os.environ.get("FLOPS_REPO_DIR"))
    exit_process(main(sys.argv[1:]))
