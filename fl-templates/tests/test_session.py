"""Whole federated sessions: one aggregator and two learners on loopback."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from conftest import Observer, Subscribe, finish, free_port, start_module
from flops_common.address import Address

SUCCESS = "flops_manager/aggregator/success"
FAILED = "flops_manager/aggregator/failed"


def aggregator_args(project: str, broker: Address, observer: Observer, port: int) -> list[str]:
    return [
        project, broker.host, observer.hostport, "-", "2", "2", "2", "2",
        "--mqtt-port", str(broker.port), "--port", str(port),
    ]


def learner(project: str, broker: Address, observer: Observer, port: int,
            cwd: Path, seed: str) -> subprocess.Popen[str]:
    return start_module(
        "flops_learner", project, broker.host, observer.hostport, f"127.0.0.1:{port}",
        "--mqtt-port", str(broker.port), cwd=cwd, extra_env={"DATA_SEED": seed},
    )


def test_two_learners_train_two_rounds_and_the_result_is_published(
    tmp_path: Path, broker: Address, observer: Observer, subscribe: Subscribe
) -> None:
    results = subscribe(SUCCESS)
    port = free_port()
    aggregator = start_module(
        "flops_aggregator", *aggregator_args("p-session", broker, observer, port), cwd=tmp_path
    )
    learners = [learner("p-session", broker, observer, port, tmp_path, s) for s in "12"]

    for process in learners:
        code, output = finish(process)
        assert code == 0, output
    code, output = finish(aggregator)
    assert code == 0, output

    result = results.next()
    assert result["flops_project_id"] == "p-session"
    assert result["rounds"] == 2
    assert [r for r, _ in result["losses_distributed"]] == [1, 2]
    assert 0.8 < result["accuracy"] <= 1
    observer.wait_for("aggregator: round 2/2 done", 5)
    observer.wait_for("learner: finished", 5)


def test_a_learner_started_before_the_aggregator_waits_for_it(
    tmp_path: Path, broker: Address, observer: Observer, subscribe: Subscribe
) -> None:
    results = subscribe(SUCCESS)
    port = free_port()
    early = learner("p-early", broker, observer, port, tmp_path, "1")
    observer.wait_for("learner: started", 15)
    time.sleep(2)  # long enough for at least one refused attempt
    assert early.poll() is None, "the learner gave up instead of waiting"

    aggregator = start_module(
        "flops_aggregator", *aggregator_args("p-early", broker, observer, port), cwd=tmp_path
    )
    late = learner("p-early", broker, observer, port, tmp_path, "2")
    outputs = []
    for process in (early, late, aggregator):
        code, output = finish(process)
        assert code == 0, output
        outputs.append(output)
    assert "Aggregator not reachable yet" in outputs[0]
    assert results.next()["flops_project_id"] == "p-early"


def test_a_failed_session_is_published_and_exits_1(
    tmp_path: Path, broker: Address, observer: Observer, subscribe: Subscribe
) -> None:
    failures = subscribe(FAILED)
    with socket.socket() as blocker:
        blocker.bind(("0.0.0.0", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        aggregator = start_module(
            "flops_aggregator", *aggregator_args("p-fail", broker, observer, port), cwd=tmp_path
        )
        code, output = finish(aggregator)
    assert code == 1, output
    failure = failures.next()
    assert failure["flops_project_id"] == "p-fail"
    assert str(port) in failure["error_msg"]  # wording differs across flwr releases
