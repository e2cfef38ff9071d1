"""Fig. 2e-g and Figs. S5, S6, S8: the paper's EMA statements as numbers.

Physics: :mod:`iece.physics.ema` (tests: ``tests/test_ema.py``). Every former yes/no claim is a
number here and its threshold lives in ``data/claims.toml``:

* ``e_shell_probability``, ``e_minus_h_shell_probability``: electron in the HgSe shell, and how
  much more of it than of the hole (4 nm, x = 0.4; Fig. 2e "pseudo-type II");
* ``cs_overlap_max_step``: the largest step of the core/shell overlap for 0 <= x <= 0.4
  (negative everywhere = falls monotonically; Fig. 2g);
* ``max_depletion`` and ``depletion_min_size_step``: largest ``1 - (phi/phi_0)^2`` over
  2.3-4.0 nm and x, and the smallest rise of that maximum from one size to the next (Fig. S5);
* ``cs_energy_nonlinearity``, ``energy_nonlinearity_ratio`` (core/shell over alloy), and the
  core/shell-minus-alloy excesses of energy and overlap non-linearity (Fig. S6, Fig. 2g);
* ``surface_fraction_min_excess``: smallest core/shell-minus-alloy surface fraction, x > 0 (S8);
* ``alloy_min_overlap`` (Fig. 2f) and ``cdse_3p3nm_energy_eV``;
* ``hgse_over_cdse_size_shift``: how much more the 1S-1S energy of HgSe than of CdSe changes
  from 2.3 to 4.0 nm (Figure S3, "greater for HgSe across this size range").

Every one is also recorded as ``<name>__<medium>`` for each outside medium of
:data:`iece.paper.choices.OUTSIDE_MEDIA`, so the ledger can give a verdict per medium.
"""

from __future__ import annotations

import numpy as np

from .. import io
from ..physics import ema, sizing
from . import choices, quoted
from .base import FAST, FigureResult, Params, choice, integer, number, path

PARAMS = Params(
    number("diameter_nm", 4.0, "NC diameter of panels e-g and S6/S8 (nm)", 1.5, 10.0),
    choice("outside", "reference", "EMA outside medium", choices.OUTSIDE_MEDIA),
    integer("x_points", 61, "compositions between 0 and 0.6", 7, 601),
    path("sizing_path", "your CdSe sizing data: two columns, diameter (nm), 1S-1S energy (eV)"),
    FAST,
)

#: NC diameters of Fig. S5 (nm): the paper's size series 2.3-4.0 nm with the sizes of Figs. 1-2.
S5_DIAMETERS_NM = (
    quoted.SIZE_SERIES_NM.low,
    quoted.DIAMETER_FIG1G_NM.value,
    quoted.DIAMETER_PROTOTYPE_NM.value,
    quoted.SIZE_SERIES_NM.high,
)
#: The numbers of :func:`metrics` recorded per outside medium (and shown in the table).
SENSITIVITY = (
    "e_shell_probability",
    "e_minus_h_shell_probability",
    "h_shell_probability",
    "cs_overlap_max_step",
    "max_depletion",
    "depletion_min_size_step",
    "cs_energy_nonlinearity",
    "alloy_energy_nonlinearity",
    "energy_nonlinearity_ratio",
    "energy_nonlinearity_excess",
    "overlap_nonlinearity_excess",
    "surface_fraction_min_excess",
    "alloy_min_overlap",
    "cdse_3p3nm_energy_eV",
    "hgse_over_cdse_size_shift",
)


