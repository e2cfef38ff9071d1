"""The ledger: schema, verbatim quotes, evidence classes, per-choice verdicts, input ranges, and
every verdict against a fast run of the notebooks."""

from __future__ import annotations

import copy
import dataclasses
import re

import pytest

from iece.paper import quoted
from iece.pipeline import bundle, ledger, verdicts
from iece.pipeline.results import FigureRun, Record, Results
from iece.pipeline.runner import Project

from .conftest import ROOT

#: The paper the ledgers written here name (they live outside any project).
PAPER = bundle.load(ROOT)

ENTRIES = ledger.load(ROOT / "data" / "claims.toml")
CLAIMS = [c for c in ENTRIES if c.kind == "claim"]
CHECKABLE = [c for c in ENTRIES if c.check != "not_checkable"]


def test_every_verdict_explained():
    """Every entry of the real ledger says why, in words (the loader accepts any non-empty
    string, so a blank one is caught here)."""
    for c in ENTRIES:
        assert (c.explanation or c.reason).strip(), f"{c.id}: say why"


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.id for c in CLAIMS])
def test_quote_is_verbatim(claim, paper_text):
    assert ledger.quote_in_paper(claim.quote, paper_text), claim.quote


@pytest.mark.parametrize("claim", ENTRIES, ids=[c.id for c in ENTRIES])
def test_verdict(claim, figure_run):
    """The headline verdict and, for an open choice, the verdict under every value."""
    _, _, results = figure_run
    (ev,) = verdicts.evaluate([claim], results)
    rows = {v: verdict for v, (verdict, _) in ev.by_choice.items()}
    assert ev.ok, (
        f"{claim.id}: ours {ev.ours!r} gives {ev.verdict!r} {rows}, ledger expects "
        f"{claim.expected_verdict!r} {claim.expected_by_choice}. {ev.problems}"
    )


def test_results_cover_every_checkable_claim(figure_run):
    _, _, results = figure_run
    for c in CHECKABLE:
        recorded = results.figures[c.figure].results
        for name in c.record_names():
            assert name in recorded, (c.id, name)


@pytest.mark.parametrize("claim", ENTRIES, ids=[c.id for c in ENTRIES])
def test_explanations_fill_in_their_numbers(claim, figure_run):
    """No typed decimal number or percentage outside a {placeholder} (the paper's own words in
    quotation marks aside); every placeholder fills."""
    _, _, results = figure_run
    text = claim.explanation or claim.reason
    bare = re.sub(r"\{[^}]*\}|'[^']*'", "", text)
    assert not re.search(r"\d+\.\d+|\d+ ?%", bare), f"{claim.id}: a typed number in {bare!r}"
    filled = verdicts.explain(claim, results.figures.get(claim.figure), results)
    assert "{" not in filled and "computes it" not in filled


def _violate(check: str, bound: float, holds: bool) -> float:
    """A value on the other side of ``bound`` from where it is now for a bound check."""
    far = 100 * (abs(bound) + 1.0)
    low = check in ("at_least", "greater_than")
    if holds:  # move to the failing side
        return bound - far if low else bound + far
    return bound + far if low else bound - far


def _flip(claim: ledger.Claim, rec: Record) -> Record:
    """A copy of ``rec`` whose value must change the claim's verdict: a passing value moves
    far outside every tolerance, any other value moves onto the paper's value or bound."""
    passes = verdicts.outcome(claim, rec.value, rec.stderr)[0] == "pass"
    if claim.check == "range":
        lo, hi = sorted(float(b) for b in claim.paper_value)
        new = hi + 10 * (hi - lo + claim.tolerance + 1) if passes else (lo + hi) / 2
    elif claim.check in ledger.BOUNDS:
        new = _violate(claim.check, claim.bound, passes)
    else:
        paper = float(claim.paper_value)
        spread = float(claim.tolerance) + float(claim.approx_tolerance or 0) + 1.0
        new = paper + 100 * spread * (rec.stderr or 1.0) * (abs(paper) + 1.0) if passes else paper
    return dataclasses.replace(rec, value=new)


