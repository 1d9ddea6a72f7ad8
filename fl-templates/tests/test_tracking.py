"""Tracking against a real MLflow 2.x tracking server, and against one that is down."""

from __future__ import annotations

import time

import mlflow
import numpy as np
import pytest
from conftest import free_port
from mlflow.tracking import MlflowClient
from sklearn.linear_model import LogisticRegression

from flops_aggregator.strategy import RoundResult
from flops_aggregator.tracking import TRACKED_MODEL_PATH, Tracker, TrackingFailed
from flops_utils.types import MLModelFlavor


def fitted_model() -> LogisticRegression:
    rng = np.random.default_rng(0)
    return LogisticRegression().fit(rng.random((20, 4)), np.arange(20) % 2)


def rounds(*accuracies: float) -> list:
    return [RoundResult(i, 1 - a, a, [], 10, 5) for i, a in enumerate(accuracies, start=1)]


def test_a_run_per_round_and_the_model_in_the_winners_run(mlflow_server: str) -> None:
    tracker = Tracker(mlflow_server, "p-tracking", {"rounds": 3})
    tracker.start()
    results = rounds(0.5, 0.9, 0.7)
    for result in results:
        tracker.log_round(result)
    tracked = tracker.finish(results[1], fitted_model(), MLModelFlavor.SKLEARN)

    client = MlflowClient(mlflow_server)
    experiment = client.get_experiment_by_name("FLOps Project p-tracking")
    assert experiment is not None and tracked.experiment_id == experiment.experiment_id
    runs = {run.info.run_name: run for run in client.search_runs([experiment.experiment_id])}
    assert sorted(runs) == ["FLOps FL round 1", "FLOps FL round 2", "FLOps FL round 3"]
    winner = runs["FLOps FL round 2"]
    assert tracked.run_id == winner.info.run_id
    assert winner.data.metrics == {"loss": pytest.approx(0.1), "accuracy": 0.9}
    assert winner.data.params == {"rounds": "3"}
    assert [a.path for a in client.list_artifacts(tracked.run_id)] == [TRACKED_MODEL_PATH]
    mlflow.set_tracking_uri(mlflow_server)
    model = mlflow.pyfunc.load_model(f"runs:/{tracked.run_id}/{TRACKED_MODEL_PATH}")
    assert model.predict(np.zeros((2, 4))).shape == (2,)


def test_without_a_flavor_the_run_has_metrics_and_no_model(mlflow_server: str) -> None:
    tracker = Tracker(mlflow_server, "p-no-flavor", {})
    tracker.start()
    (only,) = rounds(0.6)
    tracker.log_round(only)
    tracked = tracker.finish(only, fitted_model(), None)
    assert MlflowClient(mlflow_server).list_artifacts(tracked.run_id) == []


def test_a_server_that_is_down_costs_a_bounded_wait_and_fails_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "0.1")
    down = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    tracker = Tracker(down, "p-down", {})
    tracker.start()
    results = rounds(0.5, 0.6)
    for result in results:
        tracker.log_round(result)
    with pytest.raises(TrackingFailed, match=f"open the experiment .* at the MLflow tracking server {down}"):
        tracker.finish(results[1], fitted_model(), MLModelFlavor.SKLEARN)
    assert time.monotonic() - started < 30
