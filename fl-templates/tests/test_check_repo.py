"""The validate phase's repo check: syntax trees only, never importing the repo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from roles import FLOPS_REPOS, TEMPLATES

CHECK = TEMPLATES / "checks" / "check_repo.py"
# In the order the check reports missing ones.
REQUIRED = [
    "get_model",
    "get_model_parameters",
    "set_model_parameters",
    "fit_model",
    "evaluate_model",
    "set_model_data",
]


def methods(*names: str) -> str:
    return "".join(f"    def {name}(self, *args):\n        pass\n" for name in names)


def check(repo: Path, minor: int = 11) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-I", str(CHECK), str(repo), str(minor)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def write(repo: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    return repo


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {
                "model_manager.py": "from flops_utils.ml_repo_templates import ModelManagerTemplate\n"
                "class ModelManager(ModelManagerTemplate):\n" + methods(*REQUIRED)
            },
            {"found": True, "missing_methods": [], "subclasses_template": True},
            id="subclasses the template, defines all six",
        ),
        pytest.param(
            {
                "model_manager.py": "import flops_utils.ml_repo_templates as t\n"
                "class ModelManager(t.ModelManagerTemplate):\n" + methods(*REQUIRED[1:])
            },
            {"found": True, "missing_methods": ["get_model"], "subclasses_template": True},
            id="the template's abstract get_model does not count",
        ),
        pytest.param(
            {"model_manager.py": "class ModelManager:\n" + methods(*REQUIRED)},
            {"found": True, "missing_methods": [], "subclasses_template": False},
            id="duck-typed",
        ),
        pytest.param(
            {
                "base.py": "from flops_utils.ml_repo_templates import ModelManagerTemplate\n"
                "class Base(ModelManagerTemplate):\n" + methods("get_model", "fit_model"),
                "model_manager.py": "from base import Base as Parent\nclass Helper:\n"
                + methods("evaluate_model")
                + "class ModelManager(Parent, Helper):\n"
                + methods("set_model_data", "get_model_parameters", "set_model_parameters"),
            },
            {"found": True, "missing_methods": [], "subclasses_template": True},
            id="methods from the repo's own base classes, here and imported",
        ),
        pytest.param(
            {"model_manager.py": "class Other:\n    pass\n"},
            {"found": False, "missing_methods": REQUIRED, "subclasses_template": False},
            id="no ModelManager",
        ),
    ],
)
def test_model_manager(tmp_path: Path, files: dict[str, str], expected: dict[str, Any]) -> None:
    report = check(write(tmp_path, files))
    assert report["model_manager"] == expected


@pytest.mark.parametrize(
    ("source", "building_blocks", "mlflow"),
    [
        ("from flops_utils.ml_repo_building_blocks import load_dataset\n", True, False),
        ("from flops_utils import ml_repo_building_blocks\n", True, False),
        ("import flops_utils.ml_repo_building_blocks as blocks\n", True, False),
        ("def f():\n    from flops_utils.ml_repo_building_blocks import load_dataset\n", True, False),
        ("from flops_utils.ml_repo_templates import DataManagerTemplate\n", False, False),
        ("import mlflow\n", False, True),
        ("import mlflow.sklearn\n", False, True),
        ("from mlflow.models import infer_signature\n", False, True),
        ("import mlflow_helpers\nfrom .mlflow import x\n", False, False),
    ],
)
def test_imports_in_any_form(tmp_path: Path, source: str, building_blocks: bool, mlflow: bool) -> None:
    report = check(write(tmp_path, {"pkg/data.py": source}))
    assert report["imports"] == {
        "ml_repo_building_blocks": ["pkg/data.py"] if building_blocks else [],
        "mlflow": ["pkg/data.py"] if mlflow else [],
    }


def test_root_main_py_and_syntax_errors(tmp_path: Path) -> None:
    write(tmp_path, {"main.py": "x = 1\n", "sub/main.py": "", "new.py": "match x:\n    case 1:\n        pass\n"})
    report = check(tmp_path, minor=9)
    assert report["root_main_py"] is True
    assert report["python_files"] == 3
    assert [problem["file"] for problem in report["syntax_errors"]] == ["new.py"]
    assert check(write(tmp_path / "other", {"sub/main.py": ""}))["root_main_py"] is False


@pytest.mark.parametrize("name", ["sklearn-mnist", "keras-cifar10", "pytorch-cifar10"])
def test_the_flops_style_fixture_repos_pass(name: str) -> None:
    report = check(FLOPS_REPOS / name, minor=10)
    assert report["syntax_errors"] == []
    assert report["model_manager"] == {"found": True, "missing_methods": [], "subclasses_template": True}
    assert report["imports"]["ml_repo_building_blocks"] == ["data_manager.py"]
    assert report["imports"]["mlflow"] == (["model_manager.py"] if name == "sklearn-mnist" else [])


def test_modules_lists_every_absolute_import_with_its_parents(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": "import PIL.Image\nfrom flwr_datasets import FederatedDataset\nfrom . import b\n"})
    assert check(tmp_path)["modules"] == ["PIL", "PIL.Image", "flwr_datasets", "flwr_datasets.FederatedDataset"]


def sites(repo: Path) -> dict[str, Any]:
    """``module`` → list of (file, line, optional), in the order the check reports them."""
    found: dict[str, Any] = {}
    for site in check(repo)["import_sites"]:
        found.setdefault(site["module"], []).append((site["file"], site["line"], site["optional"]))
    return found


def test_import_sites_name_each_top_level_module_with_its_file_and_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "model_manager.py": "import os, lightgbm\nfrom sklearn.linear_model import LinearRegression\n"
            "from . import sibling\nfrom .pkg import thing\n",
            "pkg/mod.py": "def load():\n    import cv2.data\n    class Inner:\n        import yaml\n    return cv2\n",
        },
    )
    assert sites(tmp_path) == {
        "os": [("model_manager.py", 1, False)],
        "lightgbm": [("model_manager.py", 1, False)],
        "sklearn": [("model_manager.py", 2, False)],
        "cv2": [("pkg/mod.py", 2, False)],
        "yaml": [("pkg/mod.py", 4, False)],
    }


@pytest.mark.parametrize(
    ("source", "optional"),
    [
        pytest.param("try:\n    import ujson\nexcept ImportError:\n    ujson = None\n", True, id="except ImportError"),
        pytest.param(
            "try:\n    import ujson\nexcept ModuleNotFoundError:\n    pass\n", True, id="except ModuleNotFoundError"
        ),
        pytest.param("try:\n    import ujson\nexcept (ValueError, ImportError):\n    pass\n", True, id="in a tuple"),
        pytest.param("try:\n    import ujson\nexcept builtins.ImportError:\n    pass\n", True, id="qualified"),
        pytest.param("try:\n    import ujson\nexcept Exception:\n    pass\n", True, id="except Exception"),
        pytest.param("try:\n    import ujson\nexcept:\n    pass\n", True, id="bare except"),
        pytest.param("try:\n    def f():\n        import ujson\nexcept ImportError:\n    pass\n", True, id="nested"),
        pytest.param(
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import ujson\n", True, id="TYPE_CHECKING"
        ),
        pytest.param("import typing\nif typing.TYPE_CHECKING:\n    import ujson\n", True, id="typing.TYPE_CHECKING"),
        pytest.param("import sys\nif sys.version_info < (3, 11):\n    import ujson\n", True, id="version_info"),
        pytest.param(
            "import sys\nif sys.version_info >= (3, 11):\n    pass\nelse:\n    import ujson\n", True, id="else"
        ),
        pytest.param("try:\n    import ujson\nexcept ValueError:\n    pass\n", False, id="except ValueError"),
        pytest.param("try:\n    import json\nexcept ImportError:\n    import ujson\n", False, id="in the handler"),
        pytest.param("try:\n    pass\nexcept ImportError:\n    pass\nelse:\n    import ujson\n", False, id="in else"),
        pytest.param("import os\nif os.environ.get('X'):\n    import ujson\n", False, id="any other if"),
        pytest.param("def f():\n    import ujson\n", False, id="in a function"),
    ],
)
def test_optional_imports(tmp_path: Path, source: str, optional: bool) -> None:
    write(tmp_path, {"a.py": source})
    assert [entry[2] for entry in sites(tmp_path)["ujson"]] == [optional]


def test_own_modules_are_every_file_and_folder_of_the_code(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "model_manager.py": "",
            "pkg/__init__.py": "",
            "pkg/sub/mod.py": "",
            "scripts/run-me.py": "",
            "__main__.py": "",
            ".venv/lib/site.py": "",
        },
    )
    assert check(tmp_path)["own_modules"] == ["mod", "model_manager", "pkg", "scripts", "sub"]


@pytest.mark.parametrize("name", ["sklearn-mnist", "keras-cifar10", "pytorch-cifar10"])
def test_the_fixture_repos_import_sites(name: str) -> None:
    report = check(FLOPS_REPOS / name, minor=10)
    modules = {site["module"] for site in report["import_sites"]}
    assert not any(site["optional"] for site in report["import_sites"])
    assert {"data_manager", "flops_utils", "typing"} <= modules
    assert "data_manager" in report["own_modules"]
