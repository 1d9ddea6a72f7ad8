"""The learner's mlflow stand-in: what repos do with mlflow works, and nothing leaves the process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from roles import RUNTIME

# Runs with only the stand-ins on PYTHONPATH (the test venv has the real mlflow).
SCRIPT = r"""
import json, sys
events = []
sys.addaudithook(lambda event, _: events.append(event) if event.startswith(("socket.", "urllib.", "http.")) else None)

import mlflow
import mlflow.sklearn, mlflow.pytorch, mlflow.keras, mlflow.tensorflow
import mlflow.models, mlflow.tracking, mlflow.pyfunc, mlflow.entities
from mlflow.models import infer_signature, ModelSignature
from mlflow.tracking import MlflowClient

mlflow.sklearn.autolog()
mlflow.autolog(log_models=True)
mlflow.set_tracking_uri("http://127.0.0.1:5000")
experiment = mlflow.set_experiment("FLOps")
with mlflow.start_run(run_name="round") as run:
    inside = mlflow.active_run() is run
    mlflow.log_metric("loss", 0.5, step=1)
    mlflow.log_metrics({"accuracy": 0.9})
    mlflow.log_param("lr", 0.1)
    mlflow.log_params({"epochs": 1})
    mlflow.set_tag("k", "v")
    mlflow.log_artifact("/etc/hostname")
    mlflow.sklearn.log_model(object(), "model", signature=infer_signature([1], [2]))
client = MlflowClient()
client.log_metric(run.info.run_id, "loss", 1.0)
client.create_experiment("other")

class Wrapped(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input):
        return model_input

@mlflow.trace
def traced(x):
    return x + 1

error = mlflow.exceptions.MlflowException
import mlflow.exceptions
try:
    raise mlflow.exceptions.MlflowException("boom")
except error:
    caught = True

print(json.dumps({
    "events": events,
    "file": mlflow.__file__,
    "run_id": run.info.run_id,
    "experiment_id": run.info.experiment_id,
    "inside": inside,
    "after": mlflow.active_run() is None,
    "traced": traced(1),
    "wrapped": Wrapped().predict(None, 3),
    "caught": caught,
    "falsy": not mlflow.sklearn.autolog() and not client.get_run("x"),
    "status": str(mlflow.entities.RunStatus.FINISHED),
}))
"""


def test_everything_works_and_nothing_is_sent() -> None:
    env = {**os.environ, "PYTHONPATH": str(RUNTIME / "stand-ins"), "MLFLOW_TRACKING_URI": "http://127.0.0.1:5000"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["events"] == []  # no socket made, no URL opened
    assert seen["file"] == str(RUNTIME / "stand-ins" / "mlflow" / "__init__.py")
    assert len(seen["run_id"]) == 32 and seen["experiment_id"] == "0"
    assert seen["inside"] and seen["after"] and seen["caught"] and seen["falsy"]
    assert (seen["traced"], seen["wrapped"]) == (2, 3)
    assert seen["status"] == "<mlflow stand-in>"
