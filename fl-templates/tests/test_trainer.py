"""The training image's entry, run as ``python -m flops_trainer train`` over a real SageMaker-shaped folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flops_trainer.layout import as_arguments, env_name
from roles import RUNTIME

# Writes what it was given where SageMaker would keep the model, so that the test reads it back.
TRAIN = r"""
import argparse, json, os, sys
parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, required=True)
parser.add_argument("--name")
args = parser.parse_args()
channel = os.environ["SM_CHANNEL_TRAINING"]
seen = {
    "epochs": args.epochs,
    "name": args.name,
    "rows": open(os.path.join(channel, "data.csv")).read().count("\n"),
    "here": os.path.dirname(os.path.abspath(__file__)),
    "argv0": os.path.basename(sys.argv[0]),
    "channels": json.loads(os.environ["SM_CHANNELS"]),
    "main": __name__,
}
with open(os.path.join(os.environ["SM_MODEL_DIR"], "seen.json"), "w") as f:
    json.dump(seen, f)
"""


def trainer(
    tmp: Path, entry: str, argv: list[str], hps: dict[str, object] | None = None
) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(RUNTIME),
        "SAGEMAKER_BASE_DIR": str(tmp / "ml"),
        "FLOPS_REPO_DIR": str(tmp / "repo"),
        "FLOPS_TRAIN_ENTRY": entry,
    }
    if hps is not None:
        config = tmp / "ml" / "input" / "config"
        config.mkdir(parents=True, exist_ok=True)
        (config / "hyperparameters.json").write_text(json.dumps(hps))
    return subprocess.run(
        [sys.executable, "-m", "flops_trainer", *argv],
        cwd=tmp / "repo",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def job(tmp_path: Path) -> Path:
    (tmp_path / "repo" / "pkg").mkdir(parents=True)
    (tmp_path / "repo" / "train.py").write_text(TRAIN)
    channel = tmp_path / "ml" / "input" / "data" / "training"
    channel.mkdir(parents=True)
    (channel / "data.csv").write_text("a,b\n1,2\n3,4\n")
    return tmp_path


def test_runs_the_file_with_hyperparameters_as_arguments_and_channels_in_the_environment(job: Path) -> None:
    done = trainer(job, "train.py", ["train"], {"epochs": "3", "name": "iris"})
    assert done.returncode == 0, done.stderr
    seen = json.loads((job / "ml" / "model" / "seen.json").read_text())
    assert seen == {
        "epochs": 3,
        "name": "iris",
        "rows": 3,
        "here": str(job / "repo"),
        "argv0": "train.py",
        "channels": ["training"],
        "main": "__main__",
    }
    assert not (job / "ml" / "output" / "failure").exists()


def test_an_exception_writes_the_failure_file_and_exits_non_zero(job: Path) -> None:
    (job / "repo" / "broken.py").write_text("raise ValueError('the data has no label column')\n")
    done = trainer(job, "broken.py", ["train"])
    assert done.returncode == 1
    failure = (job / "ml" / "output" / "failure").read_text()
    assert failure.splitlines()[0] == "ValueError: the data has no label column"
    assert "Traceback" in failure
    assert "the data has no label column" in done.stderr


def test_a_non_zero_exit_is_a_failure_and_keeps_its_status(job: Path) -> None:
    (job / "repo" / "stops.py").write_text("import sys\nsys.exit(3)\n")
    done = trainer(job, "stops.py", ["train"])
    assert done.returncode == 3
    assert (job / "ml" / "output" / "failure").read_text() == "stops.py exited with status 3"


def test_calls_a_pyproject_script_as_a_console_script_would(job: Path) -> None:
    (job / "repo" / "pkg" / "__init__.py").write_text("")
    (job / "repo" / "pkg" / "cli.py").write_text(
        "import os, sys\n"
        "def main():\n"
        "    open(os.path.join(os.environ['SM_MODEL_DIR'], 'argv'), 'w').write(' '.join(sys.argv[1:]))\n"
        "    return 0\n"
    )
    done = trainer(job, "pkg.cli:main", ["train"], {"lr": 0.1, "deep": True})
    assert done.returncode == 0, done.stderr
    assert (job / "ml" / "model" / "argv").read_text() == "--lr 0.1 --deep true"


def test_anything_but_train_prints_the_usage(job: Path) -> None:
    done = trainer(job, "train.py", ["serve"])
    assert done.returncode == 2
    assert done.stderr.startswith("usage: IMAGE train")
    assert "train.py" in done.stderr
    assert not (job / "ml" / "model").exists()


def test_names_and_arguments_are_spelled_as_the_toolkit_spells_them() -> None:
    assert env_name("train-data.v2") == "TRAIN_DATA_V2"
    assert as_arguments({"n": "5", "tags": ["a"], "off": False}) == ["--n", "5", "--tags", '["a"]', "--off", "false"]
