"""iece.materials: the paper's parameters and their interpolation."""

import numpy as np
import pytest

from iece.physics import materials as mat


def test_common_level_is_3p70_eV_for_both():
    assert mat.CDSE.outside_gap_eV == pytest.approx(3.70, abs=1e-12)
    assert mat.HGSE.outside_gap_eV == pytest.approx(3.70, abs=1e-12)


def test_paper_values():
    assert (mat.CDSE.me, mat.HGSE.me, mat.CDSE.mh, mat.HGSE.mh) == (0.112, 0.042, 0.469, 0.019)
    assert (mat.CDSE.eps_inf, mat.HGSE.eps_inf) == (6.2, 16.5)
    assert (mat.CDSE.gap_eV, mat.HGSE.gap_eV) == (1.74, -0.06)


def test_linear_interpolation():
    p = mat.hgcdse([0.0, 0.5, 1.0])
    np.testing.assert_allclose(p["gap_eV"], [1.74, 0.84, -0.06])
    np.testing.assert_allclose(p["me"], [0.112, 0.077, 0.042])
    # the offsets stay consistent with the gap at every x
    np.testing.assert_allclose(p["gap_eV"] - p["dEc_eV"] + p["dEv_eV"], 3.70)


@pytest.mark.parametrize("bad", [-0.1, 1.2, np.nan])
def test_fraction_out_of_range(bad):
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        mat.hgcdse(bad)
