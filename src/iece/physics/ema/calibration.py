"""A calibrated outside medium: ``reference`` with both outside levels shifted by one amount,
chosen so that CdSe spheres have given 1S-1S energies.

:func:`calibration_shift_eV` hits one (diameter, energy) point exactly: the 1S-1S energy rises
monotonically with the barrier, so a bracketed root (``scipy.optimize.brentq``) finds it.
:func:`fit_shift_eV` fits a whole sizing curve (``scipy.optimize.minimize_scalar``, least
squares) and returns the RMS residual. The targets are arguments: the paper layer
(:mod:`iece.paper.choices`) supplies an independent empirical sizing curve.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from .media import Outside
from .solver import NoBoundState, solve
from .structures import alloy


@functools.lru_cache(maxsize=8)
def calibration_shift_eV(diameter_nm: float, energy_eV: float) -> float:
    """Shift (eV) of both ``reference`` outside levels that puts a CdSe sphere of
    ``diameter_nm`` at ``energy_eV``; ValueError if no shift does."""
    s = alloy(diameter_nm, 0.0)

    def miss(shift):
        return float(solve(s, Outside("trial", shift, shift)).energy_eV) - energy_eV

    lo, hi = (0.0, 20.0) if miss(0.0) < 0 else (-0.25, 0.0)
    try:
        return float(brentq(miss, lo, hi, xtol=1e-9))
    except (ValueError, NoBoundState) as exc:
        raise ValueError(
            f"no outside-level shift puts {diameter_nm} nm CdSe at {energy_eV} eV"
        ) from exc


@functools.lru_cache(maxsize=8)
def fit_shift_eV(diameters_nm: tuple, energies_eV: tuple) -> tuple[float, float]:
    """Shift (eV) of both ``reference`` outside levels that best fits CdSe spheres of
    ``diameters_nm`` to ``energies_eV`` (least squares), and the RMS residual (eV)."""
    s = alloy(np.asarray(diameters_nm, float), 0.0)
    target = np.asarray(energies_eV, float)

    def rms(shift):
        return float(
            np.sqrt(np.mean((solve(s, Outside("trial", shift, shift)).energy_eV - target) ** 2))
        )

    best = minimize_scalar(rms, bounds=(-0.2, 20.0), method="bounded", options={"xatol": 1e-6})
    return float(best.x), float(best.fun)


def fitted(diameters_nm, energies_eV, label: str) -> Outside:
    """The :class:`Outside` of :func:`fit_shift_eV`, named ``calibrated``."""
    d, res = fit_shift_eV(tuple(map(float, diameters_nm)), tuple(map(float, energies_eV)))
    note = f"reference {d:+.3f} eV, fitted to {label} (RMS {1000 * res:.0f} meV)"
    return Outside("calibrated", d, d, note=note)


def calibrated(diameter_nm: float, energy_eV: float) -> Outside:
    """The calibrated :class:`Outside` for the target (diameter_nm, energy_eV)."""
    d = calibration_shift_eV(float(diameter_nm), float(energy_eV))
    note = f"reference {d:+.3f} eV ({diameter_nm:g} nm CdSe at {energy_eV:g} eV)"
    return Outside("calibrated", d, d, note=note)
