"""Write scikit-learn's digits as FLOps' mock data provider stores data, split by tag, with some held out.

``load_digits`` ships with scikit-learn (1,797 8x8 images, nothing is downloaded).
Its pixels (0-16) become 8x8 grayscale ``Image`` features (0-255) with a
``ClassLabel``, written with Hugging Face ``datasets`` to parquet as
``<tag>.<md5 of the file>.parquet``, the form the Arrow Flight data server
serves by tag. A shuffled part is held out and written as JSON
(``{"inputs": [[64 floats 0-1]...], "labels": [...]}``), the scale the example
repo trains on, for asking the served model.

Usage: python digits_data.py --data-dir D --held-out FILE --tags a,b [--held-out-count 347]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from pathlib import Path
from typing import List

import numpy as np
from datasets import ClassLabel, Dataset, Features, Image, disable_progress_bars
from PIL import Image as PILImage
from sklearn.datasets import load_digits

SEED = 22


def as_dataset(pixels: np.ndarray, labels: np.ndarray) -> Dataset:
    return Dataset.from_dict(
        {"image": [PILImage.fromarray(p) for p in pixels], "label": labels.tolist()},
        features=Features({"image": Image(), "label": ClassLabel(names=[str(d) for d in range(10)])}),
    )


def write_parquet(dataset: Dataset, data_dir: Path, tag: str) -> Path:
    """One ``<tag>.<md5>.parquet``, replacing what an earlier run wrote under the tag."""
    for old in data_dir.glob(f"{tag}.*.parquet"):
        old.unlink()
    with tempfile.NamedTemporaryFile(dir=data_dir, suffix=".tmp", delete=False) as file:
        temporary = Path(file.name)
    dataset.to_parquet(str(temporary))
    temporary.chmod(0o644)
    digest = hashlib.md5(temporary.read_bytes()).hexdigest()
    return temporary.rename(data_dir / f"{tag}.{digest}.parquet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--held-out", type=Path, required=True)
    parser.add_argument("--tags", required=True, help="comma-separated; the training digits are split between them")
    parser.add_argument("--held-out-count", type=int, default=347)
    args = parser.parse_args()
    disable_progress_bars()
    tags: List[str] = [tag for tag in args.tags.split(",") if tag]
    if not tags or any("." in tag for tag in tags):
        parser.error(f"--tags {args.tags!r}: one or more tags, none holding a '.'")
    digits = load_digits()
    # 0-16 to 0-255, as an 8-bit grayscale image holds it.
    pixels = np.rint(digits.images * (255 / 16)).astype(np.uint8)
    order = np.random.default_rng(SEED).permutation(len(pixels))
    held, train = order[: args.held_out_count], order[args.held_out_count :]
    args.data_dir.mkdir(parents=True, exist_ok=True)
    for tag, part in zip(tags, np.array_split(train, len(tags))):
        path = write_parquet(as_dataset(pixels[part], digits.target[part]), args.data_dir, tag)
        print(json.dumps({"tag": tag, "rows": len(part), "file": str(path)}), flush=True)
    inputs = (pixels[held].reshape(len(held), -1) / 255.0).round(6).tolist()
    args.held_out.write_text(json.dumps({"inputs": inputs, "labels": digits.target[held].tolist()}))
    print(json.dumps({"held_out": len(held), "file": str(args.held_out)}), flush=True)


if __name__ == "__main__":
    main()
