"""Log two models to a tracking server as an MLflow of the running venv's version does.

Run with the python of a venv scripts/servers/mlflow_server.py made (``mlflow==X`` and
scikit-learn). Logs, each in a run of its own, at the name FLOps' aggregator uses
(``logged_model_artifact``):

- ``sklearn``: a LogisticRegression on 4 features, with ``mlflow.sklearn.log_model``
  and the requirements MLflow infers, as an author would log it;
- ``pyfunc``: a plain ``mlflow.pyfunc.PythonModel`` (the row sums), listing the
  sklearn model's requirements, so that both serve from one dependency image.

MLflow 3 logs a LoggedModel whose source run is the run (``name=``); MLflow 2 logs
run artifacts (``artifact_path=``). Prints ``sklearn <run_id>`` and ``pyfunc <run_id>``.

Usage: python log_models.py --tracking-uri URL
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
from mlflow.pyfunc import PythonModel
from sklearn.linear_model import LogisticRegression

NAME = "logged_model_artifact"
MLFLOW_3 = int(mlflow.__version__.split(".")[0]) >= 3


class RowSums(PythonModel):
    """A model with no library behind it: the sum of each input row."""

    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        # A DataFrame for `dataframe_split` input, an array for `inputs` (the test's).
        return np.asarray(model_input).sum(axis=1)


def where(name: str) -> dict[str, str]:
    return {"name": name} if MLFLOW_3 else {"artifact_path": name}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tracking-uri", required=True)
    args = parser.parse_args()
    mlflow.set_tracking_uri(args.tracking_uri)
    mlflow.set_experiment("logged-models")

    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4))
    y = (x.sum(axis=1) > 0).astype(int)
    with mlflow.start_run() as run:
        mlflow.sklearn.log_model(LogisticRegression().fit(x, y), **where(NAME))
        sklearn_run = run.info.run_id
    with tempfile.TemporaryDirectory() as tmp:
        folder = mlflow.artifacts.download_artifacts(f"runs:/{sklearn_run}/{NAME}", dst_path=tmp)
        requirements = (Path(folder) / "requirements.txt").read_text().split("\n")
    with mlflow.start_run() as run:
        pip = [line for line in requirements if line.strip()]
        mlflow.pyfunc.log_model(python_model=RowSums(), pip_requirements=pip, **where(NAME))
        pyfunc_run = run.info.run_id
    print(f"sklearn {sklearn_run}")
    print(f"pyfunc {pyfunc_run}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
