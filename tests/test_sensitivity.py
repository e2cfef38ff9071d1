"""The sensitivity page (iece.paper.sensitivity) and the material table as an input of the EMA.

The Sobol' wiring (design, indices, the layout of the base rows) is checked on SALib's own test
functions, whose indices are known analytically (Ishigami: written out below; Sobol G: SALib's
closed form). The table override reproduces the paper's numbers bit for bit, and a batch of
tables gives each table's numbers exactly as if it were solved alone. A fast run plants a
verdict that depends on one input only and must find that input.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pytest
from SALib.test_functions import Ishigami, Sobol_G

from iece.paper import ema_numbers, fig1c, quoted, sensitivity, sensitivity_verdicts, uncertain
from iece.physics import diffusion, ema, exchange
from iece.physics import materials as mat
from iece.pipeline import ledger, verdicts
from iece.pipeline.figure import ParameterError
from iece.pipeline.params import read_parameters

from .conftest import ROOT

CLAIMS = ledger.load(ROOT / "data" / "claims.toml")
LITERAL = sensitivity.LITERAL
X = ema_numbers.x_grid()


def _numbers(table=None):
    r = LITERAL
    media_e, media_h = [(r.level_e_eV, r.mass_e)], [(r.level_h_eV, r.mass_h)]
    return ema_numbers.numbers(r.geometry, r.interface, media_e, media_h, X, table=table)


def _scalars(full: dict) -> dict:
    """The numbers of a (1, 1, ...) result that hold one value per table."""
    return {k: np.asarray(v) for k, v in full.items() if k != "curves" and "by_size" not in k}


# ------------------------------------------------------------------ the Sobol' wiring
def ishigami_indices(a=7.0, b=0.1):
    """Analytic S1 and ST of f = sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3 (Ishigami
    & Homma 1990): V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V13 = 8 b^2 pi^8 / 225."""
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * np.pi**8 / 225
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_ishigami_through_the_pages_wiring():
    prob = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    x = sensitivity.design(prob, 1024)
    si = sensitivity.indices(prob, Ishigami.evaluate(x))
    s1, st = ishigami_indices()
    # 0.03: about twice the bootstrap half-widths at N = 1024 (0.01-0.06)
    np.testing.assert_allclose(si["S1"], s1, atol=0.03)
    np.testing.assert_allclose(si["ST"], st, atol=0.03)
    assert np.all(np.abs(si["ST"] - st) <= 2 * si["ST_conf"] + 1e-3)
    # x3 matters only with x1: no first-order effect, a clear total one
    assert si["ST"][2] > 0.2 and abs(si["S1"][2]) < 0.03


def test_sobol_g_through_the_pages_wiring():
    a = np.array([0.0, 1.0, 4.5, 9.0, 99.0])
    prob = {"num_vars": 5, "names": [f"x{i}" for i in range(5)], "bounds": [[0, 1]] * 5}
    x = sensitivity.design(prob, 1024)
    si = sensitivity.indices(prob, Sobol_G.evaluate(x, a))
    np.testing.assert_allclose(si["S1"], Sobol_G.sensitivity_index(a), atol=0.04)
    np.testing.assert_allclose(si["ST"], Sobol_G.total_sensitivity_index(a), atol=0.04)
    assert np.argmax(si["ST"]) == 0


def test_base_rows_are_salibs_a_and_b():
    """Rows A, AB_1 ... AB_D, B per base point: AB_i is A with column i from B."""
    prob = sensitivity.problem()
    d = prob["num_vars"]
    x = sensitivity.design(prob, 8)
    base = sensitivity.base_rows(len(x), d)
    assert base.sum() == 16 and len(x) == 8 * (d + 2)
    g = x.reshape(8, d + 2, d)
    for i in range(d):
        other = np.arange(d) != i
        np.testing.assert_array_equal(g[:, 1 + i, other], g[:, 0, other])
        np.testing.assert_array_equal(g[:, 1 + i, i], g[:, -1, i])


def test_constant_output_has_no_indices():
    prob = sensitivity.problem()
    x = sensitivity.design(prob, 4)
    assert sensitivity.indices(prob, np.ones(len(x))) is None
    # a solver's residue below the number's resolution is no variance to share out
    wobble = 1.24 + 1e-7 * np.random.default_rng(0).standard_normal(len(x))
    assert sensitivity.indices(prob, wobble, resolution=1e-4) is None
    assert sensitivity.indices(prob, wobble) is not None
    with pytest.raises(ValueError, match="not finite"):
        sensitivity.indices(prob, np.full(len(x), np.nan))


def test_n_base_must_be_a_power_of_two_before_any_work():
    with pytest.raises(ParameterError, match="n_base.*power of 2"):
        sensitivity.compute(n_base=96)
    with pytest.raises(ParameterError, match="n_base"):
        sensitivity.compute(n_base=256)


def test_notebook_declares_the_modules_parameters():
    ps = read_parameters(ROOT / "notebooks" / "ema_sensitivity.ipynb")
    assert ps is sensitivity.PARAMS and not ps.by_name["fast"].paper


# ------------------------------------------------------------------ the table as an input
def test_paper_table_reproduces_the_default_bit_for_bit():
    default = _scalars(_numbers())
    explicit = _scalars(_numbers(mat.PAPER))
    for k, v in default.items():
        np.testing.assert_array_equal(explicit[k], v, err_msg=k)
    s = ema.core_shell(4.0, [0.0, 0.4])
    a, b = ema.solve(s), ema.solve(s, table=mat.PAPER, coulomb="layered")
    np.testing.assert_array_equal(ema.solve(s, table=mat.PAPER).energy_eV, a.energy_eV)
    np.testing.assert_array_equal(b.energy_eV, ema.solve(s, coulomb="layered").energy_eV)


def test_a_batch_of_tables_equals_each_table_alone():
    """S tables in one batch: table i's numbers are those of table i solved alone, exactly; the
    paper's values repeated give the paper's numbers."""
    me = np.array([mat.HGSE.me, 0.05, 0.034])
    eps = np.array([mat.CDSE.eps_inf, 6.5, 5.9])
    batch = mat.MaterialTable(replace(mat.CDSE, eps_inf=eps), replace(mat.HGSE, me=me))
    together = _scalars(_numbers(batch))
    for i in range(3):
        alone = mat.MaterialTable(
            replace(mat.CDSE, eps_inf=float(eps[i])), replace(mat.HGSE, me=float(me[i]))
        )
        for k, v in _scalars(_numbers(alone)).items():
            np.testing.assert_array_equal(together[k][..., i], v, err_msg=(k, i))
    default = _scalars(_numbers())
    for k, v in default.items():
        np.testing.assert_array_equal(together[k][..., 0], v, err_msg=k)


def test_the_table_moves_what_it_should():
    """A lighter HgSe electron raises the 3.3 nm HgSe energy (more confinement); a wider HgSe
    gap at a held conduction band raises it by less than the gap's change (the hole's barrier to
    the outside level shrinks by as much); CdSe-only numbers do not see HgSe's entries."""
    me, gap = mat.HGSE.me, mat.HGSE.gap_eV
    x = np.array([[me, gap], [0.8 * me, gap], [me, gap + 0.1]])
    inputs = [i for i in sensitivity.TABLE_INPUTS if i.name in ("HGSE.me", "HGSE.gap_eV")]
    out = sensitivity.evaluate(x, inputs)
    e = out["min_alloy_energy_3p3nm_eV"]
    # the design derives dEv = 3.70 eV - gap + dEc: the paper's 1.07 eV up to roundoff
    assert e[0] == pytest.approx(
        ema_numbers.one(LITERAL, X)["min_alloy_energy_3p3nm_eV"], abs=1e-12
    )
    assert e[1] - e[0] > 0.01
    assert 0.05 < e[2] - e[0] < 0.1
    assert out["cdse_sizing_rms_eV"][1] == out["cdse_sizing_rms_eV"][0]
    assert out["cdse_sizing_rms_eV"][2] == out["cdse_sizing_rms_eV"][0]


