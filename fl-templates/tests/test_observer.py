import time

from conftest import Observer, free_port

from flops_common.address import Address
from flops_common.observer import MAX_MESSAGE_BYTES, encode_line, notify_observer


def test_sends_one_line_per_message(observer: Observer) -> None:
    notify_observer(observer.address, "round 1/2 done")
    notify_observer(observer.address, "two\nlines")
    assert observer.wait_for("round", 2) == "round 1/2 done\n"
    assert observer.wait_for("two", 2) == "two lines\n"


def test_truncates_to_the_limit_without_splitting_characters(observer: Observer) -> None:
    notify_observer(observer.address, "é" * 2000)  # two bytes each
    line = observer.wait_for("é", 2)
    assert len(line.encode("utf-8")) <= MAX_MESSAGE_BYTES
    assert line == "é" * 511 + "\n"


def test_encodes_what_utf8_cannot_hold() -> None:
    assert encode_line("bad \ud800 surrogate") == b"bad ? surrogate\n"


def test_an_absent_observer_costs_no_exception_and_little_time() -> None:
    started = time.monotonic()
    notify_observer(Address("127.0.0.1", free_port()), "nobody listens")
    assert time.monotonic() - started < 1.5
