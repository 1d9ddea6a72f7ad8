"""Write small image datasets as FLOps' mock data provider stores them, for tests.

Hugging Face ``datasets`` with upstream's features, written to parquet as
``<tag>.<md5 of the file>.parquet`` (one file per partition), made by this code
(no download). Each class has its own pattern, so a model can learn them:
- ``mnist``: ``image`` (28x28 grayscale ``Image``) and ``label`` (``ClassLabel`` 0-9);
- ``cifar``: ``img`` (32x32 RGB ``Image``) and ``label`` (``ClassLabel`` airplane…truck).

Usage: python make_datasets.py --data-dir D --shape mnist|cifar --tag T --rows N [--partitions K]
Prints the path of each file it writes.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import zlib
from pathlib import Path
from typing import List

import numpy as np
from datasets import ClassLabel, Dataset, Features, Image, disable_progress_bars
from PIL import Image as PILImage

CIFAR_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def mnist_like(rows: int, rng: np.random.Generator) -> Dataset:
    labels = rng.integers(0, 10, rows)
    pixels = rng.integers(0, 60, (rows, 28, 28), dtype=np.uint8)
    for pixel, label in zip(pixels, labels):
        column = 3 + 2 * int(label)  # a bright bar whose place tells the digit
        pixel[4:24, column:column + 3] = 255
    return Dataset.from_dict(
        {"image": [PILImage.fromarray(p) for p in pixels], "label": labels.tolist()},
        features=Features({"image": Image(), "label": ClassLabel(names=[str(d) for d in range(10)])}),
    )


def cifar_like(rows: int, rng: np.random.Generator) -> Dataset:
    labels = rng.integers(0, 10, rows)
    pixels = rng.integers(0, 80, (rows, 32, 32, 3), dtype=np.uint8)
    for pixel, label in zip(pixels, labels):
        row = 2 + 3 * int(label)  # a colored band whose place and channel tell the class
        pixel[row:row + 3, :, int(label) % 3] = 255
    return Dataset.from_dict(
        {"img": [PILImage.fromarray(p) for p in pixels], "label": labels.tolist()},
        features=Features({"img": Image(), "label": ClassLabel(names=CIFAR_CLASSES)}),
    )


def write(dataset: Dataset, data_dir: Path, tag: str, partitions: int) -> List[Path]:
    """One ``<tag>.<md5>.parquet`` per contiguous partition."""
    data_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(partitions):
        part = dataset.shard(num_shards=partitions, index=index, contiguous=True)
        with tempfile.NamedTemporaryFile(dir=data_dir, suffix=".tmp", delete=False) as file:
            temporary = Path(file.name)
        part.to_parquet(str(temporary))
        temporary.chmod(0o644)
        digest = hashlib.md5(temporary.read_bytes()).hexdigest()
        written.append(temporary.rename(data_dir / f"{tag}.{digest}.parquet"))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--shape", choices=("mnist", "cifar"), required=True)
    parser.add_argument("--tag", required=True, help="the data tag: no '.' in it")
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--partitions", type=int, default=1)
    args = parser.parse_args()
    disable_progress_bars()
    if "." in args.tag or not args.tag:
        parser.error(f"--tag {args.tag!r}: a tag is the file name up to the first '.', so it cannot hold one")
    if not 1 <= args.partitions <= args.rows:
        parser.error(f"--partitions {args.partitions}: must be from 1 to --rows ({args.rows})")
    # The tag seeds the data: different tags, different samples; the same tag, the same files.
    rng = np.random.default_rng(zlib.crc32(args.tag.encode("utf-8")))
    make = mnist_like if args.shape == "mnist" else cifar_like
    for path in write(make(args.rows, rng), args.data_dir, args.tag, args.partitions):
        print(path, flush=True)


if __name__ == "__main__":
    main()
