"""The declared uncertainty of every input the sensitivity analysis varies (issue 23), read once
from :data:`UNCERTAINTIES` (package data beside the parameter table), with its reason and
source.

Two kinds of input:

* an entry of the Methods' material table, ``CDSE.<field>`` or ``HGSE.<field>``
  (:mod:`iece.physics.materials`; the names of ``data/literature/materials_sources.csv``);
* a parameter of the Fig. 1c chain, ``FIG1C.<name>`` (a number of
  :data:`iece.paper.fig1c.PARAMS`, whose default is the paper's value).

Each is drawn uniformly within ``relative`` (a fraction of the paper's value, below 1),
``absolute`` (in the entry's unit), ``rounding`` (half a unit of the last digit the paper prints
of a quoted number, named: the least uncertainty the printed value allows) or
``decades = "near"`` (log-uniform: the input is then log10 of the value, within the ledger's
declared reading of "near ~10^n", :data:`iece.paper.choices.NEAR_DECADES`, not a second copy
of it).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, fields
from importlib import resources

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..physics import materials as mat
from . import choices, fig1c, quoted

#: Where every uncertain input, its range and why are declared, once.
UNCERTAINTIES = "uncertainties.toml"
NO_SOURCE = (
    "none: data/literature/materials_sources.csv has no source with a DOI for this parameter"
)
#: The numeric entries of a material.
TABLE_FIELDS = tuple(f.name for f in fields(mat.Material) if f.name != "name")
#: The owners of the material table's entries.
MATERIALS = ("CDSE", "HGSE")
#: The owner of the Fig. 1c chain's parameters, and the ones that may be varied.
CHAIN = "FIG1C"
CHAIN_FIELDS = ("diameter_nm", "D_m2_per_s")


@dataclass(frozen=True)
class Input:
    """One uncertain input: ``name`` (``HGSE.dEc_eV``, ``FIG1C.diameter_nm``), drawn uniformly
    from [``low``, ``high``] in its sampled coordinate (``scale``: ``linear``, or ``log10`` of
    the value), where the paper's value is ``paper``."""

    name: str
    label: str
    low: float
    high: float
    unit: str
    reason: str
    paper: float
    source: str = NO_SOURCE
    scale: str = "linear"

    @property
    def owner(self) -> str:
        return self.name.split(".")[0]

    @property
    def field(self) -> str:
        return self.name.split(".")[1]

    @property
    def key(self) -> str:
        """The name as an identifier part: ``hgse_dEc_eV``."""
        return f"{self.owner.lower()}_{self.field}"

    def value(self, sampled):
        """The input's value from its sampled coordinate (``10**sampled`` for ``log10``)."""
        return 10.0**sampled if self.scale == "log10" else sampled


def paper_value(name: str) -> float:
    """The paper's value of an input name: the material table's entry
    (:data:`iece.physics.materials.PAPER`) or the Fig. 1c parameter's default."""
    owner, _, field_ = name.partition(".")
    if owner in MATERIALS:
        return float(getattr(getattr(mat.PAPER, owner.lower()), field_))
    return float(fig1c.PARAMS.defaults()[field_])


def _unit(name: str) -> str:
    owner, _, field_ = name.partition(".")
    if owner in MATERIALS:
        return "m0" if field_ in ("me", "mh") else ("eV" if field_.endswith("_eV") else "1")
    return {"diameter_nm": "nm", "D_m2_per_s": "m^2/s"}[field_]


