"""Import Flower's legacy entry points from wherever this flwr release keeps them.

The images pin one flwr release from 1.6.0 to 1.42.0. flwr 1.19 moved
``start_server``/``start_client`` to ``flwr.compat``; older releases only have
them in ``flwr.server``/``flwr.client``, where newer ones keep deprecated
re-exports that may go away first. Both still run the gRPC-bidi transport that
FLOps' fixed ports (aggregator 8080) are about; the SuperLink/SuperNode
deployment that replaces them needs processes FLOps does not start.
"""

from __future__ import annotations

import logging

try:
    from flwr.compat.client.app import start_client
    from flwr.compat.server.app import start_server
except ImportError:  # flwr < 1.19
    from flwr.client import start_client
    from flwr.server import start_server

__all__ = ["start_client", "start_server", "quiet_deprecation_notices"]

# The prefixes of flwr's multi-line notices about start_server/start_client.
DEPRECATION_PREFIXES = ("DEPRECATED FEATURE", "FEATURE UPDATE")


class _DropDeprecationNotices(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).lstrip().startswith(DEPRECATION_PREFIXES)


def quiet_deprecation_notices() -> None:
    """Drop flwr's notices that start_server/start_client are deprecated: the choice is deliberate."""
    logging.getLogger("flwr").addFilter(_DropDeprecationNotices())
