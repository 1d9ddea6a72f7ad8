"""The way out of a role: a stop's objects stay alive, gRPC's watcher noise is quiet, a blocked exit still ends."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref

from flops_common.stop import Stopped, hold_until_exit
from roles import RUNTIME


def run_python(code: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(RUNTIME)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class Channel:
    """Stands for a gRPC channel a stop cut before it was closed."""


def stop_holding(channel: Channel) -> Stopped:
    try:
        raise Stopped("SIGTERM")
    except Stopped as stop:
        assert channel is not None  # the frame holds the channel, as Flower's did
        return stop


def test_a_held_stop_keeps_what_its_frames_hold() -> None:
    held, freed = Channel(), Channel()
    held_ref, freed_ref = weakref.ref(held), weakref.ref(freed)
    hold_until_exit(stop_holding(held))
    stop_holding(freed)
    del held, freed
    gc.collect()
    assert held_ref() is not None
    assert freed_ref() is None


def test_the_channel_watchers_end_is_logged_not_printed() -> None:
    result = run_python(
        "import threading\n"
        "from flops_common.logs import configure_logging\n"
        "configure_logging()\n"
        "def gone(message):\n"
        "    raise ValueError(message)\n"
        "for message in ('Cannot monitor channel state: Channel deallocated!',\n"
        "                'Cannot monitor channel state: Channel closed!', 'something else'):\n"
        "    thread = threading.Thread(target=gone, args=(message,))\n"
        "    thread.start()\n"
        "    thread.join()\n"
    )
    assert result.stderr.count("Traceback") == 1, result.stderr
    assert "something else" in result.stderr
    assert "Channel deallocated" not in result.stderr
    assert "Channel closed" not in result.stderr


def test_an_exit_whose_flush_blocks_still_ends_with_the_stacks_printed() -> None:
    result = run_python(
        "import logging, threading\n"
        "from flops_common import entry\n"
        "class Stuck(logging.Handler):\n"
        "    def emit(self, record): pass\n"
        "    def flush(self): threading.Event().wait()\n"
        "logging.getLogger().addHandler(Stuck())\n"
        "entry.EXIT_GRACE_SECONDS = 1.0\n"
        "entry.exit_process(0)\n",
        timeout=20,
    )
    assert result.returncode == 1
    assert "in flush" in result.stderr, result.stderr
