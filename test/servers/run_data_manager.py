"""Run a FLOps-style repo's data code as a learner would, without its ML framework.

For the keras and pytorch fixture repos, whose frameworks are too heavy for CI builds:
run with a venv that holds exactly the datasets, pyarrow, pillow and numpy the builder
locked for the repo, and FLOps' runtime (fl-templates/runtime) on PYTHONPATH. The
learner's data source is set to the Flight server, ``DataManager()`` is made from the
repo's ``data_manager.py``, and what it prepared is printed as JSON. ``--stub-torch``
puts small stand-ins for ``torch.utils.data.DataLoader`` and ``torchvision.transforms``
in place (the boundary of the test): the datasets calls are the real ones.

Usage: python run_data_manager.py --repo DIR --flight HOST:PORT --tag TAG [--stub-torch]
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import types
from pathlib import Path
from typing import Any, Dict, Iterator, List

import numpy as np


class DataLoader:
    """Batches of ``batch_size`` rows, as torch's DataLoader reads a map-style dataset (without shuffling)."""

    def __init__(self, dataset: Any, batch_size: int = 1, shuffle: bool = False) -> None:
        self.dataset = dataset
        self.batch_size = batch_size

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        for start in range(0, len(self.dataset), self.batch_size):
            rows = [self.dataset[index] for index in range(start, min(start + self.batch_size, len(self.dataset)))]
            yield {key: np.stack([np.asarray(row[key]) for row in rows]) for key in rows[0]}

    def __len__(self) -> int:
        return -(-len(self.dataset) // self.batch_size)


class ToTensor:
    """HWC uint8 (a PIL image or an array) to CHW floats in [0, 1], as torchvision's."""

    def __call__(self, image: Any) -> np.ndarray:
        return np.asarray(image, dtype=np.float32).transpose(2, 0, 1) / 255.0


class Normalize:
    def __init__(self, mean: Any, std: Any) -> None:
        self.mean = np.asarray(mean, dtype=np.float32).reshape(-1, 1, 1)
        self.std = np.asarray(std, dtype=np.float32).reshape(-1, 1, 1)

    def __call__(self, tensor: np.ndarray) -> np.ndarray:
        return (tensor - self.mean) / self.std


class Compose:
    def __init__(self, steps: List[Any]) -> None:
        self.steps = steps

    def __call__(self, value: Any) -> Any:
        for step in self.steps:
            value = step(value)
        return value


def stub_torch() -> None:
    """The stand-ins, put in place after datasets is imported: datasets then knows torch as not installed."""
    import datasets  # noqa: F401

    names = ("torch", "torch.utils", "torch.utils.data", "torchvision", "torchvision.transforms")
    modules = {name: types.ModuleType(name) for name in names}
    modules["torch"].Tensor = type("Tensor", (), {})  # type: ignore[attr-defined]
    modules["torch.utils.data"].DataLoader = DataLoader  # type: ignore[attr-defined]
    transforms = modules["torchvision.transforms"]
    transforms.Compose, transforms.ToTensor, transforms.Normalize = Compose, ToTensor, Normalize  # type: ignore[attr-defined]
    sys.modules.update(modules)


def describe(value: Any) -> Any:
    """Shapes and types of what the data manager prepared (nested tuples, arrays, loaders)."""
    if isinstance(value, tuple):
        return [describe(item) for item in value]
    if isinstance(value, np.ndarray):
        return {"type": "ndarray", "shape": list(value.shape), "dtype": str(value.dtype)}
    if isinstance(value, DataLoader):
        batch = next(iter(value))
        return {"type": "DataLoader", "rows": len(value.dataset), "batch": {k: list(v.shape) for k, v in batch.items()}}
    return {"type": type(value).__name__}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--flight", required=True, help="HOST:PORT of the Flight data server")
    parser.add_argument("--tag", required=True)
    parser.add_argument("--stub-torch", action="store_true")
    args = parser.parse_args()
    if args.stub_torch:
        stub_torch()
    from flops_common.address import Address
    from flops_learner import dataset

    host, port = args.flight.rsplit(":", 1)
    dataset.use(dataset.DataSource((args.tag,), Address(host, int(port)), timeout=30))
    sys.path.insert(0, str(args.repo))
    manager = importlib.import_module("data_manager").DataManager()
    import datasets
    import pyarrow

    versions = {"datasets": datasets.__version__, "pyarrow": pyarrow.__version__, "numpy": np.__version__}
    print(json.dumps({"versions": versions, "data": describe(manager.get_data())}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
