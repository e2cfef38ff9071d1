"""iece.kinetics: Crank series against finite volumes, limits, mass balance, fits, bad input."""

import numpy as np
import pytest

from iece import io
from iece.io import DataFileError
from iece.physics import diffusion as K
from iece.physics import diffusion_fit as F
from iece.physics import exchange as X

A_NM = 1.65
D = 1e-22
T = np.array([60.0, 600.0, 3600.0, 4 * 3600.0])


def test_constant_surface_series_matches_finite_volumes():
    fv = K.solve_fv(T, A_NM, D_cd_m2_per_s=D, n_cells=800)
    np.testing.assert_allclose(fv.x, K.fraction_constant_surface(T, D, A_NM), atol=1e-5)


def test_surface_rate_series_matches_finite_volumes():
    k = 1e-13
    fv = K.solve_fv(T, A_NM, D_cd_m2_per_s=D, k_m_per_s=k, n_cells=400)
    np.testing.assert_allclose(fv.x, K.fraction_surface_rate(T, D, A_NM, k), atol=1e-5)


@pytest.mark.parametrize("k", [None, 3e-14])
def test_profiles_match_finite_volumes(k):
    fv = K.solve_fv(np.array([1800.0]), A_NM, D_cd_m2_per_s=D, k_m_per_s=k, n_cells=800)
    r = fv.r_nm[50:-5:40]
    if k is None:
        series = K.profile_constant_surface(r, 1800.0, D, A_NM)
    else:
        series = K.profile_surface_rate(r, 1800.0, D, A_NM, k)
    np.testing.assert_allclose(np.interp(r, fv.r_nm, fv.C[0]), series, atol=1e-4)


def test_short_time_form_joins_the_series():
    t_switch = 1e-3 * (A_NM * 1e-9) ** 2 / D
    below = K.fraction_constant_surface(t_switch * (1 - 1e-9), D, A_NM)
    above = K.fraction_constant_surface(t_switch * (1 + 1e-9), D, A_NM)
    assert abs(below - above) < 1e-8


@pytest.mark.parametrize("D_m2_per_s", [1e-33, 1e-22, 1e-18])
def test_time_to_fraction_matches_the_analytic_limits(D_m2_per_s):
    """Late: 1 - x ~ (6/pi^2) exp(-pi^2 tau) (next term e^{-4 pi^2 tau}/4 ~ 1e-5 at 95 %).
    Early: x = 6 sqrt(tau/pi) - 3 tau solved as a quadratic in sqrt(tau). Any D: the D that had
    left room-temperature t95 unbracketed (1e-18 and 1e-33 m^2/s) included."""
    a2_over_D = (A_NM * 1e-9) ** 2 / D_m2_per_s
    late = np.log(6 / (np.pi**2 * 0.05)) / np.pi**2
    t95 = K.time_to_fraction_constant_surface(0.95, D_m2_per_s, A_NM)
    assert t95 == pytest.approx(late * a2_over_D, rel=1e-4)
    f = 0.01  # 3 s^2 - (6/sqrt(pi)) s + f = 0, the smaller root
    s = (6 / np.sqrt(np.pi) - np.sqrt(36 / np.pi - 12 * f)) / 6
    assert K.time_to_fraction_constant_surface(f, D_m2_per_s, A_NM) == pytest.approx(
        s**2 * a2_over_D, rel=1e-9
    )
    with pytest.raises(ValueError, match="fraction must be in"):
        K.time_to_fraction_constant_surface(1.0, D_m2_per_s, A_NM)


def test_large_L_is_constant_surface():
    k = 1e5 * D / (A_NM * 1e-9)
    np.testing.assert_allclose(
        K.fraction_surface_rate(T, D, A_NM, k, n_terms=400),
        K.fraction_constant_surface(T, D, A_NM),
        atol=2e-4,
    )


def test_small_L_is_first_order_surface_kinetics():
    k = 1e-16  # L = 1.6e-3: surface-limited
    want = 1 - np.exp(-3 * k * T * 100 / (A_NM * 1e-9))
    got = K.fraction_surface_rate(T * 100, D, A_NM, k)
    np.testing.assert_allclose(got, want, atol=2e-3)


@pytest.mark.parametrize("D_hg", [None, 1e-20])
def test_finite_volumes_conserve_mass(D_hg):
    fv = K.solve_fv(T, A_NM, D_cd_m2_per_s=1e-23, D_hg_m2_per_s=D_hg, n_cells=200)
    np.testing.assert_allclose(fv.uptake, fv.x, atol=1e-9)


def test_concentration_dependent_D_slows_the_core():
    """With D small in CdSe and large in HgSe, exchange of the core lags a constant-D run with the
    HgSe value (a sharp front forms)."""
    fast = K.solve_fv(T, A_NM, D_cd_m2_per_s=1e-21, n_cells=150).x
    front = K.solve_fv(T, A_NM, D_cd_m2_per_s=1e-24, D_hg_m2_per_s=1e-21, n_cells=150).x
    assert np.all(front[:3] < fast[:3])  # both are complete by 4 h


def test_two_regime_starts_with_a_monolayer():
    res = K.two_regime(np.array([0.0, 3600.0]), A_NM, 1e-30)
    assert res.x[0] == pytest.approx(1 - ((A_NM - K.MONOLAYER_NM) / A_NM) ** 3, abs=0.02)
    assert res.x[1] == pytest.approx(res.x[0], abs=1e-3)  # no diffusion to speak of


