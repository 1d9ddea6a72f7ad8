"""Our own argument form (python -m, one session): one aggregator and two learners on loopback."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from conftest import Observer, Subscribe, free_port

from flops_common.address import Address
from roles import BASE_ENV, PROJECT, RUNTIME, Running

EXAMPLE_REPO = PROJECT / "examples" / "numpy-regression"
SUCCESS = "flops_manager/aggregator/success"
FAILED = "flops_manager/aggregator/failed"


def start_module(module: str, *args: str, cwd: Path, env: dict) -> Running:
    """``python -m module args`` as the images' ENTRYPOINT runs it, with the example repo on PYTHONPATH."""
    return Running(
        [sys.executable, "-m", module, *args],
        cwd,
        {**os.environ, **BASE_ENV, "PYTHONPATH": os.pathsep.join([str(RUNTIME), str(EXAMPLE_REPO)]), **env},
    )


def aggregator(project: str, broker: Address, observer: Observer, port: int, cwd: Path) -> Running:
    return start_module(
        "flops_aggregator",
        project,
        broker.host,
        observer.hostport,
        "-",
        "2",
        "2",
        "2",
        "2",
        "--mqtt-port",
        str(broker.port),
        "--port",
        str(port),
        cwd=cwd,
        env={},
    )


def learner(project: str, broker: Address, observer: Observer, port: int, cwd: Path, seed: str) -> Running:
    return start_module(
        "flops_learner",
        project,
        broker.host,
        observer.hostport,
        f"127.0.0.1:{port}",
        "--mqtt-port",
        str(broker.port),
        cwd=cwd,
        env={"DATA_SEED": seed, "FLOPS_RETRY_INTERVAL": "0.5"},
    )


def test_two_learners_train_two_rounds_and_the_result_is_published(
    tmp_path: Path, broker: Address, observer: Observer, subscribe: Subscribe, processes: list[Running]
) -> None:
    results = subscribe(SUCCESS)
    port = free_port()
    processes.append(aggregator("p-session", broker, observer, port, tmp_path))
    processes.extend(learner("p-session", broker, observer, port, tmp_path, s) for s in "12")

    for process in processes:
        code, output = process.finish()
        assert code == 0, output

    result = results.next()
    assert result["flops_project_id"] == "p-session"
    assert result["aggregator_type"] == "CLASSIC_AGGREGATOR"
    assert 0.8 < result["accuracy"] <= 1
    assert result["loss"] > 0
    assert "run_id" not in result  # "-": no tracking
    observer.wait_for("aggregator: round 2/2 done", 5)
    observer.wait_for("learner: finished", 5)


def test_a_learner_started_before_the_aggregator_waits_for_it(
    tmp_path: Path, broker: Address, observer: Observer, subscribe: Subscribe, processes: list[Running]
) -> None:
    results = subscribe(SUCCESS)
    port = free_port()
    early = learner("p-early", broker, observer, port, tmp_path, "1")
    processes.append(early)
    early.wait_for("not reachable yet")
    early.wait_for("not reachable yet", timeout=30)

    processes.append(aggregator("p-early", broker, observer, port, tmp_path))
    processes.append(learner("p-early", broker, observer, port, tmp_path, "2"))
    for process in processes:
        code, output = process.finish()
        assert code == 0, output
    assert results.next()["flops_project_id"] == "p-early"


def test_a_failed_session_is_published_and_exits_1(
    tmp_path: Path, broker: Address, observer: Observer, subscribe: Subscribe
) -> None:
    failures = subscribe(FAILED)
    with socket.socket() as blocker:
        blocker.bind(("0.0.0.0", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        code, output = aggregator("p-fail", broker, observer, port, tmp_path).finish()
    assert code == 1, output
    failure = failures.next()
    assert failure["flops_project_id"] == "p-fail"
    assert failure["aggregator_type"] == "CLASSIC_AGGREGATOR"
    assert str(port) in failure["error_msg"]  # wording differs across flwr releases


def test_sigterm_while_serving_ends_the_aggregator_cleanly_and_reports_nothing(
    tmp_path: Path, broker: Address, observer: Observer, subscribe: Subscribe, processes: list[Running]
) -> None:
    outcomes = subscribe("flops_manager/aggregator/+")
    waiting = aggregator("p-stop", broker, observer, free_port(), tmp_path)
    processes.append(waiting)
    observer.wait_for("aggregator: serving", 60)
    assert outcomes.next()["flops_project_id"] == "p-stop"  # started
    code, output = waiting.stop()
    assert code == 0, output
    assert "Traceback" not in output
    observer.wait_for("aggregator: stopped", 5)
    assert outcomes.empty()
