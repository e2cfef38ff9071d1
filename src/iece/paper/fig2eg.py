"""Fig. 2e-g and Figs. S5, S6, S8: the paper's EMA statements as numbers.

Physics: :mod:`iece.physics.ema` (tests: ``tests/test_ema.py``). Every claim number is defined
once, in :mod:`iece.paper.ema_numbers` (its docstring lists them; tests:
``tests/test_ema_numbers.py``), and read here as the Methods state the EMA: x is the shell's
*volume* ("total mercury composition"), the depletion is of oscillator strength ``phi^2``, the
barrier finite. Its threshold lives in ``data/claims.toml``.

Every one is also recorded as ``<name>__<medium>`` for each outside medium of
:data:`iece.paper.choices.OUTSIDE_MEDIA`, and as ``<name>__<value>`` for every value of the
Methods' other open EMA choices (:data:`EMA_CHOICES`: what x measures, the interface condition,
the Coulomb kernel, the depletion measure), one choice at a time with the others at the Methods'
reading, so the ledger can give a verdict per value of each.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .. import io
from ..physics import ema, sizing
from ..pipeline.figure import FAST, FigureResult, Params, choice, integer, number, path
from . import choices, ema_numbers, quoted

PARAMS = Params(
    number("diameter_nm", 4.0, "NC diameter of panels e-g and S6/S8 (nm)", 1.5, 10.0),
    choice("outside", "reference", "EMA outside medium", choices.OUTSIDE_MEDIA),
    integer("x_points", ema_numbers.X_POINTS, "compositions between 0 and 0.6", 7, 601),
    path("sizing_path", "your CdSe sizing data: two columns, diameter (nm), 1S-1S energy (eV)"),
    FAST,
)

_X04 = f"x = {quoted.X_OVERLAP_FALLS_TO.value:g}"
_AT = f"core/shell, {_X04}"
#: The numbers of :func:`metrics` recorded per outside medium (and shown in the table), each with
#: what it is in words (the page's label and the record's note).
LABELS = {
    "e_in_shell": f"electron in the HgSe shell (between core and surface), {_AT}",
    "e_outside": f"electron outside the NC, {_AT}",
    "e_shell_enrichment": f"electron in the shell over its volume share (1: uniform), {_AT}",
    "h_in_shell": f"hole in the HgSe shell, {_AT}",
    "h_shell_enrichment": f"hole in the shell over the shell's volume share, {_AT}",
    "cs_overlap_max_step": f"largest step of the core/shell overlap up to {_X04}",
    "max_depletion": "largest oscillator-strength depletion over the S5 sizes and x",
    "depletion_min_size_step": "smallest rise of the largest depletion between S5 sizes",
    "cs_energy_nonlinearity": "core/shell 1S-1S energy: distance from its chord over its change",
    "cs_energy_max_step": "largest step of the core/shell 1S-1S energy in x",
    "cs_energy_max_rise_fraction": "largest rise of the core/shell energy over its total change",
    "alloy_energy_nonlinearity": "alloy 1S-1S energy: distance from its chord over its change",
    "energy_nonlinearity_ratio": "core/shell over alloy 1S-1S energy non-linearity",
    "oscillator_chord_excess": "core/shell minus alloy distance of phi squared from its chord",
    "energy_chord_excess_eV": "core/shell minus alloy distance of the 1S-1S energy from its chord",
    "surface_fraction_min_excess": "smallest core/shell minus alloy Eq. 3 surface fraction, x > 0",
    "alloy_min_overlap": "smallest alloy overlap over x",
    "cdse_3p3nm_energy_eV": "1S-1S energy of the prototype CdSe NC",
    "cdse_sizing_rms_eV": "RMS distance of CdSe from the Jasieniak 2009 sizing curve, 2-5 nm",
    "hgse_over_cdse_size_shift": "HgSe over CdSe 1S-1S energy change across the size series",
    "min_cs_energy_3p3nm_eV": "lowest 1S-1S energy of any prototype-size core/shell",
    "min_alloy_energy_3p3nm_eV": "lowest 1S-1S energy of any prototype-size alloy",
}
SENSITIVITY = tuple(LABELS)
#: The Methods' open EMA choices besides the outside medium (:data:`iece.paper.choices.OPEN`).
EMA_CHOICES = ("geometry", "interface", "coulomb", "depletion")


def metrics(outside: str, diameter_nm: float, x) -> dict:
    """Every EMA claim number for one outside medium, read as the Methods state it (shell volume
    = x, oscillator-strength depletion, BenDaniel-Duke interface, average Coulomb kernel): the
    numbers of :func:`iece.paper.ema_numbers.one`, plus the ``cs`` and ``alloy`` solutions whose
    wavefunctions the page draws."""
    out = choices.outside(outside)
    x = np.asarray(x, float)
    m = ema_numbers.one(ema_numbers.Reading.of(out), x, diameter_nm)
    i04 = int(np.argmin(np.abs(x - quoted.X_OVERLAP_FALLS_TO.value)))
    c = m["curves"]
    m.update(
        outside=out,
        cs=ema.solve(ema.core_shell(diameter_nm, x), out),
        alloy=ema.solve(ema.alloy(diameter_nm, x), out),
        cs_overlap_x0=float(c["cs_overlap"][0]),
        cs_overlap_x0p4=float(c["cs_overlap"][i04]),
        alloy_overlap_x0p4=float(c["alloy_overlap"][i04]),
        cs_surface_x0p4=float(c["cs_surface_fraction"][i04]),
        alloy_surface_x0p4=float(c["alloy_surface_fraction"][i04]),
    )
    return m


def _unit(name: str) -> str:
    """The unit of a metric, from its name (energies end in ``_eV``; the rest are ratios)."""
    return "eV" if name.endswith("_eV") else "1"


#: Record notes: what each number is, in words (the page labels a record with its note).
NOTES = LABELS | {
    "max_depletion_by_size": f"largest depletion at the sizes {ema_numbers.S5_DIAMETERS_NM} nm",
    "calibration_shift_eV": "shift of both outside levels that fits the Jasieniak curve, 2-5 nm",
    "calibration_rms_eV": "RMS residual of that fit",
    "unbound": "no bound state to give it under {meaning}",
}


@dataclass(frozen=True)
class SizeCurve:
    """CdSe 1S-1S energy against diameter: the EMA under every outside medium (name -> eV) and
    the Jasieniak 2009 sizing curve (literature)."""

    diameter_nm: np.ndarray
    ema_eV: dict
    jasieniak_eV: np.ndarray


@dataclass(frozen=True)
class UserSizing:
    """A user's CdSe sizing data: diameters (nm), 1S-1S energies (eV), and the RMS distance of
    the EMA (the run's outside medium) from them (eV)."""

    diameter_nm: np.ndarray
    energy_eV: np.ndarray
    rms_eV: float


@dataclass(kw_only=True)
class Fig2egResult(FigureResult):
    """fig2eg's numbers and what its plots and tables draw: the compositions ``x``, the run's
    outside ``medium`` and its :func:`metrics` (numbers, ``curves``, the ``cs`` and ``alloy``
    solutions), the same per outside medium (``by_medium``, name -> metrics), the CdSe
    ``size_curve`` and the user's sizing data."""

    x: np.ndarray
    medium: ema.Outside
    metrics: dict
    by_medium: dict
    size_curve: SizeCurve
    user_sizing: UserSizing | None


def compute(**params) -> Fig2egResult:
    """All numbers of the fig2eg page for the given parameters (defaults: the paper's)."""
    p = PARAMS.resolve(params, "fig2eg")
    res = FigureResult(p)
    x = ema_numbers.x_grid(p["x_points"])
    m = metrics(p["outside"], p["diameter_nm"], x)
    for k, v in m.items():
        if isinstance(v, (float, list)):
            res.add(k, v, _unit(k), note=NOTES.get(k, ""))

    # CdSe size curve against the Jasieniak 2009 sizing curve (literature), every medium
    d_curve = np.linspace(*sizing.VALID_NM, 13 if p["fast"] else 49)
    size_curve = SizeCurve(
        diameter_nm=d_curve,
        ema_eV={
            name: ema.solve(ema.alloy(d_curve, 0.0), choices.outside(name)).energy_eV
            for name in choices.OUTSIDE_MEDIA
        },
        jasieniak_eV=sizing.jasieniak_energy_eV(d_curve),
    )
    d33 = quoted.DIAMETER_PROTOTYPE_NM.value
    res.add(
        "jasieniak_3p3nm_energy_eV",
        float(sizing.jasieniak_energy_eV(d33)),
        "eV",
        provenance="literature",
        note=f"doi:{sizing.JASIENIAK_SOURCE['doi']}",
    )
    shift, rms = choices.calibration_fit()
    res.add("calibration_shift_eV", shift, "eV", note=NOTES["calibration_shift_eV"])
    res.add("calibration_rms_eV", rms, "eV", note=NOTES["calibration_rms_eV"])
    user = None
    if p["sizing_path"] is not None:
        ud, ue = io.read_two_columns(p["sizing_path"], what="sizing_path", positive=True)
        pred = ema.solve(ema.alloy(ud, 0.0), m["outside"]).energy_eV
        user = UserSizing(ud, ue, float(np.sqrt(np.mean((pred - ue) ** 2))))
        res.add("user_sizing_rms_eV", user.rms_eV, "eV", provenance="user")

    # the same numbers under every other outside medium
    rows = {p["outside"]: m}
    for name in choices.OUTSIDE_MEDIA:
        rows.setdefault(name, metrics(name, p["diameter_nm"], x))
        for k in SENSITIVITY:
            res.add(f"{k}__{name}", rows[name][k], _unit(k))
    # ... and under every value of the other open EMA choices, one at a time
    base = ema_numbers.Reading.of(m["outside"])
    for name in EMA_CHOICES:
        for value in choices.OPEN[name].values:
            row = m
            if value != getattr(base, name):
                row = ema_numbers.one(replace(base, **{name: value}), x, p["diameter_nm"])
            for k in SENSITIVITY:
                if np.isfinite(row[k]):
                    res.add(f"{k}__{value}", row[k], _unit(k))
                else:  # a carrier without a bound state: a number the model cannot give
                    why = NOTES["unbound"].format(meaning=choices.OPEN[name].meaning[value])
                    res.add(f"{k}__{value}", "not checkable", "", note=why)

    return Fig2egResult(
        params=p,
        numbers=res.numbers,
        x=x,
        medium=m["outside"],
        metrics=m,
        by_medium=rows,
        size_curve=size_curve,
        user_sizing=user,
    )
