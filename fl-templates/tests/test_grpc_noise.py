"""The closed-channel traceback of gRPC's connectivity poll is kept out of a learner's output; nothing else is."""

from __future__ import annotations

import threading
from typing import Callable

import pytest

from flops_common.grpc_noise import quiet_closed_channel_polls


def _poll_connectivity() -> None:
    """Named as gRPC's polling function is (grpc/_channel.py)."""
    raise ValueError("Cannot invoke RPC: Channel closed!")


def other_work() -> None:
    raise ValueError("Cannot invoke RPC: Channel closed!")


def run_in_thread(target: Callable[[], None]) -> None:
    thread = threading.Thread(target=target, name=target.__name__)
    thread.start()
    thread.join()


def test_only_the_poll_s_closed_channel_error_is_kept_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[str] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: reported.append(str(args.thread.name)))
    quiet_closed_channel_polls()
    quiet_closed_channel_polls()  # installed once, whatever the calls
    run_in_thread(_poll_connectivity)
    run_in_thread(other_work)
    assert reported == ["other_work"]