@pytest.mark.parametrize("claim", CHECKABLE, ids=[c.id for c in CHECKABLE])
def test_verdict_follows_from_value(claim, figure_run):
    """Mutate the recorded value(s) in a copy: the headline verdict must change."""
    _, _, results = figure_run
    res = copy.deepcopy(results)
    fig = res.figures[claim.figure]
    (before,) = verdicts.evaluate([claim], res)
    names = claim.across or [claim.result]
    if before.verdict == "not checkable":
        for n in names:
            fig.results[n] = dataclasses.replace(fig.results[n], value=1.0)
        for a in claim.conditions:
            value = _violate(a.check, a.threshold, False)
            fig.results[a.result] = dataclasses.replace(fig.results[a.result], value=value)
        (after,) = verdicts.evaluate([claim], res)
        assert after.verdict != "not checkable"
        return
    if claim.across:  # every point of the range to the other side of the headline
        fail = before.verdict == claim.words[0]
        for n in names:
            value = _violate(claim.check, claim.bound, fail)
            fig.results[n] = dataclasses.replace(fig.results[n], value=value)
    else:
        fig.results[claim.result] = _flip(claim, fig.results[claim.result])
        if before.verdict == claim.words[2]:  # a fail flips to a pass only if its conditions hold
            for a in claim.conditions:
                value = _violate(a.check, a.threshold, False)
                fig.results[a.result] = dataclasses.replace(fig.results[a.result], value=value)
    (after,) = verdicts.evaluate([claim], res)
    assert before.verdict != after.verdict


CONDITIONS = [(c, a) for c in CHECKABLE for a in c.conditions]


@pytest.mark.parametrize(
    "claim,cond", CONDITIONS, ids=[f"{c.id}:{a.result}" for c, a in CONDITIONS]
)
def test_each_extra_condition_can_fail_the_claim(claim, cond, figure_run):
    """With the main check passing, violating one 'also' condition makes the claim fail."""
    _, _, results = figure_run
    res = copy.deepcopy(results)
    fig = res.figures[claim.figure]
    main = fig.results[claim.result]
    if verdicts.outcome(claim, main.value, main.stderr)[0] != "pass":
        fig.results[claim.result] = _flip(claim, main)
    for a in claim.conditions:
        ok = _violate(a.check, a.threshold, False)
        fig.results[a.result] = dataclasses.replace(fig.results[a.result], value=ok)
    (passing,) = verdicts.evaluate([claim], res)
    assert passing.verdict == claim.words[0], passing.problems
    bad = _violate(cond.check, cond.threshold, True)
    fig.results[cond.result] = dataclasses.replace(fig.results[cond.result], value=bad)
    (failing,) = verdicts.evaluate([claim], res)
    assert failing.verdict == claim.words[2] and cond.result in failing.problems[0]


# ----------------------------------------------------------------- rules on synthetic results
def _claim(**kw) -> ledger.Claim:
    """A minimal independent claim on result ``r`` of figure ``f``."""
    base = dict(id="t", figure="f", quote="q", location="l", quantity="x", provenance="computed")
    base |= dict(expected_verdict="reproduced", result="r", tolerance_rationale="why")
    base |= dict(evidence="independent", explanation="because", paper=bundle.load(ROOT))
    return ledger.Claim(**base | kw)


def _results(paper_defaults=True, provenance="computed", **values) -> Results:
    recs = {k: Record(v, "1", provenance) for k, v in values.items()}
    return Results({"f": FigureRun("t", "n", {}, paper_defaults, "ok", results=recs)})


