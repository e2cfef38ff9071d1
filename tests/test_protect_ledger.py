"""The ledger and its templates refuse what they cannot use (issue 24, item 5).

Each test is one way a malformed ``data/claims.toml`` once broke the ledger with a traceback
(an index out of range, a 400-digit threshold, a string threshold), or was accepted and gave
a verdict that meant nothing (a negative or NaN tolerance, an infinite threshold, an empty
ledger, an unknown figure whose claims then suggested running it), or made a template do
more than fill in a number (attribute access, a 100 MB width). Each is now one
:class:`~iece.pipeline.ledger.LedgerError` naming the file, the line and the claim.
"""

from __future__ import annotations

import re
import shutil

import pytest

from iece.pipeline import bundle, ledger, verdicts
from iece.pipeline.results import FigureRun, Record, Results

from .conftest import ROOT
from .test_spine import FIXTURE

#: The paper the ledgers written here name (they live outside any project).
PAPER = bundle.load(ROOT)

HEAD = (
    'id = "a"\nfigure = "f"\nquote = "q"\nlocation = "l"\nquantity = "x"\n'
    'provenance = "computed"\nevidence = "independent"\nresult = "r"\n'
    'tolerance_rationale = "why"\nexpected_verdict = "reproduced"\n'
)
OK_ENTRY = (
    '[[claims]]\nid = "ok"\nfigure = "f"\nquote = "q"\nlocation = "l"\nquantity = "x"\n'
    'provenance = "computed"\nevidence = "independent"\nresult = "r"\n'
    'tolerance_rationale = "why"\nexpected_verdict = "reproduced"\nexplanation = "because"\n'
    'check = "at_least"\nthreshold = 1.0\n\n'
)


def _load(tmp_path, body: str, explanation: str = "because", figures=None, figure="f"):
    """Load a ledger of a good entry and then ``body``; return the error's message, which
    must name the file and a line of the second entry."""
    head = HEAD.replace('figure = "f"', f"figure = {figure!r}")
    entry = "[[claims]]\n" + head + f"explanation = {explanation!r}\n" + body
    path = tmp_path / "claims.toml"
    path.write_text(OK_ENTRY + entry, encoding="utf-8")
    with pytest.raises(ledger.LedgerError) as info:
        ledger.load(path, figures=figures, paper=PAPER)
    assert type(info.value) is ledger.LedgerError
    msg = str(info.value)
    first = OK_ENTRY.count("\n") + 1
    line = re.search(r"claims\.toml, line (\d+): claim a: ", msg)
    assert line and first <= int(line.group(1)) <= first + entry.count("\n"), msg
    return msg, int(line.group(1)) - first


# --- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "needle", "field"),
    [
        # quoted = "X[99]" had raised IndexError
        ('check = "abs"\ntolerance = 0.1\nquoted = "CE_1S_1H_EV[99]"\n', "has no index", "quoted"),
        (
            'check = "range"\ntolerance = 0.1\nquoted = "X_RANGE_FIG2[9]"\n',
            "indices 0 to",
            "quoted",
        ),
        # a 400-digit threshold had raised OverflowError in float()
        (
            'check = "at_least"\nthreshold = ' + "9" * 400 + "\n",
            "integer of 400 digits",
            "threshold",
        ),
        ('check = "at_least"\nthreshold = inf\n', "threshold must be a finite number", "threshold"),
        ('check = "at_least"\nthreshold = "1"\n', "threshold must be a finite number", "threshold"),
        ('check = "abs"\npaper_value = 1.0\ntolerance = -1\n', "must not be negative", "tolerance"),
        ('check = "abs"\npaper_value = 1.0\ntolerance = nan\n', "finite number", "tolerance"),
        (
            'check = "abs"\npaper_value = 1.0\ntolerance = 0.2\napprox_tolerance = 0.1\n',
            "is below tolerance",
            "approx_tolerance",
        ),
        ('check = "abs"\npaper_value = "one"\ntolerance = 0.1\n', "finite number", "paper_value"),
        # a string threshold in 'also' had raised TypeError at evaluation
        (
            'check = "at_least"\nthreshold = 1.0\n'
            'also = [{ result = "s", check = "at_most", threshold = "2" }]\n',
            "also threshold must be a finite number",
            "also",
        ),
        ('check = ["abs"]\n', "check must be text", "check"),
        (
            'check = "at_least"\nthreshold = 1.0\nchoice = []\n',
            "choice must be one name or a list",
            "choice",
        ),
    ],
)
def test_a_value_the_ledger_cannot_use_is_refused_at_its_line(tmp_path, body, needle, field):
    msg, offset = _load(tmp_path, body)
    assert needle in msg, msg
    entry = ("[[claims]]\n" + HEAD + "explanation = 'because'\n" + body).splitlines()
    assert entry[offset].startswith(f"{field} ="), (msg, entry[offset])


def test_a_valid_ledger_still_loads(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text(OK_ENTRY, encoding="utf-8")
    assert [c.id for c in ledger.load(path, paper=PAPER)] == ["ok"]


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "claims = []\n"])
def test_an_empty_ledger_is_refused(tmp_path, text):
    path = tmp_path / "claims.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ledger.LedgerError, match=r"claims\.toml holds no \[\[claims\]\]"):
        ledger.load(path, paper=PAPER)