def metrics(outside: str, diameter_nm: float, x) -> dict:
    """Every EMA claim number for one outside medium (see the module docstring)."""
    out = choices.outside(outside)
    x = np.asarray(x, float)
    cs = ema.solve(ema.core_shell(diameter_nm, x), out)
    al = ema.solve(ema.alloy(diameter_nm, x), out)
    i04 = int(np.argmin(np.abs(x - quoted.X_OVERLAP_FALLS_TO.value)))
    pe, ph = ema.shell_probability(cs)
    D, X = np.meshgrid(np.asarray(S5_DIAMETERS_NM), x, indexing="ij")
    dep = ema.depletion(ema.solve(ema.core_shell(D, X), out).overlap)
    dep_max = dep.max(-1)
    nl = {
        (k, q): float(ema.nonlinearity(getattr(r, q)))
        for k, r in (("cs", cs), ("alloy", al))
        for q in ("energy_eV", "overlap")
    }
    cdse = ema.solve(ema.alloy(quoted.DIAMETER_PROTOTYPE_NM.value, 0.0), out)
    ends = np.array(quoted.SIZE_SERIES_NM.value)
    e_ends = ema.solve(ema.alloy(ends, np.array([[0.0], [1.0]])), out).energy_eV
    shift = e_ends[:, 0] - e_ends[:, 1]  # CdSe, HgSe: E(2.3 nm) - E(4.0 nm)
    return {
        "outside": out,
        "cs": cs,
        "alloy": al,
        "depletion": dep,
        "e_shell_probability": float(pe[i04]),
        "h_shell_probability": float(ph[i04]),
        "e_minus_h_shell_probability": float(pe[i04] - ph[i04]),
        "cs_overlap_x0": float(cs.overlap[0]),
        "cs_overlap_x0p4": float(cs.overlap[i04]),
        "alloy_overlap_x0p4": float(al.overlap[i04]),
        "cs_overlap_max_step": float(np.diff(cs.overlap[: i04 + 1]).max()),
        "max_depletion": float(dep_max.max()),
        "max_depletion_by_size": dep_max.tolist(),
        "depletion_min_size_step": float(np.diff(dep_max).min()),
        "cs_energy_nonlinearity": nl["cs", "energy_eV"],
        "alloy_energy_nonlinearity": nl["alloy", "energy_eV"],
        "cs_overlap_nonlinearity": nl["cs", "overlap"],
        "alloy_overlap_nonlinearity": nl["alloy", "overlap"],
        "energy_nonlinearity_ratio": nl["cs", "energy_eV"] / nl["alloy", "energy_eV"],
        "energy_nonlinearity_excess": nl["cs", "energy_eV"] - nl["alloy", "energy_eV"],
        "overlap_nonlinearity_excess": nl["cs", "overlap"] - nl["alloy", "overlap"],
        "cs_surface_x0p4": float(cs.surface_fraction_e[i04]),
        "alloy_surface_x0p4": float(al.surface_fraction_e[i04]),
        "surface_fraction_min_excess": float(
            (cs.surface_fraction_e[1:] - al.surface_fraction_e[1:]).min()
        ),
        "alloy_min_overlap": float(al.overlap.min()),
        "cdse_3p3nm_energy_eV": float(cdse.energy_eV),
        "cdse_size_shift_eV": float(shift[0]),
        "hgse_size_shift_eV": float(shift[1]),
        "hgse_over_cdse_size_shift": float(shift[1] / shift[0]),
    }


_UNITS = {"cdse_3p3nm_energy_eV": "eV", "cdse_size_shift_eV": "eV", "hgse_size_shift_eV": "eV"}
_NOTES = {
    "e_shell_probability": "electron probability in the HgSe shell, core/shell, x = 0.4",
    "h_shell_probability": "hole probability in the HgSe shell, core/shell, x = 0.4",
    "cs_overlap_max_step": "largest step of the core/shell overlap on the 0 <= x <= 0.4 grid",
    "depletion_min_size_step": "smallest rise of the largest depletion between S5 sizes",
    "energy_nonlinearity_ratio": "core/shell over alloy 1S-1S energy non-linearity",
    "max_depletion_by_size": f"largest depletion at the sizes {S5_DIAMETERS_NM} nm",
}


