"""Connect to the aggregator, waiting for it while it is still starting."""

import logging
import time
from collections.abc import Callable

import grpc

log = logging.getLogger(__name__)

FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 10.0


class AggregatorUnreachable(Exception):
    """The aggregator did not answer before the connect timeout ran out."""


def run_until_done(
    session: Callable[[], None],
    contacted: Callable[[], bool],
    timeout_seconds: float,
) -> None:
    """Run ``session``, starting it again while the aggregator is unreachable.

    Learners and the aggregator are deployed together, so a learner often
    starts first. The gRPC-bidi transport behind ``start_client`` gives up at
    once when nothing answers (its retry settings do not apply to it), so the
    waiting is done here. Once the aggregator has sent an instruction, a lost connection
    is a real failure and is raised as it is.
    """
    deadline = time.monotonic() + timeout_seconds
    delay = FIRST_DELAY_SECONDS
    while True:
        try:
            session()
            return
        except grpc.RpcError as error:
            if contacted() or error.code() != grpc.StatusCode.UNAVAILABLE:
                raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AggregatorUnreachable(f"no answer within {timeout_seconds} s") from error
            wait = min(delay, remaining)
            log.info("Aggregator not reachable yet; retrying in %.1f s", wait)
            time.sleep(wait)
            delay = min(delay * 2, MAX_DELAY_SECONDS)
