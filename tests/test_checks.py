"""iece.paper.checks and iece.physics.sizing: the paper's arithmetic against hand-derived numbers.

Every expected value below is a literal worked out by hand from the paper's quoted inputs (the
arithmetic is in the comment beside it), not the module's formula typed a second time, so a
wrong formula, unit or constant in the code fails here.
"""

import math

import pytest

from iece.paper import checks
from iece.paper.views import checks as checks_view
from iece.physics import sizing
from iece.physics.constants import HC_EV_NM


def test_lattice_mismatch_hand_value():
    # (6.08 - 6.05) / 6.05 = 0.03 / 6.05 = 0.0049587 -> 0.49587 %
    assert checks.lattice_mismatch_percent(6.05, 6.08) == pytest.approx(0.49587, abs=1e-5)
    # a mismatch is signed: the other way round it is -0.03 / 6.08 = -0.49342 %
    assert checks.lattice_mismatch_percent(6.08, 6.05) == pytest.approx(-0.49342, abs=1e-5)
    with pytest.raises(ValueError):
        checks.lattice_mismatch_percent(0.0, 6.05)


def test_photon_energy_hand_values():
    # hc = 1239.84198 eV nm (CODATA h c / e): 1 eV at 1239.84 nm, the SWIR window's ends at
    # 1000 nm -> 1.23984 eV and 1700 nm -> 1239.84198 / 1700 = 0.729319 eV
    assert checks.photon_energy_eV(1239.84198) == pytest.approx(1.0, rel=1e-6)
    assert checks.photon_energy_eV(1000.0) == pytest.approx(1.23984, abs=1e-5)
    assert checks.photon_energy_eV(1700.0) == pytest.approx(0.729319, abs=1e-6)
    with pytest.raises(ValueError, match="wavelength_nm"):
        checks.photon_energy_eV(0)


def test_cation_count_hand_value():
    # sphere of 3.3 nm: pi/6 * 35.937 = 18.816 nm^3; 4 cations per (0.605 nm)^3 = 0.221445 nm^3
    # cell, i.e. 18.0632 per nm^3: 18.816 * 18.0632 = 339.89
    assert checks.cations_per_nc(3.3) == pytest.approx(339.89, abs=0.01)


def test_reaction_amounts_hand_values():
    # 339.89 Cd per NC (above) * 100 nmol NCs = 33.989 umol Cd
    # Hg: 1.5 eq * 33.989 umol / 0.1 mol/L = 509.83 uL; Ag: 0.075 * 33.989 / 0.02 = 127.46 uL
    a = checks.reaction_amounts(3.3, 100.0)
    assert a["cd_umol"] == pytest.approx(33.989, abs=1e-3)
    assert a["hg_per_nc"] == pytest.approx(509.83, abs=0.01)
    assert a["ag_per_nc"] == pytest.approx(25.49, abs=0.01)
    assert a["hg_uL"] == pytest.approx(509.83, abs=0.01)
    assert a["ag_uL"] == pytest.approx(127.46, abs=0.01)
    # thiol 0.6-1.5 per Cd: 203.93-509.83 per NC
    assert a["thiol_per_nc"] == pytest.approx((203.93, 509.83), abs=0.01)


def test_surface_fraction_hand_values():
    # one (111) layer l = 0.605 / sqrt(3) = 0.349297 nm
    # 3.3 nm: 1 - ((1.65 - 0.349297) / 1.65)^3 = 1 - 0.788305^3 = 1 - 0.489872 = 0.510128
    assert checks.surface_cation_fraction(3.3) == pytest.approx(0.510128, abs=1e-6)
    # 2.3 nm: 1 - (0.800703 / 1.15)^3 = 1 - 0.337537 = 0.662463
    assert checks.surface_cation_fraction(2.3) == pytest.approx(0.662463, abs=1e-6)
    # thin-shell limit: 3 l / r for l << r
    assert checks.surface_cation_fraction(100.0, 0.35) == pytest.approx(3 * 0.35 / 50, rel=0.02)
    with pytest.raises(ValueError):
        checks.surface_cation_fraction(0.5, 0.35)


