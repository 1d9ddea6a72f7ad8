"""The classes an ML repo's ``data_manager.py`` and ``model_manager.py`` implement."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class DataManagerTemplate(ABC):
    @abstractmethod
    def _prepare_data(self) -> Any:
        """Load the data (``flops_utils.ml_repo_building_blocks.load_dataset()``) and preprocess it."""

    @abstractmethod
    def get_data(self) -> tuple[Any, Any]:
        """The prepared training and test data, e.g. ``(x_train, x_test), (y_train, y_test)``."""


class ModelManagerTemplate(ABC):
    """What the learner trains and the aggregator averages and saves.

    The aggregator makes a ModelManager too but never calls set_model_data:
    it has no data, so do not load data in ``__init__``.
    """

    @abstractmethod
    def set_model_data(self) -> None:
        """Load the data (through a DataManager) for fit_model and evaluate_model; learners only."""

    @abstractmethod
    def get_model(self) -> Any:
        """The model object that MLflow's flavor (ML_MODEL_FLAVOR) saves, e.g. ``self.model``."""

    @abstractmethod
    def get_model_parameters(self) -> Any:
        """The parameters as a list of numpy arrays, e.g. ``self.model.get_weights()``."""

    @abstractmethod
    def set_model_parameters(self, parameters: Any) -> None:
        """Load parameters in the form get_model_parameters returns."""

    @abstractmethod
    def fit_model(self) -> int:
        """Train on the local data; return the number of training examples."""

    @abstractmethod
    def evaluate_model(self) -> tuple[Any, Any, int]:
        """Evaluate on the local test data; return ``loss, accuracy, number of test examples``."""