def test_a_ledger_that_is_not_tables_is_refused(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text("claims = [1, 2]\n", encoding="utf-8")
    with pytest.raises(ledger.LedgerError, match=r"claims must be \[\[claims\]\] tables"):
        ledger.load(path, paper=PAPER)


# --- figures and records ----------------------------------------------------------------------


def test_an_unknown_figure_is_refused_and_never_suggested_to_run(tmp_path):
    msg, _ = _load(tmp_path, 'check = "at_least"\nthreshold = 1.0\n', figures={"f"}, figure="g")
    assert "figure 'g' is not a figure of this project (its notebooks have f)" in msg
    assert "iece run" not in msg


def test_the_projects_figures_are_its_notebooks(tmp_path):
    """Without ``figures``, the ledger of a project is checked against the notebooks beside
    its ``data/`` folder (the fixture project has the figures ``ok`` and ``bad``)."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    assert ledger.project_figures(root / "data" / "claims.toml") == {"ok", "bad"}
    assert ledger.load(root / "data" / "claims.toml")  # its own ledger holds
    text = (root / "data" / "claims.toml").read_text().replace('figure = "ok"', 'figure = "okk"', 1)
    (root / "data" / "claims.toml").write_text(text)
    with pytest.raises(ledger.LedgerError, match="figure 'okk' is not a figure of this project"):
        ledger.load(root / "data" / "claims.toml")
    # before: verdicts.evaluate said "not run with the paper's parameters yet: `iece run okk`"


def test_a_template_naming_an_unknown_figure_is_refused(tmp_path):
    msg, _ = _load(
        tmp_path,
        'check = "at_least"\nthreshold = 1.0\n',
        explanation="n = {nosuch[n_readings]}",
        figures={"f"},
    )
    assert "'nosuch' is not a figure of this project" in msg


def _run(**records) -> Results:
    recs = {k: Record(v, "1", "computed") for k, v in records.items()}
    return Results({"f": FigureRun("F", "f.ipynb", {}, True, "ok", results=recs)})


def test_an_explanation_naming_no_record_says_so(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text(OK_ENTRY.replace("because", "ours {rr:.2f}"), encoding="utf-8")
    (claim,) = ledger.load(path, paper=PAPER)
    with pytest.raises(ledger.LedgerError, match=r"reads \{rr\}, which is neither a record of f"):
        verdicts.evaluate([claim], _run(r=2.0))


# --- templates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "{r.real}",  # attribute access
        "{r.__class__}",
        "{f[r].real}",
        "{r!r}",  # a raw repr
        "{0}",  # positional
        "{}",
        "{r:>99999999}",  # had built a 100 MB string
        "{r:.99999f}",
        "{r:{r}}",  # a nested field
        "{r[0][1]}",
        "ours {r",  # unmatched
    ],
)
def test_a_template_is_names_only_with_bounded_width(tmp_path, template):
    msg, _ = _load(tmp_path, 'check = "at_least"\nthreshold = 1.0\n', explanation=template)
    assert "explanation" in msg, msg


@pytest.mark.parametrize(
    ("template", "filled"),
    [
        ("ours {r}", "ours 2.5"),
        ("ours {r:.2f}", "ours 2.50"),
        ("ours {r:>8.1f}|", "ours      2.5|"),
        ("{CE_1S_1H_EV}", None),
        ("{X_RANGE_FIG2[0]}", None),
        ("{_threshold:g} {{literal}}", "1 {literal}"),
    ],
)
def test_the_templates_the_ledger_uses_fill_in(tmp_path, template, filled):
    path = tmp_path / "claims.toml"
    path.write_text(OK_ENTRY.replace('"because"', repr(template)), encoding="utf-8")
    (claim,) = ledger.load(path, paper=PAPER)
    text = verdicts.explain(claim, _run(r=2.5).figures["f"], _run(r=2.5))
    assert "{" not in text.replace("{literal}", "") and (filled is None or text == filled)


def test_another_figures_record_fills_in(tmp_path):
    """``{figure[name]}``, which the ledger's headlines use, still fills in."""
    path = tmp_path / "claims.toml"
    path.write_text(OK_ENTRY.replace('"because"', '"n = {g[n]}"'), encoding="utf-8")
    (claim,) = ledger.load(path, paper=PAPER)
    results = _run(r=2.5)
    results.figures["g"] = FigureRun(
        "G", "g.ipynb", {}, True, "ok", results={"n": Record(7, "1", "computed")}
    )
    assert verdicts.explain(claim, results.figures["f"], results) == "n = 7"


def test_explain_refuses_a_wide_template_given_directly(tmp_path):
    """``explain`` also takes a headline's text: the same rule holds there."""
    path = tmp_path / "claims.toml"
    path.write_text(OK_ENTRY, encoding="utf-8")
    (claim,) = ledger.load(path, paper=PAPER)
    results = _run(r=2.5)
    with pytest.raises(ledger.LedgerError, match="width at most"):
        verdicts.explain(claim, results.figures["f"], results, "{r:>99999999}")