def test_outcome_rules():
    c = _claim(check="abs", paper_value=1.0, tolerance=0.1, approx_tolerance=0.2)
    assert [verdicts.outcome(c, v, None)[0] for v in (1.05, 1.15, 1.5)] == ["pass", "near", "fail"]
    c = _claim(check="range", paper_value=[0.91, 0.8])  # either order
    assert [verdicts.outcome(c, v, None)[0] for v in (0.85, 0.95)] == ["pass", "fail"]
    c = _claim(check="within_stderr", paper_value=3.8, tolerance=2.0)
    assert [verdicts.outcome(c, v, 0.1)[0] for v in (3.9, 4.1)] == ["pass", "fail"]
    c = _claim(check="at_least", threshold=0.95)
    assert [verdicts.outcome(c, v, None)[0] for v in (0.95, 0.90)] == ["pass", "fail"]
    c = _claim(check="greater_than", threshold=0.0)
    assert [verdicts.outcome(c, v, None)[0] for v in (1e-9, 0.0)] == ["pass", "fail"]
    c = _claim(check="less_than", threshold=0.95)
    assert [verdicts.outcome(c, v, None)[0] for v in (0.94, 0.95)] == ["pass", "fail"]
    with pytest.raises(ledger.LedgerError, match="not a number"):
        verdicts.outcome(c, True, None)  # a yes/no is not a number


@pytest.mark.parametrize(
    "evidence,words",
    [
        ("independent", ("reproduced", "not reproduced")),
        ("consistency", ("consistent", "inconsistent")),
        ("method", ("method validated", "method failed")),
    ],
)
def test_evidence_classes_have_their_own_words(evidence, words):
    c = _claim(check="at_least", threshold=0.5, evidence=evidence, expected_verdict=words[0])
    assert verdicts.evaluate([c], _results(r=0.9))[0].verdict == words[0]
    assert verdicts.evaluate([c], _results(r=0.1))[0].verdict == words[1]


def test_a_method_validation_can_never_read_reproduced(tmp_path):
    p = tmp_path / "claims.toml"
    p.write_text(
        "[[claims]]\n" + GOOD.replace('"independent"', '"method"') + 'check = "at_least"\n'
        'threshold = 1.0\nexpected_verdict = "reproduced"\n'
    )
    with pytest.raises(ledger.LedgerError, match="for method evidence must be one of"):
        ledger.load(p, paper=PAPER)


def test_per_choice_verdicts_and_robustness():
    c = _claim(
        check="at_least",
        threshold=0.5,
        choice="sizing",
        expected_by_choice={"jasieniak": "reproduced", "yu": "not reproduced"},
    )
    res = _results(r=0.9, r__jasieniak=0.9, r__yu=0.1)
    (ev,) = verdicts.evaluate([c], res)
    assert ev.verdict == "reproduced" and ev.ok
    assert ev.robustness == (
        "depends on CdSe sizing curve: reproduced under jasieniak; not reproduced under yu"
    )
    (ev,) = verdicts.evaluate([c], _results(r=0.9, r__jasieniak=0.9, r__yu=0.9))
    assert ev.robustness == "robust" and not ev.ok  # the ledger expected yu to fail


def test_a_claim_on_two_choices_has_verdicts_under_each_and_counterfactuals_decide_nothing():
    """One choice at a time, the other at its default: the verdict under every value of both.
    A value the text rules out (outside 'infinite': the Methods' barriers are 'finite
    potential energy'; geometry 'thickness': x is the 'total mercury composition') shows its
    verdict but never makes the claim depend on a choice."""
    rows = {"reference": 0.9, "vacuum": 0.9, "calibrated": 0.9, "infinite": 0.1}
    rows |= {"volume": 0.9, "thickness": 0.1}
    expected = {v: "reproduced" if x > 0.5 else "not reproduced" for v, x in rows.items()}
    c = _claim(
        check="at_least",
        threshold=0.5,
        choice=["outside", "geometry"],
        expected_by_choice=expected,
    )
    (ev,) = verdicts.evaluate([c], _results(r=0.9, **{f"r__{v}": x for v, x in rows.items()}))
    assert ev.ok and ev.verdict == "reproduced"
    assert set(ev.by_choice) == set(rows) and ev.by_choice["thickness"][0] == "not reproduced"
    assert ev.robustness == "robust" and ev.depends_on == []
    assert ev.counterfactuals == ["infinite", "thickness"]
    # an allowed value that changes the verdict: the claim depends on that choice, by its label
    rows["vacuum"] = 0.1
    (ev,) = verdicts.evaluate([c], _results(r=0.9, **{f"r__{v}": x for v, x in rows.items()}))
    assert ev.depends_on == ["outside"]
    assert ev.robustness == (
        "depends on EMA outside medium: reproduced under reference, calibrated; not reproduced "
        "under vacuum"
    )
    assert verdicts.category(ev.verdict, ev.robustness) == verdicts.DEPENDS


