"""The ledger: schema, verbatim quotes, and every verdict against a fast run of the notebooks."""

from __future__ import annotations

import copy

import pytest

from iece import ledger
from iece.runner import Project

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
    for c in CLAIMS:
        if c.check != "not_checkable":
            assert c.result in results.get(c.figure, {}).get("results", {}), c.id


def _flip(claim: ledger.Claim, rec: dict) -> dict:
    """A copy of ``rec`` whose value must change the claim's verdict: a reproduced value moves
    far outside every tolerance, any other value moves onto the paper's value."""
    rec = copy.deepcopy(rec)
    v = rec["value"]
    if claim.check == "true":
        rec["value"] = not v
        return rec
    reproduced = ledger._verdict_for(claim, v, rec.get("stderr"))[0] == "reproduced"
    if claim.check == "range":
        lo, hi = (float(b) for b in claim.paper_value)
        rec["value"] = hi + 10 * (hi - lo + claim.tolerance + 1) if reproduced else (lo + hi) / 2
        return rec
    paper = float(claim.paper_value)
    spread = float(claim.tolerance) + float(claim.approx_tolerance or 0) + 1.0
    scale = (rec.get("stderr") or 1.0) * (abs(paper) + 1.0)
    far = (
        paper - 100 * spread * scale if claim.check == "at_least" else paper + 100 * spread * scale
    )
    rec["value"] = far if reproduced else paper
    return rec


@pytest.mark.parametrize(
    "claim",
    [c for c in CLAIMS if c.check != "not_checkable"],
    ids=[c.id for c in CLAIMS if c.check != "not_checkable"],
)
def test_verdict_follows_from_value(claim, figure_run):
    """Mutate the recorded value in a copy: the verdict must change."""
    _, _, results = figure_run
    res = copy.deepcopy(results)
    rec = res[claim.figure]["results"][claim.result]
    (before,) = ledger.evaluate([claim], res)
    res[claim.figure]["results"][claim.result] = _flip(claim, rec)
    (after,) = ledger.evaluate([claim], res)
    assert before.verdict != after.verdict


def test_verdict_rules():
    base = dict(
        id="t",
        figure="f",
        quote="q",
        location="l",
        quantity="x",
        provenance="computed",
        expected_verdict="reproduced",
        result="r",
        tolerance_rationale="why",
    )
    c = ledger.Claim(**base, check="abs", paper_value=1.0, tolerance=0.1, approx_tolerance=0.2)
    assert ledger._verdict_for(c, 1.05, None)[0] == "reproduced"
    assert ledger._verdict_for(c, 1.15, None)[0] == "approximately reproduced"
    assert ledger._verdict_for(c, 1.5, None)[0] == "not reproduced"
    c = ledger.Claim(**base, check="range", paper_value=[0.8, 0.91], tolerance=0.0)
    assert ledger._verdict_for(c, 0.85, None)[0] == "reproduced"
    assert ledger._verdict_for(c, 0.95, None)[0] == "not reproduced"
    c = ledger.Claim(**base, check="within_stderr", paper_value=3.8, tolerance=2.0)
    assert ledger._verdict_for(c, 3.9, 0.1)[0] == "reproduced"
    assert ledger._verdict_for(c, 4.1, 0.1)[0] == "not reproduced"
    c = ledger.Claim(**base, check="at_least", paper_value=0.95, tolerance=0.0)
    assert ledger._verdict_for(c, 0.96, None)[0] == "reproduced"
    assert ledger._verdict_for(c, 0.90, None)[0] == "not reproduced"


def test_missing_result_is_not_a_pass():
    c = CLAIMS[0]
    (ev,) = ledger.evaluate([c], {})
    assert ev.verdict == "missing" and not ev.ok


def test_malformed_ledger_entries(tmp_path):
    p = tmp_path / "claims.toml"
    p.write_text('[[claims]]\nid = "a"\nfigure = "f"\n')
    with pytest.raises(ledger.LedgerError, match="missing field"):
        ledger.load(p)


def test_report_dashboard_lists_claims(figure_run):
    proj, _, _ = figure_run
    assert isinstance(proj, Project)
    html = (proj.report / "index.html").read_text()
    first_claim = html.index("claim-")
    assert first_claim < html.index('id="figures"')  # the dashboard comes first
    for c in CLAIMS:
        assert f'id="claim-{c.id}"' in html
