"""The layers of ARCHITECTURE.md hold: each module imports only layers above it in the table
(module-level and function-local imports alike), physics does no file I/O, and every
third-party package that is imported is declared in pyproject.toml."""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SRC = ROOT / "src" / "iece"
#: Layer rank: a module may import modules of a lower or equal rank only. The engine
#: (pipeline, report) sits below the paper bundle (``paper``): it takes a paper as its input and
#: imports none of it.
RANKS = {"physics": 0, "io": 1, "pipeline": 2, "report": 3, "paper": 4, "cli": 5}
#: Engine modules that still import the paper bundle while issue 21's split is under way; each
#: is an expected failure that fails the suite (strict) once the module is clean, so the list
#: can only shrink.
PENDING: set[str] = set()


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("__init__", "__main__"):
        return "cli"  # the package's own entry points sit on top
    if parts[1] not in RANKS and (SRC / f"{parts[1]}.py").is_file():
        return "cli"  # a top-level module other than io (cli.py and its subcommands)
    return parts[1]


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of the iece modules ``path`` imports (relative imports resolved)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.startswith("iece"):
                out.add(mod)
                out.update(f"{mod}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("iece"))
    return out


MODULES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            p,
            marks=pytest.mark.xfail(strict=True, reason="issue 21: engine still imports the paper")
            if _module_name(p) in PENDING
            else (),
        )
        for p in MODULES
    ],
    ids=[str(p.relative_to(SRC)) for p in MODULES],
)
def test_imports_follow_the_layers(path):
    mine = _layer(_module_name(path))
    for mod in _imports(path):
        if mod in ("iece",) or not mod.startswith("iece."):
            continue
        other = _layer(mod)
        if other in RANKS:
            assert RANKS[other] <= RANKS[mine], f"{_module_name(path)} ({mine}) imports {mod}"


def test_no_import_cycles():
    names = {_module_name(p): p for p in MODULES}
    graph = {
        n: {m for m in _imports(p) if m in names and m != n and not n.startswith(m + ".")}
        for n, p in names.items()
    }
    state: dict[str, int] = {}

    def visit(n, stack):
        state[n] = 1
        for m in graph[n]:
            if state.get(m) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*stack, n, m]))
            if m not in state:
                visit(m, [*stack, n])
        state[n] = 2

    for n in graph:
        if n not in state:
            visit(n, [])


@pytest.mark.parametrize("path", sorted((SRC / "physics").rglob("*.py")))
def test_physics_does_no_file_io(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\bopen\(|read_text|write_text|read_bytes|import (os|pathlib)\b", text)


def test_every_imported_package_is_declared():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[<>=;\[ ]", d)[0].lower() for d in meta["dependencies"]}
    for extra in meta.get("optional-dependencies", {}).values():  # test, lab
        declared |= {re.split(r"[<>=;\[ ]", d)[0].lower() for d in extra}
    aliases = {"IPython": "ipython", "tomli": "tomli"}
    stdlib = set(sys.stdlib_module_names)
    sources = [*MODULES, *sorted((ROOT / "tests").rglob("*.py"))]
    found = set()
    for p in sources:
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                src = "".join(cell["source"])
                found.update(re.findall(r"^\s*(?:from|import) (\w+)", src, re.M))
    third = {
        aliases.get(f, f).lower() for f in found if f not in stdlib and f not in ("iece", "tests")
    }
    assert third <= declared, f"imported but not declared: {sorted(third - declared)}"


def _literals(path: Path) -> set[str]:
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    }


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if _layer(_module_name(p)) in ("pipeline", "report")],
    ids=lambda p: str(p.relative_to(SRC)),
)
def test_the_engine_names_none_of_this_papers_series(path):
    """The engine's code holds no name of this paper's materials or products (a figure's series
    colours are the bundle's, iece.paper.views.common): a second paper would inherit them."""
    words = ("CdSe", "HgSe", "core/shell", "Lee & Smith")
    found = {s for s in _literals(path) if any(w in s for w in words)}
    assert not found, found