@pytest.mark.parametrize(
    "mode,low,high,expected",
    [
        ("any", 0.1, 0.9, "reproduced"),  # an uncertain input that rescues the claim
        ("any", 0.1, 0.2, "not reproduced"),  # ... and one that does not
        ("all", 0.1, 0.9, "not reproduced"),  # a statement about a whole series
        ("all", 0.6, 0.9, "reproduced"),
        ("undecided", 0.1, 0.9, "not checkable"),  # rounding that decides nothing
        ("undecided", 0.6, 0.9, "reproduced"),
    ],
)
def test_input_ranges(mode, low, high, expected):
    c = _claim(check="at_least", threshold=0.5, across=["lo", "hi"], across_mode=mode)
    (ev,) = verdicts.evaluate([c], _results(r=0.5, lo=low, hi=high))
    assert ev.verdict == expected


def test_literature_support_is_shown(figure_run):
    _, _, results = figure_run
    (ev,) = verdicts.evaluate([c for c in CLAIMS if c.id == "fig5-narrower-than-swir"], results)
    n = results.figures["fig5fg"].results["swir_narrower_n"].value
    assert ev.verdict == "not checkable" and f"insufficient data: {n} points" in ev.support


def test_provenance_must_match_the_record():
    c = _claim(check="at_least", threshold=0.5)
    with pytest.raises(ledger.LedgerError, match="provenance 'computed' but result"):
        verdicts.evaluate([c], _results(provenance="quoted", r=0.9))


def test_non_default_run_is_not_evaluated():
    c = _claim(check="at_least", threshold=0.5)
    (ev,) = verdicts.evaluate([c], _results(r=0.9))
    assert ev.verdict == "reproduced"
    (ev,) = verdicts.evaluate([c], _results(paper_defaults=False, r=0.9))
    assert ev.verdict == "missing" and "parameters other than the paper's" in ev.problems[0]


def test_missing_result_is_not_a_pass():
    (ev,) = verdicts.evaluate([CHECKABLE[0]], Results())
    assert ev.verdict == "missing" and not ev.ok


def test_paper_values_come_from_quoted():
    by_id = {c.id: c for c in ENTRIES}
    assert by_id["fig2j-alloy-tau2"].paper_value == quoted.DECAY_ALLOY.value[3]
    for c in ENTRIES:
        assert c.paper_value is None or c.quoted, f"{c.id}: a paper value typed in the ledger"


def test_headline_counts_independent_evidence_only(figure_run):
    _, _, results = figure_run
    s = verdicts.summary(verdicts.evaluate(ENTRIES, results))
    indep = [c for c in CLAIMS if c.evidence == "independent"]
    assert s["independent"] == sum(
        1 for e in verdicts.evaluate(indep, results) if e.verdict != "not checkable"
    )
    parts = ("reproduced", "approximately reproduced", "not reproduced", "depends on a choice")
    assert sum(s[k] for k in parts) == s["independent"]
    assert s["method"] == {"method validated": sum(c.evidence == "method" for c in CLAIMS)}


GOOD = (
    'id = "a"\nfigure = "f"\nquote = "q"\nlocation = "l"\nquantity = "x"\n'
    'provenance = "computed"\nevidence = "independent"\nresult = "r"\n'
    'tolerance_rationale = "why"\nexplanation = "because"\n'
)


