"""The learner image's ``mlflow``: every name exists, every call does nothing and sends nothing.

A learner must never report anywhere (FLOps' privacy promise: only the
aggregator tracks), yet repos written for FLOps import mlflow, and upstream's
sklearn example calls ``mlflow.sklearn.autolog()`` at import time. This package
sits before site-packages on the learner's PYTHONPATH and answers:

- ``import mlflow.<anything>``: an empty stand-in module;
- lower-case names (``autolog``, ``log_metric``, ``set_tag``…): a no-op that
  returns an inert value (falsy; any attribute, call or ``with`` on it is inert
  too; given a lone function, as a decorator is, it returns that function);
- CamelCase names (``MlflowClient``, ``PythonModel``, ``MlflowException``…):
  a class to instantiate, subclass or catch, whose methods are no-ops;
- ``start_run``/``end_run``/``active_run``: a local run object with
  ``.info.run_id`` and friends, usable as a context manager.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import time
import types
import uuid
from typing import Any

__version__ = "0+flops.stand.in"


class _Inert:
    """What a stand-in function returns: nothing of substance, and never an error."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]  # used as a decorator: keep the decorated function
        return self

    def __getattr__(self, name: str) -> Any:
        return _stand_in(name)

    def __enter__(self) -> _Inert:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def __iter__(self) -> Any:
        return iter(())

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "<mlflow stand-in>"


_INERT = _Inert()


class _InertClassType(type):
    def __getattr__(cls, name: str) -> Any:
        return _stand_in(name)


class _InertObject(metaclass=_InertClassType):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return _stand_in(name)


# One class per name, whichever way it is reached (mlflow.exceptions.MlflowException
# before and after `import mlflow.exceptions`), so that `except` clauses match.
_classes: dict[str, type] = {}


def _stand_in(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    if not name[:1].isupper() or name.isupper():  # functions, modules, CONSTANTS
        return _INERT
    if name not in _classes:
        base = Exception if name.endswith(("Error", "Exception")) else _InertObject
        _classes[name] = type(name, (base,), {"__module__": __name__})
    return _classes[name]


class _StandInModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        return _stand_in(name)


class _SubmoduleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds every ``mlflow.*`` module that this package does not have as a file."""

    def find_spec(
        self, fullname: str, path: Any = None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(f"{__name__}."):
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _StandInModule(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        pass


if not any(isinstance(finder, _SubmoduleFinder) for finder in sys.meta_path):
    sys.meta_path.append(_SubmoduleFinder())


class RunInfo:
    def __init__(self, experiment_id: str, run_name: str) -> None:
        self.run_id = self.run_uuid = uuid.uuid4().hex
        self.experiment_id = experiment_id
        self.run_name = run_name
        self.status = "RUNNING"
        self.artifact_uri = ""
        self.lifecycle_stage = "active"
        self.user_id = ""
        self.start_time = int(time.time() * 1000)
        self.end_time: int | None = None


class RunData:
    def __init__(self) -> None:
        self.metrics: dict[str, float] = {}
        self.params: dict[str, str] = {}
        self.tags: dict[str, str] = {}


class ActiveRun:
    """A run that exists only in this process."""

    def __init__(self, experiment_id: str, run_name: str) -> None:
        self.info = RunInfo(experiment_id, run_name)
        self.data = RunData()

    def __enter__(self) -> ActiveRun:
        return self

    def __exit__(self, *exc_info: object) -> None:
        end_run()


_runs: list[ActiveRun] = []


def start_run(
    run_id: str | None = None,
    experiment_id: str | None = None,
    run_name: str | None = None,
    *args: Any,
    **kwargs: Any,
) -> ActiveRun:
    run = ActiveRun(experiment_id or "0", run_name or "")
    if run_id:
        run.info.run_id = run.info.run_uuid = run_id
    _runs.append(run)
    return run


def end_run(*args: Any, **kwargs: Any) -> None:
    if _runs:
        run = _runs.pop()
        run.info.status = "FINISHED"
        run.info.end_time = int(time.time() * 1000)


def active_run() -> ActiveRun | None:
    return _runs[-1] if _runs else None


def __getattr__(name: str) -> Any:
    return _stand_in(name)
