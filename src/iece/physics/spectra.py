"""Absorption spectra deconvolved into transitions: the paper's Gaussian mixture (Methods, Eq. 1).

Each transition i with area ``a_i`` and centroid ``E_i`` is a Gaussian whose width follows from
the size distribution, ``sigma_i = 2 dR (E_i - Eg)`` (``dR``: relative standard deviation of the
radius; ``Eg``: bulk gap, linear in x between CdSe 1.74 eV and HgSe -0.06 eV)::

    A_i(E) = a_i / (2 sqrt(2 pi) dR (E_i - Eg)) * exp(-(E - E_i)^2 / (8 dR^2 (E_i - Eg)^2))

Our copy of the paper prints ``(E - Eg)^2`` in the exponent (:func:`printed_transition`); that
is a half-Gaussian at ``Eg``, not a band at ``E_i``, and it fails the recovery tests. We
implement ``(E - E_i)^2``; the prefactor then normalizes each term to area ``a_i``.

Initial centroids and their number come from minima of the second derivative of A(E)
(Savitzky-Golay on a uniform energy grid). The fit (lmfit) bounds each ``E_i`` to +/-50 meV of
its guess, keeps ``a_i >= 0`` (the Methods leave ``a_i`` and ``dR`` unbounded: ``bounded=False``),
shares one ``dR``, optionally adds Rayleigh scattering ``s E^4``,
and chooses the number of transitions by BIC. Spectra given in wavelength are converted point by
point (``E = hc / lambda``) with no Jacobian: absorbance is not a spectral density.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # lmfit is imported where a fit runs: reading PARAMS stays fast
    import lmfit

from dataclasses import dataclass, field

import numpy as np

from . import ema
from . import materials as mat
from .fitting import at_bounds

CENTER_WINDOW_EV = 0.050
#: Most centroid guesses a fit starts from (the most prominent minima are kept). The Methods
#: give no number; without a cap a noisy or broad spectrum offers 30-80 minima and backward
#: elimination then runs for many minutes.
MAX_GUESSES = 10


# ----------------------------------------------------------------------------- lineshapes
def transition(E, area=1.0, center=2.0, dR=0.05, Eg=1.74):
    """One transition of Eq. 1 (corrected exponent): a Gaussian of area ``area`` at ``center``
    with ``sigma = 2 dR (center - Eg)``. Requires ``center > Eg`` and ``dR > 0``."""
    width = center - Eg
    if np.any(np.asarray(width) <= 0):
        raise ValueError(f"center ({center}) must lie above the bulk gap Eg ({Eg})")
    if np.any(np.asarray(dR) <= 0):
        raise ValueError(f"dR must be > 0, got {dR}")
    return (
        area
        / (2 * np.sqrt(2 * np.pi) * dR * width)
        * np.exp(-((E - center) ** 2) / (8 * dR**2 * width**2))
    )


def printed_transition(E, area=1.0, center=2.0, dR=0.05, Eg=1.74):
    """Eq. 1 exactly as printed in our copy of the paper, with ``(E - Eg)^2`` in the exponent
    (kept only to show that it cannot recover transitions)."""
    width = center - Eg
    return (
        area
        / (2 * np.sqrt(2 * np.pi) * dR * width)
        * np.exp(-((E - Eg) ** 2) / (8 * dR**2 * width**2))
    )


def scattering(E, s=0.0):
    """Rayleigh scattering baseline ``s E^4`` (E in eV)."""
    return s * np.asarray(E, float) ** 4


def spectrum(E, areas, centers, dR, Eg, s=0.0, lineshape=transition):
    """Sum of transitions (Eq. 1) plus scattering."""
    E = np.asarray(E, float)
    out = scattering(E, s)
    for a, c in zip(areas, centers):
        out = out + lineshape(E, a, c, dR, Eg)
    return out


# ----------------------------------------------------------------------------- guesses
def uniform(E, A, step_eV: float | None = None):
    """Resample ``A(E)`` (any order) on a uniform, increasing energy grid."""
    order = np.argsort(E)
    E, A = np.asarray(E, float)[order], np.asarray(A, float)[order]
    step = step_eV or float(np.median(np.diff(E)))
    grid = np.arange(E[0], E[-1] + step / 2, step)
    return grid, np.interp(grid, E, A)


def second_derivative_minima(
    E,
    A,
    *,
    smooth_eV: float = 0.1,
    prominence: float = 0.05,
    floor: float = 0.02,
    max_n: int | None = MAX_GUESSES,
):
    """Centroid guesses: minima of the Savitzky-Golay second derivative of A(E) (eV), sorted.

    ``smooth_eV`` is the filter window; ``prominence`` is relative to the deepest minimum;
    minima where the smoothed absorbance is below ``floor`` times its maximum are noise and are
    dropped. Of the rest, the ``max_n`` most prominent are kept (``None``: all)."""
    from scipy.signal import find_peaks, savgol_filter  # here: it costs every page 0.35 s

    grid, Au = uniform(E, A)
    step = grid[1] - grid[0]
    win = max(5, int(round(smooth_eV / step)) | 1)
    smooth = savgol_filter(Au, win, 3, delta=step)
    d2 = savgol_filter(Au, win, 3, deriv=2, delta=step)
    keep = smooth > floor * smooth.max()
    depth = np.where(keep, -d2, np.min(-d2))
    peaks, props = find_peaks(depth, prominence=prominence * np.max(depth[keep]))
    if max_n is not None and peaks.size > max_n:
        strongest = np.argsort(props["prominences"], kind="stable")[::-1][:max_n]
        peaks = np.sort(peaks[strongest])
    return grid[peaks]


# ----------------------------------------------------------------------------- fitting
@dataclass
class Deconvolution:
    """Result of :func:`fit`: lmfit result, transitions (sorted by energy) and the model."""

    result: lmfit.model.ModelResult
    Eg: float
    n: int
    guesses: np.ndarray
    bic_by_n: dict = field(default_factory=dict)

    def value(self, name):
        return float(self.result.params[name].value)

    def stderr(self, name):
        s = self.result.params[name].stderr
        return float("nan") if s is None else float(s)

    @property
    def transitions(self) -> list[dict]:
        rows = []
        for i in range(self.n):
            rows.append(
                {
                    "center_eV": self.value(f"t{i}_center"),
                    "center_stderr": self.stderr(f"t{i}_center"),
                    "area": self.value(f"t{i}_area"),
                    "area_stderr": self.stderr(f"t{i}_area"),
                }
            )
        return sorted(rows, key=lambda r: r["center_eV"])

    @property
    def errors_determined(self) -> bool:
        """Whether the fit's covariance is positive on its diagonal, so every standard error is a
        number. False when the transitions overlap more than the data resolve."""
        covar = self.result.covar
        return covar is not None and bool(np.all(np.diag(covar) > 0))

    @property
    def dR(self) -> tuple[float, float]:
        return self.value("t0_dR"), self.stderr("t0_dR")

    @property
    def at_bounds(self) -> list[str]:
        """Parameters that ended on a bound (:func:`iece.physics.fitting.at_bounds`)."""
        return at_bounds(self.result.params)

    def band_1s(
        self,
        near_eV: float | None = None,
        min_fraction: float = 0.01,
        merge_eV: float = CENTER_WINDOW_EV,
    ) -> dict:
        """The 1S-1S band: the transition nearest ``near_eV`` if given (a known 1S energy), else
        the lowest with at least ``min_fraction`` of the total fitted area; merged with every
        fitted component within ``merge_eV`` of it (a band the fit split in two). Returns its
        centre, summed area and their standard errors."""
        ts = self.transitions
        total = sum(t["area"] for t in ts)
        if near_eV is not None:
            first = min(ts, key=lambda t: abs(t["center_eV"] - near_eV))
        else:
            first = next(t for t in ts if t["area"] >= min_fraction * total)
        parts = [t for t in ts if abs(t["center_eV"] - first["center_eV"]) <= merge_eV]
        return {
            "center_eV": first["center_eV"],
            "center_stderr": first["center_stderr"],
            "area": sum(t["area"] for t in parts),
            "area_stderr": float(np.sqrt(np.nansum([t["area_stderr"] ** 2 for t in parts]))),
            "n_merged": len(parts),
        }

    def component(self, E, i) -> np.ndarray:
        t = self.transitions[i]
        return transition(np.asarray(E, float), t["area"], t["center_eV"], self.dR[0], self.Eg)


def _model(n: int, guesses, Eg: float, dR0: float, baseline: bool, areas0, bounded: bool):
    import lmfit

    model = None
    params = lmfit.Parameters()
    for i in range(n):
        m = lmfit.Model(transition, prefix=f"t{i}_")
        model = m if model is None else model + m
        params.add(f"t{i}_area", value=max(areas0[i], 1e-9), min=0.0 if bounded else -np.inf)
        c = guesses[i]
        lo = max(c - CENTER_WINDOW_EV, Eg + 0.005)  # a band must stay above the bulk gap
        params.add(f"t{i}_center", value=c, min=lo, max=c + CENTER_WINDOW_EV)
        if i == 0:
            # dR > 0 keeps Eq. 1 a distribution; "unbounded" (the Methods) drops the upper bound
            params.add("t0_dR", value=dR0, min=1e-3, max=0.5 if bounded else np.inf)
        else:
            params.add(f"t{i}_dR", expr="t0_dR")
        params.add(f"t{i}_Eg", value=Eg, vary=False)
    if baseline:
        model = model + lmfit.Model(scattering, prefix="bg_")
        params.add("bg_s", value=0.0, min=0.0)
    return model, params


def _fit_once(E, A, Eg, centers, dR0, baseline, weights, bounded=True):
    order = np.argsort(E)
    areas0 = [
        np.interp(c, E[order], A[order]) * np.sqrt(2 * np.pi) * 2 * dR0 * (c - Eg) for c in centers
    ]
    model, params = _model(len(centers), centers, Eg, dR0, baseline, areas0, bounded)
    # native bounds (trust-region reflective): leastsq's bound transform loses the error bars
    # of a parameter that starts at the middle of its bounds, as every centroid does
    # transitions broader than their spacing give an indefinite covariance: lmfit then takes the
    # square root of a negative variance. Those errors are undetermined (NaN, see
    # Deconvolution.errors_determined), which is the answer, not a numerical accident
    with np.errstate(invalid="ignore"):
        return model.fit(
            A,
            params,
            E=E,
            weights=weights,
            method="least_squares",
            max_nfev=200 * (2 * len(centers) + 2),
        )


def fit(
    E,
    A,
    Eg: float,
    *,
    n_transitions: int | None = None,
    guesses=None,
    dR0: float = 0.06,
    baseline: bool = False,
    sigma=None,
    bounded: bool = True,
) -> Deconvolution:
    """Fit Eq. 1 to ``A(E)``.

    With ``n_transitions=None`` the number is chosen by BIC with backward elimination: start from
    the second-derivative minima (the ``MAX_GUESSES`` most prominent), then repeatedly drop the
    weakest transition while that lowers the BIC. With a number, the ``n_transitions``
    strongest minima are used. ``guesses`` overrides the centroid guesses; ``sigma`` (per point,
    or one value) weights the residuals.
    ``bounded=False`` is the Methods' reading: areas ``a_i`` unbounded (negative allowed) and no
    upper bound on ``dR``; centroids stay within +/-50 meV either way."""
    E = np.asarray(E, float)
    A = np.asarray(A, float)
    if E.shape != A.shape or E.ndim != 1 or E.size < 10:
        raise ValueError("E and A must be 1-D arrays of equal length (at least 10 points)")
    g = np.sort(np.asarray(guesses if guesses is not None else second_derivative_minima(E, A)))
    g = g[g > Eg + 0.02]
    if g.size == 0:
        raise ValueError("no transition found above the bulk gap: check Eg or the energy window")
    weights = None if sigma is None else 1.0 / np.broadcast_to(np.asarray(sigma, float), E.shape)
    res = _fit_once(E, A, Eg, g, dR0, baseline, weights, bounded)
    bics = {len(g): float(res.bic)}
    if n_transitions is not None:
        if n_transitions < 1:
            raise ValueError(f"n_transitions must be >= 1, got {n_transitions}")
        if n_transitions > g.size:
            raise ValueError(
                f"n_transitions={n_transitions} but only {g.size} second-derivative minima found"
            )
    while len(g) > (n_transitions or 1):
        areas = np.array([res.params[f"t{i}_area"].value for i in range(len(g))])
        trial_g = np.delete(g, int(np.argmin(areas)))
        trial = _fit_once(E, A, Eg, trial_g, dR0, baseline, weights, bounded)
        bics[len(trial_g)] = float(trial.bic)
        if n_transitions is None and trial.bic >= res.bic:
            break
        res, g = trial, trial_g
    return Deconvolution(res, Eg, len(g), g, bics)


def bulk_gap(composition_x: float) -> float:
    """Eg of Eq. 1 for total Hg fraction x (linear, CdSe 1.74 eV to HgSe -0.06 eV)."""
    return float(mat.bulk_gap_eV(composition_x))


# ----------------------------------------------------------------------------- model spectra
def ema_spectrum(
    structure,
    E,
    *,
    outside="reference",
    dR: float = 0.06,
    noise: float = 0.0,
    seed: int = 0,
    l_max: int = 2,
) -> tuple[np.ndarray, list[dict], float]:
    """Absorption spectrum per NC predicted by the EMA: every (n, l) transition of
    :func:`iece.ema.transitions` with area = its strength ``(2l+1) overlap^2``, broadened by
    Eq. 1 with ``dR`` and ``Eg`` from the total x, plus seeded Gaussian noise of ``noise`` times
    the maximum. Returns (A(E), transitions, Eg). These spectra are *simulated from the model*."""
    Eg = bulk_gap(float(structure.total_x))
    ts = [t for t in ema.transitions(structure, outside, l_max=l_max) if t["energy_eV"] > Eg]
    A = spectrum(E, [t["strength"] for t in ts], [t["energy_eV"] for t in ts], dR, Eg)
    if noise:
        A = A + np.random.default_rng(seed).normal(0.0, noise * A.max(), np.shape(E))
    return A, ts, Eg


def shape_similarity(E, A1, E1s_1: float, A2, E1s_2: float, window=(-0.3, 1.0)) -> float:
    """Cosine similarity of two spectra after aligning their 1S-1S energies, over ``window``
    (eV, relative to the 1S-1S energy): 1 for identical shapes, per-NC scale included."""
    rel = np.linspace(window[0], window[1], 400)
    a = np.interp(E1s_1 + rel, E, A1)
    b = np.interp(E1s_2 + rel, E, A2)
    return float(a @ b / np.sqrt((a @ a) * (b @ b)))
