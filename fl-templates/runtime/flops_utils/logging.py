"""Loggers for repo code, as upstream's: ``logger`` and ``colorful_logger``."""

from __future__ import annotations

import logging

_COLORS = {
    logging.DEBUG: "\x1b[37m",
    logging.INFO: "\x1b[36m",
    logging.WARNING: "\x1b[33m",
    logging.ERROR: "\x1b[31m",
    logging.CRITICAL: "\x1b[1;31m",
}
_RESET = "\x1b[0m"


class CustomFormatter(logging.Formatter):
    """Formats with ``fmt``; with color, each line in its level's color."""

    def __init__(self, fmt: str, with_color: bool = False) -> None:
        super().__init__(fmt)
        self.with_color = with_color

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if not self.with_color:
            return text
        return f"{_COLORS.get(record.levelno, '')}{text}{_RESET}"


def configure_logger(name: str, level: int = logging.DEBUG, with_color: bool = False) -> logging.Logger:
    """A logger that writes plain messages to stderr, once, whatever the root logger does."""
    configured = logging.getLogger(name)
    configured.setLevel(level)
    if not configured.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(CustomFormatter("%(message)s", with_color))
        configured.addHandler(handler)
    configured.propagate = False
    return configured


logger = configure_logger("logger")
colorful_logger = configure_logger("colorful_logger", with_color=True)
