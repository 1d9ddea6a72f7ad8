"""flops_utils: upstream's public API for ML repos, written by us."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Observer, Subscribe

from flops_common.address import Address
from flops_utils import env_vars, ml_model_flavor_proxy, ml_repo_files_proxy, ml_repo_templates, notifications
from flops_utils.logging import colorful_logger, configure_logger, logger
from flops_utils.mqtt_topics import Status, Subject, SupportedTopic, Target, Topic
from flops_utils.types import AggregatorType, FLOpsMode, MLModelFlavor, PlatformSupport
from roles import RUNTIME, ImageLayout

UPSTREAM_TOPICS = {
    "PROJECT_OBSERVER_FAILED": "flops_manager/project_observer/failed",
    "FL_ACTORS_IMAGE_BUILDER_STARTED": "flops_manager/fl_actors_image_builder/started",
    "FL_ACTORS_IMAGE_BUILDER_SUCCESS": "flops_manager/fl_actors_image_builder/success",
    "FL_ACTORS_IMAGE_BUILDER_FAILED": "flops_manager/fl_actors_image_builder/failed",
    "TRAINED_MODEL_IMAGE_BUILDER_STARTED": "flops_manager/trained_model_image_builder/started",
    "TRAINED_MODEL_IMAGE_BUILDER_SUCCESS": "flops_manager/trained_model_image_builder/success",
    "TRAINED_MODEL_IMAGE_BUILDER_FAILED": "flops_manager/trained_model_image_builder/failed",
    "AGGREGATOR_STARTED": "flops_manager/aggregator/started",
    "AGGREGATOR_SUCCESS": "flops_manager/aggregator/success",
    "AGGREGATOR_FAILED": "flops_manager/aggregator/failed",
    "LEARNER_FAILED": "flops_manager/learner/failed",
}


def test_topics_are_upstreams() -> None:
    assert {topic.name: topic.value for topic in SupportedTopic} == UPSTREAM_TOPICS
    topic = Topic(Subject.LEARNER, Status.FAILED)
    assert str(topic) == "flops_manager/learner/failed"
    assert topic.find_matching_supported_topic() is SupportedTopic.LEARNER_FAILED
    with pytest.raises(ValueError, match="project_observer/learner/started"):
        Topic(Subject.LEARNER, Status.STARTED, Target.PROJECT_OBSERVER).find_matching_supported_topic()


def test_types_have_upstreams_values() -> None:
    assert [f.value for f in MLModelFlavor] == ["sklearn", "pytorch", "tensorflow", "keras"]
    assert [t.value for t in AggregatorType] == ["CLASSIC_AGGREGATOR", "ROOT_AGGREGATOR", "CLUSTER_AGGREGATOR"]
    assert [m.value for m in FLOpsMode] == ["classic", "hierarchical"]
    assert [p.value for p in PlatformSupport] == ["linux/amd64", "linux/arm64"]
    assert str(Status.FAILED) == "failed"


def test_notifications_reach_the_broker_and_the_observer(
    broker: Address, observer: Observer, subscribe: Subscribe
) -> None:
    messages = subscribe(SupportedTopic.LEARNER_FAILED.value)
    assert notifications.notify_flops_manager(
        "p1", broker.host, SupportedTopic.LEARNER_FAILED, {"k": 1}, error_msg="broke", mqtt_port=broker.port
    )
    assert messages.next() == {"k": 1, "flops_project_id": "p1", "error_msg": "broke"}
    assert notifications.notify_flops_manager("p2", f"{broker.host}:{broker.port}", "flops_manager/learner/failed")
    assert messages.next() == {"flops_project_id": "p2"}
    notifications.notify_project_observer(observer.hostport, "hello people")
    assert observer.wait_for("hello", 5) == "hello people\n"


def test_env_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOPS_SET", "value")
    monkeypatch.delenv("FLOPS_UNSET", raising=False)
    assert env_vars.get_env_var("FLOPS_SET") == "value"
    assert env_vars.get_env_var("FLOPS_UNSET", "fallback") == "fallback"
    with pytest.raises(SystemExit):
        env_vars.get_env_var("FLOPS_UNSET")
    assert env_vars.DOCKER_HOST_IP_LINUX == "172.17.0.1"


def test_templates_are_abstract_with_six_model_methods() -> None:
    assert ml_repo_templates.ModelManagerTemplate.__abstractmethods__ == {
        "set_model_data",
        "get_model",
        "get_model_parameters",
        "set_model_parameters",
        "fit_model",
        "evaluate_model",
    }
    assert ml_repo_templates.DataManagerTemplate.__abstractmethods__ == {"_prepare_data", "get_data"}

    class WithoutGetModel(ml_repo_templates.ModelManagerTemplate):
        def set_model_data(self) -> None: ...
        def get_model_parameters(self) -> Any: ...
        def set_model_parameters(self, parameters: Any) -> None: ...
        def fit_model(self) -> int:
            return 0

        def evaluate_model(self) -> tuple[Any, Any, int]:
            return 0, 0, 0

    with pytest.raises(TypeError, match="get_model"):
        WithoutGetModel()  # type: ignore[abstract]


def test_the_flavor_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ML_MODEL_FLAVOR", raising=False)
    assert ml_model_flavor_proxy.read_ml_model_flavor() is None
    with pytest.raises(ValueError, match="not set"):
        ml_model_flavor_proxy.get_ml_model_flavor()
    monkeypatch.setenv("ML_MODEL_FLAVOR", "jax")
    with pytest.raises(ValueError, match="'jax' is not one of sklearn, pytorch, tensorflow, keras"):
        ml_model_flavor_proxy.read_ml_model_flavor()
    monkeypatch.setenv("ML_MODEL_FLAVOR", "sklearn")
    assert ml_model_flavor_proxy.get_ml_model_flavor().__name__ == "mlflow.sklearn"


def test_the_files_proxy_makes_the_repos_model_manager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "model_manager.py").write_text("class ModelManager:\n    made = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "model_manager", raising=False)
    assert ml_repo_files_proxy.get_model_manager().made


def test_loggers() -> None:
    assert logger.name == "logger" and colorful_logger.name == "colorful_logger"
    handlers = list(logger.handlers)
    assert configure_logger("logger") is logger and logger.handlers == handlers  # configured once


def test_every_module_imports_without_datasets_pyarrow_or_mlflow() -> None:
    script = (
        "import importlib.abc, sys\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] in ('datasets', 'pyarrow', 'mlflow'):\n"
        "            raise ImportError(f'{name} is not installed here')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import pkgutil, flops_utils\n"
        "for module in pkgutil.iter_modules(flops_utils.__path__):\n"
        "    importlib.import_module(f'flops_utils.{module.name}')\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env={"PYTHONPATH": str(RUNTIME)}, capture_output=True, text=True, timeout=60
    )
    assert result.stdout == "ok\n", result.stderr


def test_load_dataset_in_the_aggregator_image_says_why_it_cannot(tmp_path: Path) -> None:
    layout = ImageLayout(tmp_path, "aggregator", tmp_path)
    script = "from flops_utils.ml_repo_building_blocks import load_dataset\nload_dataset()\n"
    result = subprocess.run(
        [sys.executable, "-c", script], env=layout.env(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "only works in a FLOps learner" in result.stderr
