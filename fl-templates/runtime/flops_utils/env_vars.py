"""Environment variables, read as upstream's helpers do."""

from __future__ import annotations

import os
import sys

from flops_utils.logging import logger

# Where a container on Linux reaches its Docker host (upstream's ML data server address).
DOCKER_HOST_IP_LINUX = "172.17.0.1"


def get_env_var(name: str, default: str = "") -> str:
    """The variable's value, else ``default``; when both are empty, log and exit 1."""
    value = os.environ.get(name) or default
    if not value:
        logger.critical(f"Terminating. Make sure to set the environment variables first. Missing: '{name}'")
        sys.exit(1)
    return value
