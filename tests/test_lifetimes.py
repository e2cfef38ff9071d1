"""iece.lifetimes: forward model, Poisson maximum likelihood, coverage, IRF shift, wrap-around."""

import numpy as np
import pytest

from iece import io
from iece.io import DataFileError
from iece.physics import lifetimes as L

CS = ([3.8, 14.2], [0.835, 0.165])
ALLOY = ([18.8, 67.8], [0.559, 0.441])


def test_periodic_decay_integrates_to_tau():
    """Over one full period the periodic sum of e^{-t/tau} integrates to tau exactly."""
    for tau in (0.5, 10.0, 500.0):
        h = L.periodic_decay(4000, 0.1, [tau], [1.0], 400.0)
        assert h.sum() == pytest.approx(tau, rel=1e-12)


def test_model_normalization_and_background():
    inst = L.Instrument(n_channels=512, dt_ns=0.5, rep_rate_MHz=1e3 / 256)
    m = L.model_counts(inst, [5.0], [1.0], 2.0, 0.25)
    assert m.sum() == pytest.approx(2.0 * 5.0 + 0.25 * 512, rel=1e-9)


def test_derived_quantities():
    d = L.derived(*CS)
    assert d["tau_amp_ns"] == pytest.approx(0.835 * 3.8 + 0.165 * 14.2)
    assert d["tau_int_ns"] == pytest.approx((0.835 * 3.8**2 + 0.165 * 14.2**2) / d["tau_amp_ns"])
    r = L.rates(40.0, 0.2)
    assert r["k_r_per_ns"] == pytest.approx(0.005) and r["k_nr_per_ns"] == pytest.approx(0.02)
    with pytest.raises(ValueError, match="qy"):
        L.rates(40.0, 1.5)


@pytest.mark.parametrize("taus,amps", [CS, ALLOY], ids=["core_shell", "alloy"])
def test_recovers_paper_parameters(taus, amps):
    inst = L.Instrument()
    fit = L.fit_decay(L.simulate(inst, taus, amps, total_counts=1e6, seed=7), inst)
    for k, true in (("tau1", taus[0]), ("tau2", taus[1]), ("a1", amps[0])):
        assert abs(fit.value(k) - true) < 3 * fit.stderr(k), k
    assert 0.8 < fit.reduced_deviance < 1.3


#: Coverage check: fits of independent seeded histograms, and the two-sided probability of a
#: binomial count outside its acceptance region (deterministic: the seeds are fixed).
COVERAGE_FITS = 100
COVERAGE_ALPHA = 1e-3


def test_interval_coverage_over_seeds():
    """The fit's +-z*stderr intervals cover the planted values at their nominal rate, neither
    too rarely (errors too small) nor too often (errors too large): for z = 1 (68.3 %) and
    z = 1.96 (95 %) the number of covering fits out of 100 lies inside the central 99.9 % of
    its binomial distribution (52-83 and 87-100). The z = 1 level is what catches error bars
    that are too wide: 1.5x too wide covers 87 % of the time. A 1024-channel, 102 ns histogram
    at 9.5 MHz keeps the 100 fits to a few seconds."""
    from scipy import stats

    inst = L.Instrument(n_channels=1024, dt_ns=0.1, rep_rate_MHz=9.5)
    truth = {"tau_amp": L.derived(*CS)["tau_amp_ns"], "tau1": CS[0][0], "tau2": CS[0][1]}
    truth["a1"] = CS[1][0]
    z = {k: [] for k in truth}
    for seed in range(COVERAGE_FITS):
        fit = L.fit_decay(L.simulate(inst, *CS, total_counts=1e5, seed=1000 + seed), inst)
        for k, v in truth.items():
            z[k].append((fit.value(k) - v) / fit.stderr(k))
    for k, scores in z.items():
        for level in (1.0, 1.96):
            nominal = 2 * stats.norm.cdf(level) - 1
            lo = stats.binom.ppf(COVERAGE_ALPHA / 2, COVERAGE_FITS, nominal)
            hi = stats.binom.isf(COVERAGE_ALPHA / 2, COVERAGE_FITS, nominal)
            hits = int(np.sum(np.abs(scores) < level))
            assert lo <= hits <= hi, f"{k}: {hits}/{COVERAGE_FITS} within {level} sd, {lo}-{hi}"


