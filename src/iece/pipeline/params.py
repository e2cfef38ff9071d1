"""A notebook's parameters, checked before any run.

A figure notebook names its paper module in its metadata (``iece.module``, e.g.
``iece.paper.fig2eg``, or ``module:NAME`` for another attribute than ``PARAMS``); that
module's ``PARAMS`` (:class:`iece.pipeline.figure.Params`) declares
every parameter once, with its type, default, help and allowed range or values. The notebook's
cell tagged ``parameters`` must assign exactly those names with those defaults (papermill
injects new values there); :func:`read_parameters` raises if they drift apart.

A notebook without a module (a test fixture) gets parameters inferred from the literals of its
parameter cell: type from the default, no range.
"""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

from ..io import ProjectRootError, project_root
from . import bundle
from .figure import Param, ParameterError, Params

__all__ = ["ParameterError", "Params", "notebook_meta", "read_parameters"]


def _notebook(nb_path) -> dict:
    """The notebook's JSON, or a :class:`ParameterError` that names the file and what is wrong
    with it (not JSON, not UTF-8, not a notebook)."""
    path = Path(nb_path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ParameterError(
            f"notebook {path}, line {exc.lineno}: not valid JSON ({exc.msg}); restore it from "
            "version control or save it again from Jupyter"
        ) from None
    except UnicodeDecodeError:
        raise ParameterError(f"notebook {path}: not UTF-8 text") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells", []), list):
        raise ParameterError(f"notebook {path}: not a Jupyter notebook (no list of cells)")
    if not isinstance(nb.get("metadata", {}), dict):
        raise ParameterError(f"notebook {path}: its metadata is not a JSON object")
    return nb


def notebook_meta(nb_path) -> dict:
    """The ``iece`` block of a notebook's metadata (id, title, order, module)."""
    meta = _notebook(nb_path).get("metadata", {}).get("iece", {})
    if not isinstance(meta, dict):
        raise ParameterError(f"notebook {nb_path}: metadata 'iece' is not a JSON object")
    return meta


def _parameter_cell(nb_path) -> dict[str, object]:
    """Name -> default of the assignments in the cell tagged ``parameters``."""
    for cell in _notebook(nb_path).get("cells", []):
        if not isinstance(cell, dict):
            continue
        tags = (cell.get("metadata") or {}).get("tags", [])
        if cell.get("cell_type") == "code" and "parameters" in tags:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            out, line = {}, "?"
            try:
                for node in ast.parse(source).body:
                    line = node.lineno
                    if isinstance(node, ast.Assign) and len(node.targets) == 1:
                        target = node.targets[0]
                        if isinstance(target, ast.Name):
                            out[target.id] = ast.literal_eval(node.value)
            except (SyntaxError, ValueError) as exc:
                line = getattr(exc, "lineno", None) or line
                raise ParameterError(
                    f"notebook {nb_path}: the parameters cell, line {line}, is not a plain "
                    f"assignment of a value ({type(exc).__name__}: {exc})"
                ) from None
            return out
    raise ParameterError(f"{Path(nb_path).name} has no cell tagged 'parameters'")


def _inferred(cell: dict[str, object]) -> Params:
    kinds = {bool: "bool", int: "int", float: "float", str: "str", type(None): "path"}
    return Params(*(Param(k, kinds[type(v)], v, "") for k, v in cell.items()))


def _bundle_on_path(nb_path) -> None:
    """Load the paper bundle of the notebook's project, which puts its package on the path
    (``[tool.iece] path``) so that the notebook's figure module can be imported here too."""
    try:
        root = project_root(Path(nb_path).resolve().parent)
    except ProjectRootError:
        return  # a notebook outside any project: its module must be importable as it is
    bundle.load(root)


def read_parameters(nb_path) -> Params:
    """The declared parameters of a notebook (see the module docstring)."""
    cell = _parameter_cell(nb_path)
    module = notebook_meta(nb_path).get("module")
    if not module:
        return _inferred(cell)
    name, _, attr = module.partition(":")
    _bundle_on_path(nb_path)
    declared = getattr(importlib.import_module(name), attr or "PARAMS")
    defaults = declared.defaults()
    if cell != defaults:
        diff = sorted(set(cell.items()) ^ set(defaults.items()), key=str)
        raise ParameterError(
            f"{Path(nb_path).name}: the parameter cell differs from {module}.PARAMS: {diff}"
        )
    return declared
