"""Reach the repo's own files from FLOps' code."""

from __future__ import annotations

from typing import Any


def get_model_manager() -> Any:
    """A new ``ModelManager`` from the repo's ``model_manager.py``."""
    from model_manager import ModelManager

    return ModelManager()
