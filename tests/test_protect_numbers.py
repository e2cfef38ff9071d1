"""Numbers that cannot be wrong silently (issue 24, item 4).

Each test is one way an allowed input once gave a wrong number with no word of warning: a
number read past the end of a grid, a fit of data that hold no rate, a unit taken for another,
a scale the fit could not follow, a barrier the solver could not follow. Each now gives the
right number, "undetermined", or a refusal that names the line and says what to do.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import pytest

from iece import io
from iece.paper import fig1c, fig2bd
from iece.paper.views import fig1c as fig1c_view
from iece.physics import diffusion, diffusion_fit, exchange


@pytest.fixture(scope="module", autouse=True)
def _paper_side_once():
    """The paper's side of fig1c (the joint D, the two CE calibrations) and of fig2bd (the
    model spectra) does not depend on a user's file: each is computed once for the module and
    reused by every ``compute()`` that asks again with the same arguments (each call had
    repeated it, 4-5 s a fig1c and 4 s a fig2bd). The user's file still goes through
    ``compute()`` and the page's notes every time."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(fig1c, "joint_D", functools.cache(fig1c.joint_D))
        for name in ("calibrate_two_regime", "calibrate_dc_variant"):
            mp.setattr(exchange, name, functools.cache(getattr(exchange, name)))
        mp.setattr(fig2bd, "model_spectra", functools.cache(fig2bd.model_spectra))
        yield


