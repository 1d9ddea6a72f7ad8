"""load_dataset() against the Flight data server, as a learner's repo calls it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest
from conftest import CIFAR_TAG, MNIST_TAGS, free_port
from PIL.Image import Image as PILImage

from flops_common.address import Address
from flops_learner import dataset
from flops_utils.flops_learner_files_wrapper import load_ml_data
from flops_utils.ml_repo_building_blocks import load_dataset


@pytest.fixture(autouse=True)
def no_source() -> Iterator[None]:
    yield
    dataset._source = None


def use(server: Address, *tags: str, timeout: float = 10) -> None:
    dataset.use(dataset.DataSource(tags, server, timeout))


def test_an_mnist_shaped_dataset_keeps_its_features_and_decodes_its_images(flight_server: Address) -> None:
    use(flight_server, MNIST_TAGS[0])
    data = load_dataset()
    assert data.format["type"] == "arrow"
    assert len(data) == 200  # both partitions, merged
    assert type(data.features["image"]).__name__ == "Image"
    assert data.features["label"].num_classes == 10
    assert isinstance(data.with_format(None)[0]["image"], PILImage)
    arrays = data.with_format("numpy")[:]
    assert arrays["image"].shape == (200, 28, 28) and arrays["image"].dtype == np.uint8
    assert set(arrays["label"]) <= set(range(10))


def test_upstreams_older_name_load_ml_data_loads_the_same_data(flight_server: Address) -> None:
    use(flight_server, MNIST_TAGS[0])
    old, new = load_ml_data().with_format("numpy")[:], load_dataset().with_format("numpy")[:]
    assert len(old["label"]) == 200
    assert np.array_equal(old["image"], new["image"]) and np.array_equal(old["label"], new["label"])


def test_a_cifar_shaped_dataset_decodes_to_rgb(flight_server: Address) -> None:
    use(flight_server, CIFAR_TAG)
    assert load_dataset().with_format("numpy")[:]["img"].shape == (20, 32, 32, 3)


def test_every_tag_counts_and_unknown_ones_are_ignored(flight_server: Address) -> None:
    use(flight_server, *MNIST_TAGS, "unknown")
    assert len(load_dataset()) == 400


def test_no_data_for_the_tags_names_them(flight_server: Address) -> None:
    use(flight_server, "unknown", "other")
    with pytest.raises(dataset.DataUnavailable, match="unknown, other"):
        load_dataset()


def test_datasets_with_different_columns_are_refused(flight_server: Address) -> None:
    use(flight_server, MNIST_TAGS[0], CIFAR_TAG)
    with pytest.raises(dataset.DataUnavailable, match="cannot be merged"):
        load_dataset()


def test_no_tags_at_all() -> None:
    with pytest.raises(dataset.DataUnavailable, match="without any"):
        load_dataset()


def test_an_unreachable_server_is_retried_until_the_timeout() -> None:
    use(Address("127.0.0.1", free_port()), "mnist", timeout=2)
    started = time.monotonic()
    with pytest.raises(dataset.DataUnavailable, match="did not answer within 2 s"):
        load_dataset()
    assert time.monotonic() - started >= 2
