"""Quiet the traceback gRPC's connectivity-polling thread prints when Flower closes a channel it could not connect.

While a server is unreachable, each attempt's channel is closed while gRPC's background poll of its state may still
run; that thread then ends with ``ValueError: Cannot invoke RPC: Channel closed!``. It is noise, not a failure (the
attempt already failed and is retried), and a traceback in a learner's log reads as a crash to whoever reads it.
Only that exception, from that thread's function, is kept to a debug line; every other one is reported as before.
"""

from __future__ import annotations

import logging
import threading
import traceback

log = logging.getLogger(__name__)

_POLL_FUNCTION = "_poll_connectivity"


def is_closed_channel_poll(args: threading.ExceptHookArgs) -> bool:
    """Whether a thread ended with gRPC's closed-channel error inside its connectivity poll."""
    if args.exc_type is not ValueError or "Channel closed" not in str(args.exc_value):
        return False
    return any(frame.name == _POLL_FUNCTION for frame in traceback.extract_tb(args.exc_traceback))


def quiet_closed_channel_polls() -> None:
    """Install the filter in front of the current ``threading.excepthook`` (once)."""
    previous = threading.excepthook
    if getattr(previous, "flops_grpc_filter", False):
        return

    def hook(args: threading.ExceptHookArgs) -> None:
        if is_closed_channel_poll(args):
            log.debug("gRPC's connectivity poll ended with its channel closed: %s", args.exc_value)
            return
        previous(args)

    hook.flops_grpc_filter = True  # type: ignore[attr-defined]
    threading.excepthook = hook