def compute(**params) -> FigureResult:
    """All numbers of the fig2eg page for the given parameters (defaults: the paper's)."""
    p = PARAMS.resolve(params, "fig2eg")
    res = FigureResult(p)
    x = np.linspace(0.0, quoted.X_RANGE_FIG2.high, p["x_points"])
    m = metrics(p["outside"], p["diameter_nm"], x)
    for k, v in m.items():
        if isinstance(v, (float, list)):
            res.add(k, v, _UNITS.get(k, "1"), note=_NOTES.get(k, ""))
    res.data.update(x=x, metrics=m, s5_diameters_nm=S5_DIAMETERS_NM)

    # CdSe size curve against the Jasieniak 2009 sizing curve (literature), every medium
    d_curve = np.linspace(*sizing.VALID_NM, 13 if p["fast"] else 49)
    res.data["size_curve"] = {
        "diameter_nm": d_curve,
        "ema_eV": {
            name: ema.solve(ema.alloy(d_curve, 0.0), choices.outside(name)).energy_eV
            for name in choices.OUTSIDE_MEDIA
        },
        "jasieniak_eV": sizing.jasieniak_energy_eV(d_curve),
    }
    d33 = quoted.DIAMETER_PROTOTYPE_NM.value
    res.add(
        "jasieniak_3p3nm_energy_eV",
        float(sizing.jasieniak_energy_eV(d33)),
        "eV",
        provenance="literature",
        note=f"doi:{sizing.JASIENIAK_SOURCE['doi']}",
    )
    shift, rms = choices.calibration_fit()
    res.add(
        "calibration_shift_eV",
        shift,
        "eV",
        note="shift of both outside levels that fits the Jasieniak curve, 2-5 nm",
    )
    res.add("calibration_rms_eV", rms, "eV", note="RMS residual of that fit")
    literal = ema.solve(
        ema.alloy(np.array(choices.CALIBRATION_NM), 0.0), choices.outside("reference")
    )
    miss = literal.energy_eV - sizing.JASIENIAK.energy_eV(list(choices.CALIBRATION_NM))
    res.add(
        "reference_sizing_rms_eV",
        float(np.sqrt(np.mean(miss**2))),
        "eV",
        note="RMS distance of the literal reading from the Jasieniak curve, 2-5 nm",
    )
    if p["sizing_path"] is not None:
        ud, ue = io.read_two_columns(p["sizing_path"], what="sizing_path", positive=True)
        pred = ema.solve(ema.alloy(ud, 0.0), m["outside"]).energy_eV
        res.add(
            "user_sizing_rms_eV", float(np.sqrt(np.mean((pred - ue) ** 2))), "eV", provenance="user"
        )
        res.data["user_sizing"] = (ud, ue)

    # the same numbers under every other outside medium
    rows = {p["outside"]: m}
    for name in choices.OUTSIDE_MEDIA:
        rows.setdefault(name, metrics(name, p["diameter_nm"], x))
        for k in SENSITIVITY:
            res.add(f"{k}__{name}", rows[name][k], _UNITS.get(k, "1"))
    res.data["sensitivity"] = rows

    out = m["outside"]
    res.notes["setup"] = (
        f"Outside medium: **{out.name}** ({out.note}); diameter {p['diameter_nm']:g} nm; "
        f"{p['x_points']} compositions."
    )
    res.notes["wavefunctions"] = (
        f"At $x = 0.4$, {100 * m['e_shell_probability']:.0f} % of the electron and "
        f"{100 * m['h_shell_probability']:.0f} % of the hole sit in the HgSe shell (the shell is "
        f"40 % of the volume)."
    )
    res.notes["overlap"] = (
        f"Core/shell overlap: {m['cs_overlap_x0']:.3f} at x = 0 and {m['cs_overlap_x0p4']:.3f} at "
        f"x = 0.4; its largest step up to x = 0.4 is {m['cs_overlap_max_step']:+.1e}. Largest "
        f"depletion over 2.3-4.0 nm and x <= 0.6: **{100 * m['max_depletion']:.1f} %** (paper: up "
        f"to {100 * quoted.DEPLETION_MAX.value:.0f} %); by size "
        + ", ".join(f"{100 * v:.1f} %" for v in m["max_depletion_by_size"])
        + f". Energy non-linearity: core/shell {m['cs_energy_nonlinearity']:.3f}, alloy "
        f"{m['alloy_energy_nonlinearity']:.3f}."
    )
    res.notes["size_curve"] = (
        f"{d33:g} nm CdSe: EMA ({out.name}) {m['cdse_3p3nm_energy_eV']:.3f} eV; Jasieniak curve "
        f"{res['jasieniak_3p3nm_energy_eV']:.3f} eV; paper {quoted.CDSE_1S_EV.value} eV. The "
        f"`calibrated` medium raises both outside levels by {res['calibration_shift_eV']:.2f} eV "
        f"to fit the Jasieniak curve over 2-5 nm (RMS {1000 * res['calibration_rms_eV']:.0f} meV; "
        f"the literal reading misses it by {1000 * res['reference_sizing_rms_eV']:.0f} meV RMS)."
    )
    if "user_sizing_rms_eV" in res.numbers:
        res.notes["size_curve"] += (
            f" RMS deviation of the EMA from your data: {1000 * res['user_sizing_rms_eV']:.0f} meV."
        )
    return res
