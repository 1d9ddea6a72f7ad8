"""fl-templates/checks/import_check.py: which modules an emulated import check loads."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

CHECK = Path(__file__).resolve().parents[1] / "checks" / "import_check.py"


def load_check() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_check", CHECK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dist(site: Path, name: str, paths: list[str]) -> None:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "RECORD").write_text("".join(f"{path},sha256=x,1\n" for path in paths))


def test_only_modules_with_compiled_code_are_imported(tmp_path: Path) -> None:
    dist(tmp_path, "purely", ["purely/__init__.py", "purely/core.py"])
    dist(tmp_path, "natively", ["natively/__init__.py", "natively/_speed.cpython-311-aarch64-linux-gnu.so"])
    dist(tmp_path, "single", ["single.cpython-311-aarch64-linux-gnu.so"])
    dist(tmp_path, "vendored", ["vendored/__init__.py", "vendored.libs/libgfortran.so.5"])
    check = load_check()
    assert check.top_level_modules(tmp_path, None) == ["natively", "single"]
    assert check.top_level_modules(tmp_path, {"single"}) == ["single"]