def _spread(kind: str, size, at: str, name: str) -> tuple[str, float]:
    """The spread as (``relative``, ``absolute`` or ``decades``, its size): ``decades`` must be
    ``"near"`` (the ledger's reading of "near ~10^n", the one D range the Fig. 1c chain also
    searches), ``rounding`` names a quoted number whose printed digits give the spread (half a
    unit of its last digit); a ValueError naming the file and the entry otherwise."""
    if kind == "decades":
        if size != "near":
            raise ValueError(
                f"{at}: decades must be \"near\" (the ledger's reading of 'near ~10^n', which "
                f"Fig. 1c's joint reading searches too), got {size!r}"
            )
        if not paper_value(name) > 0:
            raise ValueError(f"{at}: decades needs a positive paper value")
        return kind, choices.NEAR_DECADES
    if kind == "rounding":
        q = quoted.ALL.get(size) if isinstance(size, str) else None
        if q is None or not isinstance(q.value, (int, float)) or q.value != paper_value(name):
            raise ValueError(f"{at}: rounding must name the quoted number of this input's value")
        digits = repr(float(q.value)).split(".")[1].rstrip("0") if "." in repr(q.value) else ""
        return "absolute", 0.5 * 10.0 ** -len(digits)
    if isinstance(size, bool) or not isinstance(size, (int, float)) or not size > 0:
        raise ValueError(f"{at}: {kind} must be a positive number, got {size!r}")
    if kind == "relative" and size >= 1:
        raise ValueError(f"{at}: relative must be below 1 (a range keeping the sign), got {size}")
    return kind, float(size)


def make(name, kind, size, label, reason, source=NO_SOURCE) -> Input:
    """The input ``name`` within ``size`` of the paper's value: ``relative`` (a fraction),
    ``absolute`` (the entry's unit) or ``decades`` (log-uniform; the input is log10)."""
    v, unit = paper_value(name), _unit(name)
    if kind == "decades":
        c = math.log10(v)
        return Input(name, label, c - size, c + size, f"log10({unit})", reason, c, source, "log10")
    lo, hi = (v * (1 - size), v * (1 + size)) if kind == "relative" else (v - size, v + size)
    lo, hi = sorted((lo, hi))
    return Input(name, label, lo, hi, unit, reason, v, source)


def read_inputs(text: str, where: str = UNCERTAINTIES) -> tuple[Input, ...]:
    """The inputs declared in ``text`` (``[[inputs]]`` with ``name``, one of ``relative``,
    ``absolute`` or ``decades``, ``label``, ``reason`` and optionally ``source``); a
    ValueError naming the file, the entry and the field otherwise."""
    try:
        entries = tomllib.loads(text).get("inputs", [])
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{where} is not valid TOML: {exc}") from None
    out = []
    for n, e in enumerate(entries, 1):
        at = f"{where}, input {n} ({e.get('name', 'no name')})"
        keys = set(e) - {"source"}
        spread = keys & {"relative", "absolute", "decades", "rounding"}
        if keys - spread != {"name", "label", "reason"} or len(spread) != 1:
            raise ValueError(
                f"{at}: needs name, label, reason and one of relative, absolute, decades or "
                f"rounding (got {', '.join(sorted(e))})"
            )
        (kind,) = spread
        owner, _, field_ = str(e["name"]).partition(".")
        known = (owner in MATERIALS and field_ in TABLE_FIELDS) or (
            owner == CHAIN and field_ in CHAIN_FIELDS
        )
        if not known:
            raise ValueError(
                f"{at}: name must be CDSE.<field> or HGSE.<field>, a field of {TABLE_FIELDS}, "
                f"or {CHAIN}.<parameter>, one of {CHAIN_FIELDS}"
            )
        kind, size = _spread(kind, e[kind], at, e["name"])
        out.append(make(e["name"], kind, size, e["label"], e["reason"], e.get("source", NO_SOURCE)))
    return tuple(out)


#: Every uncertain input, its range and why (:data:`UNCERTAINTIES`).
INPUTS = read_inputs(resources.files(__package__).joinpath(UNCERTAINTIES).read_text("utf-8"))
#: The material table's entries among them (the EMA's inputs).
TABLE_INPUTS = tuple(i for i in INPUTS if i.owner in MATERIALS)


def named(*names: str) -> tuple[Input, ...]:
    """The declared inputs of these names, in this order; KeyError naming a missing one."""
    by = {i.name: i for i in INPUTS}
    missing = [n for n in names if n not in by]
    if missing:
        raise KeyError(f"{UNCERTAINTIES} declares no input {', '.join(missing)}")
    return tuple(by[n] for n in names)
