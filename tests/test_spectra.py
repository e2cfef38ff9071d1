"""iece.spectra: Eq. 1 lineshape, guesses, recovery, grid independence, readers."""

import numpy as np
import pytest
from scipy.integrate import quad

from iece import io
from iece.io import DataFileError
from iece.physics import ema
from iece.physics import spectra as S

EG = 1.74
TRUE_C = [2.05, 2.25, 2.6, 3.0]
TRUE_A = [1.0, 0.6, 2.0, 3.0]


def synth(dR=0.06, noise=0.005, seed=0, n=1000, lo=1.8, hi=3.4, lineshape=S.transition):
    E = np.linspace(lo, hi, n)
    A = S.spectrum(E, TRUE_A, TRUE_C, dR, EG, lineshape=lineshape)
    sd = noise * A.max()
    return E, A + np.random.default_rng(seed).normal(0, sd, n), sd


@pytest.mark.parametrize("center,dR", [(2.0, 0.05), (2.6, 0.1), (1.9, 0.03)])
def test_each_term_has_area_a(center, dR):
    area, _ = quad(lambda e: S.transition(e, 1.7, center, dR, EG), 0, 10, points=[center])
    assert area == pytest.approx(1.7, rel=1e-9)


def test_width_scales_with_distance_from_gap():
    E = np.linspace(1.8, 4.0, 20001)
    for c in (2.0, 3.0):
        y = S.transition(E, 1.0, c, 0.05, EG)
        mean = np.trapezoid(E * y, E)
        sd = np.sqrt(np.trapezoid((E - mean) ** 2 * y, E))
        assert sd == pytest.approx(2 * 0.05 * (c - EG), rel=1e-4)


def test_guesses_find_the_transitions():
    E, A, _ = synth()
    g = S.second_derivative_minima(E, A)
    for c in TRUE_C:
        assert np.min(np.abs(g - c)) < 0.05


@pytest.mark.parametrize("dR", [0.04, 0.06, 0.08, 0.10, 0.12])
@pytest.mark.parametrize("noise", [0.002, 0.01])
def test_recovery_within_uncertainties(dR, noise):
    hits, total = 0, 0
    for seed in range(3):
        E, A, sd = synth(dR=dR, noise=noise, seed=seed)
        d = S.fit(E, A, EG, guesses=TRUE_C, sigma=sd)
        got = d.transitions
        for t, a, c in zip(got, TRUE_A, TRUE_C):
            hits += abs(t["area"] - a) < 3 * t["area_stderr"]
            hits += abs(t["center_eV"] - c) < 3 * t["center_stderr"]
            total += 2
        hits += abs(d.dR[0] - dR) < 3 * d.dR[1]
        total += 1
    assert hits / total >= 0.9  # 3-sigma intervals cover the truth


def test_automatic_number_of_transitions():
    E, A, sd = synth()
    d = S.fit(E, A, EG, sigma=sd)
    assert d.n == 4
    np.testing.assert_allclose([t["center_eV"] for t in d.transitions], TRUE_C, atol=0.005)


def test_printed_exponent_fails_recovery():
    """Eq. 1 as printed ((E - Eg)^2 in the exponent) is a half-Gaussian at Eg: fitting it to a
    spectrum of real bands leaves large structured residuals, and the corrected form does not."""
    E, A, sd = synth()
    good = S.fit(E, A, EG, guesses=TRUE_C, sigma=sd)
    model = None
    import lmfit

    for i in range(len(TRUE_C)):
        m = lmfit.Model(S.printed_transition, prefix=f"t{i}_")
        model = m if model is None else model + m
    params = model.make_params()
    for i, c in enumerate(TRUE_C):
        params[f"t{i}_area"].set(value=1.0, min=0)
        params[f"t{i}_center"].set(value=c, min=c - 0.05, max=c + 0.05)
        params[f"t{i}_dR"].set(value=0.06, min=1e-3, max=0.5)
        params[f"t{i}_Eg"].set(value=EG, vary=False)
    bad = model.fit(A, params, E=E, weights=1 / sd)
    assert good.result.redchi < 1.5
    assert bad.redchi > 100 * good.result.redchi


