"""Plot the accuracy and loss of each training round from the demo's summary JSON, as a PNG.

Usage: python plot_rounds.py SUMMARY_JSON OUTPUT_PNG
The summary's ``rounds`` is a list of ``{"round", "loss", "accuracy"}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: write the file only
import matplotlib.pyplot as plt  # noqa: E402


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    summary = json.loads(Path(sys.argv[1]).read_text())
    rounds = summary["rounds"]
    numbers = [r["round"] for r in rounds]
    figure, accuracy_axis = plt.subplots(figsize=(6, 4), dpi=100)
    accuracy_axis.plot(numbers, [r["accuracy"] for r in rounds], "o-", color="tab:blue", label="accuracy")
    accuracy_axis.set_xlabel("round")
    accuracy_axis.set_ylabel("accuracy (learners' evaluation data)", color="tab:blue")
    accuracy_axis.set_ylim(0, 1)
    accuracy_axis.set_xticks(numbers)
    loss_axis = accuracy_axis.twinx()
    loss_axis.plot(numbers, [r["loss"] for r in rounds], "s--", color="tab:red", label="loss")
    loss_axis.set_ylabel("loss (log loss)", color="tab:red")
    loss_axis.set_ylim(bottom=0)
    held_out = summary.get("serving", {}).get("accuracy")
    title = "FLOps demo: digits-sklearn, FedAvg over 2 learners"
    if held_out is not None:
        title += f"\nserved model on held-out digits: accuracy {held_out:.3f}"
    accuracy_axis.set_title(title, fontsize=10)
    # Lower left: accuracy sits near the top, and the loss falls from the top left.
    handles = accuracy_axis.get_lines() + loss_axis.get_lines()
    accuracy_axis.legend(handles, [h.get_label() for h in handles], loc="lower left")
    figure.tight_layout()
    figure.savefig(sys.argv[2])
    print(sys.argv[2])


if __name__ == "__main__":
    main()
