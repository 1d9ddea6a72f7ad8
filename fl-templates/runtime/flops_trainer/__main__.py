"""``python -m flops_trainer train``: what the training image runs on ``docker run IMAGE train``."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, MutableMapping, Sequence

from flops_trainer.layout import as_arguments, channels, environment, hyperparameters, layout_from
from flops_trainer.run import EntryFailed, run_entry

USAGE = """usage: IMAGE train

Runs the repo's training entry ({entry}) the way SageMaker runs a training image:
  data channels      /opt/ml/input/data/<channel> (also in SM_CHANNEL_<NAME>)
  hyperparameters    /opt/ml/input/config/hyperparameters.json, passed as --name value arguments
  model              written by the entry to /opt/ml/model (SM_MODEL_DIR)
  failure            /opt/ml/output/failure holds the reason, and the exit status is not 0
"""


def main(argv: Sequence[str], environ: MutableMapping[str, str]) -> int:
    entry = environ.get("FLOPS_TRAIN_ENTRY", "train.py")
    if list(argv) != ["train"]:
        sys.stderr.write(USAGE.format(entry=entry))
        return 0 if list(argv) in (["-h"], ["--help"]) else 2
    layout = layout_from(environ)
    try:
        values = hyperparameters(layout)
        found = channels(layout)
    except ValueError as error:
        return fail(layout.failure_file, f"the job's configuration is unreadable: {error}", 1)
    environ.update(environment(layout, found, values))
    for folder in (layout.model_dir, layout.output_data_dir):
        os.makedirs(folder, exist_ok=True)
    print(f"flops_trainer: running {entry} with channels {', '.join(found) or 'none'}", file=sys.stderr, flush=True)
    try:
        run_entry(entry, repo_dir(environ), as_arguments(values))
    except EntryFailed as failed:
        return fail(layout.failure_file, failed.reason, failed.status)
    return 0


def repo_dir(environ: Mapping[str, str]) -> str:
    return environ.get("FLOPS_REPO_DIR") or os.getcwd()


def fail(failure_file: str, reason: str, status: int) -> int:
    """SageMaker reads the failure file for the job's FailureReason; the log gets it too."""
    os.makedirs(os.path.dirname(failure_file), exist_ok=True)
    with open(failure_file, "w", encoding="utf-8") as file:
        file.write(reason)
    sys.stderr.write(f"flops_trainer: training failed: {reason}\n")
    return status if status != 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], os.environ))
