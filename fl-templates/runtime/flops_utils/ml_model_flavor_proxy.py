"""The MLflow flavor module of the repo's ML library (env ``ML_MODEL_FLAVOR``)."""

from __future__ import annotations

import importlib
import os
from types import ModuleType

from flops_utils.types import MLModelFlavor

FLAVOR_ENV = "ML_MODEL_FLAVOR"


def read_ml_model_flavor() -> MLModelFlavor | None:
    """The flavor the image was built for; None when unset; ValueError naming a bad value."""
    value = os.environ.get(FLAVOR_ENV, "")
    if not value:
        return None
    try:
        return MLModelFlavor(value)
    except ValueError:
        accepted = ", ".join(f.value for f in MLModelFlavor)
        raise ValueError(f"{FLAVOR_ENV}={value!r} is not one of {accepted}") from None


def get_ml_model_flavor() -> ModuleType:
    """``mlflow.sklearn``, ``mlflow.pytorch``, ``mlflow.keras`` or ``mlflow.tensorflow``."""
    flavor = read_ml_model_flavor()
    if flavor is None:
        raise ValueError(f"{FLAVOR_ENV} is not set; the image builder sets it to the repo's flavor")
    return importlib.import_module(f"mlflow.{flavor.value}")
