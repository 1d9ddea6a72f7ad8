"""``python -m flops_learner <project_id> <mqtt_ip> <observer[:port]> <aggregator[:port]>``."""

import logging
import sys
from collections.abc import Sequence

from flops_common.flwr_compat import start_client
from flops_common.logs import configure_logging
from flops_common.observer import notify_observer
from flops_learner.args import parse_args
from flops_learner.client import LearnerClient
from flops_learner.connect import AggregatorUnreachable, run_until_done

log = logging.getLogger("flops_learner")


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    configure_logging()

    def tell(text: str) -> None:
        notify_observer(args.observer, f"[{args.project_id}] learner: {text}")

    aggregator = args.aggregator.for_grpc()
    tell(f"started; connecting to the aggregator at {aggregator}")
    try:
        # Imported here so that a broken repo is reported like any other failure.
        from model_manager import ModelManager

        model = ModelManager()
        model.set_model_data()
        client = LearnerClient(model, lambda: tell("connected to the aggregator; training"))
        run_until_done(
            lambda: start_client(server_address=aggregator, client=client.to_client()),
            lambda: client.contacted,
            args.connect_timeout,
        )
    except AggregatorUnreachable:
        log.exception("Gave up waiting for the aggregator")
        tell(
            f"could not reach the aggregator at {aggregator} within "
            f"{args.connect_timeout} s; check that it runs and listens there"
        )
        return 1
    except Exception as error:  # the user's code and the network may fail in any way
        log.exception("Learner failed")
        tell(f"failed with {type(error).__name__}: {error}; see this learner's log")
        return 1
    tell("finished; the aggregator ended the session")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
