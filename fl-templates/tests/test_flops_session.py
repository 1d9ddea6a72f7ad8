"""Sessions as the FLOps manager starts them: ``python main.py …`` in image-like folders.

The sklearn-mnist repo (mlflow imported at import time, data through
load_dataset()), the Flight data server, a real MLflow server and mosquitto.
Learners in the manager's form serve until stopped, so the tests stop them.
"""

from __future__ import annotations

from pathlib import Path

import mlflow
import numpy as np
import pytest
from conftest import MNIST_TAGS, Observer, Subscribe, free_port
from mlflow.tracking import MlflowClient

from flops_common.address import Address
from roles import ImageLayout, Running, copy_repo

STARTED = "flops_manager/aggregator/started"
SUCCESS = "flops_manager/aggregator/success"
FAILED = "flops_manager/aggregator/failed"
LEARNER_FAILED = "flops_manager/learner/failed"
FAST = {"FLOPS_RETRY_INTERVAL": "0.5"}


class Project:
    """One project's roles, each in its own image-like folder around one copy of the repo."""

    def __init__(
        self,
        tmp_path: Path,
        project_id: str,
        broker: Address,
        observer: Observer,
        processes: list[Running],
        flight: Address | None = None,
    ) -> None:
        self.tmp_path = tmp_path
        self.project_id = project_id
        self.repo = copy_repo("sklearn-mnist", tmp_path)
        self.mqtt = f"{broker.host}:{broker.port}"
        self.observer = observer.hostport
        self.processes = processes
        self.flight = flight

    def _start(self, role: str, name: str, args: list[str], env: dict[str, str]) -> Running:
        layout = ImageLayout(self.tmp_path / name, role, self.repo)
        process = layout.start(self.project_id, self.mqtt, self.observer, *args, env={**FAST, **env})
        self.processes.append(process)
        return process

    def aggregator(
        self,
        name: str,
        tracking: str,
        kind: str,
        rounds: int,
        clients: int,
        *extra: str,
        env: dict[str, str] | None = None,
    ) -> Running:
        counts = [str(rounds), str(clients), str(clients), str(clients)]
        return self._start(
            "aggregator", name, [tracking, kind, *counts, *extra], {"ML_MODEL_FLAVOR": "sklearn", **(env or {})}
        )

    def learner(self, name: str, aggregator_port: int, tags: str, env: dict[str, str] | None = None) -> Running:
        assert self.flight is not None
        data_server = {"ML_DATA_SERVER_IP": f"{self.flight.host}:{self.flight.port}"}
        return self._start("learner", name, [f"127.0.0.1:{aggregator_port}", tags], {**data_server, **(env or {})})


def stop_cleanly(process: Running) -> None:
    code, output = process.stop()
    assert code == 0, output
    assert "Traceback" not in output, output


def run_ids(client: MlflowClient, project_id: str) -> dict[str, dict[str, float]]:
    """Run name → metrics of the project's experiment."""
    experiment = client.get_experiment_by_name(f"FLOps Project {project_id}")
    assert experiment is not None
    runs = client.search_runs([experiment.experiment_id])
    return {run.info.run_name: {**run.data.metrics, "run_id": run.info.run_id} for run in runs}


@pytest.fixture
def tracking(mlflow_server: str) -> MlflowClient:
    mlflow.set_tracking_uri(mlflow_server)
    return MlflowClient(mlflow_server)


def test_a_classic_session_tracks_the_winner_and_reports_it(
    tmp_path: Path,
    broker: Address,
    observer: Observer,
    subscribe: Subscribe,
    flight_server: Address,
    mlflow_server: str,
    tracking: MlflowClient,
    processes: list[Running],
) -> None:
    started, results, learner_failures = subscribe(STARTED), subscribe(SUCCESS), subscribe(LEARNER_FAILED)
    project = Project(tmp_path, "p-classic", broker, observer, processes, flight_server)
    port = free_port()
    aggregator = project.aggregator("aggregator", mlflow_server, "CLASSIC_AGGREGATOR", 2, 2, "--port", str(port))
    # A learner that reported anywhere would find the tracking server here.
    learners = [project.learner(tag, port, tag, {"MLFLOW_TRACKING_URI": mlflow_server}) for tag in MNIST_TAGS]

    code, output = aggregator.finish(timeout=240)
    assert code == 0, output
    assert started.next() == {"flops_project_id": "p-classic", "aggregator_type": "CLASSIC_AGGREGATOR"}
    success = results.next()
    assert set(success) == {"flops_project_id", "aggregator_type", "accuracy", "loss", "experiment_id", "run_id"}
    assert success["aggregator_type"] == "CLASSIC_AGGREGATOR"
    observer.wait_for("learner: the session is over", 60, count=2)
    for learner in learners:
        stop_cleanly(learner)
    assert learner_failures.empty()

    runs = run_ids(tracking, "p-classic")
    assert sorted(runs) == ["FLOps FL round 1", "FLOps FL round 2"]
    assert all({"loss", "accuracy"} <= set(metrics) for metrics in runs.values())
    winner = max(runs.values(), key=lambda metrics: metrics["accuracy"])
    assert success["run_id"] == winner["run_id"]
    assert success["accuracy"] == pytest.approx(winner["accuracy"])
    model = mlflow.pyfunc.load_model(f"runs:/{success['run_id']}/logged_model_artifact")
    predictions = model.predict(np.random.default_rng(0).random((3, 28 * 28)))
    assert predictions.shape == (3,) and set(predictions) <= set(range(10))
    # Learners call mlflow.sklearn.autolog() and fit: the real mlflow would have made runs here.
    assert tracking.search_runs(["0"]) == []


