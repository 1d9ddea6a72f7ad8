"""Log setup shared by both entry points."""

from __future__ import annotations

import logging
import re
import threading

from flops_common.flwr_compat import quiet_deprecation_notices

log = logging.getLogger(__name__)
_thread_excepthook = threading.excepthook
_CHANNEL_GONE = re.compile(r"Cannot monitor channel state: Channel (closed|deallocated)")


def _skip_grpc_channel_race(args: threading.ExceptHookArgs) -> None:
    # When Flower's client closes its channel (a session ends, or the
    # aggregator was not up yet), gRPC's thread that watches the channel's
    # state may still poll it and die with "Cannot monitor channel state:
    # Channel closed!" (or "Channel deallocated!" when a stop cut the client
    # before it could close the channel). Nothing is lost; a traceback would
    # only alarm people.
    if isinstance(args.exc_value, ValueError) and _CHANNEL_GONE.search(str(args.exc_value)):
        log.debug("gRPC's channel watcher ended with the channel: %s", args.exc_value)
        return
    _thread_excepthook(args)


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # flwr has its own handler; propagating to ours too would print each line twice.
    logging.getLogger("flwr").propagate = False
    quiet_deprecation_notices()
    threading.excepthook = _skip_grpc_channel_race
