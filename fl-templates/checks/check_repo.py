"""Checks a cloned ML repo without importing or running any of its code.

Usage: python3 check_repo.py <repo_dir> <python_minor, e.g. 11>
Prints one JSON object: {"python_files": int, "syntax_errors": [...], "model_manager": {...}}.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import TypedDict

REQUIRED_METHODS = (
    "get_model_parameters",
    "set_model_parameters",
    "fit_model",
    "evaluate_model",
    "set_model_data",
)
SKIPPED_DIRS = {".git", "__pycache__", ".venv", "venv", "node_modules"}


class SyntaxProblem(TypedDict):
    file: str
    line: int
    message: str


class ModelManagerReport(TypedDict):
    found: bool
    missing_methods: list[str]


def python_files(repo: Path) -> list[Path]:
    """Every .py file of the repo, outside folders that are never part of the code."""
    return sorted(
        path
        for path in repo.rglob("*.py")
        if path.is_file() and not SKIPPED_DIRS.intersection(path.relative_to(repo).parts)
    )


def parse(path: Path, minor: int) -> ast.Module:
    """Parses with the grammar of Python 3.<minor>, so newer syntax is caught for an older target."""
    return ast.parse(path.read_bytes(), filename=str(path), feature_version=(3, minor))


def check_model_manager(tree: ast.Module) -> ModelManagerReport:
    """Looks for class ModelManager and the methods the FL learner calls."""
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "ModelManager":
            defined = {
                item.name
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
            return {"found": True, "missing_methods": [m for m in REQUIRED_METHODS if m not in defined]}
    return {"found": False, "missing_methods": list(REQUIRED_METHODS)}


def main(repo_dir: str, minor_text: str) -> int:
    repo = Path(repo_dir)
    minor = int(minor_text)
    problems: list[SyntaxProblem] = []
    model_manager: ModelManagerReport = {"found": False, "missing_methods": list(REQUIRED_METHODS)}
    files = python_files(repo)
    for path in files:
        relative = str(path.relative_to(repo))
        try:
            tree = parse(path, minor)
        except (SyntaxError, ValueError) as error:
            line = error.lineno if isinstance(error, SyntaxError) and error.lineno else 0
            message = error.msg if isinstance(error, SyntaxError) else str(error)
            problems.append({"file": relative, "line": line, "message": message})
            continue
        if relative == "model_manager.py":
            model_manager = check_model_manager(tree)
    print(json.dumps({"python_files": len(files), "syntax_errors": problems, "model_manager": model_manager}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