def test_table_validation_names_the_entry():
    with pytest.raises(ValueError, match="one frame"):
        mat.MaterialTable(mat.CDSE, replace(mat.HGSE, dEc_eV=-2.5))
    with pytest.raises(ValueError, match="HgSe.mh must be > 0"):
        mat.MaterialTable(mat.CDSE, replace(mat.HGSE, mh=np.array([0.01, -0.01])))
    with pytest.raises(TypeError, match="MaterialTable"):
        mat.hgcdse(0.5, table={"me": 1})


def test_design_tables_keep_the_frame_and_the_paper_at_its_values():
    prob = sensitivity.problem()
    x = sensitivity.design(prob, 4)
    t = sensitivity.tables(x)
    np.testing.assert_allclose(t.hgse.outside_gap_eV, mat.OUTSIDE_GAP_EV, atol=1e-12)
    paper = sensitivity.tables([[i.paper for i in sensitivity.TABLE_INPUTS]])
    for m, ref in ((paper.cdse, mat.CDSE), (paper.hgse, mat.HGSE)):
        np.testing.assert_allclose(m.dEv_eV, ref.dEv_eV, atol=1e-12)
    for i in sensitivity.INPUTS:
        assert i.low < i.paper < i.high and i.reason and i.source


# ------------------------------------------------------------------ a fast run
def _planted(table):
    out = verdicts.reading_map(CLAIMS, table)
    # a verdict that depends on the HgSe electron mass alone (fails at the paper's 0.042): it
    # must hinge on HGSE.me, and nothing else may carry any of its variance (planted in the
    # EMA's table only: one ledger entry is decided by one model)
    if "e_in_shell" in table:
        out["planted"] = table["input__hgse_me"] > 1.1 * mat.HGSE.me
    return out


