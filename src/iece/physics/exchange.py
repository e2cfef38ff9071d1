"""The exchange chain of Fig. 1c: diffusion profile C(r, t) -> graded NC -> EMA 1S-1S energy.

Profiles come from :mod:`iece.physics.diffusion` (Crank series for a constant surface, finite
volumes for the two-regime CE model); each is averaged over equal-thickness shells and solved as
a graded NC with :func:`iece.physics.ema.solve`. The calibrations are one-point inversions
(``brentq`` on log10 D), not fits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from . import ema
from .diffusion import (
    MONOLAYER_NM,
    fraction_constant_surface,
    fraction_of_tau,
    profile_constant_surface,
    profile_of_tau,
    tau,
    two_regime,
)


def band_energy(profiles, radius_nm: float, outside="reference", n_shells: int = 20):
    """1S-1S energy (eV) of graded NCs whose Hg profiles C(r) are given on ``n_shells`` equal
    shells (rows of ``profiles`` sampled at shell mid-radii), via :func:`iece.ema.solve`."""
    prof = np.clip(np.asarray(profiles, float), 0.0, 1.0)
    return ema.solve(ema.graded(2 * radius_nm, prof), outside).energy_eV


def shell_midpoints(radius_nm: float, n_shells: int = 20) -> np.ndarray:
    """Mid-radii (nm) of ``n_shells`` equal-thickness shells."""
    return (np.arange(n_shells) + 0.5) * radius_nm / n_shells


#: Points of the fine radial grid per shell in :func:`shell_average`.
FINE_PER_SHELL = 40


def shell_average(r_nm, C, radius_nm: float, n_shells: int = 20) -> np.ndarray:
    """Volume average of profiles ``C[..., r]`` (on a radial grid ``r_nm``) over ``n_shells``
    equal-thickness shells: ``<C>_j = int C r^2 dr / int r^2 dr`` over shell j, by the
    trapezoid rule on :data:`FINE_PER_SHELL` + 1 points per shell (both edges included, so the
    shells hold exactly the profile's Hg up to the rule's error, at any scale of ``r_nm``)."""
    k = FINE_PER_SHELL
    fine = np.linspace(0.0, radius_nm, k * n_shells + 1)
    flat = np.reshape(C, (-1, np.shape(C)[-1]))
    Cf = np.stack([np.interp(fine, r_nm, c) for c in flat])
    # shell j is fine[j k : (j + 1) k + 1]: index windows, never float comparisons at the edges
    win = np.arange(n_shells)[:, None] * k + np.arange(k + 1)
    w = fine[win] ** 2
    num = np.trapezoid(Cf[:, win] * w, fine[win], axis=-1)
    return (num / np.trapezoid(w, fine[win], axis=-1)).reshape(*np.shape(C)[:-1], n_shells)


@dataclass
class EnergyCourse:
    """x(t) and the 1S-1S energy of the graded NC and of a homogeneous alloy of the same x."""

    t_s: np.ndarray
    x: np.ndarray
    energy_graded_eV: np.ndarray
    energy_alloy_eV: np.ndarray
    profiles: np.ndarray  # (time, shell)
    shell_r_nm: np.ndarray


def energy_course(
    t_s,
    radius_nm: float,
    D_m2_per_s: float,
    *,
    model: str = "constant_surface",
    outside="reference",
    n_shells: int = 20,
    rtol: float = 1e-8,
    n_cells: int = 100,
) -> EnergyCourse:
    """Diffusion profile -> graded NC -> EMA 1S-1S energy, at every time in ``t_s``.

    ``model``: ``constant_surface`` (IE-CE, Crank series) or ``two_regime`` (CE: monolayer then
    diffusion, finite volumes)."""
    t = np.asarray(t_s, float)
    rm = shell_midpoints(radius_nm, n_shells)
    if model == "constant_surface":
        r_fine = np.linspace(0.0, radius_nm, 400)
        fine = profile_constant_surface(r_fine, t, D_m2_per_s, radius_nm)
        prof = shell_average(r_fine, fine, radius_nm, n_shells)
        x = fraction_constant_surface(t, D_m2_per_s, radius_nm)
    elif model == "two_regime":
        tt = np.unique(np.r_[0.0, t])
        res = two_regime(tt, radius_nm, D_m2_per_s, n_cells=n_cells, rtol=rtol)
        idx = np.searchsorted(tt, t)
        r_cells = np.r_[0.0, res.r_nm, radius_nm]
        C_cells = np.column_stack([res.C[:, 0], res.C, res.C[:, -1]])
        prof = shell_average(r_cells, C_cells, radius_nm, n_shells)[idx]
        x = res.x[idx]
    else:
        raise ValueError(f"model must be constant_surface or two_regime, got {model!r}")
    prof = np.clip(prof, 0, 1)
    e_graded = band_energy(prof, radius_nm, outside, n_shells)
    e_alloy = ema.solve(ema.alloy(2 * radius_nm, np.clip(x, 0, 1)), outside).energy_eV
    return EnergyCourse(t, x, e_graded, e_alloy, prof, rm)


def calibrate_two_regime(
    energy_eV: float, at_s: float, radius_nm: float, *, outside="reference", n_shells: int = 20
) -> float:
    """The D (m^2/s) of :func:`two_regime` whose graded-NC 1S-1S energy at ``at_s`` equals
    ``energy_eV``; ValueError if the monolayer alone already goes below it or no D in
    1e-30-1e-18 reaches it. This is a one-point calibration, not a fit."""

    def miss(log10D):
        ec = energy_course(
            np.array([at_s]),
            radius_nm,
            10**log10D,
            model="two_regime",
            outside=outside,
            n_shells=n_shells,
            rtol=1e-6,
        )
        return float(ec.energy_graded_eV[0]) - energy_eV

    lo, hi = miss(-30.0), miss(-18.0)  # the energy falls as D grows (1e-6 solver tolerance)
    if lo < 0:
        raise ValueError(
            f"the exchanged monolayer alone gives {lo + energy_eV:.3f} eV, below {energy_eV} eV"
        )
    if hi > 0:
        raise ValueError(f"no D up to 1e-18 m^2/s reaches {energy_eV} eV")
    return 10 ** brentq(miss, -30.0, -18.0, xtol=5e-3)


def calibrate_dc_variant(
    x_target: float,
    at_s: float,
    radius_nm: float,
    ratio: float,
    *,
    monolayer_nm: float = MONOLAYER_NM,
) -> float:
    """D in CdSe (m^2/s) of the two-regime model with ``D(C) = D_Cd ratio^C`` that reaches
    ``x_target`` at ``at_s``; a one-point calibration like :func:`calibrate_two_regime`."""
    if ratio < 1:
        raise ValueError(f"ratio (D_HgSe / D_CdSe) must be >= 1, got {ratio}")

    def miss(log10D):
        res = two_regime(
            np.array([at_s]),
            radius_nm,
            10**log10D,
            monolayer_nm=monolayer_nm,
            D_hg_m2_per_s=10**log10D * ratio,
            n_cells=60,
            rtol=1e-6,
        )
        return float(res.x[0]) - x_target

    return 10 ** brentq(miss, -32.0, -18.0, xtol=1e-2)


def energy_at_tau(tau_, diameter_nm, *, outside="reference", table=None, n_shells: int = 20):
    """1S-1S energy (eV) of graded NCs whose constant-surface profile has reached the
    dimensionless time ``tau_`` (:func:`iece.physics.diffusion.profile_of_tau`, averaged over
    ``n_shells`` equal shells), for NCs of ``diameter_nm``; ``tau_`` and ``diameter_nm`` are
    1-d arrays of one length (or scalars), solved as one batch. The profile's shape depends on
    tau alone, so one D, time and radius enter only through ``tau = D t / a^2``. ``table``: the
    materials' parameters, one table per NC (entries (N, 1), as
    :meth:`iece.physics.materials.MaterialTable.rows` gives) or None (the paper's)."""
    th, d = np.broadcast_arrays(np.atleast_1d(np.asarray(tau_, float)), diameter_nm)
    rho = np.linspace(0.0, 1.0, 400)
    prof = np.clip(shell_average(rho, profile_of_tau(rho, th), 1.0, n_shells), 0, 1)
    return ema.solve(ema.graded(d, prof), outside, table=table).energy_eV


def course_for_D(t_s, radius_nm: float, D_m2_per_s, *, outside="reference", n_shells: int = 20):
    """x(t) and the graded-NC 1S-1S energy (eV) at times ``t_s`` for every D in
    ``D_m2_per_s`` (constant surface), with one batched EMA solve
    (:func:`energy_at_tau`); arrays of shape (D, t)."""
    t = np.atleast_1d(np.asarray(t_s, float))
    Ds = np.atleast_1d(np.asarray(D_m2_per_s, float))
    th = tau(t[None, :], Ds[:, None], radius_nm)
    energy = energy_at_tau(th.ravel(), 2 * radius_nm, outside=outside, n_shells=n_shells)
    return fraction_of_tau(th), energy.reshape(th.shape)
