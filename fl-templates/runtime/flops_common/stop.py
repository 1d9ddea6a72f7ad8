"""End a role cleanly when the orchestrator stops its container."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# Every signal that reaches a Python handler is also written here, whoever's
# handler it is: Flower's, while one of its start_* calls runs, too.
_signals_read, _signals_written = os.pipe()
os.set_blocking(_signals_read, False)
os.set_blocking(_signals_written, False)


class Stopped(BaseException):
    """SIGTERM or SIGINT arrived.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` in
    Flower or in the repo's code swallows it on its way to the entry point.
    """


def _raise_stopped(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signal.Signals(signum).name)


def stop_on_signals() -> None:
    """Turn SIGTERM and SIGINT into Stopped; call again after Flower installed its own handlers."""
    signal.set_wakeup_fd(_signals_written, warn_on_full_buffer=False)
    for signum in STOP_SIGNALS:
        signal.signal(signum, _raise_stopped)


def raise_if_stopped() -> None:
    """Raise Stopped if SIGTERM or SIGINT came while a handler of Flower's was in place.

    Some flwr releases (1.10 to 1.18) install their own handlers in
    start_client, which end the session quietly; without this check, a
    learner that serves session after session would carry on.
    """
    try:
        arrived = os.read(_signals_read, 512)
    except BlockingIOError:
        return
    stops = [signum for signum in arrived if signum in STOP_SIGNALS]
    if stops:
        raise Stopped(signal.Signals(stops[0]).name)


# The stops that reached an entry point, held until the process ends (see hold_until_exit).
_held_stops: list[Stopped] = []


def hold_until_exit(stop: Stopped) -> None:
    """Keep ``stop``, and every object its traceback's frames hold, alive until the process ends.

    A signal can cut Flower's client between opening its gRPC channel and the
    block that closes it. Freed unclosed on the way out, such a channel can
    wait forever on gRPC's thread that watches its state (which dies with
    "Channel deallocated!"), and the stop never ends. The roles end with
    os._exit (flops_common.entry.exit_process), which frees nothing.
    """
    _held_stops.append(stop)


def stopped_by_flower(error: SystemExit) -> bool:
    """Whether Flower's own signal handler ended ``start_server`` (it exits with status 0)."""
    return error.code in (0, None)


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGTERM and SIGINT while the block runs, then hand them to the handlers that were in place.

    For short, bounded work that must not be cut in half: an MQTT client torn
    down in the middle of its set-up prints a traceback when it is collected.
    Only the main thread receives signals; in another thread this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {signum: signal.signal(signum, lambda got, _frame: held.append(got)) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        if held:
            signal.raise_signal(held[0])