def test_thiol_crossover_hand_value():
    # 0.6 per Cd = f_s(d): (1 - 0.6)^(1/3) = 0.7368063, d* = 2 * 0.3492969 / 0.2631937
    # = 2.654295 nm
    d = checks.thiol_covers_surface_from_nm(0.6)
    assert d == pytest.approx(2.654295, abs=1e-6)
    # and it is where the surface share equals 0.6 (a second route: the forward formula)
    assert checks.surface_cation_fraction(d) == pytest.approx(0.6, abs=1e-12)
    with pytest.raises(ValueError, match="thiol_per_cd"):
        checks.thiol_covers_surface_from_nm(1.5)


def test_thiol_series_in_compute():
    res = checks.compute(fast=True)
    # 0.6 / f_s: 0.6 / 0.662463 = 0.905711 (2.3 nm), 0.6 / 0.510128 = 1.176176 (3.3 nm)
    assert res["thiol_per_surface_cation_min__2p3nm"] == pytest.approx(0.905711, abs=1e-6)
    assert res["thiol_per_surface_cation_min__3p3nm"] == pytest.approx(1.176176, abs=1e-6)
    assert res["thiol_per_surface_cation_min"] == res["thiol_per_surface_cation_min__3p3nm"]
    # (4.0 - 2.654295) / (4.0 - 2.3) = 0.791591 of the series; 1.5 / 0.662463 = 2.264276
    assert res["thiol_min_covers_surface_share_of_series"] == pytest.approx(0.791591, abs=1e-6)
    assert res["thiol_per_surface_cation_max_smallest"] == pytest.approx(2.264276, abs=1e-6)
    assert "1.18 at 3.3 nm (the prototype)" in checks_view.notes(res)["thiol"]


def test_shell_diameter():
    # 3.2 + 2 * (1 * 0.5 + 2 * 0.25) = 5.2
    assert checks.shell_diameter_nm(3.2, [(1, 0.5), (2, 0.25)]) == pytest.approx(5.2)


def test_intrinsic_absorption_hand_value():
    # eps = 0.0317 d^3 /(uM cm) = 0.0317e9 d^3 cm^2/mol; one NC of d nm has pi/6 d^3 1e-21 cm^3:
    # mu = ln 10 * 3.17e7 / (6.02214076e23 * 5.235988e-22) = 7.29919e7 / 315.3177 = 2.31486e5 /cm
    assert checks.intrinsic_absorption_per_cm(0.0317) == pytest.approx(2.31486e5, rel=1e-5)
    # Eq. 4 is linear in the coefficient
    assert checks.intrinsic_absorption_per_cm(0.0634) == pytest.approx(2 * 2.31486e5, rel=1e-5)


def test_npl_planes():
    # 4.5 ML: 5 cation planes over 4 anion planes
    assert checks.npl_cation_anion_ratio(4.5) == pytest.approx(1.25)
    with pytest.raises(ValueError):
        checks.npl_cation_anion_ratio(4.0)


def test_jasieniak_inverse():
    e = sizing.jasieniak_energy_eV(3.3)
    lam = HC_EV_NM / e
    assert sizing.jasieniak_diameter_nm(lam) == pytest.approx(3.3, abs=1e-6)
    with pytest.raises(ValueError, match="2.0, 8.0"):
        sizing.jasieniak_energy_eV(9.0)


def test_hand_values_catch_a_wrong_layer():
    # the (100) half-cell a/2 = 0.3025 nm instead of the (111) layer gives a surface share of
    # 1 - (1.3475 / 1.65)^3 = 0.455 at 3.3 nm: far outside the tolerance above
    assert not math.isclose(checks.surface_cation_fraction(3.3, 0.3025), 0.510128, abs_tol=1e-3)
