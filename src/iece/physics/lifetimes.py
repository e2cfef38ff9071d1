"""Time-correlated single-photon counting (TCSPC) decays: model, simulator and fit (Fig. 2j).

Forward model, channel ``i`` covering ``[i dt, (i+1) dt)`` of one laser period ``T``:

    m_i = A * (h (*) IRF_s)_i + b,
    h_i = sum_k a_k tau_k (e^{-i dt/tau_k} - e^{-(i+1) dt/tau_k}) / (1 - e^{-T/tau_k})

``h`` is the multi-exponential ``sum_k a_k exp(-t/tau_k)`` integrated over each channel and
summed over all earlier pulses (the periodic steady state: a 67.8 ns component at 20 MHz has not
decayed before the next pulse); ``(*)`` is circular convolution over one period with the
instrument response (measured, or Gaussian of given FWHM), shifted by ``s`` ns with a Fourier
phase (sub-channel); ``b`` is a constant background per channel; amplitude fractions
``a_k`` sum to 1 (the paper's A1, A2).

A period much longer than the histogram (a low repetition rate) would make that convolution
run over up to 10^6 channels per model evaluation. Only lags between minus and plus the window
(and the IRF's reach) enter channels inside the window, so the convolution then runs on a
compact grid of about twice the window: the window plus a margin, followed by the last
channels of the period (:attr:`Instrument.grid_channels`). It equals the full-period result
wherever the IRF is confined to the window plus the margin.

Fit (lmfit, Levenberg-Marquardt): Poisson maximum likelihood by default, through deviance
residuals ``sign(d - m) sqrt(2 (m - d + d ln(d/m)))``, whose sum of squares is the Poisson
deviance, so the least-squares minimum is the maximum-likelihood estimate and ``J^T J`` is the
Fisher information (covariance not rescaled). ``least_squares`` uses Neyman weights
``1/sqrt(max(d, 1))`` (biased at low counts; kept for comparison). Lifetimes are ordered by
construction (``tau_k = tau_{k-1} + dtau_k``, ``dtau_k > 0``).

Derived: amplitude-weighted ``tau_amp = sum a_k tau_k``, intensity-weighted
``tau_int = sum a_k tau_k^2 / sum a_k tau_k`` and, given a quantum yield, ``k_r = QY / tau_amp``
and ``k_nr = (1 - QY) / tau_amp``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # lmfit is imported where a fit runs: reading PARAMS stays fast
    import lmfit

from dataclasses import dataclass

import numpy as np
from scipy import fft

from .fitting import at_bounds

#: Fit statistics. ``poisson``: maximum likelihood (deviance residuals), right for photon counts
#: at any level; ``least_squares``: Pearson-weighted by the counts, close to Poisson only at
#: high counts (biased low at few counts); ``unweighted``: plain least squares with the
#: covariance scaled by the residual (what LifeFit does), for data that are not raw counts.
STATISTICS = ("poisson", "least_squares", "unweighted")
#: A histogram window may exceed the laser period by this fraction (rep rates are quoted to 2-3
#: digits); it is then treated as one period.
WINDOW_TOLERANCE = 0.01
#: Fewest time channels of a histogram (a decay, its rise and a background need some).
MIN_CHANNELS = 16
#: A Gaussian IRF is taken to end this many standard deviations from its centre (exp(-32)).
IRF_REACH_SIGMA = 8.0


def max_shift_ns(dt_ns: float) -> float:
    """Largest IRF shift (either sign, ns) a fit may use: 20 channels plus 2 ns."""
    return 20 * dt_ns + 2.0


# ----------------------------------------------------------------------------- model
def periodic_decay(
    n_period: int, dt_ns: float, taus_ns, amps, period_ns: float, channels=None
) -> np.ndarray:
    """Channel-integrated periodic multi-exponential ``h_i`` (module docstring) on the period's
    ``channels`` (default: all ``n_period`` of them)."""
    taus = np.atleast_1d(np.asarray(taus_ns, float))
    amps = np.atleast_1d(np.asarray(amps, float))
    if np.any(taus <= 0):
        raise ValueError(f"lifetimes must be positive, got {taus}")
    if channels is None:
        edges = np.arange(n_period + 1) * dt_ns
        e = np.exp(-edges[:, None] / taus[None, :])
        lo, hi = e[:-1], e[1:]
    else:
        i = np.asarray(channels)[:, None]
        lo, hi = np.exp(-i * dt_ns / taus), np.exp(-(i + 1) * dt_ns / taus)
    per = taus * (lo - hi) / (1 - np.exp(-period_ns / taus))
    return per @ amps


def gaussian_irf(n: int, dt_ns: float, fwhm_ns: float, center_ns: float, channels=None):
    """Gaussian instrument response binned on ``n`` channels (or on the given ``channels`` of
    the period), normalized to unit sum."""
    if fwhm_ns <= 0:
        raise ValueError(f"irf_fwhm_ns must be > 0, got {fwhm_ns}")
    t = ((np.arange(n) if channels is None else np.asarray(channels)) + 0.5) * dt_ns
    sigma = fwhm_ns / (2 * np.sqrt(2 * np.log(2)))
    g = np.exp(-0.5 * ((t - center_ns) / sigma) ** 2)
    return g / g.sum()


def shift_irf(irf: np.ndarray, shift_ns: float, dt_ns: float) -> np.ndarray:
    """Circularly shift ``irf`` by ``shift_ns`` (sub-channel, Fourier phase)."""
    k = fft.rfftfreq(irf.size, d=dt_ns)
    return fft.irfft(fft.rfft(irf) * np.exp(-2j * np.pi * k * shift_ns), n=irf.size)


def _convolve(h: np.ndarray, irf_spectrum: np.ndarray, shift_ns: float, dt_ns: float):
    """Circular convolution of ``h`` with an IRF given by its rFFT, shifted by ``shift_ns``."""
    spec = irf_spectrum
    if shift_ns:
        k = fft.rfftfreq(h.size, d=dt_ns)
        spec = spec * np.exp(-2j * np.pi * k * shift_ns)
    return fft.irfft(fft.rfft(h) * spec, n=h.size)


def model_counts(
    instrument: Instrument,
    taus_ns,
    amps,
    amplitude: float,
    background: float,
    shift_ns: float = 0.0,
    irf_spectrum: np.ndarray | None = None,
) -> np.ndarray:
    """Expected counts in each of the instrument's channels (module docstring);
    ``irf_spectrum`` is the rFFT of :meth:`Instrument.irf_grid`, if already computed."""
    inst = instrument
    spec = fft.rfft(inst.irf_grid()) if irf_spectrum is None else irf_spectrum
    h = periodic_decay(inst.n_period, inst.dt_ns, taus_ns, amps, inst.period_ns, inst.grid_channels)
    conv = _convolve(h, spec, shift_ns, inst.dt_ns)
    return amplitude * conv[: inst.n_channels] + background


def derived(taus_ns, amps) -> dict:
    """Amplitude- and intensity-weighted average lifetimes (ns)."""
    taus = np.asarray(taus_ns, float)
    a = np.asarray(amps, float) / np.sum(amps)
    tau_amp = float(np.sum(a * taus))
    return {"tau_amp_ns": tau_amp, "tau_int_ns": float(np.sum(a * taus**2) / tau_amp)}


def rates(tau_amp_ns: float, qy: float) -> dict:
    """Radiative and non-radiative rates (1/ns) from the average lifetime and a quantum yield."""
    if not 0 <= qy <= 1:
        raise ValueError(f"qy must be in [0, 1], got {qy}")
    return {"k_r_per_ns": qy / tau_amp_ns, "k_nr_per_ns": (1 - qy) / tau_amp_ns}


# ----------------------------------------------------------------------------- setup
@dataclass(frozen=True)
class Instrument:
    """TCSPC settings: ``n_channels`` of ``dt_ns`` each, laser ``rep_rate_MHz``, and an IRF
    (``irf`` array on the same channels, or a Gaussian of ``irf_fwhm_ns`` at ``irf_center_ns``)."""

    n_channels: int = 4096
    dt_ns: float = 0.09765625  # 4096 channels span the 400 ns period
    rep_rate_MHz: float = 2.5
    irf_fwhm_ns: float = 0.3
    irf_center_ns: float = 2.0
    irf: tuple | None = None

    def __post_init__(self):
        if self.n_channels < MIN_CHANNELS:
            raise ValueError(f"n_channels must be >= {MIN_CHANNELS}, got {self.n_channels}")
        if self.dt_ns <= 0:
            raise ValueError(f"dt_ns must be > 0, got {self.dt_ns}")
        if not 0.01 <= self.rep_rate_MHz <= 1000:
            raise ValueError(f"rep_rate_MHz must be in [0.01, 1000], got {self.rep_rate_MHz}")
        window = self.n_channels * self.dt_ns
        if window > self.period_ns * (1 + WINDOW_TOLERANCE):
            raise ValueError(
                f"the histogram ({self.n_channels} x {self.dt_ns:g} ns = {window:g} ns) is longer "
                f"than the laser period ({self.period_ns:g} ns at {self.rep_rate_MHz:g} MHz) by "
                f"more than {WINDOW_TOLERANCE:.0%}: the largest repetition rate that fits is "
                f"{1e3 / window:.4g} MHz"
            )

    @property
    def note(self) -> str:
        """Why the instrument was taken as it was (empty when nothing needed saying)."""
        excess = self.n_channels * self.dt_ns / self.period_ns - 1
        if excess > 1e-9:
            return (
                f"the histogram window is {100 * excess:.3g}% longer than the stated period "
                f"({self.period_ns:g} ns); within {WINDOW_TOLERANCE:.0%}, it is taken as one period"
            )
        return ""

    @classmethod
    def from_channels(
        cls, t_ns, counts, *, rep_rate_MHz: float, irf_fwhm_ns: float = 0.3, irf=None
    ) -> Instrument:
        """The instrument of a measured histogram: channels from the time axis ``t_ns``
        (evenly spaced), a measured ``irf`` on the same channels, or else a Gaussian IRF of
        ``irf_fwhm_ns`` centred at the decay's peak."""
        t = np.asarray(t_ns, float)
        return cls(
            n_channels=t.size,
            dt_ns=float(np.diff(t).mean()),
            rep_rate_MHz=rep_rate_MHz,
            irf_fwhm_ns=irf_fwhm_ns,
            irf_center_ns=float(t[np.argmax(counts)] - t[0]),
            irf=None if irf is None else tuple(irf),
        )

    @property
    def period_ns(self) -> float:
        return 1e3 / self.rep_rate_MHz

    @property
    def n_period(self) -> int:
        return max(self.n_channels, int(round(self.period_ns / self.dt_ns)))

    @property
    def t_ns(self) -> np.ndarray:
        return (np.arange(self.n_channels) + 0.5) * self.dt_ns

    @property
    def grid_channels(self) -> np.ndarray | None:
        """Period channels of the compact convolution grid (module docstring), or ``None`` for
        the whole period. Compact: channels ``0 .. M-H-1`` and the last ``H`` of the period,
        ``H = W + P`` (``W`` the window, ``P`` the reach of the shifted IRF beyond it) and
        ``M >= 2H`` a fast FFT length; used only when ``M`` is shorter than the period and a
        Gaussian IRF's centre lies in the window."""
        reach_ns = max_shift_ns(self.dt_ns)
        if self.irf is None:
            if not 0 <= self.irf_center_ns <= self.n_channels * self.dt_ns:
                return None
            reach_ns += IRF_REACH_SIGMA * self.irf_fwhm_ns / (2 * np.sqrt(2 * np.log(2)))
        head = self.n_channels + int(np.ceil(reach_ns / self.dt_ns)) + 1
        m = fft.next_fast_len(2 * head, real=True)
        if m >= self.n_period:
            return None
        return np.r_[np.arange(m - head), np.arange(self.n_period - head, self.n_period)]

    def irf_grid(self) -> np.ndarray:
        """The IRF on the convolution grid (zero-padded measured IRF, or the Gaussian),
        normalized to unit sum: one full period, or the compact grid."""
        ch = self.grid_channels
        n = self.n_period if ch is None else ch.size
        if self.irf is not None:
            irf = np.zeros(n)
            irf[: len(self.irf)] = np.clip(np.asarray(self.irf, float), 0, None)
            return irf / irf.sum()
        return gaussian_irf(n, self.dt_ns, self.irf_fwhm_ns, self.irf_center_ns, ch)


