"""Import Flower's legacy entry points from wherever this flwr release keeps them.

flwr 1.19 moved ``start_server``/``start_client`` to ``flwr.compat``; older
releases only have them in ``flwr.server``/``flwr.client``, where newer ones
keep deprecated re-exports that may go away first.
"""

try:
    from flwr.compat.client.app import start_client
    from flwr.compat.server.app import start_server
except ImportError:  # flwr < 1.19
    from flwr.client import start_client
    from flwr.server import start_server

__all__ = ["start_client", "start_server"]
