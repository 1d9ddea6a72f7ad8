"""signals_held: a stop signal waits for the block, then reaches the handler that was in place."""

import os
import signal
import threading
from collections.abc import Iterator

import pytest

from flops_common.stop import signals_held


@pytest.fixture
def received() -> Iterator[list[int]]:
    got: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, _frame: got.append(signum))
    yield got
    signal.signal(signal.SIGTERM, previous)


def test_a_signal_during_the_block_reaches_the_handler_after_it(received: list[int]) -> None:
    with signals_held():
        os.kill(os.getpid(), signal.SIGTERM)
        inside = list(received)
    assert inside == []
    assert received == [signal.SIGTERM]


def test_no_signal_means_no_call_and_the_handler_is_back(received: list[int]) -> None:
    with signals_held():
        pass
    assert received == []
    os.kill(os.getpid(), signal.SIGTERM)
    assert received == [signal.SIGTERM]


def test_outside_the_main_thread_it_changes_nothing(received: list[int]) -> None:
    handlers: list[object] = []

    def hold() -> None:
        with signals_held():
            handlers.append(signal.getsignal(signal.SIGTERM))

    worker = threading.Thread(target=hold)
    worker.start()
    worker.join()
    assert handlers == [signal.getsignal(signal.SIGTERM)]