def test_a_hierarchical_session_root_cluster_and_learners(
    tmp_path: Path,
    broker: Address,
    observer: Observer,
    subscribe: Subscribe,
    flight_server: Address,
    mlflow_server: str,
    tracking: MlflowClient,
    processes: list[Running],
) -> None:
    messages, results = subscribe("flops_manager/aggregator/#"), subscribe(SUCCESS)
    project = Project(tmp_path, "p-hierarchical", broker, observer, processes, flight_server)
    root_port, cluster_port = free_port(), free_port()
    root = project.aggregator("root", mlflow_server, "ROOT_AGGREGATOR", 2, 1, "--port", str(root_port))
    cluster = project.aggregator(
        "cluster", mlflow_server, "CLUSTER_AGGREGATOR", 1, 2, f"127.0.0.1:{root_port}", "--port", str(cluster_port)
    )
    learners = [project.learner(tag, cluster_port, tag) for tag in MNIST_TAGS]

    code, output = root.finish(timeout=300)
    assert code == 0, output
    success = results.next()
    assert success["aggregator_type"] == "ROOT_AGGREGATOR"
    assert success["run_id"] in {metrics["run_id"] for metrics in run_ids(tracking, "p-hierarchical").values()}
    assert sorted(run_ids(tracking, "p-hierarchical")) == ["FLOps FL round 1", "FLOps FL round 2"]
    observer.wait_for("cluster aggregator: the root aggregator's session is over", 60)
    for process in (cluster, *learners):
        stop_cleanly(process)
    types = []
    while not messages.empty():
        types.append(messages.next()["aggregator_type"])
    assert types == ["ROOT_AGGREGATOR", "ROOT_AGGREGATOR"]  # started, success; the cluster says nothing
    # Two cycles of the root, one round each in the cluster: each learner trained twice.
    assert observer.wait_for("cluster aggregator: cluster round 1/1 done", 5, count=2)


def test_learners_wait_for_an_aggregator_that_comes_later_and_tracking_can_stay_local(
    tmp_path: Path,
    broker: Address,
    observer: Observer,
    subscribe: Subscribe,
    flight_server: Address,
    processes: list[Running],
) -> None:
    results = subscribe(SUCCESS)
    project = Project(tmp_path, "p-late", broker, observer, processes, flight_server)
    port = free_port()
    learners = [project.learner(tag, port, tag) for tag in MNIST_TAGS]
    for learner in learners:
        learner.wait_for("not reachable yet")
        learner.wait_for("not reachable yet", timeout=30)

    unused = f"http://127.0.0.1:{free_port()}"
    aggregator = project.aggregator(
        "aggregator", unused, "CLASSIC_AGGREGATOR", 1, 2, "--port", str(port), "--track-locally"
    )
    code, output = aggregator.finish(timeout=240)
    assert code == 0, output
    success = results.next()
    assert success["run_id"]
    # Kept in the container: a file store in the working directory, the repo's folder.
    local = MlflowClient((project.repo / "mlruns").as_uri())
    assert local.get_run(success["run_id"]).data.metrics.keys() >= {"loss", "accuracy"}
    for learner in learners:
        stop_cleanly(learner)


def test_a_tracking_server_that_is_down_fails_the_project_after_training(
    tmp_path: Path,
    broker: Address,
    observer: Observer,
    subscribe: Subscribe,
    flight_server: Address,
    processes: list[Running],
) -> None:
    failures = subscribe(FAILED)
    project = Project(tmp_path, "p-untracked", broker, observer, processes, flight_server)
    port, down = free_port(), f"http://127.0.0.1:{free_port()}"
    aggregator = project.aggregator(
        "aggregator",
        down,
        "CLASSIC_AGGREGATOR",
        2,
        2,
        "--port",
        str(port),
        env={"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1", "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "0.1"},
    )
    learners = [project.learner(tag, port, tag) for tag in MNIST_TAGS]

    code, output = aggregator.finish(timeout=240)
    assert code == 1, output
    observer.wait_for("aggregator: round 2/2 done", 5)  # training went on to the end
    failure = failures.next()
    assert failure["aggregator_type"] == "CLASSIC_AGGREGATOR"
    assert down.split("//")[1] in failure["error_msg"]
    for learner in learners:
        stop_cleanly(learner)


def test_no_data_for_the_tags_fails_the_learner(
    tmp_path: Path,
    broker: Address,
    observer: Observer,
    subscribe: Subscribe,
    flight_server: Address,
    processes: list[Running],
) -> None:
    failures = subscribe(LEARNER_FAILED)
    project = Project(tmp_path, "p-no-data", broker, observer, processes, flight_server)
    code, output = project.learner("learner", free_port(), "nothing-here,nor-here").finish()
    assert code == 1, output
    failure = failures.next()
    assert set(failure) == {"flops_project_id", "error_msg"}
    assert "nothing-here, nor-here" in failure["error_msg"]
    observer.wait_for("nothing-here", 5)


def test_an_unreachable_data_server_fails_the_learner_after_its_timeout(
    tmp_path: Path,
    broker: Address,
    observer: Observer,
    subscribe: Subscribe,
    processes: list[Running],
) -> None:
    failures = subscribe(LEARNER_FAILED)
    project = Project(tmp_path, "p-no-server", broker, observer, processes, Address("127.0.0.1", free_port()))
    code, output = project.learner("learner", free_port(), "mnist-a", {"FLOPS_DATA_SERVER_TIMEOUT": "1"}).finish()
    assert code == 1, output
    assert "did not answer within 1 s" in failures.next()["error_msg"]