@pytest.fixture(scope="module")
def fast():
    return sensitivity.compute(fast=True)


@pytest.fixture(scope="module")
def judged(fast):
    """The verdicts as the judge stage makes them: from the tables the kernel saves."""
    return sensitivity_verdicts.judge(
        sensitivity.parts_of(sensitivity.saved_tables(fast)), _planted
    )


def test_the_saved_tables_give_back_the_kernels_samples(fast, judged):
    """The judge sees exactly what the kernel sampled: the design and numbers read back from
    the saved tables, and the same verdicts as judging the kernel's own parts."""
    back = sensitivity.parts_of(sensitivity.saved_tables(fast))
    assert back.keys() == fast.parts.keys()
    for name, part in fast.parts.items():
        np.testing.assert_array_equal(back[name].x, part.x)
        assert back[name].nominal == part.nominal
    direct = sensitivity_verdicts.judge(fast.parts, _planted)
    assert direct.numbers == judged.numbers


def test_the_pages_judge_hook_records_each_entrys_probability(fast):
    from iece.paper.views import sensitivity as view

    out = view.judge(sensitivity.saved_tables(fast), CLAIMS)
    assert out["p_holds_figS5_depletion_67"] == 0.0
    assert "p_holds_fig1c_iece_complete_4h" in out.numbers
    assert "fig1c-iece-1h-energy" in out.sections["verdicts"][0]


def test_fast_run_numbers_at_the_paper_values_are_fig2egs(fast):
    ref = ema_numbers.one(LITERAL, X)
    for k in sensitivity.NUMBERS:
        assert fast[f"{k}_paper"] == ref[k], k
        assert fast[f"{k}_low"] <= ref[k] <= fast[f"{k}_high"] or not np.isfinite(ref[k])
    n = {m.name: sensitivity.FAST_N_BASE * (len(m.inputs) + 2) for m in sensitivity.models()}
    assert fast["n_samples_ema"] == sensitivity.FAST_N_BASE * (len(sensitivity.TABLE_INPUTS) + 2)
    assert {m: fast[f"n_samples_{m}"] for m in n} == n and fast["n_samples"] == sum(n.values())
    assert fast["n_samples_not_computable"] == 0


def test_fast_run_ranks_inputs(fast):
    names = {i.name for i in sensitivity.TABLE_INPUTS}
    for k in sensitivity.NUMBERS:
        assert fast[f"{k}_top1_input"] in names
        assert fast[f"{k}_top1_ST"] >= fast[f"{k}_top2_ST"]
    # the CdSe sizing curve cannot depend on HgSe's entries
    names = [i.name for i in sensitivity.TABLE_INPUTS]
    st = dict(zip(names, fast.indices["ST"]["cdse_sizing_rms_eV"]))
    assert all(abs(v) < 1e-12 for n, v in st.items() if n.startswith("HGSE"))


