"""The learner on its own: giving up on an absent aggregator, failing user code."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flwr.client import NumPyClient

from conftest import Observer, finish, free_port, start_module
from flops_common.flwr_compat import start_client
from flops_learner.connect import AggregatorUnreachable, run_until_done


def test_gives_up_on_an_absent_aggregator_after_the_timeout() -> None:
    address = f"127.0.0.1:{free_port()}"
    attempts: list[float] = []

    def session() -> None:
        attempts.append(time.monotonic())
        start_client(server_address=address, client=NumPyClient().to_client())

    started = time.monotonic()
    with pytest.raises(AggregatorUnreachable):
        run_until_done(session, lambda: False, timeout_seconds=2)
    assert 2 <= time.monotonic() - started < 5
    assert len(attempts) >= 2


def test_reports_a_broken_repo_and_exits_1(tmp_path: Path, observer: Observer) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "model_manager.py").write_text("import torch_that_is_not_installed\n")
    learner = start_module(
        "flops_learner", "p1", "127.0.0.1", observer.hostport, f"127.0.0.1:{free_port()}",
        cwd=tmp_path, repo=repo,
    )
    code, output = finish(learner, timeout=30)
    assert code == 1, output
    assert "torch_that_is_not_installed" in observer.wait_for("failed", 5)
