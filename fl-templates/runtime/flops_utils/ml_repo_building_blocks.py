"""Building blocks for ML repos: ``load_dataset()``, the learner's data."""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datasets


def load_dataset() -> datasets.Dataset:
    """The datasets tagged with the learner's data tags on the ML data server, merged.

    Returns a Hugging Face ``datasets.Dataset`` in arrow format with the original
    features (call ``.with_format("numpy")`` or similar). Only a learner has
    data: call this from ``ModelManager.set_model_data`` (directly or through
    a DataManager), never at import time or in ``__init__``.
    """
    if importlib.util.find_spec("flops_learner") is None:
        raise RuntimeError(
            "load_dataset() only works in a FLOps learner; the aggregator has no data. "
            "Call it from ModelManager.set_model_data, which only learners run"
        )
    from flops_learner.dataset import load_dataset as load_learner_dataset

    return load_learner_dataset()
