"""Synthetic data for a binary classification task, made on the spot.

Every learner draws its own sample: set DATA_SEED to give each one a
different (but reproducible) part of the same underlying population.
"""

import os

import numpy as np

N_FEATURES = 8
TRUE_SEED = 1234  # fixes the population, which all learners share


def load_data(
    n_samples: int = 1000, test_fraction: float = 0.2
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return ``(x_train, y_train), (x_test, y_test)``."""
    true_weights = np.random.default_rng(TRUE_SEED).normal(size=N_FEATURES)
    rng = np.random.default_rng(int(os.environ.get("DATA_SEED", "0")))
    x = rng.normal(size=(n_samples, N_FEATURES))
    noise = rng.normal(scale=0.5, size=n_samples)
    y = (x @ true_weights + noise > 0).astype(np.float64)
    n_test = int(n_samples * test_fraction)
    return (x[n_test:], y[n_test:]), (x[:n_test], y[:n_test])
