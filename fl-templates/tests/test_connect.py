"""Waiting for a Flower server that is not there (yet), with the real start_client."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Iterator

import pytest
from conftest import free_port
from flwr.client import NumPyClient

from flops_common.connect import Patience, ServerUnreachable, run_session
from flops_common.flwr_compat import start_client
from flops_common.stop import STOP_SIGNALS


@pytest.fixture(autouse=True)
def pytests_own_signal_handling() -> Iterator[None]:
    """run_session puts the roles' stop handling in place; give pytest its own back."""
    handlers = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    wakeup_fd = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(wakeup_fd)
    yield
    for signum, handler in handlers.items():
        signal.signal(signum, handler)
    signal.set_wakeup_fd(wakeup_fd)


def absent_server_session(attempts: list[float]) -> None:
    attempts.append(time.monotonic())
    start_client(server_address=f"127.0.0.1:{free_port()}", client=NumPyClient().to_client())


def test_gives_up_on_an_absent_server_after_the_timeout() -> None:
    attempts: list[float] = []
    started = time.monotonic()
    with pytest.raises(ServerUnreachable, match="within 2 s"):
        run_session(lambda: absent_server_session(attempts), lambda: False, Patience(0.5, 2.0), keep_serving=False)
    assert time.monotonic() - started >= 2
    assert len(attempts) >= 3
    assert attempts[1] - attempts[0] >= 0.5  # the interval; the last wait may be cut short by the timeout


def test_waits_short_at_first_then_twice_as_long_each_time_up_to_the_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    attempts: list[float] = []
    caplog.set_level(logging.INFO, logger="flops_common.connect")
    with pytest.raises(ServerUnreachable):
        run_session(
            lambda: absent_server_session(attempts), lambda: False, Patience(1.0, 3.0, first=0.25), keep_serving=False
        )
    waits = [float(record.args[1]) for record in caplog.records if record.msg.startswith("Server not reachable")]
    # 0.25, 0.5, 1, then 1 s at most: the last may be cut short by the timeout.
    assert waits[:3] == [0.25, 0.5, 1.0]
    assert all(wait <= 1.0 for wait in waits[3:])
    assert 0.25 <= attempts[1] - attempts[0] < 1.0


def test_a_server_lost_mid_session_is_a_failure_in_our_form_and_the_end_of_the_session_in_the_managers() -> None:
    def lost() -> None:
        absent_server_session([])

    with pytest.raises(Exception) as raised:
        run_session(lost, lambda: True, Patience(0.1, None), keep_serving=False)
    assert not isinstance(raised.value, ServerUnreachable)
    run_session(lost, lambda: True, Patience(0.1, None), keep_serving=True)  # returns: session over
