"""Logistic regression trained with plain numpy gradient descent."""

import numpy as np

from data_manager import N_FEATURES, load_data


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class ModelManager:
    def __init__(self, learning_rate: float = 0.5, epochs: int = 20) -> None:
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.weights = np.zeros(N_FEATURES)
        self.bias = np.zeros(1)

    def set_model_data(self) -> None:
        (self.x_train, self.y_train), (self.x_test, self.y_test) = load_data()

    def get_model(self) -> dict[str, np.ndarray]:
        """The model itself; the aggregator keeps the best one it sees (this plain-numpy model has no MLflow flavor)."""
        return {"weights": self.weights, "bias": self.bias}

    def get_model_parameters(self) -> list[np.ndarray]:
        return [self.weights, self.bias]

    def set_model_parameters(self, parameters: list[np.ndarray]) -> None:
        weights, bias = parameters
        self.weights = np.array(weights, dtype=np.float64)
        self.bias = np.array(bias, dtype=np.float64)

    def _predict(self, x: np.ndarray) -> np.ndarray:
        return _sigmoid(x @ self.weights + self.bias)

    def fit_model(self) -> int:
        n = len(self.y_train)
        for _ in range(self.epochs):
            error = self._predict(self.x_train) - self.y_train
            self.weights -= self.learning_rate * self.x_train.T @ error / n
            self.bias -= self.learning_rate * error.mean(keepdims=True)
        return n

    def evaluate_model(self) -> tuple[float, float, int]:
        p = np.clip(self._predict(self.x_test), 1e-12, 1 - 1e-12)
        loss = -np.mean(self.y_test * np.log(p) + (1 - self.y_test) * np.log(1 - p))
        accuracy = np.mean((p > 0.5) == self.y_test)
        return float(loss), float(accuracy), len(self.y_test)
