"""Run Flower client sessions, waiting while their server is unreachable."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

import grpc

from flops_common.grpc_noise import quiet_closed_channel_polls
from flops_common.stop import raise_if_stopped, stop_on_signals

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Patience:
    """How to wait for a server that does not answer: short waits at first, doubling up to ``interval``.

    A server deployed beside its clients is usually up seconds after them, so a
    fixed long wait would mostly be spent with the server already listening.
    """

    interval: float  # the longest wait between attempts, in seconds
    timeout: float | None  # give up after this many seconds; None waits until stopped
    first: float = 1.0  # the first wait, in seconds (at most ``interval``)


class ServerUnreachable(Exception):
    """The server did not answer before the patience ran out."""


def run_session(
    start: Callable[[], None],
    contacted: Callable[[], bool],
    patience: Patience,
    keep_serving: bool,
) -> None:
    """Run one session (``start``), starting it again while the server is unreachable.

    Learners and aggregators are deployed together, so a client often starts
    first. The gRPC-bidi transport behind ``start_client`` gives up at once
    when nothing answers (its retry settings do not apply to it), so the
    waiting is done here.

    ``keep_serving`` (the manager's form): every gRPC error is waited out and a
    server lost mid-session ends the session, as upstream's learners do; the
    caller then waits for the next one. Otherwise only an unavailable server
    before its first instruction is waited out: a connection lost later is a
    failure and raised as it is.
    """
    quiet_closed_channel_polls()
    deadline = None if patience.timeout is None else time.monotonic() + patience.timeout
    next_wait = min(patience.first, patience.interval)
    while True:
        failure: grpc.RpcError | None = None
        try:
            start()
        except grpc.RpcError as error:
            failure = error
        finally:
            # flwr 1.10 to 1.18 put their own signal handlers in place in start_client.
            stop_on_signals()
            raise_if_stopped()
        if failure is None:
            return
        code = failure.code() if isinstance(failure, grpc.Call) else None
        if keep_serving and contacted():
            log.warning("Lost the server mid-session (%s); the session is over", code)
            return
        if not keep_serving and (contacted() or code != grpc.StatusCode.UNAVAILABLE):
            raise failure
        wait, next_wait = next_wait, min(next_wait * 2, patience.interval)
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ServerUnreachable(f"no answer within {patience.timeout:g} s") from failure
            wait = min(wait, remaining)
        log.info("Server not reachable yet (%s); retrying in %.1f s", code, wait)
        time.sleep(wait)