def _file(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- fig1c: times read off a grid, and a D the data do not hold ------------------------------


@pytest.fixture(scope="module")
def fig1c_default():
    return fig1c.compute(fast=True)


@pytest.mark.parametrize("D", [1e-24, 1e-30])
def test_t95_beyond_the_time_axis_is_solved_not_clamped(D, fig1c_default):
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
    t95_default_h = fig1c_default["t95_iece_h"]
    assert res["t95_iece_h"] == pytest.approx(t95_default_h * 1e-22 / D, rel=1e-9)


def test_ce_at_48_h_is_not_read_at_the_end_of_a_shorter_axis(fig1c_default):
    """hours 1 had recorded x_ce_48h = 0.688: the CE course at 1 h (the grid's end), not 48 h."""
    short = fig1c.compute(fast=True, hours=1)
    full = fig1c_default
    assert short["x_ce_48h"] == pytest.approx(full["x_ce_48h"], abs=1e-6)
    assert short["x_ce_48h"] > 0.99


@pytest.mark.parametrize("x", [0.5, 0.02, 1.0])
def test_a_time_course_with_no_change_gives_D_undetermined(tmp_path, x):
    """x = 0.5 at every time had given D = 2.23e-23 ± 9.8e-25 m²/s with no 'undetermined'."""
    rows = "".join(f"{t},{x}\n" for t in (10, 20, 30, 60, 120))
    res = fig1c.compute(fast=True, composition_path=str(_file(tmp_path, "time_min,x\n" + rows)))
    assert np.isnan(res["D_m2_per_s"]) and np.isnan(res.numbers["D_m2_per_s"].stderr)
    assert "undetermined" in res.numbers["D_m2_per_s"].note
    assert "**D is undetermined**" in fig1c_view.notes(res)["user_fit"]


def test_a_time_course_that_rises_keeps_its_D(tmp_path):
    """The 'no change' test does not touch data that hold a rate: planted D recovered."""
    a_nm = fig1c.PARAMS.by_name["diameter_nm"].default / 2
    t_min = np.array([5, 10, 20, 40, 60, 90, 120, 180, 240])
    x = diffusion.fraction_constant_surface(t_min * 60.0, 1e-22, a_nm)
    rows = "".join(f"{t},{xi:.4f}\n" for t, xi in zip(t_min, x))
    res = fig1c.compute(fast=True, composition_path=str(_file(tmp_path, "time_min,x\n" + rows)))
    assert res["D_m2_per_s"] == pytest.approx(1e-22, rel=0.01)
    assert "undetermined" not in fig1c_view.notes(res)["user_fit"]


def test_no_change_p_value_is_the_chi_square_tail():
    """p_no_change against the chi-square survival function (scipy.stats, an independent code)."""
    from scipy.stats import chi2

    x = np.array([0.50, 0.52, 0.47, 0.55, 0.49])
    stat = np.sum((x - x.mean()) ** 2) / 0.02**2
    assert diffusion_fit.p_no_change(x, 0.02) == pytest.approx(chi2.sf(stat, x.size - 1))
    assert diffusion_fit.p_no_change(np.full(6, 0.3), 0.02) == 1.0


# --- fig2bd: a spectrum read in the wrong unit, or at a scale the fit cannot follow ----------


def _spectrum(scale=1.0, n=600):
    """A four-transition spectrum (1S-1S at 2.24 eV) as (energy eV, absorbance), noisy."""
    from iece.physics import spectra

    E = np.linspace(1.9, 3.4, n)
    A = spectra.spectrum(E, [1.0, 0.6, 2.0, 3.0], [2.24, 2.45, 2.75, 3.1], 0.05, 1.74)
    return E, scale * (A + np.random.default_rng(0).normal(0, 0.005 * A.max(), E.size))


def _spectrum_file(tmp_path, E, A, name="abs.csv"):
    return str(
        _file(tmp_path, "energy,A\n" + "".join(f"{e:.6f},{a:.8g}\n" for e, a in zip(E, A)), name)
    )


@pytest.mark.parametrize(
    "axis, wavelength, needle",
    [
        ("wavelength_nm", False, "read as wavelength_nm, 1.9 nm is 653 eV.*-p axis energy_eV"),
        ("energy_eV", True, "read as energy_eV, 652.5.* eV.*-p axis wavelength_nm"),
    ],
)
def test_an_axis_that_does_not_fit_the_values_is_refused_with_the_line(
    tmp_path, axis, wavelength, needle
):
    """axis wavelength_nm on an energy file had reported E1 = 440 eV with no warning."""
    E, A = _spectrum()
    x = 1239.84 / E if wavelength else E
    path = _spectrum_file(tmp_path, x, A)
    with pytest.raises(io.DataFileError, match="line 2: " + needle):
        fig2bd.compute(fast=True, spectrum_path=path, axis=axis)
    assert io.read_spectrum(path)[0].min() == pytest.approx(E.min(), rel=1e-5)  # auto reads it


def test_absorbance_scale_does_not_move_the_bands(tmp_path):
    """Absorbance x 1e-9 had given E1 = 2.80 eV instead of 2.24 (flagged only 'on a bound');
    x 1e300 had overflowed."""
    E, A = _spectrum()
    ref = fig2bd.compute(fast=True, spectrum_path=_spectrum_file(tmp_path, E, A, "a.csv"))
    assert ref["E1_eV"] == pytest.approx(2.24, abs=0.01)
    for scale in (1e-9, 1e300):
        path = _spectrum_file(tmp_path, E, A * scale, f"{scale:g}.csv")
        res = fig2bd.compute(fast=True, spectrum_path=path)
        assert res["E1_eV"] == pytest.approx(ref["E1_eV"], abs=1e-6)
        assert res["a1"] == pytest.approx(ref["a1"], rel=1e-6)  # areas per unit of the maximum
        assert "maximum" in res.numbers["a1"].note


# --- sizing files: diameters and energies within physics ------------------------------------


@pytest.mark.parametrize(
    "rows, needle",
    [
        ("2.0 477\n3.0 539\n4.0 577\n", "line 2: 1S-1S energy 477 eV .*a wavelength in nm"),
        ("2.0 2.6\n3.0 100\n4.0 2.15\n", r"line 3: 1S-1S energy 100 eV is outside \[1.5, 4\]"),
        ("2.0 2.6\n1e-300 2.3\n4.0 2.15\n", r"line 3: diameter 1e-300 nm is outside \[1, 30\]"),
        ("2.6 2\n2.3 5\n2.15 8\n", "line 3: 1S-1S energy 5 eV.*columns look swapped"),
        ("2.0 2.15\n3.0 2.3\n4.0 2.6\n", "rises with the diameter"),
    ],
)
def test_a_sizing_file_out_of_physical_range_is_refused(tmp_path, rows, needle):
    """Swapped columns, nm values, 100 eV or d = 1e-300 had been accepted (recorded RMS 617 eV)."""
    path = _file(tmp_path, "d E\n" + rows)
    with pytest.raises(io.DataFileError, match=needle):
        io.read_two_columns(path, what="sizing_path", positive=True)


@pytest.mark.parametrize("figure", ["checks", "fig2eg"])
def test_both_figures_that_read_a_sizing_file_refuse_it(tmp_path, figure):
    import importlib

    module = importlib.import_module(f"iece.paper.{figure}")
    path = _file(tmp_path, "d E\n2.0 477\n3.0 539\n4.0 577\n")
    with pytest.raises(io.DataFileError, match="a wavelength in nm"):
        module.compute(sizing_path=str(path), fast=True)


# --- iece ema: barriers where the finite-barrier solver holds, and JSON without NaN ----------


def _ema(capsys, *argv):
    from iece import cli

    status = cli.main(["ema", *argv])
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.mark.parametrize(
    "structure, d, x",
    [("alloy", 4.0, 0.0), ("alloy", 12.0, 0.5), ("alloy", 30.0, 1.0), ("core-shell", 8.0, 0.5)],
)
def test_ema_at_the_barrier_bound_agrees_with_the_reference_solver(capsys, structure, d, x):
    """At the highest level iece ema accepts, the solver it reports agrees with the independent
    finite-volume solver (2 meV) and lies below the hard wall; just above, it is refused."""
    from iece import cli
    from iece.physics import ema
    from iece.physics.ema import reference_fd

    top = cli.max_barrier_eV(d)
    common = ["--diameter-nm", f"{d:g}", "--x", f"{x:g}", "--structure", structure]
    status, out, _ = _ema(
        capsys, *common, "--barrier-e", f"{top!r}", "--barrier-h", f"{top!r}", "--json"
    )
    assert status == 0
    ours = json.loads(out)
    s = ema.alloy(d, x) if structure == "alloy" else ema.core_shell(d, x)
    medium = ema.Outside("bound", top, top)
    cells = 60 if d > 10 else 400
    for carrier, key in (("e", "electron_eV"), ("h", "hole_eV")):
        ref = reference_fd.solve_fd(s, medium, carrier=carrier, cells_per_nm=cells).energy_eV
        assert ours[key] == pytest.approx(ref, abs=2e-3)
    _, hard, _ = _ema(capsys, *common, "--outside", "infinite", "--json")
    assert ours["energy_eV"] < json.loads(hard)["energy_eV"]
    status, out, err = _ema(capsys, *common, "--barrier-h", f"{top * 1.01 + 0.01:g}")
    assert status == 2 and out == "" and "--barrier-h" in err and "give inf" in err


@pytest.mark.parametrize("level", ["1000", "1e308"])
def test_ema_refuses_a_barrier_its_solver_cannot_follow(capsys, level):
    """--barrier-e 1000 had given 5.46 eV and overlap 0.37 (inf: 2.73 eV, 0.70), and 1e308
    printed NaN, which is not JSON, with exit 0."""
    status, out, err = _ema(
        capsys,
        "--diameter-nm",
        "4",
        "--x",
        "0.4",
        "--structure",
        "core-shell",
        "--barrier-e",
        level,
        "--json",
    )
    assert status == 2 and out == ""
    assert f"--barrier-e {float(level):g}" in err and "4 nm" in err and "give inf" in err


def test_ema_json_is_always_valid_json(capsys, monkeypatch):
    """A result with a NaN is refused by name, never printed as NaN."""
    from iece.paper import ema_numbers

    real = ema_numbers.nc
    monkeypatch.setattr(
        ema_numbers, "nc", lambda *a, **k: real(*a, **k) | {"overlap": float("nan")}
    )
    status, out, err = _ema(capsys, "--diameter-nm", "4", "--x", "0.4", "--json")
    assert status == 2 and out == "" and "overlap" in err
