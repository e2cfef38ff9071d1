"""Fits of an exchanged-fraction time course x(t) to the diffusion models of
:mod:`iece.physics.diffusion` (Supplementary Note 1).

lmfit on ``log10 D`` (and ``log10 k``), reporting uncertainties, correlations, reduced
chi-square and AIC/BIC, so "fits well" and "fits poorly" are numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # lmfit is imported where a fit runs: reading PARAMS stays fast
    import lmfit

from dataclasses import dataclass

import numpy as np

from .diffusion import (
    _check,
    fraction_constant_surface,
    fraction_surface_rate,
    two_regime,
)
from .fitting import at_bounds

MODELS = ("constant_surface", "surface_rate", "two_regime")


#: Below this p-value a time course "changes": constancy is rejected at 5 %.
CHANGE_P = 0.05


def p_no_change(x, sigma) -> float:
    """p-value of the hypothesis that ``x`` does not change over time (each value with standard
    deviation ``sigma``)::

        chi2 = sum((x_i - xbar)^2 / sigma_i^2),  xbar = sum(x_i / sigma_i^2) / sum(1 / sigma_i^2)
        p = Q((n - 1) / 2, chi2 / 2)      (regularised upper incomplete gamma: chi-square tail)

    A time course with ``p >= CHANGE_P`` shows no change that its noise does not explain, so no
    diffusion model can take a rate from it: D is undetermined."""
    from scipy.special import gammaincc

    x = np.asarray(x, float)
    w = 1.0 / np.broadcast_to(np.asarray(sigma, float), x.shape) ** 2
    xbar = np.sum(w * x) / np.sum(w)
    chi2 = float(np.sum(w * (x - xbar) ** 2))
    return float(gammaincc((x.size - 1) / 2, chi2 / 2))


@dataclass
class KineticFit:
    model: str
    result: lmfit.minimizer.MinimizerResult
    #: :func:`p_no_change` of the fitted data: at or above :data:`CHANGE_P`, D is undetermined.
    p_no_change: float = 0.0

    @property
    def determined(self) -> bool:
        """False when the data show no change over time that their noise does not explain."""
        return self.p_no_change < CHANGE_P

    @property
    def D_m2_per_s(self) -> tuple[float, float]:
        p = self.result.params["log10D"]
        D = 10**p.value
        return D, (np.log(10) * D * p.stderr if p.stderr is not None else float("nan"))

    @property
    def at_bounds(self) -> list[str]:
        """Parameters that ended on a bound (:func:`iece.physics.fitting.at_bounds`)."""
        return at_bounds(self.result.params)

    @property
    def stats(self) -> dict:
        r = self.result
        return {
            "redchi": float(r.redchi),
            "aic": float(r.aic),
            "bic": float(r.bic),
            "nfree": int(r.nfree),
        }


def predict(model: str, t_s, radius_nm: float, params: dict) -> np.ndarray:
    """x(t) of a named model with parameters ``log10D`` (and ``log10k`` for surface_rate)."""
    D = 10 ** params["log10D"]
    if model == "constant_surface":
        return fraction_constant_surface(t_s, D, radius_nm)
    if model == "surface_rate":
        return fraction_surface_rate(t_s, D, radius_nm, 10 ** params["log10k"])
    if model == "two_regime":
        t = np.asarray(t_s, float)
        order = np.argsort(t)
        tt = np.unique(np.r_[0.0, t[order]])
        res = two_regime(tt, radius_nm, D, n_cells=80, rtol=1e-7)
        return np.interp(t, tt, res.x)
    raise ValueError(f"model must be one of {MODELS}, got {model!r}")


def fit(
    t_s,
    x,
    radius_nm: float,
    model: str = "constant_surface",
    *,
    sigma=0.02,
    log10D0: float = -22.0,
    log10k0: float = -13.0,
) -> KineticFit:
    """Fit x(t) with lmfit (parameters log10 D in m^2/s and log10 k in m/s); ``sigma`` is the
    standard deviation of each x (a number or an array), so reduced chi-square near 1 means a
    good fit."""
    import lmfit

    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    t = _check(t_s, 1.0, radius_nm)
    x = np.asarray(x, float)
    if x.shape != t.shape or x.size < 2:
        raise ValueError("time and x must have the same length (at least 2 points)")
    if np.any((x < 0) | (x > 1)):
        raise ValueError("x must be a Hg fraction in [0, 1]")
    p = lmfit.Parameters()
    p.add("log10D", value=log10D0, min=-30, max=-15)
    if model == "surface_rate":
        p.add("log10k", value=log10k0, min=-25, max=-5)
    s = np.broadcast_to(np.asarray(sigma, float), x.shape)

    def resid(par):
        return (predict(model, t, radius_nm, par.valuesdict()) - x) / s

    res = lmfit.minimize(resid, p, method="leastsq", scale_covar=False)
    return KineticFit(model, res, p_no_change(x, s))