ACCEPTED = 'check = "at_least"\nthreshold = 1.0\nexpected_verdict = "reproduced"\n'
DIAGNOSTIC = (
    'id = "a"\nfigure = "f"\nquantity = "x"\ncheck = "at_least"\nthreshold = 1.0\n'
    'result = "r"\nprovenance = "computed"\nexpected_verdict = "holds"\n'
    'explanation = "because"\ntolerance_rationale = "why"\n'
)


@pytest.mark.parametrize(
    "second,needle",
    [
        ("[[claims]]\n" + GOOD + ACCEPTED, "claim a: duplicate id"),
        ("[[diagnostics]]\n" + DIAGNOSTIC, "claim a: duplicate id"),
        ("[[claims]]\n" + GOOD.replace('id = "a"', 'id = "b"') + ACCEPTED, None),
    ],
    ids=["claim-claim", "claim-diagnostic", "distinct"],
)
def test_ids_unique(tmp_path, second, needle):
    """The ledger refuses an id used twice, in either table. (The old test asserted the
    uniqueness of what the loader had already checked, so it could not fail.)"""
    p = tmp_path / "claims.toml"
    p.write_text("[[claims]]\n" + GOOD + ACCEPTED + second)
    if needle is None:
        assert [c.id for c in ledger.load(p, paper=PAPER)] == ["a", "b"]
        return
    with pytest.raises(ledger.LedgerError, match=needle):
        ledger.load(p, paper=PAPER)


NO_WHY = GOOD.replace('explanation = "because"\n', "")


@pytest.mark.parametrize(
    "body,needle",
    [
        (NO_WHY + ACCEPTED, "a checkable claim needs an explanation"),
        (
            NO_WHY.replace('"independent"', '"none"')
            + 'check = "not_checkable"\nexpected_verdict = "not checkable"\n',
            "a not-checkable claim needs a reason",
        ),
    ],
    ids=["explanation", "reason"],
)
def test_a_verdict_without_its_why_is_refused(tmp_path, body, needle):
    p = tmp_path / "claims.toml"
    p.write_text("[[claims]]\n" + body)
    with pytest.raises(ledger.LedgerError, match=f"claim a: {needle}"):
        ledger.load(p, paper=PAPER)


@pytest.mark.parametrize(
    "body,needle",
    [
        ('id = "a"\nfigure = "f"\n', "claim a: missing field"),
        (
            GOOD + 'check = "abs"\nquoted = "CE_1S_1H_EV"\ntolerence = 0.1\n'
            'expected_verdict = "reproduced"\n',
            "claim a: unknown field",
        ),
        (
            GOOD + 'check = "true"\nexpected_verdict = "reproduced"\n',
            "claim a: check must be one of",
        ),
        (
            GOOD + 'check = "abs"\nquoted = "NO_SUCH"\nexpected_verdict = "reproduced"\n',
            "claim a: quoted = 'NO_SUCH'",
        ),
        (
            GOOD + 'check = "abs"\nexpected_verdict = "reproduced"\n',
            "claim a: check 'abs' needs the paper's value",
        ),
        (
            GOOD + 'check = "at_least"\nexpected_verdict = "reproduced"\n',
            "claim a: check 'at_least' needs a threshold",
        ),
        (
            GOOD + 'check = "at_least"\nthreshold = 1.0\nexpected_verdict = "reproduced"\n'
            'also = [{ result = "s", check = "is" }]\n',
            "claim a: each 'also'",
        ),
        (
            GOOD + 'check = "not_checkable"\nreason = "r"\nexpected_verdict = "not checkable"\n',
            "not_checkable check goes with evidence 'none'",
        ),
        (
            GOOD + 'check = "at_least"\nthreshold = 1.0\nexpected_verdict = "consistent"\n',
            "for independent evidence must be one of",
        ),
        (
            GOOD + 'check = "at_least"\nthreshold = 1.0\nexpected_verdict = "reproduced"\n'
            'choice = "colour"\n',
            "choice 'colour' must be one of",
        ),
        (
            GOOD + 'check = "at_least"\nthreshold = 1.0\nexpected_verdict = "reproduced"\n'
            'choice = "sizing"\nexpected_by_choice = { jasieniak = "reproduced" }\n',
            "expected_by_choice needs exactly",
        ),
        (
            GOOD + 'check = "at_least"\nthreshold = 1.0\nexpected_verdict = "reproduced"\n'
            'across = ["a", "b"]\n',
            "across needs two or more results",
        ),
        (
            GOOD.replace('"independent"', '"diagnostic"') + ACCEPTED,
            "claim a: evidence 'diagnostic' belongs to [[diagnostics]] entries only",
        ),
        ('id = "a"\nfigure = "f"\n[oops\n', "claims.toml is not valid TOML"),
    ],
)
def test_malformed_ledger_entries_name_the_claim(tmp_path, body, needle):
    """The project's LedgerError, never another exception, with a message that names the
    claim (the test had accepted any Exception, so a KeyError or TypeError from a malformed
    entry passed)."""
    p = tmp_path / "claims.toml"
    p.write_text("[[claims]]\n" + body)
    with pytest.raises(ledger.LedgerError, match=re.escape(needle)) as info:
        ledger.load(p, paper=PAPER)
    assert type(info.value) is ledger.LedgerError


