"""Numbers that cannot be wrong silently (issue 24, item 4).

Each test is one way an allowed input once gave a wrong number with no word of warning: a
number read past the end of a grid, a fit of data that hold no rate, a unit taken for another,
a scale the fit could not follow, a barrier the solver could not follow. Each now gives the
right number, "undetermined", or a refusal that names the line and says what to do.
"""

from __future__ import annotations

import numpy as np
import pytest

from iece.paper import fig1c
from iece.physics import diffusion, diffusion_fit


def _file(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- fig1c: times read off a grid, and a D the data do not hold ------------------------------


@pytest.mark.parametrize("D", [1e-24, 1e-30])
def test_t95_beyond_the_time_axis_is_solved_not_clamped(D):
    """D 1e-24 had reported '95 % at 48.00 h' (np.interp clamps to the grid's end; the truth
    is 191 h), and D 1e-30 the same 48 h with x(48 h) = 0.0005."""
    res = fig1c.compute(fast=True, D_m2_per_s=D)
    t95_s = res["t95_iece_h"] * 3600
    assert res["t95_iece_h"] > res.params["hours"]  # beyond the axis: the old value clamped
    # brute force: the Crank series at that time, and 1 % either side
    a_nm = res.params["diameter_nm"] / 2
    x = diffusion.fraction_constant_surface(np.array([0.99, 1, 1.01]) * t95_s, D, a_nm)
    assert x[1] == pytest.approx(0.95, abs=1e-9)
    assert x[0] < 0.95 < x[2]
    # x t95 scales as 1/D (tau = D t / a^2): the default D gives the same tau
    t95_default_h = fig1c.compute(fast=True)["t95_iece_h"]
    assert res["t95_iece_h"] == pytest.approx(t95_default_h * 1e-22 / D, rel=1e-9)


def test_ce_at_48_h_is_not_read_at_the_end_of_a_shorter_axis():
    """hours 1 had recorded x_ce_48h = 0.688: the CE course at 1 h (the grid's end), not 48 h."""
    short = fig1c.compute(fast=True, hours=1)
    full = fig1c.compute(fast=True)
    assert short["x_ce_48h"] == pytest.approx(full["x_ce_48h"], abs=1e-6)
    assert short["x_ce_48h"] > 0.99


@pytest.mark.parametrize("x", [0.5, 0.02, 1.0])
def test_a_time_course_with_no_change_gives_D_undetermined(tmp_path, x):
    """x = 0.5 at every time had given D = 2.23e-23 ± 9.8e-25 m²/s with no 'undetermined'."""
    rows = "".join(f"{t},{x}\n" for t in (10, 20, 30, 60, 120))
    res = fig1c.compute(fast=True, composition_path=str(_file(tmp_path, "time_min,x\n" + rows)))
    assert np.isnan(res["D_m2_per_s"]) and np.isnan(res.numbers["D_m2_per_s"].stderr)
    assert "undetermined" in res.numbers["D_m2_per_s"].note
    assert "**D is undetermined**" in res.notes["user"]


def test_a_time_course_that_rises_keeps_its_D(tmp_path):
    """The 'no change' test does not touch data that hold a rate: planted D recovered."""
    a_nm = fig1c.PARAMS.by_name["diameter_nm"].default / 2
    t_min = np.array([5, 10, 20, 40, 60, 90, 120, 180, 240])
    x = diffusion.fraction_constant_surface(t_min * 60.0, 1e-22, a_nm)
    rows = "".join(f"{t},{xi:.4f}\n" for t, xi in zip(t_min, x))
    res = fig1c.compute(fast=True, composition_path=str(_file(tmp_path, "time_min,x\n" + rows)))
    assert res["D_m2_per_s"] == pytest.approx(1e-22, rel=0.01)
    assert "undetermined" not in res.notes["user"]


def test_no_change_p_value_is_the_chi_square_tail():
    """p_no_change against the chi-square survival function (scipy.stats, an independent code)."""
    from scipy.stats import chi2

    x = np.array([0.50, 0.52, 0.47, 0.55, 0.49])
    stat = np.sum((x - x.mean()) ** 2) / 0.02**2
    assert diffusion_fit.p_no_change(x, 0.02) == pytest.approx(chi2.sf(stat, x.size - 1))
    assert diffusion_fit.p_no_change(np.full(6, 0.3), 0.02) == 1.0
