"""Start a role from its entry folder (``python main.py``) or as ``python -m``."""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
from typing import NoReturn

# How long the way out may take before the process dumps its threads' stacks and ends anyway.
EXIT_GRACE_SECONDS = 10.0


def enter_repo(launch_dir: str, repo_dir: str | None) -> None:
    """Take ``launch_dir`` off the front of sys.path and change to ``repo_dir``.

    Python puts the script's folder (``python main.py``) or the working directory
    (``python -m``) first on sys.path. Left there, FLOps' entry main.py would
    shadow a repo's own ``main`` module; the repo is on PYTHONPATH instead.
    The repo's code opens files relative to its folder, as it did upstream,
    where the repo sat in the image's WORKDIR.
    """
    # realpath: Python resolves a symlinked script's folder before putting it on sys.path.
    if sys.path and os.path.realpath(sys.path[0] or os.curdir) == os.path.realpath(launch_dir):
        del sys.path[0]
    if repo_dir:
        os.chdir(repo_dir)


def exit_process(code: int) -> NoReturn:
    """End the process now, once logs and output are flushed.

    The role's outcome is reported by now. gRPC server threads that Flower
    leaves blocked in its stream handlers would otherwise hold up the
    interpreter's exit (it joins them), and with it the container's stop.
    Should flushing block, a watchdog outside the interpreter prints every
    thread's stack and ends the process with status 1 after
    EXIT_GRACE_SECONDS: an orchestrator waiting to stop the container learns
    where, instead of waiting for its own kill.
    """
    faulthandler.dump_traceback_later(EXIT_GRACE_SECONDS, exit=True)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
