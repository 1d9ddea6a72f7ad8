"""SageMaker's folders under /opt/ml, and the environment and arguments a training entry reads from them."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

# SageMaker mounts everything here; SAGEMAKER_BASE_DIR moves it, as in the sagemaker-training toolkit (for tests).
DEFAULT_BASE_DIR = "/opt/ml"


@dataclass(frozen=True)
class Layout:
    """The folders and files of one training job."""

    base: str

    @property
    def input_dir(self) -> str:
        return os.path.join(self.base, "input")

    @property
    def data_dir(self) -> str:
        return os.path.join(self.input_dir, "data")

    @property
    def config_dir(self) -> str:
        return os.path.join(self.input_dir, "config")

    @property
    def model_dir(self) -> str:
        return os.path.join(self.base, "model")

    @property
    def output_dir(self) -> str:
        return os.path.join(self.base, "output")

    @property
    def output_data_dir(self) -> str:
        return os.path.join(self.output_dir, "data")

    @property
    def failure_file(self) -> str:
        return os.path.join(self.output_dir, "failure")


def layout_from(environ: Mapping[str, str]) -> Layout:
    return Layout(environ.get("SAGEMAKER_BASE_DIR") or DEFAULT_BASE_DIR)


def channels(layout: Layout) -> dict[str, str]:
    """Each data channel's folder: the folders under input/data and the channels inputdataconfig.json names."""
    names: set[str] = set()
    if os.path.isdir(layout.data_dir):
        names.update(name for name in os.listdir(layout.data_dir) if os.path.isdir(os.path.join(layout.data_dir, name)))
    names.update(_read_json(os.path.join(layout.config_dir, "inputdataconfig.json")).keys())
    return {name: os.path.join(layout.data_dir, name) for name in sorted(names)}


def hyperparameters(layout: Layout) -> dict[str, object]:
    """hyperparameters.json as SageMaker writes it (every value a string), or empty when there is none."""
    return _read_json(os.path.join(layout.config_dir, "hyperparameters.json"))


def as_arguments(values: Mapping[str, object]) -> list[str]:
    """``--name value`` for each hyperparameter, in the file's order; strings as they are, other JSON values as JSON."""
    arguments: list[str] = []
    for name, value in values.items():
        arguments += [f"--{name}", value if isinstance(value, str) else json.dumps(value)]
    return arguments


def environment(layout: Layout, found: Mapping[str, str], values: Mapping[str, object]) -> dict[str, str]:
    """The SM_ variables the toolkit sets that a training script reads: folders, channels, hyperparameters."""
    env = {
        "SM_MODEL_DIR": layout.model_dir,
        "SM_INPUT_DIR": layout.input_dir,
        "SM_INPUT_DATA_DIR": layout.data_dir,
        "SM_INPUT_CONFIG_DIR": layout.config_dir,
        "SM_OUTPUT_DIR": layout.output_dir,
        "SM_OUTPUT_DATA_DIR": layout.output_data_dir,
        "SM_CHANNELS": json.dumps(list(found)),
        "SM_HPS": json.dumps(dict(values)),
    }
    for name, path in found.items():
        env[f"SM_CHANNEL_{env_name(name)}"] = path
    for name, value in values.items():
        env[f"SM_HP_{env_name(name)}"] = value if isinstance(value, str) else json.dumps(value)
    return env


def env_name(name: str) -> str:
    """``train-data`` → ``TRAIN_DATA``: a channel's or hyperparameter's name as the toolkit spells it in a variable."""
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def _read_json(path: str) -> dict[str, object]:
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    if not isinstance(data, dict):
        raise ValueError(f"{path} must hold a JSON object, not {type(data).__name__}")
    return data