def simulate(
    instrument: Instrument,
    taus_ns,
    amps,
    *,
    total_counts: float,
    background_fraction: float = 0.005,
    shift_ns: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """A seeded Poisson TCSPC histogram with ``total_counts`` expected signal counts and a
    constant background of ``background_fraction`` of them spread over all channels."""
    if total_counts <= 0:
        raise ValueError(f"total_counts must be > 0, got {total_counts}")
    shape = model_counts(instrument, taus_ns, amps, 1.0, 0.0, shift_ns)
    amp = total_counts / shape.sum()
    bg = background_fraction * total_counts / instrument.n_channels
    rng = np.random.default_rng(seed)
    return rng.poisson(amp * shape + bg).astype(float)


# ----------------------------------------------------------------------------- fitting
@dataclass
class DecayFit:
    """A fitted decay: lmfit result, best values with standard errors, and the model curve."""

    result: lmfit.minimizer.MinimizerResult
    n_components: int
    statistic: str
    model: np.ndarray
    counts: np.ndarray
    instrument: Instrument

    def value(self, name: str) -> float:
        return float(self.result.params[name].value)

    def stderr(self, name: str) -> float:
        s = self.result.params[name].stderr
        return float("nan") if s is None else float(s)

    @property
    def taus_ns(self) -> list[float]:
        return [self.value(f"tau{k}") for k in range(1, self.n_components + 1)]

    @property
    def amps(self) -> list[float]:
        return [self.value(f"a{k}") for k in range(1, self.n_components + 1)]

    @property
    def at_bounds(self) -> list[str]:
        """Parameters that ended on a bound (:func:`iece.physics.fitting.at_bounds`)."""
        return at_bounds(self.result.params)

    @property
    def residuals(self) -> np.ndarray:
        """Pearson residuals (d - m) / sqrt(m)."""
        return (self.counts - self.model) / np.sqrt(self.model)

    @property
    def reduced_deviance(self) -> float:
        """Poisson deviance per degree of freedom (about 1 for an adequate model)."""
        return float(np.sum(_deviance_residuals(self.counts, self.model) ** 2) / self.result.nfree)

    def summary(self) -> dict:
        names = [f"tau{k}" for k in range(1, self.n_components + 1)]
        names += [f"a{k}" for k in range(1, self.n_components + 1)] + ["tau_amp", "tau_int"]
        return {n: (self.value(n), self.stderr(n)) for n in names}


def _deviance_residuals(d, m):
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(d > 0, d * np.log(d / m), 0.0)
    dev = 2 * (m - d + term)
    return np.sign(d - m) * np.sqrt(np.clip(dev, 0, None))


def _params(
    n: int, counts: np.ndarray, inst: Instrument, init_taus, fit_shift: bool, fit_background: bool
) -> lmfit.Parameters:
    import lmfit

    p = lmfit.Parameters()
    taus = np.sort(np.asarray(init_taus, float))
    p.add("tau1", value=taus[0], min=inst.dt_ns / 4, max=10 * inst.period_ns)
    for k in range(2, n + 1):
        p.add(f"dtau{k}", value=max(taus[k - 1] - taus[k - 2], inst.dt_ns), min=inst.dt_ns / 10)
        p.add(f"tau{k}", expr=f"tau{k - 1} + dtau{k}")
    # stick-breaking fractions: a_k = g_k prod_{j<k} (1 - g_j), last = prod (1 - g_j)
    rest = "1"
    for k in range(1, n):
        p.add(f"g{k}", value=1.0 / (n - k + 1), min=0.0, max=1.0)
        p.add(f"a{k}", expr=f"g{k} * {rest}")
        rest = f"{rest} * (1 - g{k})"
    p.add(f"a{n}", expr=rest if n > 1 else "1")
    signal = max(
        counts.sum() - inst.n_channels * max(np.percentile(counts, 5), 0.0), counts.sum() / 2
    )
    p.add("amplitude", value=signal, min=0.0)
    bg0 = max(float(np.percentile(counts, 2)), 1e-3)
    # unbounded: a background pinned at a bound would leave no error bars (the model is kept
    # positive in the residual instead)
    p.add("background", value=bg0 * 0.5, vary=fit_background)
    reach = max_shift_ns(inst.dt_ns)
    p.add("shift", value=0.0, min=-reach, max=reach, vary=fit_shift)
    p.add("tau_amp", expr=" + ".join(f"a{k} * tau{k}" for k in range(1, n + 1)))
    p.add(
        "tau_int",
        expr="(" + " + ".join(f"a{k} * tau{k}**2" for k in range(1, n + 1)) + ") / tau_amp",
    )
    return p


def _initial_taus(t, counts, n):
    """Rough lifetimes from the log-slope of the tail, spread over a decade."""
    peak = int(np.argmax(counts))
    tail = counts[peak:]
    ok = tail > max(tail.max() * 0.01, 3)
    tt = t[peak:][ok]
    if tt.size > 5:
        slope = np.polyfit(tt - tt[0], np.log(tail[ok]), 1)[0]
        tau = -1 / slope if slope < 0 else (t[-1] - t[0]) / 3
    else:
        tau = (t[-1] - t[0]) / 5
    return tau * np.logspace(-0.5, 0.2, n) if n > 1 else np.array([tau])


def fit_decay(
    counts,
    instrument: Instrument,
    *,
    n_components: int = 2,
    statistic: str = "poisson",
    init_taus_ns=None,
    fit_shift: bool = True,
    fit_background: bool = True,
    start: lmfit.Parameters | None = None,
) -> DecayFit:
    """Fit a multi-exponential reconvolution model to a TCSPC histogram. ``start`` (the
    parameters of an earlier fit of similar data) sets every starting value."""
    import lmfit

    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be one of {STATISTICS}, got {statistic!r}")
    if n_components not in (1, 2, 3):
        raise ValueError(f"n_components must be 1, 2 or 3, got {n_components}")
    d = np.asarray(counts, float)
    if d.shape != (instrument.n_channels,):
        raise ValueError(f"counts has {d.size} channels, the instrument {instrument.n_channels}")
    if np.any(d < 0) or d.sum() <= 0:
        raise ValueError("counts must be non-negative with a positive total")
    inst = instrument
    irf_spec = fft.rfft(inst.irf_grid())
    init = _initial_taus(inst.t_ns, d, n_components) if init_taus_ns is None else init_taus_ns
    params = _params(n_components, d, inst, init, fit_shift, fit_background)
    if start is not None:
        for name, par in params.items():
            if par.vary and name in start:
                par.value = start[name].value

    def curve(p):
        taus = [p[f"tau{k}"].value for k in range(1, n_components + 1)]
        amps = [p[f"a{k}"].value for k in range(1, n_components + 1)]
        amplitude, background = p["amplitude"].value, p["background"].value
        m = model_counts(inst, taus, amps, amplitude, background, p["shift"].value, irf_spec)
        return np.maximum(m, 1e-9)

    if statistic == "poisson":

        def resid(p):
            return _deviance_residuals(d, curve(p))
    else:
        w = 1 / np.sqrt(np.maximum(d, 1.0)) if statistic == "least_squares" else 1.0

        def resid(p):
            return (d - curve(p)) * w

    # with no noise model the residual sets the scale of the errors (unweighted only)
    scale = statistic == "unweighted"
    mini = lmfit.Minimizer(resid, params, scale_covar=scale, nan_policy="raise")
    res = mini.minimize(method="leastsq")
    return DecayFit(res, n_components, statistic, curve(res.params), d, inst)


def bootstrap(fit: DecayFit, n_boot: int = 100, seed: int = 0, qy: float | None = None) -> dict:
    """Parametric bootstrap: refit ``n_boot`` Poisson resamples of the fitted model; returns the
    2.5 and 97.5 percentiles of tau_amp, tau_int (and k_r, k_nr with ``qy``)."""
    rng = np.random.default_rng(seed)
    init = fit.taus_ns
    draws = {"tau_amp_ns": [], "tau_int_ns": []}
    for _ in range(n_boot):
        sample = rng.poisson(fit.model).astype(float)
        f = fit_decay(
            sample,
            fit.instrument,
            n_components=fit.n_components,
            statistic=fit.statistic,
            init_taus_ns=init,
            start=fit.result.params,  # a resample's optimum lies near the fit's
        )
        draws["tau_amp_ns"].append(f.value("tau_amp"))
        draws["tau_int_ns"].append(f.value("tau_int"))
    out = {k: tuple(np.percentile(v, [2.5, 97.5])) for k, v in draws.items()}
    if qy is not None:
        ta = np.asarray(draws["tau_amp_ns"])
        out["k_r_per_ns"] = tuple(np.percentile(qy / ta, [2.5, 97.5]))
        out["k_nr_per_ns"] = tuple(np.percentile((1 - qy) / ta, [2.5, 97.5]))
    return out
