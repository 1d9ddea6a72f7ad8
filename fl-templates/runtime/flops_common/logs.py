"""Log setup shared by both entry points."""

import logging


def configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # flwr has its own handler; propagating to ours too would print each line twice.
    logging.getLogger("flwr").propagate = False
