"""``python -m flops_learner <args>`` (see flops_learner.args for both argument forms)."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Sequence

from flops_common.connect import ServerUnreachable, run_session
from flops_common.entry import enter_repo, exit_process
from flops_common.flwr_compat import start_client
from flops_common.logs import configure_logging
from flops_common.reporter import Reporter
from flops_common.stop import Stopped, hold_until_exit, stop_on_signals
from flops_learner import dataset
from flops_learner.args import LearnerArgs, parse_args
from flops_learner.client import LearnerClient
from flops_utils.ml_repo_files_proxy import get_model_manager
from flops_utils.mqtt_topics import SupportedTopic

log = logging.getLogger("flops_learner")


def serve(args: LearnerArgs, reporter: Reporter) -> None:
    """Load the data once, then train in the aggregator's sessions."""
    dataset.use(dataset.DataSource(args.data_tags, args.data_server, args.data_timeout))
    aggregator = args.aggregator.for_grpc()
    reporter.tell(f"started; connecting to the aggregator at {aggregator}")
    model = get_model_manager()
    model.set_model_data()
    client = LearnerClient(model, lambda: reporter.tell("connected to the aggregator; training"))
    while True:
        client.new_session()
        run_session(
            lambda: start_client(server_address=aggregator, client=client.to_client()),
            lambda: client.contacted,
            args.patience,
            args.keep_serving,
        )
        if not args.keep_serving:
            reporter.tell("finished; the aggregator ended the session")
            return
        reporter.tell("the session is over; waiting for the next one")
        time.sleep(args.patience.interval)


def fail(reporter: Reporter, error_msg: str) -> int:
    """A failure the learner cannot recover from: tell people and the manager."""
    log.error("%s", error_msg)
    reporter.tell(error_msg)
    reporter.publish(SupportedTopic.LEARNER_FAILED.value, {"error_msg": error_msg})
    return 1


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    configure_logging()
    stop_on_signals()
    reporter = Reporter(args.project_id, "learner", args.mqtt, args.observer)
    try:
        serve(args, reporter)
    except Stopped as stop:
        hold_until_exit(stop)
        log.info("Stopped (%s)", stop)
        reporter.tell("stopped")
    except dataset.DataUnavailable as error:
        return fail(reporter, str(error))
    except ServerUnreachable as error:
        return fail(
            reporter,
            (
                f"Could not reach the aggregator at {args.aggregator.for_grpc()}: {error}; "
                "check that it runs and listens there"
            ),
        )
    # The repo's code and the network may fail in any way.
    except Exception as error:
        log.exception("Learner failed")
        return fail(reporter, f"Learner failed with {type(error).__name__}: {error}; see this learner's log")
    return 0


if __name__ == "__main__":
    enter_repo(os.getcwd(), os.environ.get("FLOPS_REPO_DIR"))
    exit_process(main(sys.argv[1:]))
