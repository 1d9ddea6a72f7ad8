"""The learner on its own: a broken repo, SIGTERM, and how the entry folder treats the repo."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import Observer, Subscribe, free_port

from flops_common.address import Address
from roles import PROJECT, ImageLayout, Running

EXAMPLE_REPO = PROJECT / "examples" / "numpy-regression"
FAILED = "flops_manager/learner/failed"


def test_reports_a_broken_repo_and_exits_1(
    tmp_path: Path, broker: Address, observer: Observer, subscribe: Subscribe
) -> None:
    failures = subscribe(FAILED)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "model_manager.py").write_text("import torch_that_is_not_installed\n")
    learner = ImageLayout(tmp_path, "learner", repo).start(
        "p1", f"{broker.host}:{broker.port}", observer.hostport, f"127.0.0.1:{free_port()}", "tag"
    )
    code, output = learner.finish(timeout=60)
    assert code == 1, output
    failure = failures.next()
    assert failure["flops_project_id"] == "p1"
    assert "torch_that_is_not_installed" in failure["error_msg"]
    assert "torch_that_is_not_installed" in observer.wait_for("learner: Learner failed", 5)


def test_sigterm_while_waiting_for_the_aggregator_ends_it_cleanly(
    tmp_path: Path, observer: Observer, processes: list[Running]
) -> None:
    layout = ImageLayout(tmp_path, "learner", EXAMPLE_REPO)
    learner = layout.start(
        "p1",
        "127.0.0.1",
        observer.hostport,
        f"127.0.0.1:{free_port()}",
        "tag",
        env={"FLOPS_RETRY_INTERVAL": "0.5"},
    )
    processes.append(learner)
    learner.wait_for("not reachable yet")
    code, output = learner.stop()
    assert code == 0, output
    assert "Traceback" not in output
    observer.wait_for("learner: stopped", 5)


@pytest.mark.parametrize("launch", [["main.py"], ["-m", "flops_learner"]], ids=["main.py", "python -m"])
def test_the_repos_own_main_py_stays_importable_and_relative_paths_work(
    launch: list[str], tmp_path: Path, observer: Observer
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.py").write_text("GREETING = 'the repo main'\n")
    (repo / "settings.txt").write_text("relative")
    (repo / "model_manager.py").write_text(
        "from main import GREETING\n"
        "print('imported', GREETING, 'and read', open('settings.txt').read(), flush=True)\n"
        + (EXAMPLE_REPO / "model_manager.py").read_text()
    )
    (repo / "data_manager.py").write_text((EXAMPLE_REPO / "data_manager.py").read_text())
    layout = ImageLayout(tmp_path, "learner", repo)
    # The image's WORKDIR is the entry folder, which holds FLOps' own main.py.
    learner = Running(
        [
            sys.executable,
            *launch,
            "p1",
            "127.0.0.1",
            observer.hostport,
            f"127.0.0.1:{free_port()}",
            "--connect-timeout",
            "1",
            "--retry-interval",
            "0.2",
        ],
        layout.entry,
        layout.env(),
    )
    code, output = learner.finish(timeout=60)
    assert "imported the repo main and read relative" in output
    assert code == 1, output
    observer.wait_for("learner: Could not reach the aggregator", 5)


def test_the_entry_folder_leaves_sys_path_to_pythonpath(tmp_path: Path) -> None:
    layout = ImageLayout(tmp_path, "aggregator", EXAMPLE_REPO)
    script = layout.entry / "main.py"
    probe = f"import sys, runpy; sys.argv = ['main.py', '--help'];runpy.run_path({str(script)!r}, run_name='__main__')"
    env = {**layout.env(), "FLOPS_REPO_DIR": str(tmp_path)}
    result = Running([sys.executable, "-c", probe], layout.entry, env).finish(timeout=60)
    assert result[0] == 0 and "CLASSIC_AGGREGATOR" in result[1], result[1]
    assert os.path.isdir(layout.lib / "flops_aggregator") and not (layout.lib / "flops_learner").exists()
