"""Numbers behind the paper's EMA statements (Fig. 2e-g, Figs. S5, S6, S8), from :mod:`iece.ema`.

Each metric is a plain function of EMA results with its criterion in the docstring, so the
ledger's yes/no claims rest on stated tests, not on reading a plot:

* shell probabilities of electron and hole in a CdSe/HgSe NC (Fig. 2e, "electrons are localized
  in the shell, while holes are delocalized");
* oscillator-strength depletion ``1 - (phi(x) / phi(0))^2`` (Fig. S5);
* non-linearity of a curve: largest distance from the chord between its ends, as a fraction of
  the total change (Figs. 2g and S6, "bowing" versus "more linear").
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import trapezoid

from . import ema

#: Composition grid of Fig. 2e-g and Fig. S5/S6/S8 (the paper plots 0 <= x <= 0.6).
X_GRID = np.linspace(0.0, 0.6, 61)
#: NC diameters of Fig. S5 (nm).
S5_DIAMETERS_NM = (2.3, 2.7, 3.3, 4.0)


def shell_probability(res: ema.Result) -> tuple[np.ndarray, np.ndarray]:
    """Probability of electron and hole beyond the core radius (innermost layer's outer radius)
    of two-layer structures: ``int_{r_core}^inf 4 pi r^2 psi^2 dr``."""
    r = res.r_nm
    r_core = res.structure.radius_nm[..., 0][..., None]
    mask = r >= r_core
    pe = trapezoid(4 * np.pi * r**2 * res.psi_e**2 * mask, r, axis=-1)
    ph = trapezoid(4 * np.pi * r**2 * res.psi_h**2 * mask, r, axis=-1)
    return pe, ph


def depletion(overlap: np.ndarray) -> np.ndarray:
    """Oscillator-strength depletion ``1 - (phi / phi[..., 0])^2`` along the last (x) axis."""
    ov = np.asarray(overlap, float)
    return 1.0 - (ov / ov[..., :1]) ** 2


def nonlinearity(y: np.ndarray) -> np.ndarray:
    """``max |y - chord| / |y[-1] - y[0]|`` along the last axis (uniform x grid)."""
    y = np.asarray(y, float)
    t = np.linspace(0.0, 1.0, y.shape[-1])
    chord = y[..., :1] + (y[..., -1:] - y[..., :1]) * t
    return np.abs(y - chord).max(-1) / np.abs(y[..., -1] - y[..., 0])


def claim_metrics(
    outside="reference", diameter_nm: float = 4.0, x=X_GRID, sizes_nm=S5_DIAMETERS_NM
) -> dict:
    """Every EMA number the ledger checks, for one outside medium.

    Criteria (stated once here and in the ledger):
    ``pseudo_type_ii``: at ``diameter_nm`` and x = 0.4 at least half of the electron is in the
    HgSe shell and the hole is less in the shell than the electron.
    ``cs_overlap_decreasing``: the core/shell overlap falls at every step for 0 <= x <= 0.4.
    ``depletion_grows_with_size``: the largest depletion over x rises with every size step.
    ``cs_energy_bowed``: core/shell 1S-1S energy non-linearity >= 0.05 and > 2x the alloy's.
    ``alloy_more_linear``: alloy overlap and energy both less non-linear than core/shell.
    ``cs_more_surface_localized``: core/shell surface fraction above the alloy's for all x > 0.
    ``alloy_strong_overlap``: the alloy overlap stays >= 0.9 over the whole x grid.
    """
    x = np.asarray(x, float)
    cs = ema.solve(ema.core_shell(diameter_nm, x), outside)
    al = ema.solve(ema.alloy(diameter_nm, x), outside)
    i04 = int(np.argmin(np.abs(x - 0.4)))
    pe, ph = shell_probability(cs)
    D, X = np.meshgrid(np.asarray(sizes_nm, float), x, indexing="ij")
    cs_sizes = ema.solve(ema.core_shell(D, X), outside)
    dep = depletion(cs_sizes.overlap)
    dep_max = dep.max(-1)
    cs_nl_E, al_nl_E = float(nonlinearity(cs.energy_eV)), float(nonlinearity(al.energy_eV))
    cs_nl_ov, al_nl_ov = float(nonlinearity(cs.overlap)), float(nonlinearity(al.overlap))
    d04 = np.diff(cs.overlap[: i04 + 1])
    cdse = ema.solve(ema.alloy(3.3, 0.0), outside)
    return {
        "outside": ema.outside_medium(outside).name,
        "x": x,
        "cs": cs,
        "alloy": al,
        "cs_sizes": cs_sizes,
        "depletion": dep,
        "e_shell_probability": float(pe[i04]),
        "h_shell_probability": float(ph[i04]),
        "pseudo_type_ii": bool(pe[i04] >= 0.5 and ph[i04] < pe[i04]),
        "cs_overlap_x0": float(cs.overlap[0]),
        "cs_overlap_x0p4": float(cs.overlap[i04]),
        "alloy_overlap_x0p4": float(al.overlap[i04]),
        "cs_overlap_decreasing": bool(np.all(d04 < 0)),
        "max_depletion": float(dep_max.max()),
        "max_depletion_by_size": dep_max.tolist(),
        "depletion_grows_with_size": bool(np.all(np.diff(dep_max) > 0)),
        "cs_energy_nonlinearity": cs_nl_E,
        "alloy_energy_nonlinearity": al_nl_E,
        "cs_overlap_nonlinearity": cs_nl_ov,
        "alloy_overlap_nonlinearity": al_nl_ov,
        "cs_energy_bowed": bool(cs_nl_E >= 0.05 and cs_nl_E > 2 * al_nl_E),
        "alloy_more_linear": bool(al_nl_E < cs_nl_E and al_nl_ov < cs_nl_ov),
        "cs_surface_x0p4": float(cs.surface_fraction_e[i04]),
        "alloy_surface_x0p4": float(al.surface_fraction_e[i04]),
        "cs_more_surface_localized": bool(
            np.all(cs.surface_fraction_e[1:] > al.surface_fraction_e[1:])
        ),
        "alloy_min_overlap": float(al.overlap.min()),
        "alloy_strong_overlap": bool(al.overlap.min() >= 0.9),
        "cdse_3p3nm_energy_eV": float(cdse.energy_eV),
    }


#: Scalar metrics of :func:`claim_metrics` shown in the sensitivity table, with units.
SCALARS = {
    "e_shell_probability": "",
    "h_shell_probability": "",
    "pseudo_type_ii": "",
    "cs_overlap_x0p4": "",
    "alloy_overlap_x0p4": "",
    "cs_overlap_decreasing": "",
    "max_depletion": "",
    "depletion_grows_with_size": "",
    "cs_energy_nonlinearity": "",
    "alloy_energy_nonlinearity": "",
    "cs_energy_bowed": "",
    "alloy_more_linear": "",
    "cs_surface_x0p4": "",
    "alloy_surface_x0p4": "",
    "cs_more_surface_localized": "",
    "alloy_min_overlap": "",
    "alloy_strong_overlap": "",
    "cdse_3p3nm_energy_eV": "eV",
}


def composition_for_energy(build, diameter_nm: float, energy_eV: float, outside="reference"):
    """Total Hg fraction x at which ``build(diameter_nm, x)`` (``ema.alloy`` or
    ``ema.core_shell``) has the given 1S-1S energy; ValueError if no x in [0, 1] reaches it."""
    from scipy.optimize import brentq

    def f(x):
        return float(ema.solve(build(diameter_nm, x), outside).energy_eV) - energy_eV

    lo, hi = f(0.0), f(1.0)
    if lo * hi > 0:
        raise ValueError(
            f"energy_eV {energy_eV} is outside the range {hi + energy_eV:.3f}-{lo + energy_eV:.3f}"
            f" eV of {build.__name__} NCs of {diameter_nm} nm"
        )
    return brentq(f, 0.0, 1.0, xtol=1e-10)


def matched_overlap_ratio(diameter_nm: float, energy_eV: float, outside="reference") -> dict:
    """Alloy and core/shell NCs of one size with the same 1S-1S energy (as in Fig. 2h-j): their
    compositions, overlaps and the oscillator-strength ratio (phi_alloy / phi_cs)^2."""
    x_al = composition_for_energy(ema.alloy, diameter_nm, energy_eV, outside)
    x_cs = composition_for_energy(ema.core_shell, diameter_nm, energy_eV, outside)
    ov_al = float(ema.solve(ema.alloy(diameter_nm, x_al), outside).overlap)
    ov_cs = float(ema.solve(ema.core_shell(diameter_nm, x_cs), outside).overlap)
    return {
        "x_alloy": x_al,
        "x_core_shell": x_cs,
        "overlap_alloy": ov_al,
        "overlap_core_shell": ov_cs,
        "overlap2_ratio": (ov_al / ov_cs) ** 2,
    }
