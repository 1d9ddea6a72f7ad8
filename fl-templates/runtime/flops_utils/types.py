"""The enums FLOps passes around (values as upstream's)."""

from __future__ import annotations

import enum


class CustomEnum(enum.Enum):
    def __str__(self) -> str:
        return str(self.value)


class MLModelFlavor(str, enum.Enum):
    """The ML library of a repo, as MLflow names its flavor."""

    SKLEARN = "sklearn"
    PYTORCH = "pytorch"
    TENSORFLOW = "tensorflow"
    KERAS = "keras"


class FLOpsMode(str, enum.Enum):
    CLASSIC = "classic"
    HIERARCHICAL = "hierarchical"


class PlatformSupport(str, enum.Enum):
    LINUX_AMD64 = "linux/amd64"
    LINUX_ARM64 = "linux/arm64"


class AggregatorType(enum.Enum):
    CLASSIC_AGGREGATOR = "CLASSIC_AGGREGATOR"
    ROOT_AGGREGATOR = "ROOT_AGGREGATOR"
    CLUSTER_AGGREGATOR = "CLUSTER_AGGREGATOR"