@pytest.mark.parametrize("counts", [1e3, 1e4, 1e5])
def test_poisson_unbiased_least_squares_biased(counts):
    inst = L.Instrument(n_channels=1024, dt_ns=0.1, rep_rate_MHz=5.0)
    est = {"poisson": [], "least_squares": []}
    for seed in range(30):
        data = L.simulate(inst, [3.8], [1.0], total_counts=counts, seed=seed)
        for stat in est:
            est[stat].append(L.fit_decay(data, inst, n_components=1, statistic=stat).value("tau1"))
    for stat, v in est.items():
        v = np.asarray(v)
        est[stat] = (v.mean(), v.std(ddof=1) / np.sqrt(v.size))
    mean, sem = est["poisson"]
    assert abs(mean - 3.8) < 3 * sem  # unbiased
    mean, sem = est["least_squares"]
    assert 3.8 - mean > 3 * sem  # Neyman chi-square is biased low


def test_irf_shift_recovered():
    inst = L.Instrument()
    data = L.simulate(inst, *CS, total_counts=1e6, shift_ns=0.037, seed=3)
    fit = L.fit_decay(data, inst)
    assert abs(fit.value("shift") - 0.037) < 3 * fit.stderr("shift")
    assert fit.stderr("shift") < inst.dt_ns  # sub-channel precision


def test_wrap_around_at_20_MHz():
    """A 67.8 ns decay at 20 MHz piles up over pulses; the periodic model recovers it, a model
    that ignores earlier pulses does not."""
    inst = L.Instrument(n_channels=2048, dt_ns=50 / 2048, rep_rate_MHz=20.0)
    data = L.simulate(inst, [67.8], [1.0], total_counts=1e6, seed=5)
    fit = L.fit_decay(data, inst, n_components=1)
    assert abs(fit.value("tau1") - 67.8) < 3 * fit.stderr("tau1")
    single_pulse = L.Instrument(n_channels=2048, dt_ns=50 / 2048, rep_rate_MHz=1.0)  # e^-15
    naive = L.fit_decay(data, single_pulse, n_components=1)
    assert abs(naive.value("tau1") - 67.8) > 10 * fit.stderr("tau1")


@pytest.mark.parametrize("irf", ["gaussian", "measured"])
@pytest.mark.parametrize("shift_channels", [0, 3, -2])
def test_compact_grid_equals_the_full_period_summed_directly(irf, shift_channels):
    """At 0.3 MHz the period is 52 windows long and the model runs on a compact grid; it equals
    the circular convolution over the whole period, summed channel by channel (no FFT). A
    whole-channel shift is a plain rotation of the IRF; the negative one wraps to the period's
    end."""
    n, dt, taus, amps = 256, 0.25, [3.8, 14.2], [0.8, 0.2]
    shape = {
        "gaussian": dict(irf_fwhm_ns=0.6, irf_center_ns=3.0),
        "measured": dict(irf=tuple(np.exp(-np.abs(np.arange(n) - 12) / 2.0))),
    }[irf]
    inst = L.Instrument(n_channels=n, dt_ns=dt, rep_rate_MHz=0.3, **shape)
    assert inst.grid_channels is not None and inst.grid_channels.size < inst.n_period / 20
    N = inst.n_period
    if irf == "gaussian":
        full_irf = L.gaussian_irf(N, dt, 0.6, 3.0)
    else:
        full_irf = np.zeros(N)
        full_irf[:n] = shape["irf"]
        full_irf /= full_irf.sum()
    full_irf = np.roll(full_irf, shift_channels)
    h = L.periodic_decay(N, dt, taus, amps, inst.period_ns)
    lags = (np.arange(n)[:, None] - np.arange(N)[None, :]) % N
    direct = (h[lags] * full_irf[None, :]).sum(axis=1)
    model = L.model_counts(inst, taus, amps, 1.0, 0.0, shift_channels * dt)
    assert np.abs(model - direct).max() < 1e-12 * direct.max()


