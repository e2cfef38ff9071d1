"""The ledger: schema, verbatim quotes, and every verdict against a fast run of the notebooks."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from iece.paper import quoted
from iece.pipeline import ledger
from iece.pipeline.results import FigureRun, Record, Results
from iece.pipeline.runner import Project

from .conftest import ROOT

CLAIMS = ledger.load(ROOT / "data" / "claims.toml")


def test_ledger_ids_unique_and_fields_valid():
    ids = [c.id for c in CLAIMS]
    assert len(ids) == len(set(ids))
    for c in CLAIMS:
        if c.expected_verdict == "not reproduced" or c.check == "not_checkable":
            assert c.explanation or c.reason, f"{c.id}: say why"


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.id for c in CLAIMS])
def test_quote_is_verbatim(claim, paper_text):
    assert ledger.quote_in_paper(claim.quote, paper_text), claim.quote


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.id for c in CLAIMS])
def test_verdict(claim, figure_run):
    _, _, results = figure_run
    (ev,) = ledger.evaluate([claim], results)
    assert ev.verdict == claim.expected_verdict, (
        f"{claim.id}: ours {ev.ours!r} (paper {claim.paper_value!r}) gives {ev.verdict!r},"
        f" ledger expects {claim.expected_verdict!r}. {ev.problems}"
    )


def test_results_cover_every_checkable_claim(figure_run):
    _, _, results = figure_run
    for c in CHECKABLE:
        recorded = results.figures[c.figure].results
        for name in (c.result, *(a.result for a in c.conditions)):
            assert name in recorded, (c.id, name)
            assert recorded[name].provenance in (c.provenance, "literature", "quoted"), c.id


def _violate(check: str, bound: float, holds: bool) -> float:
    """A value on the other side of ``bound`` from where it is now for a bound check."""
    far = 100 * (abs(bound) + 1.0)
    low = check in ("at_least", "greater_than")
    if holds:  # move to the failing side
        return bound - far if low else bound + far
    return bound + far if low else bound - far


def _flip(claim: ledger.Claim, rec: Record) -> Record:
    """A copy of ``rec`` whose value must change the claim's verdict: a reproduced value moves
    far outside every tolerance, any other value moves onto the paper's value."""
    v = rec.value
    reproduced = ledger._verdict_for(claim, v, rec.stderr)[0] == "reproduced"
    if claim.check == "range":
        lo, hi = (float(b) for b in claim.paper_value)
        new = hi + 10 * (hi - lo + claim.tolerance + 1) if reproduced else (lo + hi) / 2
    elif claim.check in ledger.BOUNDS:
        new = _violate(claim.check, claim.bound, reproduced)
    else:
        paper = float(claim.paper_value)
        spread = float(claim.tolerance) + float(claim.approx_tolerance or 0) + 1.0
        new = paper + 100 * spread * (rec.stderr or 1.0) * (abs(paper) + 1.0)
        new = new if reproduced else paper
    return dataclasses.replace(rec, value=new)


CHECKABLE = [c for c in CLAIMS if c.check != "not_checkable"]


@pytest.mark.parametrize("claim", CHECKABLE, ids=[c.id for c in CHECKABLE])
def test_verdict_follows_from_value(claim, figure_run):
    """Mutate the recorded value in a copy: the verdict must change. Every checkable claim
    is reached (there are no yes/no checks left)."""
    _, _, results = figure_run
    res = copy.deepcopy(results)
    fig = res.figures[claim.figure]
    rec = fig.results[claim.result]
    (before,) = ledger.evaluate([claim], res)
    if before.verdict == "not checkable":
        fig.results[claim.result] = dataclasses.replace(rec, value=1.0)
        for a in claim.conditions:  # make the extra conditions hold
            fig.results[a.result] = dataclasses.replace(
                rec, value=_violate(a.check, a.threshold, False)
            )
        (after,) = ledger.evaluate([claim], res)
        assert after.verdict != "not checkable"
        return
    fig.results[claim.result] = _flip(claim, rec)
    (after,) = ledger.evaluate([claim], res)
    assert before.verdict != after.verdict


CONDITIONS = [(c, a) for c in CHECKABLE for a in c.conditions]


@pytest.mark.parametrize(
    "claim,cond", CONDITIONS, ids=[f"{c.id}:{a.result}" for c, a in CONDITIONS]
)
def test_each_extra_condition_can_fail_the_claim(claim, cond, figure_run):
    """With the main check passing, violating one 'also' condition makes it not reproduced."""
    _, _, results = figure_run
    res = copy.deepcopy(results)
    fig = res.figures[claim.figure]
    main = fig.results[claim.result]
    if ledger._verdict_for(claim, main.value, main.stderr)[0] != "reproduced":
        fig.results[claim.result] = _flip(claim, main)
    for a in claim.conditions:
        ok = _violate(a.check, a.threshold, False)
        fig.results[a.result] = dataclasses.replace(fig.results[a.result], value=ok)
    (passing,) = ledger.evaluate([claim], res)
    assert passing.verdict == "reproduced", passing.problems
    bad = _violate(cond.check, cond.threshold, True)
    fig.results[cond.result] = dataclasses.replace(fig.results[cond.result], value=bad)
    (failing,) = ledger.evaluate([claim], res)
    assert failing.verdict == "not reproduced" and cond.result in failing.problems[0]


def _claim(**kw) -> ledger.Claim:
    """A minimal claim on result ``r`` of figure ``f``."""
    base = dict(id="t", figure="f", quote="q", location="l", quantity="x", provenance="computed")
    base |= dict(expected_verdict="reproduced", result="r", tolerance_rationale="why")
    return ledger.Claim(**base | kw)


