"""A calibrated outside medium: ``reference`` with both outside levels shifted by one amount so
that a CdSe sphere of a given diameter has a given 1S-1S energy.

The target is an argument: the paper layer (:mod:`iece.paper.choices`) supplies the paper's
quoted 3.3 nm / 2.24 eV. The 1S-1S energy rises monotonically with the barrier, so a bracketed
root (``scipy.optimize.brentq``) finds the shift.
"""

from __future__ import annotations

import functools

from scipy.optimize import brentq

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


def calibrated(diameter_nm: float, energy_eV: float) -> Outside:
    """The calibrated :class:`Outside` for the target (diameter_nm, energy_eV)."""
    d = calibration_shift_eV(float(diameter_nm), float(energy_eV))
    note = f"reference {d:+.3f} eV ({diameter_nm:g} nm CdSe at {energy_eV:g} eV)"
    return Outside("calibrated", d, d, note=note)