@pytest.mark.parametrize(
    "body",
    [
        GOOD + 'check = "true"\nexpected_verdict = "reproduced"\n',
        GOOD + 'check = "abs"\nquoted = "NO_SUCH"\nexpected_verdict = "reproduced"\n',
        GOOD + ACCEPTED + "tolerence = 0.1\n",
        GOOD + ACCEPTED.replace('"reproduced"', '"consistent"'),
    ],
    ids=["check", "quoted", "unknown-field", "verdict-word"],
)
def test_malformed_ledger_entries_name_the_file_and_line(tmp_path, body):
    """GUIDE: bad input gives an error naming the file and line. A malformed second entry must
    be placed by its file name and a line within its own lines."""
    first = "[[claims]]\n" + GOOD.replace('id = "a"', 'id = "ok"') + ACCEPTED + "\n"
    p = tmp_path / "claims.toml"
    p.write_text(first + "[[claims]]\n" + body)
    start = first.count("\n") + 1
    lines = range(start, start + body.count("\n") + 1)
    with pytest.raises(ledger.LedgerError) as info:
        ledger.load(p, paper=PAPER)
    msg = str(info.value)
    assert "claims.toml" in msg, msg
    m = re.search(r"line (\d+)", msg)
    assert m and int(m.group(1)) in lines, (msg, list(lines))


@pytest.mark.parametrize(
    "name", [n for n in dir(quoted) if isinstance(getattr(quoted, n), quoted.Quoted)]
)
def test_quoted_text_is_in_the_paper(name, paper_text):
    assert ledger.quote_in_paper(getattr(quoted, name).text, paper_text), name


def test_report_dashboard_lists_claims(figure_run):
    proj, _, results = figure_run
    assert isinstance(proj, Project)
    html = (proj.report / "index.html").read_text()
    first_claim = html.index("claim-")
    assert first_claim < html.index('id="figures"')  # the dashboard comes first
    assert "independent checks:" in html and 'id="diagnostics"' in html
    for c in ENTRIES:
        assert f'id="claim-{c.id}"' in html
    quotes = re.findall(r'<span class="quote">(.*?)</span><br>', html, re.S)
    assert len(quotes) == len(CLAIMS)
    for q in quotes:  # rendered: no raw TeX or markdown reaches the reader
        text = re.sub(r"<math.*?</math>", "", q, flags=re.S)
        assert not re.search(r"\$|\\sim|\*\*|_\{|\^\{", text), text


