"""Track a project to MLflow as upstream does, and log the winner model.

Experiment ``FLOps Project <project_id>``; one run per round (``FLOps FL round
<n>``) with the round's ``loss`` and ``accuracy``; the winner model (best
accuracy) logged as an MLflow model of the repo's flavor under
``logged_model_artifact`` in the winning round's own run, whose id is the
``run_id`` reported to the manager (upstream logs it into the last round's
run). Tracking is a side channel while training runs: its first failure is
remembered and ends tracking, training goes on, and the outcome reports it.
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable

from flops_aggregator.strategy import RoundResult
from flops_utils.types import MLModelFlavor

log = logging.getLogger(__name__)

TRACKED_MODEL_PATH = "logged_model_artifact"
# MLflow's HTTP client retries for minutes by default (7 retries, backoff
# factor 2, 120 s timeout); a tracking server that is down must cost training
# a bounded wait. An operator's own settings win.
HTTP_DEFAULTS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "3",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
}


class TrackingFailed(Exception):
    """No run can carry the model; the message names the tracking server."""


@dataclass(frozen=True)
class TrackedModel:
    experiment_id: str
    run_id: str


class Tracker:
    def __init__(self, uri: str, project_id: str, params: Mapping[str, Any]) -> None:
        for name, value in HTTP_DEFAULTS.items():
            os.environ.setdefault(name, value)
        from mlflow.tracking import MlflowClient

        self.uri = uri
        self.client = MlflowClient(tracking_uri=uri)
        self.experiment_name = f"FLOps Project {project_id}"
        self.params = {name: str(value) for name, value in params.items()}
        self.experiment_id = ""
        self.run_ids: dict[int, str] = {}
        self.problem: str | None = None

    def _attempt(self, what: str, step: Callable[[], None]) -> None:
        if self.problem is not None:
            return
        try:
            step()
        # MLflow's client fails in many ways (HTTP, its own exceptions, OS
        # errors); each means the same here: tracking is over.
        except Exception as error:
            self.problem = f"could not {what} at the MLflow tracking server {self.uri}: {error}"
            log.warning("Tracking stopped: %s", self.problem)

    def start(self) -> None:
        """Find or create the project's experiment."""
        self._attempt(f"open the experiment {self.experiment_name!r}", self._open_experiment)

    def _open_experiment(self) -> None:
        found = self.client.get_experiment_by_name(self.experiment_name)
        self.experiment_id = found.experiment_id if found else self.client.create_experiment(self.experiment_name)

    def log_round(self, result: RoundResult) -> None:
        """One finished run for ``result``'s round, with its loss, accuracy and the session's params."""
        self._attempt(f"log round {result.server_round}", lambda: self._log_round(result))

    def _log_round(self, result: RoundResult) -> None:
        from mlflow.entities import Metric, Param

        run = self.client.create_run(self.experiment_id, run_name=f"FLOps FL round {result.server_round}")
        now = int(time.time() * 1000)
        self.client.log_batch(
            run.info.run_id,
            metrics=[
                Metric("loss", result.loss, now, result.server_round),
                Metric("accuracy", result.accuracy, now, result.server_round),
            ],
            params=[Param(name, value) for name, value in self.params.items()],
        )
        self.client.set_terminated(run.info.run_id)
        self.run_ids[result.server_round] = run.info.run_id

    def finish(self, winner: RoundResult, model: Any, flavor: MLModelFlavor | None) -> TrackedModel:
        """Log ``model`` into the winner's run (unless there is no flavor); TrackingFailed if tracking failed."""
        if flavor is not None:
            self._attempt("log the winner model", lambda: self._log_model(winner, model, flavor))
        if self.problem is not None:
            raise TrackingFailed(self.problem)
        return TrackedModel(self.experiment_id, self.run_ids[winner.server_round])

    def _log_model(self, winner: RoundResult, model: Any, flavor: MLModelFlavor) -> None:
        import mlflow

        mlflow.set_tracking_uri(self.uri)
        with mlflow.start_run(run_id=self.run_ids[winner.server_round]):
            importlib.import_module(f"mlflow.{flavor.value}").log_model(model, TRACKED_MODEL_PATH)
