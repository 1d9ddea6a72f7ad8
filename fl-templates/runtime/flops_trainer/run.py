"""Runs the repo's entry in this process, as ``python FILE args`` or a console script would, and reports its end."""

from __future__ import annotations

import importlib
import os
import runpy
import sys
import traceback


class EntryFailed(Exception):
    """The entry raised, or exited with a non-zero status; ``reason`` is what SageMaker shows as the failure."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def run_entry(entry: str, repo_dir: str, arguments: list[str]) -> None:
    """``train.py`` runs as ``__main__`` with its folder first on sys.path; ``module:function`` is called."""
    try:
        if ":" in entry:
            _call(entry, repo_dir, arguments)
        else:
            path = os.path.join(repo_dir, entry)
            sys.argv = [path, *arguments]
            sys.path.insert(0, os.path.dirname(path))
            runpy.run_path(path, run_name="__main__")
    except SystemExit as stop:
        status = _status(stop.code)
        if status != 0:
            raise EntryFailed(f"{entry} exited with status {stop.code}", status) from None
    except Exception as error:
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        # The first line is what SageMaker's console shows (it keeps the first 1024 characters): the exception itself.
        raise EntryFailed(f"{type(error).__name__}: {error}\n\n{trace}", 1) from error


def _call(entry: str, repo_dir: str, arguments: list[str]) -> None:
    module_name, attribute = entry.split(":", 1)
    sys.argv = ["train", *arguments]
    sys.path.insert(0, repo_dir)
    target: object = importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    if not callable(target):
        raise TypeError(f"{entry} is not callable")
    # A console script exits with what its function returns.
    result = target()
    status = _status(result)
    if status != 0:
        raise SystemExit(result)


def _status(code: object | None) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    # sys.exit("message") prints the message and exits with 1.
    return 1
