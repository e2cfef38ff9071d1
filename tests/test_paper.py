"""The paper layer called directly (no papermill): every figure function, its numbers, units and
provenances, a few numbers against independent single computations, and bad input."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import math
from pathlib import Path

import numpy as np
import pytest

from iece import paper
from iece.paper import (
    checks,
    choices,
    ema_numbers,
    fig1c,
    fig2bd,
    fig2eg,
    fig2j,
    fig5fg,
    quoted,
    sensitivity,
)
from iece.physics import ema, lifetimes
from iece.physics.constants import HC_EV_NM
from iece.pipeline import ledger
from iece.pipeline.figure import FigureResult, ParameterError
from iece.pipeline.results import PROVENANCES
from iece.report import markdown

from .conftest import ROOT

MODULES = {
    "fig1c": fig1c,
    "fig2bd": fig2bd,
    "fig2eg": fig2eg,
    "fig2j": fig2j,
    "fig5fg": fig5fg,
    "checks": checks,
    "sensitivity": sensitivity,
}
CLAIMS = ledger.load(ROOT / "data" / "claims.toml")


@pytest.fixture(scope="module")
def computed() -> dict[str, FigureResult]:
    kw = {"fig5fg": {"root": ROOT}}
    out = {k: m.compute(fast=True, **kw.get(k, {})) for k, m in MODULES.items()}
    # a judged page's records are the kernel's and, after the run, its judge's (the ledger's
    # checks over the tables it saved), as in build/results.json
    out["sensitivity"].numbers |= paper.JUDGES["sensitivity"](
        sensitivity.saved_tables(out["sensitivity"]), CLAIMS
    ).numbers
    return out


@pytest.mark.parametrize("fid", MODULES)
def test_numbers_have_units_and_provenance(computed, fid):
    res = computed[fid]
    assert res.numbers, fid
    for name, n in res.numbers.items():
        assert name.isidentifier()
        assert n.provenance in PROVENANCES and n.provenance != "user", name
        if isinstance(n.value, bool) or isinstance(n.value, str):
            assert n.unit == "", name
        else:
            assert n.unit, f"{name}: a number needs a unit ('1' if dimensionless)"


@pytest.mark.parametrize("fid", MODULES)
def test_every_claim_number_is_computed(computed, fid):
    for c in CLAIMS:
        if c.figure == fid and c.check != "not_checkable":
            for name in c.record_names():
                assert name in computed[fid].numbers, (c.id, name)


def test_fig2eg_numbers_match_direct_solves(computed):
    """fig2eg's numbers (one-carrier solves, iece.paper.ema_numbers) against ema.solve, a second
    solver on its own grid, for the same NCs (tolerances: about twice the grids' difference)."""
    res = computed["fig2eg"]
    out = choices.outside("reference")
    cs = ema.solve(ema.core_shell(4.0, 0.4), out)
    r, (core, R) = cs.r_nm, cs.structure.radius_nm
    for c, psi in (("e", cs.psi_e), ("h", cs.psi_h)):
        where = ema.regions(r, 4 * np.pi * r**2 * psi**2, core, R)
        assert res[f"{c}_in_shell"] == pytest.approx(float(where["in_shell"]), abs=1.5e-3)
        assert res[f"{c}_outside"] == pytest.approx(float(where["outside"]), abs=1.5e-3)
    cdse = ema.solve(ema.alloy(3.3, 0.0), out)
    assert res["cdse_3p3nm_energy_eV"] == pytest.approx(float(cdse.energy_eV), abs=6e-5)
    x = computed["fig2eg"].x
    ov = ema.solve(ema.alloy(4.0, x), out).overlap
    assert res["alloy_min_overlap"] == pytest.approx(float(ov.min()), abs=1e-4)
    # the calibrated medium is fitted to the sizing curve, and reports how well
    assert res["calibration_rms_eV"] < res["cdse_sizing_rms_eV__reference"]


def test_fig2eg_former_booleans_agree_with_their_definitions(computed):
    """The two step numbers that replaced yes/no claims, recomputed from their definitions with
    solves of our own: the largest step of the 4 nm core/shell overlap for 0 <= x <= 0.4 (one
    solve per x), and the smallest rise, from one Fig. S5 size to the next, of the largest
    depletion 1 - (phi/phi_0)^2 over x. (The test had compared each number's sign with a
    boolean made from the same arrays, so it held for any number of the right sign.)

    Tolerances: the paper layer may solve on grids of its own. The solver's wavefunctions are
    normalized to about 7e-5 (tests/test_ema.py), which moves an overlap step by far less than
    1e-5 and a depletion 1 - (phi/phi_0)^2, where a relative overlap error e counts twice, by
    up to about 1.4e-4: 1e-5 and 1e-4. A wrong definition moves these numbers by 1e-3 or more."""
    res = computed["fig2eg"]
    x = np.asarray(res.x)
    out = choices.outside("reference")
    upto = x[: int(np.argmin(np.abs(x - quoted.X_OVERLAP_FALLS_TO.value))) + 1]
    assert upto[-1] == pytest.approx(0.4) and upto.size >= 5
    overlap = [float(ema.solve(ema.core_shell(4.0, xi), out).overlap) for xi in upto]
    assert res["cs_overlap_max_step"] == pytest.approx(max(np.diff(overlap)), abs=1e-5)
    largest = []
    for d in ema_numbers.S5_DIAMETERS_NM:
        phi = ema.solve(ema.core_shell(np.full(x.size, d), x), out).overlap
        phi0 = float(ema.solve(ema.core_shell(d, 0.0), out).overlap)
        largest.append(float(np.max(1 - (phi / phi0) ** 2)))
    assert res["max_depletion"] == pytest.approx(max(largest), abs=1e-4)
    assert res["depletion_min_size_step"] == pytest.approx(min(np.diff(largest)), abs=1e-4)


def test_fig1c_against_crank_series(computed):
    """x(4 h) equals the series evaluated by hand (first 200 terms), not our function."""
    res = computed["fig1c"]
    a = quoted.DIAMETER_PROTOTYPE_NM.value / 2 * 1e-9
    tau = quoted.D_IECE_M2_PER_S.value * 4 * 3600 / a**2
    n = np.arange(1, 201)
    x4 = 1 - 6 / np.pi**2 * np.sum(np.exp(-(n**2) * np.pi**2 * tau) / n**2)
    assert res["x_iece_4h"] == pytest.approx(x4, abs=1e-6)
    assert res["x_rt_noAg_end"] < res["x_rt_Ag_end"]


def test_fig2j_rates_from_quoted_parameters(computed):
    res = computed["fig2j"]
    a1, t1, a2, t2 = quoted.DECAY_ALLOY.value
    tau_amp = (a1 * t1 + a2 * t2) / (a1 + a2)
    assert res["alloy_tau_amp_quoted_ns"] == pytest.approx(tau_amp)
    assert res["alloy_k_r_per_ns"] == pytest.approx(0.175 / tau_amp)
    assert res["alloy_tau2_half_time_ns"] == pytest.approx(t2 * math.log(2))
    assert res["overlap2_ratio_over_kr_ratio"] == pytest.approx(
        res["ema_overlap2_ratio"] / res["kr_ratio_lower_bound"]
    )


def test_fig2bd_planted_reduction_is_recovered(computed):
    res = computed["fig2bd"]
    assert res.numbers["recovered_reduction_1s"].provenance == "simulated"
    assert res["recovered_reduction_1s"] == pytest.approx(quoted.REDUCTION_1S.value, abs=0.03)


def test_checks_arithmetic_is_independent(computed):
    res = computed["checks"]
    assert res["cdse_gap_nm"] == pytest.approx(1239.84198 / 1.74, rel=1e-6)
    assert res["swir_1000nm_eV"] == pytest.approx(HC_EV_NM / 1000)
    assert res["lattice_mismatch_percent"] == pytest.approx(100 * 0.03 / 6.05)
    assert res["fwhm_gap_ce_minus_iece_meV"] == 167 - 143
    # zinc blende: 4 cations per a^3 cell; a 3.3 nm sphere
    assert res["cd_per_nc"] == pytest.approx(4 * (math.pi / 6 * 3.3**3) / 0.605**3)


def test_fig5fg_margins(computed):
    res = computed["fig5fg"]
    c = res.compared["swir_brighter"]
    assert c["n"] >= 3
    assert res["swir_brighter_margin"] == pytest.approx(c["ours"] - c["best_literature"])
    # fewer than 3 points: not checkable, whatever the points say
    n = res["hg_brighter_n"]
    assert n < 3 and res["hg_brighter_margin"] == "not checkable"
    assert f"insufficient data: {n} points" in res.numbers["hg_brighter_margin"].note


def test_user_files_are_labelled_user(tmp_path):
    sizing = tmp_path / "sizes.csv"
    sizing.write_text("d,E\n2.5,2.4\n3.3,2.2\n4.0,2.1\n")
    res = checks.compute(sizing_path=str(sizing))
    assert res.numbers["user_sizing_rms_eV"].provenance == "user"
    t = np.arange(256) * 0.1
    inst = lifetimes.Instrument(n_channels=256, dt_ns=0.1, rep_rate_MHz=10.0)
    counts = lifetimes.simulate(inst, [3.0], [1.0], total_counts=1e5, seed=1)
    decay = tmp_path / "decay.txt"
    decay.write_text("".join(f"{a:.3f} {b:g}\n" for a, b in zip(t, counts)))
    res = fig2j.compute(
        decay_path=str(decay), n_components=1, rep_rate_MHz=10.0, n_boot=0, fast=True
    )
    assert res.numbers["tau1_ns"].provenance == "user"
    assert abs(res["tau1_ns"] - 3.0) < 4 * res.numbers["tau1_ns"].stderr


@pytest.mark.parametrize(
    "module,params,needle",
    [
        (fig2eg, {"outside": "air"}, "one of reference, vacuum, infinite, calibrated"),
        (fig2eg, {"diameter_nm": 0.5}, "float in [1.5, 10]"),
        (fig1c, {"n_times": 2.5}, "'n_times'"),
        (fig2j, {"statistic": "chi2"}, "one of poisson, least_squares"),
        (fig2bd, {"nope": 1}, "unknown parameter 'nope'"),
        (fig5fg, {"window_low_nm": 1700.0, "window_high_nm": 1000.0}, "must be below"),
        (fig2bd, {"e_min_eV": 3.0, "e_max_eV": 2.0}, "used only with spectrum_path"),
        (checks, {"sizing_path": "/no/such.csv"}, "does not exist"),
    ],
)
def test_bad_parameters_fail_before_work(module, params, needle):
    with pytest.raises(ParameterError, match=needle.replace("[", r"\[")):
        module.compute(**params)


# --- a figure's room: compute holds no prose; each page's notes are templates of its records --

#: Words a string in a ``compute`` may have: a record's unit or a short label, never a sentence.
MAX_WORDS = 8
#: Figures whose page has notes (templates in its view, iece.paper.views.<fid>): every one but
#: the sensitivity page, whose view draws a heatmap and tables only.
NOTED = tuple(fid for fid in MODULES if fid != "sensitivity")


def _strings(node):
    """Every string literal under ``node``, an f-string as its literal parts joined; docstrings
    and error messages (a ``raise``) are not page prose and are left out."""
    skip = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Raise):
            skip |= {id(m) for m in ast.walk(n)}
        if isinstance(n, ast.FunctionDef) and ast.get_docstring(n) is not None:
            skip |= {id(m) for m in ast.walk(n.body[0])}
    for n in ast.walk(node):
        if id(n) in skip:
            continue
        if isinstance(n, ast.JoinedStr):
            skip |= {id(v) for v in n.values}
            yield "".join(v.value for v in n.values if isinstance(v, ast.Constant))
        elif isinstance(n, ast.Constant) and isinstance(n.value, str):
            yield n.value


@pytest.mark.parametrize("fid", MODULES)
def test_compute_holds_no_prose(fid):
    """A compute returns numbers and typed fields; the page's words are its view's templates."""
    tree = ast.parse(Path(MODULES[fid].__file__).read_text(encoding="utf-8"))
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "compute")
    wordy = [s for s in _strings(fn) if len(s.split()) > MAX_WORDS]
    assert not wordy, f"{fid}.compute holds prose: {wordy}"


@pytest.mark.parametrize("fid", NOTED)
def test_every_note_field_is_a_record_a_parameter_or_a_typed_field(computed, fid):
    """Each name a page's note template uses exists: a record of the run, ``params``, a field
    of the figure's result class, a quoted number or one of the view's named constants. Every
    note renders from the fast run (a missing field raises)."""
    view = importlib.import_module(f"iece.paper.views.{fid}")
    res = computed[fid]
    known = (
        set(res.numbers)
        | {"params"}
        | {f.name for f in dataclasses.fields(type(res))}
        | set(quoted.ALL)
        | set(getattr(view, "CONSTANTS", {}))
    )
    assert markdown.template_fields(view.NOTES) <= known, fid
    assert view.notes(res)
    for text in view.notes(res).values():
        assert "{{" not in text and "{%" not in text
