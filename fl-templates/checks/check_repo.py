"""Checks a cloned ML repo without importing or running any of its code: it reads syntax trees only.

Usage: python3 check_repo.py <repo_dir> <python_minor, e.g. 11>
Prints one JSON object:
  {"python_files": int,
   "syntax_errors": [{"file", "line", "message"}],
   "model_manager": {"found": bool, "missing_methods": [str], "subclasses_template": bool},
   "imports": {"ml_repo_building_blocks": [file], "mlflow": [file]},
   "root_main_py": bool,
   "modules": [str],
   "import_sites": [{"module", "file", "line", "optional"}],
   "own_modules": [str]}
``imports`` lists the repo's files (sorted) that import flops_utils.ml_repo_building_blocks
(so the image needs datasets, pyarrow and pillow) or mlflow, in any import form. ``modules`` is every absolute
module path the repo's code imports (``a``, ``a.b``), sorted, for the packages implied by an import.
``import_sites`` is every absolute import statement's top-level module, with its file and line, in file order;
``optional`` when the code is written to run without it (see ``optional_lines``). ``own_modules`` is every name
the repo's own files and folders give a module, at any depth (code may put a folder of its own on sys.path).
"""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict

REQUIRED_METHODS = (
    "get_model",
    "get_model_parameters",
    "set_model_parameters",
    "fit_model",
    "evaluate_model",
    "set_model_data",
)
TEMPLATE = "ModelManagerTemplate"
BUILDING_BLOCKS = "flops_utils.ml_repo_building_blocks"
SKIPPED_DIRS = {".git", "__pycache__", ".venv", "venv", "node_modules"}


class SyntaxProblem(TypedDict):
    file: str
    line: int
    message: str


class ModelManagerReport(TypedDict):
    found: bool
    missing_methods: list[str]
    subclasses_template: bool


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


def imported_modules(tree: ast.Module) -> set[str]:
    """Every absolute module an import statement anywhere in ``tree`` names, with its parents.

    ``from a.b import c`` yields a, a.b and a.b.c (c may be a module); relative imports are the repo's own.
    """
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            dotted = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            dotted = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in dotted:
            parts = name.split(".")
            names.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    return names


class ImportSite(TypedDict):
    module: str
    file: str
    line: int
    optional: bool


# An import in the body of a try whose handler catches one of these is one the code can run without.
IMPORT_FAILURES = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
# An if on one of these picks code for a python or a platform: the import runs only where its branch does.
CONDITIONS = ("TYPE_CHECKING", "version_info", "platform")


def handled_name(node: ast.expr | None) -> bool:
    """Whether an except clause's type catches a failed import (a bare ``except:`` does)."""
    if node is None:
        return True
    if isinstance(node, ast.Tuple):
        return any(handled_name(item) for item in node.elts)
    return base_name(node) in IMPORT_FAILURES


def guarded(node: ast.If) -> bool:
    """``if TYPE_CHECKING:``, ``if sys.version_info >= (3, 11):``, ``if sys.platform == "linux":`` and the like."""
    names = {base_name(item) for item in ast.walk(node.test) if isinstance(item, (ast.Name, ast.Attribute))}
    return any(name in CONDITIONS for name in names)


def optional_lines(tree: ast.Module) -> set[int]:
    """The first lines of the import statements the code may run without: in the body of a ``try`` whose handler
    catches ImportError (or ModuleNotFoundError, or anything broader), or under an ``if`` on TYPE_CHECKING, the
    python version or the platform (either branch)."""
    lines: set[int] = set()
    tries = tuple(getattr(ast, name) for name in ("Try", "TryStar") if hasattr(ast, name))
    for node in ast.walk(tree):
        if isinstance(node, tries) and any(handled_name(h.type) for h in node.handlers):
            bodies = [node.body]
        elif isinstance(node, ast.If) and guarded(node):
            bodies = [node.body, node.orelse]
        else:
            continue
        for body in bodies:
            for statement in body:
                lines.update(
                    inner.lineno for inner in ast.walk(statement) if isinstance(inner, (ast.Import, ast.ImportFrom))
                )
    return lines


