"""iece.checks and iece.sizing: hand values for the paper's arithmetic."""

import math

import pytest

from iece.paper import checks
from iece.physics import sizing
from iece.physics.constants import HC_EV_NM


def test_lattice_mismatch():
    assert checks.lattice_mismatch_percent(6.05, 6.08) == pytest.approx(100 * 0.03 / 6.05)


def test_photon_energy():
    assert checks.photon_energy_eV(1239.84198) == pytest.approx(1.0, rel=1e-6)
    with pytest.raises(ValueError, match="wavelength_nm"):
        checks.photon_energy_eV(0)


def test_cation_count_hand_value():
    # 4 cations per (0.605 nm)^3 cell, sphere of 3.3 nm: 18.82 nm^3 * 18.06 nm^-3
    assert checks.cations_per_nc(3.3) == pytest.approx(339.9, abs=0.1)


def test_reaction_amounts_scale():
    a = checks.reaction_amounts(3.3, 100.0)
    assert a["hg_per_nc"] == pytest.approx(1.5 * a["cd_per_nc"])
    assert a["hg_uL"] == pytest.approx(1.5 * a["cd_umol"] / 0.1)


def test_surface_fraction_limits():
    assert checks.surface_cation_fraction(100.0, 0.35) == pytest.approx(3 * 0.35 / 50, rel=0.02)
    with pytest.raises(ValueError):
        checks.surface_cation_fraction(0.5, 0.35)


def test_shell_diameter():
    assert checks.shell_diameter_nm(3.2, [(1, 0.5), (2, 0.25)]) == pytest.approx(5.2)


def test_intrinsic_absorption_is_size_independent_and_linear():
    mu = checks.intrinsic_absorption_per_cm(0.0317)
    # direct: eps(d) = C d^3 per uM per cm, f_V = c N_A pi d^3/6 at c = 1 uM
    d = 4.0
    eps = 0.0317 * d**3  # 1/(uM cm)
    f_v = 1e-6 * 1e-3 * 6.02214076e23 * math.pi * d**3 / 6 * 1e-21  # mol/cm^3 * 1/mol * cm^3
    assert mu == pytest.approx(math.log(10) * eps / f_v, rel=1e-9)
    assert checks.intrinsic_absorption_per_cm(0.0634) == pytest.approx(2 * mu)


def test_npl_planes():
    assert checks.npl_cation_anion_ratio(4.5) == pytest.approx(1.25)
    with pytest.raises(ValueError):
        checks.npl_cation_anion_ratio(4.0)


def test_jasieniak_inverse():
    e = sizing.jasieniak_energy_eV(3.3)
    lam = HC_EV_NM / e
    assert sizing.jasieniak_diameter_nm(lam) == pytest.approx(3.3, abs=1e-6)
    with pytest.raises(ValueError, match="2.0, 8.0"):
        sizing.jasieniak_energy_eV(9.0)