def test_verdict_rules():
    c = _claim(check="abs", paper_value=1.0, tolerance=0.1, approx_tolerance=0.2)
    assert ledger._verdict_for(c, 1.05, None)[0] == "reproduced"
    assert ledger._verdict_for(c, 1.15, None)[0] == "approximately reproduced"
    assert ledger._verdict_for(c, 1.5, None)[0] == "not reproduced"
    c = _claim(check="range", paper_value=[0.8, 0.91], tolerance=0.0)
    assert ledger._verdict_for(c, 0.85, None)[0] == "reproduced"
    assert ledger._verdict_for(c, 0.95, None)[0] == "not reproduced"
    c = _claim(check="within_stderr", paper_value=3.8, tolerance=2.0)
    assert ledger._verdict_for(c, 3.9, 0.1)[0] == "reproduced"
    assert ledger._verdict_for(c, 4.1, 0.1)[0] == "not reproduced"
    c = _claim(check="at_least", threshold=0.95, tolerance=0.0)
    assert ledger._verdict_for(c, 0.95, None)[0] == "reproduced"
    assert ledger._verdict_for(c, 0.90, None)[0] == "not reproduced"
    c = _claim(check="greater_than", threshold=0.0)
    assert ledger._verdict_for(c, 1e-9, None)[0] == "reproduced"
    assert ledger._verdict_for(c, 0.0, None)[0] == "not reproduced"
    c = _claim(check="less_than", threshold=0.95)
    assert ledger._verdict_for(c, 0.94, None)[0] == "reproduced"
    assert ledger._verdict_for(c, 0.95, None)[0] == "not reproduced"
    with pytest.raises(ledger.LedgerError, match="not a number"):
        ledger._verdict_for(c, True, None)  # a yes/no is not a number


def _results(paper_defaults=True, **values) -> Results:
    recs = {k: Record(v, "1", "computed") for k, v in values.items()}
    return Results({"f": FigureRun("t", "n", {}, paper_defaults, "ok", results=recs)})


def test_non_default_run_is_not_evaluated():
    c = _claim(check="at_least", threshold=0.5)
    (ev,) = ledger.evaluate([c], _results(r=0.9))
    assert ev.verdict == "reproduced"
    (ev,) = ledger.evaluate([c], _results(paper_defaults=False, r=0.9))
    assert ev.verdict == "missing" and "parameters other than the paper's" in ev.problems[0]


def test_paper_values_come_from_quoted():
    by_id = {c.id: c for c in CLAIMS}
    assert by_id["fig1c-iece-1h-energy"].paper_value == quoted.IECE_1S_1H_EV.value
    assert by_id["fig2j-alloy-tau2"].paper_value == quoted.DECAY_ALLOY.value[3]
    for c in CLAIMS:
        assert c.paper_value is None or c.quoted, f"{c.id}: a paper value typed in the ledger"


def test_missing_result_is_not_a_pass():
    c = CLAIMS[0]
    (ev,) = ledger.evaluate([c], Results())
    assert ev.verdict == "missing" and not ev.ok


GOOD = (
    'id = "a"\nfigure = "f"\nquote = "q"\nlocation = "l"\nquantity = "x"\n'
    'provenance = "computed"\nexpected_verdict = "reproduced"\nresult = "r"\n'
    'tolerance_rationale = "why"\n'
)


@pytest.mark.parametrize(
    "body,needle",
    [
        ('id = "a"\nfigure = "f"\n', "claim a: missing field"),
        (
            GOOD + 'check = "abs"\nquoted = "CE_1S_1H_EV"\ntolerence = 0.1\n',
            "claim a: unknown field",
        ),
        (GOOD + 'check = "true"\n', "claim a: check must be one of"),
        (GOOD + 'check = "abs"\nquoted = "NO_SUCH"\n', "claim a: quoted = 'NO_SUCH'"),
        (GOOD + 'check = "abs"\n', "claim a: check 'abs' needs the paper's value"),
        (GOOD + 'check = "at_least"\n', "claim a: check 'at_least' needs a threshold"),
        (
            GOOD + 'check = "at_least"\nthreshold = 1.0\nalso = [{ result = "s", check = "is" }]\n',
            "claim a: each 'also'",
        ),
        (
            GOOD + 'check = "abs"\nquoted = "CE_1S_1H_EV"\npaper_value = 1.5\n',
            "claim a: give quoted or paper_value",
        ),
    ],
)
def test_malformed_ledger_entries_name_the_claim(tmp_path, body, needle):
    p = tmp_path / "claims.toml"
    p.write_text("[[claims]]\n" + body)
    with pytest.raises(ledger.LedgerError, match=needle.replace("(", r"\(")):
        ledger.load(p)


@pytest.mark.parametrize(
    "name", [n for n in dir(quoted) if isinstance(getattr(quoted, n), quoted.Quoted)]
)
def test_quoted_text_is_in_the_paper(name, paper_text):
    assert ledger.quote_in_paper(getattr(quoted, name).text, paper_text), name


def test_report_dashboard_lists_claims(figure_run):
    proj, _, _ = figure_run
    assert isinstance(proj, Project)
    html = (proj.report / "index.html").read_text()
    first_claim = html.index("claim-")
    assert first_claim < html.index('id="figures"')  # the dashboard comes first
    for c in CLAIMS:
        assert f'id="claim-{c.id}"' in html
