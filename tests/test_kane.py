"""The energy-dependent two-band Kane electron mass (``kane=``, iece.physics.ema.kane): its
parabolic limit, analytic limits, and an independent finite-volume solve of the same nonlinear
eigenproblem."""

import numpy as np
import pytest
from scipy import special
from scipy.optimize import brentq

from iece.physics import ema
from iece.physics import materials as mat
from iece.physics.ema import carriers, kane, reference_fd

C = ema.HB2M_EV_NM2
PRESETS = tuple(ema.KANE_MODELS)


def _parabolic_as_kane(gap_eV):
    """The Methods' masses as band-edge masses with one Kane gap for both materials."""
    return ema.Kane("t", me_edge=(mat.CDSE.me, mat.HGSE.me), gap_eV=(gap_eV, gap_eV))


STRUCTURES = {
    "CdSe": ema.alloy(3.3, 0.0),
    "HgSe": ema.alloy(3.3, 1.0),
    "alloy": ema.alloy(3.3, 0.4),
    "core/shell": ema.core_shell(3.3, 0.4),
    "graded": ema.graded(3.3, [0.0, 0.3, 0.9]),
}
OWN = ema.Outside("own", 0.3, 0.2, mass_e=None, mass_h=None)


# ------------------------------------------------------------------ (a) the parabolic limit
@pytest.mark.parametrize("name", list(STRUCTURES))
@pytest.mark.parametrize("outside", ["reference", "infinite", OWN], ids=["ref", "inf", "own"])
@pytest.mark.parametrize("interface", ema.INTERFACES)
def test_infinite_kane_gap_is_the_parabolic_solver(name, outside, interface):
    s = STRUCTURES[name]
    kw = dict(interface=interface, allow_unbound=True)  # HgSe's light hole may be unbound
    par = ema.solve(s, outside, **kw)
    for gap, tol in ((np.inf, 0.0), (1e12, 1e-9)):
        k = ema.solve(s, outside, kane=_parabolic_as_kane(gap), **kw)
        for a in ("electron_eV", "energy_eV", "overlap", "coulomb_eV"):
            got, want = float(getattr(k, a)), float(getattr(par, a))
            assert (np.isnan(got) and np.isnan(want)) or abs(got - want) <= tol, (a, gap)
    assert np.isfinite(float(par.electron_eV))
    # and the Kane reading differs from the parabolic one by far more than that
    k = ema.solve(s, outside, kane=True, **kw)
    assert abs(float(k.electron_eV - par.electron_eV)) > 1e-3


def test_infinite_kane_gap_in_carrier_states():
    s = ema.core_shell(np.array([2.3, 4.0]), 0.5)
    par = carriers.carrier_states(s, "e", 0.0, 1.0)
    k = carriers.carrier_states(s, "e", 0.0, 1.0, kane=_parabolic_as_kane(np.inf))
    np.testing.assert_array_equal(k.energy_eV, par.energy_eV)
    np.testing.assert_array_equal(k.psi, par.psi)


# ------------------------------------------------------------------- (c) analytic limits
def _zeros(l, n):
    x = np.linspace(0.1, 20, 20000)
    f = special.spherical_jn(l, x)
    idx = np.flatnonzero(np.signbit(f[:-1]) != np.signbit(f[1:]))[:n]
    return [brentq(lambda z: special.spherical_jn(l, z), x[i], x[i + 1]) for i in idx]


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("x", [0.0, 0.4, 1.0])
@pytest.mark.parametrize("l", [0, 1])
def test_hard_wall_sphere_solves_the_kane_dispersion(preset, x, l):
    """Homogeneous sphere, hard wall: k = z_nl / R, so the kinetic energy eps = E - Ec solves
    eps (1 + eps / Eg) = hbar^2 z^2 / (2 m_edge R^2), i.e.
    eps = (Eg / 2) (sqrt(1 + 4 T / Eg) - 1) with T the parabolic level."""
    R = 1.65
    k = ema.KANE_MODELS[preset]
    m_edge, inv_gap = k.layers(x)
    Eg = 1 / float(inv_gap)
    Ec = float(mat.hgcdse(x)["dEc_eV"])
    got = ema.levels(ema.alloy(2 * R, x), "infinite", carrier="e", l=l, n_states=2, kane=k)
    for n, z in enumerate(_zeros(l, 2)):
        T = C * z**2 / (float(m_edge) * R**2)
        want = Ec + Eg / 2 * (np.sqrt(1 + 4 * T / Eg) - 1)
        assert float(got[n]) == pytest.approx(want, abs=1e-9)


def _kane_finite_well(R, V0, m_edge, Eg, m_out, interface):
    """l = 0 ground state (eps from the well bottom) of a uniform Kane well of depth V0 with a
    constant outside mass: k = sqrt(eps m(eps) / C), m(eps) = m_edge (1 + eps / Eg), and the
    matching condition with the energy-dependent mass: BenDaniel-Duke
    ``(k cot kR - 1/R) / m(eps) = (-kappa - 1/R) / m_out``, plain ``k cot kR = -kappa``."""

    def f(eps):
        m = m_edge * (1 + eps / Eg)
        k = np.sqrt(eps * m / C)
        kap = np.sqrt((V0 - eps) * m_out / C)
        if interface == "plain":
            return k / np.tan(k * R) + kap
        return (k / np.tan(k * R) - 1 / R) / m + (kap + 1 / R) / m_out

    T = C * np.pi**2 / (m_edge * R**2)  # hard-wall level: the ground state lies below it
    hard = Eg / 2 * (np.sqrt(1 + 4 * T / Eg) - 1)
    return brentq(f, 1e-9, min(V0, hard) - 1e-9, xtol=1e-14)


