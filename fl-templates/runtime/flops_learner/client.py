"""Adapt the user's ModelManager to Flower's NumPyClient."""

from __future__ import annotations

from typing import Callable

import numpy as np
from flwr.client import NumPyClient
from flwr.common import NDArrays, Scalar

from flops_common.model import ModelManager


class LearnerClient(NumPyClient):
    def __init__(self, model: ModelManager, on_first_contact: Callable[[], None]) -> None:
        self.model = model
        self.on_first_contact = on_first_contact
        # Set on the session's first instruction: from then on a lost connection
        # is not an aggregator that is still starting.
        self.contacted = False

    def new_session(self) -> None:
        self.contacted = False

    def _contact(self) -> None:
        if not self.contacted:
            self.contacted = True
            self.on_first_contact()

    def get_parameters(self, config: dict[str, Scalar]) -> NDArrays:
        self._contact()
        return [np.asarray(p) for p in self.model.get_model_parameters()]

    def fit(self, parameters: NDArrays, config: dict[str, Scalar]) -> tuple[NDArrays, int, dict[str, Scalar]]:
        self._contact()
        self.model.set_model_parameters(parameters)
        n_train = self.model.fit_model()
        return self.get_parameters(config), int(n_train), {}

    def evaluate(self, parameters: NDArrays, config: dict[str, Scalar]) -> tuple[float, int, dict[str, Scalar]]:
        self._contact()
        self.model.set_model_parameters(parameters)
        loss, accuracy, n_test = self.model.evaluate_model()
        return float(loss), int(n_test), {"accuracy": float(accuracy)}
