"""Send one progress line to the FLOps observer, which shows it to the user."""

import logging
import socket

from flops_common.address import Address

MAX_MESSAGE_BYTES = 1024
TIMEOUT_SECONDS = 1.0

log = logging.getLogger(__name__)


def encode_line(text: str) -> bytes:
    """Return ``text`` as one UTF-8 line of at most MAX_MESSAGE_BYTES bytes."""
    flat = " ".join(text.splitlines())
    body = flat.encode("utf-8", errors="replace")[: MAX_MESSAGE_BYTES - 1]
    # Cutting bytes can split a multi-byte character; drop its remains.
    return body.decode("utf-8", errors="ignore").encode("utf-8") + b"\n"


def notify_observer(observer: Address, text: str) -> None:
    """Send ``text`` on its own connection; an absent observer only costs a log line."""
    try:
        with socket.create_connection(observer, timeout=TIMEOUT_SECONDS) as conn:
            conn.sendall(encode_line(text))
    except OSError as error:
        log.warning("Could not reach the observer at %s:%s: %s", *observer, error)