def test_dashboard_counts_add_up_and_say_which_depend_on_a_choice(figure_run):
    """The chips had read "reproduced 11" beside a headline of "6 reproduced, 8 depend on a
    choice", with nothing to reconcile them. Now one table of counts under the headline's rule
    (a claim whose verdict changes with an open choice counts under "depends on a choice"),
    and the headline sentence reads its numbers from it."""
    proj, _, results = figure_run
    html = (proj.report / "index.html").read_text()
    table = html[html.index('<table class="counts"') : html.index('<p class="rule">')]
    head = re.findall(r'<th scope="col">(.*?)</th>', table)
    total = re.search(r"<strong>all claims</strong>(.*?)</tr>", table, re.S).group(1)
    cells = [int(n) for n in re.findall(r"<strong>(\d+)</strong>", total)]
    evaluated = [e for e in verdicts.evaluate(ENTRIES, results) if e.claim.kind == "claim"]
    assert sum(cells[:-1]) == cells[-1] == len(evaluated) == len(CLAIMS)
    depends = sum(
        e.robustness.startswith("depends") and e.verdict != "not checkable" for e in evaluated
    )
    assert cells[head.index("depends on a choice") - 1] == depends > 0
    s = verdicts.summary(evaluated)
    assert verdicts.headline(s).split(".")[0] in html  # the same sentence as `iece claims`
    assert html.count("independent checks:") == 1 and '<p class="counts">' not in html


def test_pages_carry_no_warning_or_stderr_text(figure_run):
    """No stderr stream or Python warning reaches a page (issue 14, item 4)."""
    proj, _, _ = figure_run
    for page in sorted(proj.report.glob("*.html")):
        html = page.read_text()
        assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html, page.name
        assert not re.search(r"\w+Warning:", html), page.name
        assert str(ROOT) not in html and "site-packages" not in html, page.name


def test_a_condition_recorded_for_some_values_of_a_choice_only_is_refused():
    """A condition read per value falls back to its one record only when it does not vary;
    recorded for some values of a choice but not all, it is a forgotten record, never a silent
    fallback to the default reading's."""
    c = _claim(
        check="at_least",
        threshold=0.5,
        also=[{"result": "q", "check": "at_least", "threshold": 0.0}],
        choice="sizing",
        expected_by_choice={"jasieniak": "reproduced", "yu": "reproduced"},
    )
    once = _results(r=0.9, r__jasieniak=0.9, r__yu=0.9, q=1.0)
    (ev,) = verdicts.evaluate([c], once)
    assert ev.ok
    partial = _results(r=0.9, r__jasieniak=0.9, r__yu=0.9, q=1.0, q__jasieniak=1.0)
    with pytest.raises(ledger.LedgerError, match="recorded per value of sizing except yu"):
        verdicts.evaluate([c], partial)


@pytest.mark.parametrize(
    "p,words", [(0.99, "holds robustly"), (0.5, "fragile"), (0.01, "fails robustly")]
)
def test_a_sampled_probability_of_holding_gives_the_qualifier(p, words):
    """A figure that sampled the declared input uncertainty records p_holds_<entry id>; the
    entry's qualifier follows the paper's ROBUST_PROBABILITY, beside its verdict (which stays
    the one at the paper's values)."""
    c = _claim(check="at_least", threshold=0.5)
    res = _results(r=0.9)
    sampled = FigureRun("t", "n", {}, True, "ok", results={"p_holds_t": Record(p, "1", "computed")})
    res.figures["s"] = sampled
    (ev,) = verdicts.evaluate([c], res)
    assert ev.verdict == "reproduced" and ev.uncertainty == words
    assert ev.as_dict()["uncertainty_figure"] == "s" and ev.as_dict()["p_holds"] == p
    (ev,) = verdicts.evaluate([c], _results(r=0.9))
    assert ev.uncertainty == "" and ev.p_holds is None  # nothing sampled it


def test_every_fig2eg_ema_claim_reads_every_choice_fig2eg_records():
    """fig2eg records each EMA claim number under the outside medium and every one of its
    EMA_CHOICES; an entry that names fewer would hide a verdict it has, one that names more a
    record that is not there."""
    from iece.paper import fig2eg

    ema = [c for c in ENTRIES if c.figure == "fig2eg" and c.choice]
    assert len(ema) >= 10
    for c in ema:
        assert c.choices == ("outside", *fig2eg.EMA_CHOICES), c.id
