"""Upstream's older name for the learner's data: ``load_ml_data``, as ``DataManagerTemplate._prepare_data``'s
docstring in upstream's flops_utils still shows it (``from flops_utils.flops_learner_files_wrapper import
load_ml_data``). Repos written from that docstring import it; it is ``load_dataset`` under another name.
"""

from __future__ import annotations

from flops_utils.ml_repo_building_blocks import load_dataset

load_ml_data = load_dataset

__all__ = ["load_ml_data"]