def test_area_ratio_of_two_spectra_within_3_percent():
    """The 1S area ratio of two noisy spectra (planted 0.33) comes back within 3 % of 0.33 and
    within 3 of its own propagated standard errors. (The bound used to be 3 % + 0.01, which is
    6 % of 0.33: an additive 0.02 leak into the 1S area passed it.)"""
    E = np.linspace(1.8, 3.4, 1000)
    truth = 0.33
    for seed in range(3):
        A1 = S.spectrum(E, TRUE_A, TRUE_C, 0.06, EG)
        A2 = S.spectrum(E, [truth] + TRUE_A[1:], TRUE_C, 0.06, EG)
        rng = np.random.default_rng(seed)
        sd = 0.005 * A1.max()
        b1 = S.fit(E, A1 + rng.normal(0, sd, E.size), EG, sigma=sd).band_1s()
        b2 = S.fit(E, A2 + rng.normal(0, sd, E.size), EG, sigma=sd).band_1s()
        ratio = b2["area"] / b1["area"]
        ratio_sd = ratio * np.hypot(b1["area_stderr"] / b1["area"], b2["area_stderr"] / b2["area"])
        assert abs(ratio - truth) < 0.03 * truth, (seed, ratio)
        assert abs(ratio - truth) < 3 * ratio_sd, (seed, ratio, ratio_sd)


def test_independent_of_energy_grid_step():
    out = []
    for n in (400, 1000, 3000):
        E = np.linspace(1.8, 3.4, n)
        A = S.spectrum(E, TRUE_A, TRUE_C, 0.06, EG)
        d = S.fit(E, A, EG, guesses=TRUE_C)
        out.append([t["area"] for t in d.transitions])
    np.testing.assert_allclose(out[0], out[2], rtol=1e-3)
    np.testing.assert_allclose(out[1], out[2], rtol=1e-3)


def test_ema_spectrum_carries_transition_strengths():
    E = np.linspace(1.5, 3.6, 1200)
    A, ts, Eg = S.ema_spectrum(ema.alloy(4.0, 0.0), E)
    assert ts[0]["label"] == "1S" and Eg == pytest.approx(1.74)
    d = S.fit(E, A, Eg)
    assert d.band_1s()["area"] == pytest.approx(ts[0]["strength"], rel=0.02)


def test_shape_similarity():
    E = np.linspace(1.5, 3.6, 1200)
    A = S.spectrum(E, TRUE_A, TRUE_C, 0.06, EG)
    assert S.shape_similarity(E, A, 2.05, 3 * A, 2.05) == pytest.approx(1.0)
    shifted = S.spectrum(E, TRUE_A, np.array(TRUE_C) - 0.2, 0.06, EG - 0.2)
    assert S.shape_similarity(E, A, 2.05, shifted, 1.85) == pytest.approx(1.0, abs=1e-3)


def test_wavelength_files_convert_without_jacobian(tmp_path):
    p = tmp_path / "s.csv"
    lam = np.linspace(800, 400, 200)  # instruments often scan downwards
    p.write_text("wavelength (nm),absorbance\n" + "".join(f"{l},{0.5}\n" for l in lam))
    E, A = io.read_spectrum(p)
    assert np.all(np.diff(E) > 0)
    assert E[0] == pytest.approx(1239.84198 / 800, rel=1e-6)
    assert np.all(A == 0.5)  # no Jacobian: absorbance is not a density


@pytest.mark.parametrize(
    "text,needle",
    [
        ("nm\n400\n401\n402\n", "expected 2 columns"),
        ("nm,A\n400,0.1\n401,abc\n402,0.3\n", "line 3"),
        ("nm,A\n400,0.1\n401,0.2\n400.5,0.3\n402,0.1\n", "strictly monotonic"),
        ("nm,A\n400,0.1\n401,nan\n402,0.3\n", "non-finite"),
    ],
)
def test_malformed_spectra(tmp_path, text, needle):
    p = tmp_path / "s.csv"
    p.write_text(text)
    with pytest.raises(DataFileError, match=needle):
        io.read_spectrum(p)


def test_bad_arguments():
    with pytest.raises(ValueError, match="above the bulk gap"):
        S.transition(1.5, 1.0, 1.6, 0.05, 1.74)
    with pytest.raises(ValueError, match="axis"):
        io.read_spectrum("x.csv", axis="frequency")
    E, A, sd = synth()
    with pytest.raises(ValueError, match="n_transitions"):
        S.fit(E, A, EG, n_transitions=40)
