"""A notebook's parameters, checked before any run.

A figure notebook names its paper module in its metadata (``iece.module``, e.g.
``iece.paper.fig2eg``, or ``module:NAME`` for another attribute than ``PARAMS``); that
module's ``PARAMS`` (:class:`iece.paper.base.Params`) declares
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

from ..paper.base import Param, ParameterError, Params

__all__ = ["ParameterError", "Params", "notebook_meta", "read_parameters"]


def notebook_meta(nb_path) -> dict:
    """The ``iece`` block of a notebook's metadata (id, title, order, module)."""
    return json.loads(Path(nb_path).read_text(encoding="utf-8")).get("metadata", {}).get("iece", {})


def _parameter_cell(nb_path) -> dict[str, object]:
    """Name -> default of the assignments in the cell tagged ``parameters``."""
    cells = json.loads(Path(nb_path).read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get(
            "tags", []
        ):
            source = "".join(cell["source"])
            out = {}
            for node in ast.parse(source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name):
                        out[target.id] = ast.literal_eval(node.value)
            return out
    raise ParameterError(f"{Path(nb_path).name} has no cell tagged 'parameters'")


def _inferred(cell: dict[str, object]) -> Params:
    kinds = {bool: "bool", int: "int", float: "float", str: "str", type(None): "path"}
    return Params(*(Param(k, kinds[type(v)], v, "") for k, v in cell.items()))


def read_parameters(nb_path) -> Params:
    """The declared parameters of a notebook (see the module docstring)."""
    cell = _parameter_cell(nb_path)
    module = notebook_meta(nb_path).get("module")
    if not module:
        return _inferred(cell)
    name, _, attr = module.partition(":")
    declared = getattr(importlib.import_module(name), attr or "PARAMS")
    defaults = declared.defaults()
    if cell != defaults:
        diff = sorted(set(cell.items()) ^ set(defaults.items()), key=str)
        raise ParameterError(
            f"{Path(nb_path).name}: the parameter cell differs from {module}.PARAMS: {diff}"
        )
    return declared