def test_planted_verdict_hinges_on_its_input(judged):
    assert judged["hinges_on_planted"] == "HGSE.me"
    inputs = judged.inputs_of("planted")
    st = dict(zip([i.name for i in inputs], judged.verdict_indices["planted"]))
    assert st.pop("HGSE.me") > 0.5 and all(v == 0 for v in st.values())
    assert not judged["holds_at_paper_values_planted"]
    assert 0 < judged["flip_fraction_planted"] < 1


def test_fast_run_verdicts_are_the_ledgers(judged):
    """At the paper's values each verdict is the ledger's for the reference medium."""
    by_id = {c.id: c for c in CLAIMS}
    for v in judged.verdicts:
        cid, held, frac = v.id, v.held, v.flip_fraction
        if cid == "planted":
            continue
        c = by_id[cid]
        expected = c.expected_by_choice.get("reference", c.expected_verdict)
        assert held == (expected in ("reproduced", "holds", "consistent")), cid
        assert 0.0 <= frac <= 1.0


def test_the_command_runs_resumes_and_refuses_a_bad_n(tmp_path, capsys):
    """``iece sensitivity``: one process here (the Dask paths are tests/test_distribute.py's);
    its chunks are kept, so a second run reads them all and writes the same numbers; an N that
    is not a power of 2 is refused before any work."""
    from iece import cli

    argv = ["--build-dir", str(tmp_path / "b"), "sensitivity", "--n", "8"]
    argv += ["--scheduler", "synchronous", "--no-progress"]
    assert cli.main(argv) == 0
    out = tmp_path / "b" / "sensitivity" / "n8.json"
    first = out.read_text()
    body = json.loads(first)
    assert body["n_samples"] == sum(8 * (len(m.inputs) + 2) for m in sensitivity.models())
    by_id = {r["id"]: r for r in body["verdicts"]}
    assert by_id["figS5-depletion-67"]["qualifier"] == "fails robustly"
    assert all(0 <= r["p_holds"] <= 1 for r in body["verdicts"])
    chunks = sorted((tmp_path / "b" / "sensitivity" / "chunks-n8").glob("*/*.npz"))
    per_model = body["n_samples_by_model"].values()
    assert len(chunks) == sum(-(-n // sensitivity.CHUNK) for n in per_model)
    stamps = [c.stat().st_mtime_ns for c in chunks]
    assert cli.main(argv) == 0
    assert out.read_text() == first
    assert [c.stat().st_mtime_ns for c in chunks] == stamps  # read back, not evaluated again
    capsys.readouterr()
    assert cli.main([*argv[:4], "12", *argv[5:]]) == 2
    assert "power of 2" in capsys.readouterr().err


def _entry(name: str, spread: str) -> str:
    return f'name = "{name}"\n{spread}label = "x"\nreason = "r"\n'


@pytest.mark.parametrize(
    "entry,needle",
    [
        (_entry("CDSE.me", ""), "one of relative, absolute, decades or rounding"),
        (_entry("CDSE.me", "relative = -0.1\n"), "positive"),
        (_entry("PBS.me", "relative = 0.1\n"), "CDSE.<field>"),
        (_entry("CDSE.me", "relative = 0.1\nabsolute = 0.1\n"), "one of"),
        (_entry("CDSE.me", "relative = 1.5\n"), "below 1"),
        (_entry("FIG1C.D_m2_per_s", "decades = 2\n"), 'decades must be "near"'),
        (_entry("HGSE.gap_eV", 'decades = "near"\n'), "positive paper value"),
        (_entry("FIG1C.diameter_nm", 'rounding = "CE_1S_1H_EV"\n'), "rounding must name"),
    ],
)
def test_a_declared_uncertainty_that_cannot_be_read_is_named(entry, needle):
    """The ranges are data (src/iece/paper/uncertainties.toml); a malformed entry is refused
    with the file, the entry and what is wrong, before any sample is drawn."""
    with pytest.raises(ValueError, match=re.escape(needle)) as info:
        uncertain.read_inputs("[[inputs]]\n" + entry, "u.toml")
    assert "u.toml, input 1" in str(info.value)


def test_the_declared_ranges_are_the_pages_inputs():
    text = (ROOT / "src" / "iece" / "paper" / uncertain.UNCERTAINTIES).read_text()
    assert uncertain.read_inputs(text) == sensitivity.INPUTS
    assert all(i.low < i.paper < i.high and i.reason for i in sensitivity.INPUTS)


# ------------------------------------------------------------------ the Fig. 1c chain
def test_a_decades_entry_reads_near_as_the_ledger_does():
    """``decades = "near"`` is the ledger's reading of "near ~10^n" (choices.NEAR_DECADES), so
    the range is not a second copy of it; a FIG1C name outside the chain's parameters is
    refused with the file and entry."""
    from iece.paper import choices

    (d,) = uncertain.read_inputs(
        '[[inputs]]\nname = "FIG1C.D_m2_per_s"\ndecades = "near"\nlabel = "D"\nreason = "r"\n'
    )
    assert d.scale == "log10" and d.paper == pytest.approx(np.log10(quoted.D_IECE_M2_PER_S.value))
    assert d.high - d.paper == pytest.approx(choices.NEAR_DECADES)
    assert d.value(d.paper) == pytest.approx(quoted.D_IECE_M2_PER_S.value)
    with pytest.raises(ValueError, match=r"u.toml, input 1 \(FIG1C.hours\).*FIG1C.<parameter>"):
        uncertain.read_inputs(
            '[[inputs]]\nname = "FIG1C.hours"\nrelative = 0.1\nlabel = "x"\nreason = "r"\n',
            "u.toml",
        )


def _model(name):
    return next(m for m in sensitivity.models() if m.name == name)


def test_the_chains_numbers_at_the_paper_values_are_fig1cs():
    """One definition per claim number: the exchange's x(4 h) is Crank's x at the paper's D and
    size, and the joint reading's numbers are fig1c.joint_D's for the literal medium."""
    a_nm = quoted.DIAMETER_PROTOTYPE_NM.value / 2
    t_s = quoted.IECE_COMPLETE_H.value * 3600.0
    x4 = diffusion.fraction_constant_surface([t_s], quoted.D_IECE_M2_PER_S.value, a_nm)[0]
    assert _model("exchange").nominal() == {"x_iece_4h": pytest.approx(x4, abs=1e-15)}
    j = fig1c.joint_D("reference", a_nm, quoted.D_IECE_M2_PER_S.value)
    assert _model("chain").nominal() == {
        "E_iece_1h_joint_eV": j["E_1h_eV"],
        "x_iece_4h_joint": j["x_4h"],
    }
    # and the sampled path at the paper's values gives the same numbers
    chain = _model("chain")
    out = chain.evaluate(np.array([[i.paper for i in chain.inputs]]), chain.inputs)
    assert out["x_iece_4h_joint"][0] == pytest.approx(j["x_4h"], abs=1e-9)


def test_x_after_4h_depends_on_D_over_a_squared_alone():
    """Dimensional analysis: the exchange sees D and the size only through D t / a^2, so a
    larger NC with D larger by the square of the size ratio gives the same x; and over the
    declared ranges D carries almost all of x's variance (its range is a decade, the size's a
    few per cent)."""
    m = _model("exchange")
    lgD = np.log10(quoted.D_IECE_M2_PER_S.value)
    x = np.array([[3.3, lgD], [3.34, lgD + 2 * np.log10(3.34 / 3.3)]])
    out = m.evaluate(x, m.inputs)["x_iece_4h"]
    assert out[0] == pytest.approx(out[1], rel=1e-12)
    prob = sensitivity.problem(m.inputs)
    xs = sensitivity.design(prob, 256)
    si = sensitivity.indices(prob, m.evaluate(xs, m.inputs)["x_iece_4h"])
    st = dict(zip((i.name for i in m.inputs), si["ST"]))
    assert st["FIG1C.D_m2_per_s"] > 0.9 and st["FIG1C.diameter_nm"] < 0.1


def test_the_joint_reading_batched_is_each_sample_solved_alone():
    """Brute force: the batched joint reading of three design rows (their own tables and
    sizes) equals each row's table and size solved alone, and its root is scipy's brentq on
    the same energy to 1e-5 in log10 D (an independent root finder)."""
    from scipy.optimize import brentq

    m = _model("chain")
    x = sensitivity.design(sensitivity.problem(m.inputs), 4)[:3]
    batch = m.evaluate(x, m.inputs)
    tables = sensitivity.tables(x, m.inputs)
    d = x[:, [i.name for i in m.inputs].index("FIG1C.diameter_nm")]
    D0 = quoted.D_IECE_M2_PER_S.value
    for k in range(3):
        alone = fig1c.joint_D_batch("reference", d[k], D0, table=tables.take([k]))
        assert batch["x_iece_4h_joint"][k] == pytest.approx(alone["x_4h"][0], abs=1e-12)
        assert batch["E_iece_1h_joint_eV"][k] == pytest.approx(alone["E_1h_eV"][0], abs=1e-12)
        one = tables.take([k]).rows(1)

        def miss(lg, k=k, one=one):
            th = diffusion.tau(3600.0, 10.0**lg, d[k] / 2)
            return exchange.energy_at_tau(th, d[k], table=one)[0] - quoted.IECE_1S_1H_EV.value

        from iece.paper import choices

        lo, hi = np.log10(D0) - choices.NEAR_DECADES, np.log10(D0) + choices.NEAR_DECADES
        assert miss(lo) * miss(hi) < 0  # each of these rows reaches the quoted energy
        root = brentq(miss, lo, hi, xtol=1e-8)
        assert np.log10(alone["D_hit"][0]) == pytest.approx(root, abs=1e-5)


def test_a_ledger_entry_decided_by_two_models_is_refused(fast):
    def passes(table):
        return {"twice": np.ones(len(next(iter(table.values()))), bool)}

    with pytest.raises(ValueError, match="twice is decided by two models"):
        sensitivity_verdicts.judge(fast.parts, passes)


def test_the_lifetime_numbers_at_the_paper_values_are_fig2js():
    """Finding 5's diagnostic sampled: at the paper's table the lifetimes model gives the EMA
    overlap^2 ratio fig2j records (3.3 nm at 1.5 eV, literal medium) over the least k_r ratio
    of the quoted decays at a 15 % alloy QY; the sampled path at the paper's values agrees."""
    from iece.paper import choices, fig2j

    m = _model("lifetimes")
    ratio = ema.matched_overlap_ratio(3.3, 1.5, choices.outside("reference"))["overlap2_ratio"]
    kr_low = fig2j.kr_ratio_lower_bound(0.15, quoted.QY_CORE_SHELL_MAX_PERCENT.value / 100)
    assert m.nominal() == {
        "ema_overlap2_ratio": ratio,
        "overlap2_ratio_over_kr_ratio_qy_low": ratio / kr_low,
    }
    out = m.evaluate(np.array([[i.paper for i in m.inputs]]), m.inputs)
    assert out["ema_overlap2_ratio"][0] == pytest.approx(ratio, abs=1e-9)


def test_the_size_range_is_the_rounding_of_the_printed_size():
    """'3.3 nm' printed to one decimal: half a unit of it, 0.05 nm either way, from the quoted
    number itself (not typed)."""
    (size,) = uncertain.named("FIG1C.diameter_nm")
    v = quoted.DIAMETER_PROTOTYPE_NM.value
    assert size.paper == v
    assert (size.low, size.high) == pytest.approx((v - 0.05, v + 0.05), abs=1e-12)


def test_the_command_runs_one_model_and_refuses_an_unknown_one(tmp_path, capsys):
    """``--model`` runs the models named (their samples only) and writes its own file; an
    unknown model is refused before any work, naming the models there are."""
    from iece import cli

    argv = ["--build-dir", str(tmp_path / "b"), "sensitivity", "--n", "4"]
    argv += ["--scheduler", "synchronous", "--no-progress", "--no-store"]
    assert cli.main([*argv, "--model", "exchange"]) == 0
    body = json.loads((tmp_path / "b" / "sensitivity" / "n4-exchange.json").read_text())
    assert body["n_samples_by_model"] == {"exchange": 4 * (2 + 2)}
    assert [r["id"] for r in body["verdicts"]] == ["fig1c-iece-complete-4h"]
    capsys.readouterr()
    assert cli.main([*argv, "--model", "nope"]) == 2
    assert "no sensitivity model nope (models: ema, lifetimes, exchange, chain)" in (
        capsys.readouterr().err
    )
