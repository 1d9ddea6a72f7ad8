"""Log a session to an MLflow tracking server through its REST API.

The images do not install mlflow (it is large and pins much of what a user's
repo also pins), so this speaks the few REST calls needed with urllib.
Tracking is a side channel: the first failure is logged and switches it off,
so an absent server costs one timeout, never the training.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5.0
API_PATH = "/api/2.0/mlflow"


def _now_ms() -> int:
    return int(time.time() * 1000)


class Tracker:
    """One MLflow run per session; a Tracker(None) does nothing."""

    def __init__(self, uri: str | None) -> None:
        self.uri = uri
        self.run_id = ""

    def _call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            f"{self.uri}{API_PATH}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.load(response)

    def _safely(self, action: str, step: Callable[[], None]) -> None:
        if self.uri is None:
            return
        try:
            step()
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("MLflow tracking at %s stopped: could not %s: %s", self.uri, action, error)
            self.uri = None

    def _experiment_id(self, name: str) -> str:
        query = urllib.parse.urlencode({"experiment_name": name})
        try:
            found = self._call("GET", f"/experiments/get-by-name?{query}")
            return str(found["experiment"]["experiment_id"])
        except urllib.error.HTTPError as error:
            if error.code != 404:  # MLflow's RESOURCE_DOES_NOT_EXIST
                raise
        return str(self._call("POST", "/experiments/create", {"name": name})["experiment_id"])

    def _start(self, experiment: str, params: Mapping[str, object]) -> None:
        run = self._call("POST", "/runs/create", {
            "experiment_id": self._experiment_id(experiment),
            "start_time": _now_ms(),
            "tags": [{"key": "mlflow.runName", "value": experiment}],
        })
        self.run_id = str(run["run"]["info"]["run_id"])
        self._call("POST", "/runs/log-batch", {
            "run_id": self.run_id,
            "params": [{"key": k, "value": str(v)} for k, v in params.items()],
        })

    def start(self, experiment: str, params: Mapping[str, object]) -> None:
        """Open a run in ``experiment`` (created if missing) and log ``params``."""
        self._safely("start a run", lambda: self._start(experiment, params))

    def log_round(self, server_round: int, metrics: Mapping[str, float]) -> None:
        timestamp = _now_ms()
        body = {
            "run_id": self.run_id,
            "metrics": [
                {"key": k, "value": v, "timestamp": timestamp, "step": server_round}
                for k, v in metrics.items()
            ],
        }
        self._safely(f"log round {server_round}", lambda: self._call("POST", "/runs/log-batch", body))

    def finish(self, succeeded: bool) -> None:
        body = {
            "run_id": self.run_id,
            "status": "FINISHED" if succeeded else "FAILED",
            "end_time": _now_ms(),
        }
        self._safely("finish the run", lambda: self._call("POST", "/runs/update", body))