def test_bootstrap_intervals_bracket_estimate():
    inst = L.Instrument()
    fit = L.fit_decay(L.simulate(inst, *CS, total_counts=1e5, seed=11), inst)
    ci = L.bootstrap(fit, n_boot=15, seed=1, qy=0.01)
    lo, hi = ci["tau_amp_ns"]
    assert lo < fit.value("tau_amp") < hi
    assert ci["k_r_per_ns"][0] < 0.01 / fit.value("tau_amp") < ci["k_r_per_ns"][1]


def test_user_files(tmp_path):
    inst = L.Instrument(n_channels=256, dt_ns=0.2, rep_rate_MHz=10.0)
    data = L.simulate(inst, [3.8], [1.0], total_counts=1e5, seed=2)
    p = tmp_path / "decay.csv"
    p.write_text("time_ns,counts\n" + "".join(f"{t},{c}\n" for t, c in zip(inst.t_ns, data)))
    irf = tmp_path / "irf.txt"
    irf.write_text("".join(f"{t} {c}\n" for t, c in zip(inst.t_ns, inst.irf_grid()[:256] * 1e4)))
    t, counts, irf_counts = io.read_decay(p, irf)
    inst2 = L.Instrument.from_channels(t, counts, rep_rate_MHz=10.0, irf=irf_counts)
    fit = L.fit_decay(counts, inst2, n_components=1)
    assert abs(fit.value("tau1") - 3.8) < 3 * fit.stderr("tau1")


@pytest.mark.parametrize(
    "text,needle",
    [
        ("t,c\n0,1\n0.1,-5\n0.2,3\n", "line 3: second column must be >= 0"),
        ("t,c\n0,0\n0.1,0\n0.2,0\n", "all counts are zero"),
        ("t,c\n0,1\n0.1,2\n0.3,3\n0.4,1\n", "evenly spaced"),
        ("t,c\n0,1\n0.1,2\n0.1,3\n", "strictly monotonic"),
    ],
)
def test_malformed_decay_files(tmp_path, text, needle):
    p = tmp_path / "d.csv"
    p.write_text(text)
    with pytest.raises(DataFileError, match=needle):
        io.read_decay(p)


def test_bad_arguments():
    inst = L.Instrument(n_channels=64, dt_ns=0.1, rep_rate_MHz=10.0)
    with pytest.raises(ValueError, match="statistic"):
        L.fit_decay(np.ones(64), inst, statistic="chi2")
    with pytest.raises(ValueError, match="n_components"):
        L.fit_decay(np.ones(64), inst, n_components=4)
    with pytest.raises(ValueError, match="non-negative"):
        L.fit_decay(-np.ones(64), inst)
    with pytest.raises(ValueError, match="longer than the laser period"):
        L.Instrument(n_channels=4096, dt_ns=0.1, rep_rate_MHz=20.0)


def test_window_slightly_longer_than_the_period_is_accepted_with_a_note():
    """A real instrument: 4096 x 27.435 ps (112.37 ns) at 8.9 MHz (112.36 ns) is 0.01 % long."""
    inst = L.Instrument(n_channels=4096, dt_ns=0.027435, rep_rate_MHz=8.9)
    assert "longer than the stated period" in inst.note
    assert L.Instrument(n_channels=4096, dt_ns=0.02, rep_rate_MHz=8.9).note == ""
    with pytest.raises(ValueError, match=r"largest repetition rate that fits is 8\.7\d* MHz"):
        L.Instrument(n_channels=4096, dt_ns=0.028, rep_rate_MHz=8.9)  # 2.1 % too long


def test_unweighted_statistic_recovers_the_lifetime_with_errors():
    inst = L.Instrument(n_channels=512, dt_ns=0.1, rep_rate_MHz=10.0)
    data = L.simulate(inst, [3.8], [1.0], total_counts=2e5, seed=3)
    fit = L.fit_decay(data, inst, n_components=1, statistic="unweighted")
    assert np.isfinite(fit.stderr("tau1")) and fit.stderr("tau1") > 0
    assert abs(fit.value("tau1") - 3.8) < 4 * fit.stderr("tau1")
