"""Notebook parameters: read from the tagged ``parameters`` cell and checked before any run.

A parameter is one assignment in that cell, with its help text as a trailing comment, e.g.::

    diameter_nm = 4.0  # NC diameter (nm) [1.0, 12.0]
    outside = "reference"  # outside medium {reference|vacuum|infinite|calibrated}
    spectrum_path = None  # your own spectrum (two columns); None = simulated default

A trailing ``[lo, hi]`` (closed) or ``(lo, hi]`` etc. is the allowed range of a number and
``{a|b|c}`` the allowed values of a string; the runner enforces both before executing anything.
A ``None`` default is a file path, unless the help text has a range: then it is an optional
number (an integer if the help text starts with ``integer``), e.g.
``n_transitions = None  # integer; None = automatic [1, 12]``.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from pathlib import Path

_RANGE = re.compile(r"([\[(])\s*([^,\]\)]+)\s*,\s*([^\]\)]+)\s*([\])])\s*$")
_CHOICES = re.compile(r"\{([^}]+)\}\s*$")


class ParameterError(ValueError):
    """A ``-p NAME VALUE`` that the notebook does not accept; nothing was executed."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # "int" | "float" | "bool" | "str" | "path" | "int?" | "float?" (optional number)
    default: object
    help: str

    @property
    def bounds(self):
        m = _RANGE.search(self.help)
        if not m:
            return None
        lo = -math.inf if m.group(2).strip() in ("-inf", "") else float(m.group(2))
        hi = math.inf if m.group(3).strip() in ("inf", "") else float(m.group(3))
        return m.group(1), lo, hi, m.group(4)

    @property
    def choices(self):
        m = _CHOICES.search(self.help)
        return tuple(c.strip() for c in m.group(1).split("|")) if m else None

    def allowed(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.bounds:
            lb, lo, hi, rb = self.bounds
            kind = self.type.rstrip("?") + (" or None" if self.type.endswith("?") else "")
            return f"{kind} in {lb}{lo:g}, {hi:g}{rb}"
        return {"path": "a file path or None"}.get(self.type, self.type)

    def convert(self, text, figure: str = ""):
        """Turn a command-line string (or a Python value) into this parameter's type."""
        where = f"{figure}: " if figure else ""
        bad = ParameterError(
            f"{where}parameter {self.name!r} got {text!r}; allowed: {self.allowed()}"
        )
        value = text
        if isinstance(text, str):
            low = text.strip().lower()
            try:
                if self.type == "int":
                    value = int(text)
                elif self.type == "float":
                    value = float(text)
                elif self.type == "bool":
                    if low not in ("true", "false", "1", "0", "yes", "no"):
                        raise bad
                    value = low in ("true", "1", "yes")
                elif self.type == "path":
                    value = None if low in ("none", "") else text
                elif self.type in ("int?", "float?"):
                    if low in ("none", ""):
                        return None
                    value = int(text) if self.type == "int?" else float(text)
            except ValueError:
                raise bad from None
        if self.type.endswith("?"):
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise bad
            if self.type == "int?" and value != int(value):
                raise bad
            value = int(value) if self.type == "int?" else float(value)
        if self.type == "int" and (isinstance(value, bool) or not isinstance(value, int)):
            raise bad
        if self.type == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise bad
            value = float(value)
        if self.type == "bool" and not isinstance(value, bool):
            raise bad
        if self.type in ("int", "float", "int?", "float?") and self.bounds:
            lb, lo, hi, rb = self.bounds
            ok = (value >= lo if lb == "[" else value > lo) and (
                value <= hi if rb == "]" else value < hi
            )
            if not ok or (isinstance(value, float) and math.isnan(value)):
                raise bad
        if self.choices and str(value) not in self.choices:
            raise bad
        if self.type == "path" and value is not None and not Path(value).is_file():
            raise ParameterError(f"{where}parameter {self.name!r}: file {value!r} does not exist")
        return value


def _find_parameters_cell(nb) -> dict | None:
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get(
            "tags", []
        ):
            return cell
    return None


def read_parameters(nb_path) -> dict[str, Parameter]:
    """Parameters of a notebook, in order, from its cell tagged ``parameters``."""
    import nbformat

    nb = nbformat.read(str(nb_path), as_version=4)
    cell = _find_parameters_cell(nb)
    if cell is None:
        raise ParameterError(f"{Path(nb_path).name} has no cell tagged 'parameters'")
    source = cell["source"]
    lines = source.splitlines()
    params: dict[str, Parameter] = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not isinstance(target, ast.Name):
            continue
        default = ast.literal_eval(node.value)
        line = lines[node.lineno - 1]
        help_text = line.split("#", 1)[1].strip() if "#" in line else ""
        if isinstance(default, bool):
            kind = "bool"
        elif isinstance(default, int):
            kind = "int"
        elif isinstance(default, float):
            kind = "float"
        elif default is None:
            kind = "path"
            if _RANGE.search(help_text):
                kind = "int?" if help_text.lower().startswith("integer") else "float?"
        else:
            kind = "str"
        params[target.id] = Parameter(target.id, kind, default, help_text)
    return params


def validate(params: dict[str, Parameter], given: dict, figure: str = "") -> dict:
    """Check ``given`` (name -> string or value) against ``params``; return converted values."""
    out = {}
    for name, text in given.items():
        if name not in params:
            known = ", ".join(params) or "(none)"
            where = f"{figure}: " if figure else ""
            raise ParameterError(f"{where}unknown parameter {name!r}; known parameters: {known}")
        out[name] = params[name].convert(text, figure)
    return out
