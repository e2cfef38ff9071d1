"""A figure module's declared parameters (``PARAMS``, a :class:`Params`): name, default, help,
and the allowed range or values. The runner validates ``-p NAME VALUE`` against them before
anything runs, and the notebook's parameter cell holds the same defaults (a test keeps them
equal)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..io import file_problem

KINDS = ("int", "float", "bool", "str", "path", "int?", "float?")


class ParameterError(ValueError):
    """A parameter value that a figure does not accept; nothing was computed."""


@dataclass(frozen=True)
class Param:
    """One parameter: ``kind`` is one of :data:`KINDS` (``int?``/``float?``: a number or None;
    ``path``: a file or None). ``bounds`` is a closed range; ``choices`` the allowed strings.
    ``paper=False`` marks an execution setting (``fast``) that leaves a run a paper run."""

    name: str
    kind: str
    default: object
    help: str
    bounds: tuple[float, float] | None = None
    choices: tuple[str, ...] | None = None
    paper: bool = True

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind must be one of {KINDS}, got {self.kind!r}")
        if "=" in self.help:  # papermill cannot parse a parameter line whose comment has '='
            raise ValueError(f"{self.name}: the help text must not contain '='")

    def allowed(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.bounds:
            kind = self.kind.rstrip("?") + (" or None" if self.kind.endswith("?") else "")
            lo, hi = (f"{int(b):d}" if kind.startswith("int") else f"{b:g}" for b in self.bounds)
            return f"{kind} in [{lo}, {hi}]"
        return {"path": "a file path or None"}.get(self.kind, self.kind)

    def convert(self, value, figure: str = ""):
        """``value`` (a command-line string or a Python value) as this parameter's type;
        :class:`ParameterError` naming the parameter and the allowed values otherwise."""
        where = f"{figure}: " if figure else ""
        bad = ParameterError(
            f"{where}parameter {self.name!r} got {value!r}; allowed: {self.allowed()}"
        )
        kind = self.kind
        if isinstance(value, str) and kind != "str":
            text = value.strip()
            low = text.lower()
            if kind in ("path", "int?", "float?") and low in ("none", ""):
                return None
            try:
                if kind in ("int", "int?"):
                    value = int(text)
                elif kind in ("float", "float?"):
                    value = float(text)
                elif kind == "bool":
                    if low not in ("true", "false", "1", "0", "yes", "no"):
                        raise bad
                    value = low in ("true", "1", "yes")
                else:  # path
                    value = text
            except ValueError:
                raise bad from None
        if value is None:
            if kind in ("path", "int?", "float?"):
                return None
            raise bad
        if kind in ("int", "int?"):
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or value != int(value)
            ):
                raise bad
            value = int(value)
        elif kind in ("float", "float?"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise bad
            value = float(value)
        elif kind == "bool" and not isinstance(value, bool):
            raise bad
        elif kind in ("str", "path") and not isinstance(value, str):
            raise bad
        if self.bounds and kind not in ("str", "path", "bool"):
            lo, hi = self.bounds
            if math.isnan(value) or not lo <= value <= hi:
                raise bad
        if self.choices and value not in self.choices:
            raise bad
        if kind == "path" and (problem := file_problem(value)):
            raise ParameterError(f"{where}parameter {self.name!r}: file {value!r} {problem}")
        return value


def number(name, default, help, lo, hi, *, paper=True) -> Param:
    return Param(name, "float", float(default), help, (lo, hi), paper=paper)


def integer(name, default, help, lo, hi, *, paper=True) -> Param:
    return Param(name, "int", int(default), help, (lo, hi), paper=paper)


def optional(name, help, lo, hi, *, integer=False) -> Param:
    return Param(name, "int?" if integer else "float?", None, help, (lo, hi))


def choice(name, default, help, choices) -> Param:
    return Param(name, "str", default, help, choices=tuple(choices))


def flag(name, default, help, *, paper=True) -> Param:
    return Param(name, "bool", bool(default), help, paper=paper)


def path(name, help) -> Param:
    return Param(name, "path", None, help)


#: Every figure has it: cheaper settings for the tests. It does not change a claim's number.
FAST = flag("fast", False, "cheaper settings (tests); no claim number depends on it", paper=False)


class Params:
    """The declared parameters of one figure, in order."""

    def __init__(
        self,
        *params: Param,
        requires: dict[str, str] | None = None,
        below: dict[str, str] | None = None,
    ):
        self.by_name = {p.name: p for p in params}
        #: name -> the parameter it needs (``irf_path`` means nothing without ``decay_path``).
        self.requires = requires or {}
        #: name -> the parameter it must stay below when both are set (a window's two ends).
        self.below = below or {}

    def __iter__(self):
        return iter(self.by_name.values())

    def __contains__(self, name) -> bool:
        return name in self.by_name

    def defaults(self) -> dict:
        return {p.name: p.default for p in self}

    def pick(self, namespace: dict) -> dict:
        """The declared parameters' values from ``namespace``: a notebook passes
        ``PARAMS.pick(globals())`` after its parameters cell, so none can be left out."""
        missing = [name for name in self.by_name if name not in namespace]
        if missing:
            raise ParameterError(f"not defined in the notebook: {', '.join(missing)}")
        return {name: namespace[name] for name in self.by_name}

    def validate(self, given: dict, figure: str = "") -> dict:
        """Converted values of ``given`` (name -> string or value); every name must exist."""
        out = {}
        for name, value in given.items():
            if name not in self.by_name:
                where = f"{figure}: " if figure else ""
                known = ", ".join(self.by_name)
                raise ParameterError(
                    f"{where}unknown parameter {name!r}; known parameters: {known}"
                )
            out[name] = self.by_name[name].convert(value, figure)
        return out

    def resolve(self, given: dict, figure: str = "") -> dict:
        """Defaults updated with the validated ``given`` values."""
        values = self.defaults() | self.validate(given, figure)
        defaults = self.defaults()
        for name, needed in self.requires.items():
            # "set" is "differs from its default": a flag or a choice with a default has no
            # None to tell it by (fig2bd's baseline, axis, composition_x had been ignored)
            if values[name] != defaults[name] and values[needed] == defaults[needed]:
                where = f"{figure}: " if figure else ""
                leave = "" if defaults[name] is None else f" or leave {name} at {defaults[name]!r}"
                raise ParameterError(
                    f"{where}{name} is used only with {needed}; give {needed} too{leave}"
                )
        for low, high in self.below.items():
            if values[low] is not None and values[high] is not None and values[low] >= values[high]:
                where = f"{figure}: " if figure else ""
                raise ParameterError(
                    f"{where}{low} ({values[low]:g}) must be below {high} ({values[high]:g})"
                )
        return values

    def is_paper_run(self, values: dict) -> bool:
        """True when every paper parameter (all but execution settings) has its default."""
        return all(values.get(p.name, p.default) == p.default for p in self if p.paper)