def test_fit_recovers_D_within_5_percent():
    t = np.linspace(60, 6 * 3600, 50)
    rng = np.random.default_rng(3)
    x = np.clip(K.fraction_constant_surface(t, D, A_NM) + rng.normal(0, 0.01, t.size), 0, 1)
    f = F.fit(t, x, A_NM, sigma=0.01)
    Dfit, Derr = f.D_m2_per_s
    assert abs(Dfit / D - 1) < 0.05
    assert abs(Dfit - D) < 3 * Derr
    assert 0.5 < f.stats["redchi"] < 1.6


def test_fit_reports_D_k_correlation():
    t = np.linspace(60, 8 * 3600, 40)
    k = 2e-13  # L about 3: both D and k matter
    rng = np.random.default_rng(4)
    x = np.clip(K.fraction_surface_rate(t, D, A_NM, k) + rng.normal(0, 0.01, t.size), 0, 1)
    f = F.fit(t, x, A_NM, model="surface_rate", sigma=0.01)
    corr = f.result.params["log10D"].correl["log10k"]
    assert abs(corr) > 0.5  # D and k trade off
    assert f.stats["redchi"] < 1.6


def test_single_D_fits_two_regime_data_poorly():
    t = np.linspace(60, 48 * 3600, 40)
    x = F.predict("two_regime", t, A_NM, {"log10D": -23.0})
    single = F.fit(t, x, A_NM, sigma=0.01)
    two = F.fit(t, x, A_NM, model="two_regime", sigma=0.01)
    assert single.stats["redchi"] > 10 and two.stats["aic"] < single.stats["aic"] - 10


def test_energy_course_of_uniform_profile_equals_alloy():
    ec = X.energy_course(np.array([4 * 24 * 3600.0]), A_NM, D)  # fully exchanged
    assert ec.energy_graded_eV[0] == pytest.approx(ec.energy_alloy_eV[0], abs=2e-3)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: K.fraction_constant_surface([-1.0], D, A_NM), "time"),
        (lambda: K.fraction_constant_surface([1.0], -D, A_NM), "D_m2_per_s"),
        (lambda: K.fraction_constant_surface([1.0], D, 0.0), "radius_nm"),
        (lambda: F.fit([0.0, 1.0, 2.0], [0.1, 1.2, 0.3], A_NM), r"\[0, 1\]"),
        (lambda: K.evaporation_roots(-1.0), "L"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    "text,match",
    [
        ("minutes,x\n0,0\n60,0.5\n", "time_min"),
        ("time_min,x\n0,0\n60,1.5\n", "line 3: x must be"),
        ("time_min,x\n0,0\n-5,0.2\n", "line 3: time_min"),
        ("time_min,x\n0,0\n60,abc\n", "line 3: expected numbers"),
    ],
)
def test_bad_composition_files(tmp_path, text, match):
    p = tmp_path / "c.csv"
    p.write_text(text)
    with pytest.raises(DataFileError, match=match):
        io.read_composition(p)


def test_composition_file_roundtrip(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("# IE-CE run\ntime_min,x\n0,0\n30,0.6\n60,0.8\n")
    t, x = io.read_composition(p)
    assert t.tolist() == [0.0, 1800.0, 3600.0] and x.tolist() == [0.0, 0.6, 0.8]


@pytest.mark.parametrize("radius_nm", [1.0, 1.65, 2.0])
@pytest.mark.parametrize("t_s", [600.0, 3600.0])
def test_shell_averages_hold_the_profiles_hg_at_any_scale(radius_nm, t_s):
    """The shells' averages times their volumes add up to the Hg of Crank's x(t) (an independent
    closed form) to 5e-5 (the 400-point profile's interpolation error is below 1.5e-5): every
    shell's integral spans its whole width. Shells chosen by float comparisons at their edges
    had dropped one sub-interval in some shells, depending on the radius' rounding: 1.6e-4 to
    2.4e-3 of the Hg in five of these six cases."""
    r = np.linspace(0.0, radius_nm, 400)
    C = K.profile_constant_surface(r, np.array([t_s]), D, radius_nm)
    edges = np.linspace(0.0, radius_nm, 21)
    volume = (edges[1:] ** 3 - edges[:-1] ** 3) / 3
    held = (X.shell_average(r, C, radius_nm, 20)[0] * volume).sum()
    exact = K.fraction_constant_surface(np.array([t_s]), D, radius_nm)[0] * radius_nm**3 / 3
    assert held == pytest.approx(exact, rel=5e-5)


def test_profiles_depend_on_reduced_radius_and_time_alone():
    """C(r, t) of one D and radius is C(r / a, D t / a^2): the reduced form against the
    dimensional one at another radius and D with the same tau."""
    r = np.linspace(0.0, A_NM, 50)
    th = K.tau(T, D, A_NM)
    np.testing.assert_allclose(
        K.profile_constant_surface(r * 2, T, 4 * D, 2 * A_NM), K.profile_of_tau(r / A_NM, th)
    )
    np.testing.assert_allclose(K.fraction_of_tau(th), K.fraction_constant_surface(T, D, A_NM))


def test_energy_at_tau_batches_tables_as_solving_each_alone():
    """Brute force: one batched solve of NCs with their own diameters and material tables
    gives each NC's energy as a solve of that NC alone with its table."""
    from dataclasses import replace

    from iece.physics import materials as mat

    th = np.array([0.05, 0.2, 0.6])
    d = np.array([3.2, 3.3, 3.4])
    hg = replace(mat.HGSE, me=np.array([0.04, 0.05, 0.06]))
    table = mat.MaterialTable(mat.CDSE, hg)
    batch = X.energy_at_tau(th, d, table=table.rows(1))
    for i in range(3):
        one = X.energy_at_tau(th[i], d[i], table=mat.MaterialTable(mat.CDSE, table.take(i).hgse))
        assert batch[i] == pytest.approx(one[0], abs=1e-12)
    assert np.ptp(batch) > 0.05  # the tables and sizes do move the energy
