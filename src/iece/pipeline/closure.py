"""The static import closure of a notebook: which files of the ``iece`` package and of the
project's paper package its outputs can depend on (the cache's grain, :mod:`.cache`).

The packages followed are given as ``{top-level name: folder}`` (a folder alone stands for the
package of its own name, as ``.../iece``); imports of any other package are not followed.

Walked with :mod:`ast`, as ``tests/test_architecture.py`` walks the layers: relative imports
are resolved, and imports inside functions count, since a notebook may call the function. Two
kinds of module are reached:

- a module the code *uses* (``import a.b``, ``from a.b import name`` where ``name`` is not a
  submodule, ``from a import b`` for the submodule ``b``): all of its imports count;
- a package reached only as the parent of a submodule (``a`` in ``from a import b``): only its
  module-level imports count, since Python runs its ``__init__`` but nothing calls its
  functions. This keeps ``iece.report.build`` (which imports the runner and the page renderer
  when called) out of every notebook that imports ``iece.report.style``.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

PACKAGE = "iece"


def packages_of(packages) -> dict[str, Path]:
    """``{top-level name: folder}`` of the packages followed; a folder alone is the package of
    its own name (``.../iece``). For a single-module package ``m.py`` the folder is ``.../m``."""
    if isinstance(packages, Mapping):
        return {str(k): Path(v) for k, v in packages.items()}
    return {Path(packages).name: Path(packages)}


def module_file(packages, name: str) -> Path | None:
    """The file of module ``name`` (``iece.a.b``) in ``packages`` (:func:`packages_of`), or
    ``None`` for a module of another package."""
    parts = name.split(".")
    folder = packages_of(packages).get(parts[0])
    if folder is None:
        return None
    base = folder.joinpath(*parts[1:])
    for file in (base.with_suffix(".py"), base / "__init__.py"):
        if file.is_file():
            return file
    return None


def _nodes(tree: ast.Module, everywhere: bool):
    """Import statements of a module: all of them, or those run when it is imported."""
    if everywhere:
        return ast.walk(tree)
    functions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
    out, todo = [], list(tree.body)
    while todo:
        node = todo.pop()
        if not isinstance(node, functions):
            out.append(node)
            todo.extend(ast.iter_child_nodes(node))
    return out


#: The import statements of each module text read so far, by its SHA-1 and whether function
#: bodies count: parsing is most of a closure's cost, and a run asks for one per figure.
_STATEMENTS: dict[tuple[bytes, bool], list] = {}


def _statements(tree: ast.Module, everywhere: bool) -> list[tuple[int, str, tuple[str, ...]]]:
    """``(level, module, names)`` of each import; ``import a.b`` is ``(-1, "a.b", ())``."""
    out = []
    for node in _nodes(tree, everywhere):
        if isinstance(node, ast.Import):
            out.extend((-1, a.name, ()) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            out.append((node.level, node.module or "", tuple(a.name for a in node.names)))
    return out


def _file_statements(file: Path, everywhere: bool) -> list:
    data = file.read_bytes()
    key = (hashlib.sha1(data).digest(), everywhere)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = _statements(ast.parse(data, str(file)), everywhere)
    return _STATEMENTS[key]


def imports(statements, package: str, package_dir):
    """``(module, used)`` for every module of the followed packages (``package_dir``:
    :func:`packages_of`) imported by ``statements`` (:func:`_statements` of a module whose
    package is ``package``, "" for a notebook); ``used`` is False for a package imported only
    as the parent of its submodules."""
    tops = packages_of(package_dir)
    for level, mod, names in statements:
        if level < 0:
            if mod.split(".")[0] in tops:
                yield mod, True
            continue
        if level:
            base = package.split(".")[: len(package.split(".")) - level + 1]
            mod = ".".join(base + ([mod] if mod else []))
        if mod.split(".")[0] not in tops:
            continue
        subs = [f"{mod}.{name}" for name in names]
        found = [s for s in subs if module_file(tops, s) is not None]
        yield from ((s, True) for s in found)
        yield mod, len(found) < len(subs)  # an attribute of mod is used


def closure(roots, package_dir) -> set[str]:
    """Every module reached from ``roots`` (``(module, used)`` pairs), parents included."""
    package_dir = packages_of(package_dir)
    used: set[str] = set()
    parents: set[str] = set()
    todo = list(roots)
    while todo:
        name, is_used = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            mod = ".".join(parts[:i])
            file = module_file(package_dir, mod)
            full = is_used and i == len(parts)
            if file is None or mod in used or (mod in parents and not full):
                continue
            (used if full else parents).add(mod)
            package = mod if file.name == "__init__.py" else mod.rpartition(".")[0]
            todo.extend(imports(_file_statements(file, full), package, package_dir))
    return used | parents


def notebook_roots(path: Path, package_dir) -> list[tuple[str, bool]]:
    """The followed packages' modules a notebook's code cells import, and its parameters' module
    (metadata ``iece.module``). Lines of IPython syntax (``%magic``, ``!shell``) are skipped."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    roots = []
    module = nb.get("metadata", {}).get("iece", {}).get("module")
    if isinstance(module, str):
        roots.append((module.partition(":")[0], True))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        lines = [x for x in src.splitlines() if not x.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue  # the notebook fails when run; its hash still covers its text
        roots.extend(imports(_statements(tree, True), "", package_dir))
    return roots


def files(path: Path, package_dir) -> list[Path]:
    """The files of the package modules in the import closure of notebook ``path``."""
    package_dir = packages_of(package_dir)
    names = closure(notebook_roots(path, package_dir), package_dir)
    return sorted(f for n in names if (f := module_file(package_dir, n)) is not None)