def import_sites(tree: ast.Module, file: str) -> list[ImportSite]:
    """Each absolute import's top-level module where it is imported, in functions and classes too; relative imports
    are the repo's own and left out."""
    optional = optional_lines(tree)
    sites: list[ImportSite] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            module = name.split(".", 1)[0]
            sites.append({"module": module, "file": file, "line": node.lineno, "optional": node.lineno in optional})
    return sorted(sites, key=lambda site: (site["line"], site["module"]))


def own_modules(relative_paths: list[Path]) -> set[str]:
    """``pkg/sub/mod.py`` gives pkg, sub and mod: every folder and file name of the repo's python code."""
    names: set[str] = set()
    for relative in relative_paths:
        names.update(part for part in relative.with_suffix("").parts if part.isidentifier())
    return names - {"__init__", "__main__"}


def base_name(node: ast.expr | None) -> str:
    """``ModelManagerTemplate`` for both ``ModelManagerTemplate`` and ``templates.ModelManagerTemplate``."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def find_class(tree: ast.Module, name: str) -> ast.ClassDef | None:
    return next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)


def imported_class(tree: ast.Module, name: str) -> tuple[str, str]:
    """Module and original name of ``from <module> import <original> [as name]`` at the top of ``tree``."""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return node.module, alias.name
    return "", name


def lineage(cls: ast.ClassDef, tree: ast.Module, trees: dict[str, ast.Module]) -> Iterator[ast.ClassDef]:
    """``cls`` and the base classes the repo itself defines (in the same module or one imported by name)."""
    seen: set[int] = set()
    pending = [(cls, tree)]
    while pending:
        current, module = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for base in current.bases:
            name = base_name(base)
            if find_class(module, name):
                owner: ast.Module | None = module
            else:
                source, name = imported_class(module, name)
                owner = trees.get(source)
            parent = find_class(owner, name) if owner else None
            if parent is not None and owner is not None:
                pending.append((parent, owner))


def check_model_manager(trees: dict[str, ast.Module]) -> ModelManagerReport:
    """Looks for class ModelManager in model_manager.py and the methods FLOps calls.

    The template's methods are abstract, so each must be defined by the repo's
    code: in ModelManager or in a base class the repo defines.
    """
    tree = trees.get("model_manager")
    cls = find_class(tree, "ModelManager") if tree else None
    if tree is None or cls is None:
        return {"found": False, "missing_methods": list(REQUIRED_METHODS), "subclasses_template": False}
    classes = list(lineage(cls, tree, trees))
    defined = {
        item.name for c in classes for item in c.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    return {
        "found": True,
        "missing_methods": [m for m in REQUIRED_METHODS if m not in defined],
        "subclasses_template": any(base_name(b) == TEMPLATE for c in classes for b in c.bases),
    }


def module_name(relative: Path) -> str:
    """``pkg/mod.py`` → ``pkg.mod``; ``pkg/__init__.py`` → ``pkg``."""
    parts = list(relative.with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def main(repo_dir: str, minor_text: str) -> int:
    repo = Path(repo_dir)
    minor = int(minor_text)
    problems: list[SyntaxProblem] = []
    trees: dict[str, ast.Module] = {}
    imports: dict[str, list[str]] = {"ml_repo_building_blocks": [], "mlflow": []}
    every_module: set[str] = set()
    sites: list[ImportSite] = []
    files = python_files(repo)
    for path in files:
        relative = path.relative_to(repo)
        try:
            tree = parse(path, minor)
        except (SyntaxError, ValueError) as error:
            line = error.lineno if isinstance(error, SyntaxError) and error.lineno else 0
            message = error.msg if isinstance(error, SyntaxError) else str(error)
            problems.append({"file": str(relative), "line": line, "message": message})
            continue
        trees[module_name(relative)] = tree
        sites.extend(import_sites(tree, str(relative)))
        modules = imported_modules(tree)
        every_module.update(modules)
        if BUILDING_BLOCKS in modules:
            imports["ml_repo_building_blocks"].append(str(relative))
        if "mlflow" in modules:
            imports["mlflow"].append(str(relative))
    print(
        json.dumps(
            {
                "python_files": len(files),
                "syntax_errors": problems,
                "model_manager": check_model_manager(trees),
                "imports": imports,
                "root_main_py": (repo / "main.py").is_file(),
                "modules": sorted(every_module),
                "import_sites": sites,
                "own_modules": sorted(own_modules([path.relative_to(repo) for path in files])),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
