"""The MQTT topics the FLOps manager listens to: ``<target>/<subject>/<status>``."""

from __future__ import annotations

import dataclasses

from flops_utils.types import CustomEnum


class Target(CustomEnum):
    FLOPS_MANAGER = "flops_manager"
    PROJECT_OBSERVER = "project_observer"


class Subject(CustomEnum):
    PROJECT_OBSERVER = "project_observer"
    FL_ACTORS_IMAGE_BUILDER = "fl_actors_image_builder"
    TRAINED_MODEL_IMAGE_BUILDER = "trained_model_image_builder"
    AGGREGATOR = "aggregator"
    LEARNER = "learner"


class Status(CustomEnum):
    STARTED = "started"
    FAILED = "failed"
    SUCCESS = "success"


@dataclasses.dataclass
class Topic:
    subject: Subject
    status: Status
    target: Target = Target.FLOPS_MANAGER

    def __str__(self) -> str:
        return f"{self.target}/{self.subject}/{self.status}"

    def find_matching_supported_topic(self) -> SupportedTopic:
        """The SupportedTopic with this topic's name; ValueError when the manager has none."""
        for topic in SupportedTopic:
            if topic.value == str(self):
                return topic
        raise ValueError(f"'{self}' is not a topic the FLOps manager listens to")


def _topic(subject: Subject, status: Status) -> str:
    return str(Topic(subject, status))


class SupportedTopic(CustomEnum):
    PROJECT_OBSERVER_FAILED = _topic(Subject.PROJECT_OBSERVER, Status.FAILED)

    FL_ACTORS_IMAGE_BUILDER_STARTED = _topic(Subject.FL_ACTORS_IMAGE_BUILDER, Status.STARTED)
    FL_ACTORS_IMAGE_BUILDER_SUCCESS = _topic(Subject.FL_ACTORS_IMAGE_BUILDER, Status.SUCCESS)
    FL_ACTORS_IMAGE_BUILDER_FAILED = _topic(Subject.FL_ACTORS_IMAGE_BUILDER, Status.FAILED)

    TRAINED_MODEL_IMAGE_BUILDER_STARTED = _topic(Subject.TRAINED_MODEL_IMAGE_BUILDER, Status.STARTED)
    TRAINED_MODEL_IMAGE_BUILDER_SUCCESS = _topic(Subject.TRAINED_MODEL_IMAGE_BUILDER, Status.SUCCESS)
    TRAINED_MODEL_IMAGE_BUILDER_FAILED = _topic(Subject.TRAINED_MODEL_IMAGE_BUILDER, Status.FAILED)

    AGGREGATOR_STARTED = _topic(Subject.AGGREGATOR, Status.STARTED)
    AGGREGATOR_SUCCESS = _topic(Subject.AGGREGATOR, Status.SUCCESS)
    AGGREGATOR_FAILED = _topic(Subject.AGGREGATOR, Status.FAILED)

    LEARNER_FAILED = _topic(Subject.LEARNER, Status.FAILED)
