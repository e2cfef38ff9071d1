"""What every figure module of a paper bundle shares: declared parameters and a result.

A figure module declares its parameters once, in ``PARAMS`` (a :class:`Params`): name, default,
help, and the allowed range or values (a choice refers to the library's own tuple, e.g.
``choices.OUTSIDE_MEDIA``). The runner validates ``-p NAME VALUE`` against it before anything
runs, and the notebook's parameter cell holds the same defaults (a test keeps them equal).

Its ``compute(**params)`` returns a :class:`FigureResult`, in practice a typed subclass per
figure (a dataclass with named fields: the arrays and fits its page draws): every number the
claims need, with unit and provenance. It holds no prose: the page's notes, plots and tables
are the paper's views (``iece.paper.views.<figure>``), filled from the result by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .parameters import (  # noqa: F401 (a figure module's declarations, used as figure.<name>)
    FAST,
    KINDS,
    Param,
    ParameterError,
    Params,
    choice,
    flag,
    integer,
    number,
    optional,
    path,
)
from .results import PROVENANCES


@dataclass(frozen=True)
class Number:
    """One number of a figure result: value, unit (``"1"`` dimensionless, ``""`` for a yes/no
    or a string), provenance, optional standard error and note."""

    value: object
    unit: str
    provenance: str = "computed"
    stderr: float | None = None
    note: str = ""

    def __post_init__(self):
        if self.provenance not in PROVENANCES:
            raise ValueError(f"provenance must be one of {PROVENANCES}, got {self.provenance!r}")


@dataclass
class FigureResult:
    """What a figure's ``compute`` returns: its ``params`` and the ``numbers`` to record. A
    figure subclasses it with the typed fields its page draws; its page's notes are its view's
    templates, filled from these."""

    params: dict
    numbers: dict[str, Number] = field(default_factory=dict)

    def add(self, name: str, value, unit: str, *, provenance="computed", stderr=None, note=""):
        if name in self.numbers:
            raise ValueError(f"number {name!r} added twice")
        self.numbers[name] = Number(value, unit, provenance, stderr, note)

    def add_by_choice(self, name: str, values: dict, unit: str, chosen=None, **kw):
        """Add ``<name>__<value>`` for every value of an open choice, and ``<name>`` itself for
        the ``chosen`` value (the run's own). A "not checkable" string gets the unit ``""``."""
        for value, x in values.items():
            u = "" if isinstance(x, str) else unit
            self.add(f"{name}__{value}", x, u, **kw)
            if value == chosen:
                self.add(name, x, u, **kw)

    def __getitem__(self, name: str):
        return self.numbers[name].value

    def figure_provenance(self, base: str, *, user_replaces: bool = False) -> str:
        """The provenance badge of a figure drawn from ``base`` sources: ``base+user`` when the
        run read a user file (a ``*_path`` parameter), or ``user`` alone when that file
        replaces the sources (fig5fg's own literature table)."""
        if not any(k.endswith("_path") and v is not None for k, v in self.params.items()):
            return base
        return "user" if user_replaces else f"{base}+user"