@pytest.mark.parametrize("interface", ema.INTERFACES)
@pytest.mark.parametrize("m_out", [1.0, 0.3])
@pytest.mark.parametrize("x", [0.0, 1.0])
def test_finite_kane_well_matches_the_analytic_condition(interface, m_out, x):
    R = 1.65
    k = ema.KANE_MODELS["literature"]
    m_edge, inv_gap = (float(a) for a in k.layers(x))
    Ec = float(mat.hgcdse(x)["dEc_eV"])
    out = ema.Outside("t", 0.0, np.inf, mass_e=m_out)
    got = float(ema.solve(ema.alloy(2 * R, x), out, interface=interface, kane=k).electron_eV)
    want = _kane_finite_well(R, -Ec, m_edge, 1 / inv_gap, m_out, interface) + Ec
    assert got == pytest.approx(want, abs=1e-9)


# ------------------------------------------- (b) an independent finite-volume nonlinear solve
@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("name", list(STRUCTURES))
def test_solver_matches_the_finite_volume_nonlinear_eigenproblem(preset, name):
    s = STRUCTURES[name]
    res = ema.solve(s, "reference", kane=preset)
    fd = reference_fd.solve_fd(s, "reference", carrier="e", kane=preset)
    assert abs(fd.energy_eV - float(res.electron_eV)) < 1e-7
    ov = reference_fd.overlap_fd(s, "reference", kane=preset)
    assert abs(ov - float(res.overlap)) < 1e-5


def test_finite_volumes_with_a_hard_wall_and_an_own_outside_mass():
    s = ema.core_shell(4.0, 0.7)
    for outside in ("infinite", OWN):
        got = float(ema.levels(s, outside, carrier="e", n_states=1, kane=True)[..., 0])
        fd = reference_fd.solve_fd(s, outside, carrier="e", kane=True).energy_eV
        assert abs(fd - got) < 1e-7


# ------------------------------------------------------------------------- properties
@pytest.mark.parametrize("name", list(STRUCTURES))
def test_kane_masses_lower_the_electron_level(name):
    """With the Methods' masses as band-edge masses every layer is heavier above its edge
    (and lighter below it, in a barrier): the electron level falls; the hole is untouched."""
    s = STRUCTURES[name]
    par = ema.solve(s, "reference")
    k = ema.solve(s, "reference", kane="methods-edge")
    assert float(k.electron_eV) < float(par.electron_eV) - 1e-3
    assert float(k.hole_eV) == float(par.hole_eV)


def test_vectorized_equals_scalar_with_kane():
    d = np.array([2.3, 3.3, 4.0])
    x = np.array([[0.2], [0.6]])
    batch = ema.solve(ema.core_shell(d, x), kane=True)
    for i in range(2):
        for j in range(3):
            one = ema.solve(ema.core_shell(d[j], x[i, 0]), kane=True)
            assert float(one.energy_eV) == pytest.approx(batch.energy_eV[i, j], abs=1e-9)
            assert float(one.overlap) == pytest.approx(batch.overlap[i, j], abs=1e-9)


def test_wavefunctions_normalized_with_kane():
    res = ema.solve(ema.core_shell(3.3, 0.4), kane=True)
    r = res.r_nm
    assert np.trapezoid(4 * np.pi * r**2 * res.psi_e**2, r) == pytest.approx(1.0, abs=1e-9)
    assert res.extra == {"kane": "literature"}
    assert ema.solve(ema.core_shell(3.3, 0.4)).extra == {}


def test_hgse_parameters_follow_from_the_source():
    """m_edge = 3|E0| / (2 Ep) with Ep = 2 m0 P^2 / hbar^2 from the source's P (eV cm)."""
    ep = kane.HGSE_P_EV_CM**2 / (C * 1e-14)  # hbar^2/2m0 from eV nm^2 to eV cm^2
    assert kane.HGSE_EP_EV == pytest.approx(ep, rel=1e-12)
    assert kane.LITERATURE.me_edge[1] == pytest.approx(3 * 0.22 / (2 * ep), rel=1e-12)
    assert kane.LITERATURE.gap_eV == (mat.CDSE.gap_eV, 0.22)
    assert kane.HGSE_SOURCE["doi"].startswith("10.1103/")
    for v in ("7.2", "-0.22"):
        assert v in kane.HGSE_SOURCE["snippet"]


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: ema.solve(ema.alloy(3.3, 1.0), kane="hgse"), "kane must be"),
        (lambda: ema.solve(ema.alloy(3.3, 1.0), kane=1.5), "kane must be"),
        (lambda: ema.Kane("t", (0.1, 0.04), (1.7, -0.2)), "gap_eV"),
        (lambda: ema.Kane("t", (0.1, np.inf), (1.7, 0.2)), "me_edge"),
        (lambda: ema.Kane("t", (0.1,), (1.7, 0.2)), "two values"),
        (lambda: ema.levels(ema.alloy(3.3, 1.0), carrier="h", kane=True), "holes"),
        (lambda: reference_fd.solve_fd(ema.alloy(3.3, 1.0), carrier="h", kane=True), "holes"),
        (
            lambda: ema.solve(ema.core_shell(3.3, 0.4), kane=ema.Kane("t", (0.1, 0.04), (1, 1))),
            "not positive",
        ),
    ],
)
def test_bad_kane_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
