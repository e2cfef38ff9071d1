"""The index's key findings and its clean claims table (issue 20, items 1 and 5).

Fast tests: the ledger's ``finding`` and ``headline`` fields (schema and order), a label for
every record the ledger reads, numbers with sensible digits and units. Browser tests (the
fixture pattern of ``tests/test_browser.py``, on a --fast build of every figure): each key
finding's link lands on a visible row, the first screen (1400 x 900) names every finding, the
index does not scroll sideways at 390 px, and no internal record name or float with more than 6
significant digits reaches the index.
"""

from __future__ import annotations

import re

import pytest

from iece.pipeline import bundle, ledger, verdicts
from iece.report import dashboard

from .conftest import ROOT
from .test_browser import Watch, browser  # noqa: F401 - the module's browser fixture

#: The paper the ledgers written here name (they live outside any project).
PAPER = bundle.load(ROOT)

ENTRIES = ledger.load(ROOT / "data" / "claims.toml")

BASE = (
    'id = "{id}"\nfigure = "f"\nquote = "q"\nlocation = "l"\nquantity = "x"\n'
    'provenance = "computed"\nevidence = "independent"\nresult = "r"\n'
    'tolerance_rationale = "why"\nexplanation = "because"\ncheck = "at_least"\n'
    'threshold = 1.0\nexpected_verdict = "reproduced"\n'
)


def _ledger(tmp_path, *extra: str):
    text = "".join(f"[[claims]]\n{BASE.format(id=f'c{i}')}{e}\n" for i, e in enumerate(extra))
    path = tmp_path / "claims.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_ledger_declares_its_findings_in_order():
    found = ledger.findings(ENTRIES)
    assert [c.finding for c in found] == list(range(1, len(found) + 1)) and len(found) >= 6
    assert found[0].id == "diag-readings-depletion-and-infrared"  # the EMA finding first
    for c in found:
        assert c.headline or c.explanation, c.id


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("finding = 1\n", "finding = 1\n"), "each finding has its own place"),
        (("finding = 1\n", "finding = 3\n"), "2 is missing"),
        (("finding = true\n",), "whole number"),
        (("finding = 0\n",), "whole number"),
        (('finding = "1"\n',), "whole number"),
        (('headline = "a {r}"\n',), "only for a finding"),
    ],
)
def test_a_bad_finding_is_refused_with_the_claim_named(tmp_path, extra, message):
    with pytest.raises(ledger.LedgerError, match=message):
        ledger.load(_ledger(tmp_path, *extra), paper=PAPER)


def test_a_headline_is_filled_from_the_records_like_an_explanation(tmp_path):
    from iece.pipeline.results import FigureRun, Record, Results

    (claim,) = ledger.load(
        _ledger(tmp_path, 'finding = 1\nheadline = "ours {r:.2f}"\n'), paper=PAPER
    )
    run = FigureRun(
        title="f",
        notebook="n.ipynb",
        status="ok",
        parameters={},
        paper_defaults=True,
        results={"r": Record(value=1.2345, unit="1", provenance="computed")},
    )
    (ev,) = verdicts.evaluate([claim], Results(figures={"f": run}))
    assert ev.headline == "ours 1.23" and ev.as_dict()["finding"] == 1


def test_every_record_the_ledger_reads_has_a_label():
    """A condition, a point of a range or a value under a choice is shown by its label."""
    for c in ENTRIES:
        for name in filter(None, c.record_names()):
            assert ledger.has_label(name, ENTRIES), f"{c.id}: {name} has no label"
            assert name not in ledger.label(name, ENTRIES)
    assert ledger.label("thiol_per_surface_cation_min__2p3nm", ENTRIES).endswith("at 2.3 nm")
    assert "under EMA outside medium infinite" in ledger.label("x_iece_4h_joint__infinite", ENTRIES)


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (1e-22, "m^2/s", "1 × 10⁻²² m²/s"),
        (670000.0, "1/cm", "6.7 × 10⁵ cm⁻¹"),
        (0.38741234567, "1", "0.3874"),
        (18.8, "ns", "18.8 ns"),
        ((80.0, 91.0), "%", "80–91 %"),
        (-0.0046641, "", "−0.004664"),
    ],
)
def test_numbers_have_sensible_digits_and_units(value, unit, shown):
    assert dashboard.number(value, unit) == shown


def test_float_noise_in_a_deviation_reads_zero():
    row = {"deviation": 2.220446049250313e-16, "ours": 1.0, "paper_value": 1.0, "check": "abs"}
    assert dashboard.deviation({**row, "unit_shown": "eV"}) == "0 eV"
    rel = {"deviation": 39.0, "ours": 139.0, "paper_value": 100.0, "check": "rel"}
    assert dashboard.deviation(rel) == "+39 %"


def test_ascii_math_reads_as_math():
    assert dashboard.pretty("0 <= x <= 0.6, D 1e-22 m^2/s, (phi/phi0)^2") == (
        "0 ≤ x ≤ 0.6, D 10⁻²² m²/s, (φ/φ₀)²"
    )


# ----------------------------------------------------------------- in the browser
#: Significant digits of every decimal number in a text (a version such as 1.26.4 counts as
#: short numbers).
_DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d+)(?:e[-+]?\d+)?")


def _significant(m: re.Match) -> int:
    return len((m.group(1) + m.group(2)).lstrip("0"))


@pytest.fixture(scope="module")
def index(browser, figure_run):  # noqa: F811 - the imported fixture
    proj, _, results = figure_run
    return proj.report / "index.html", results


def test_each_key_finding_link_lands_on_a_visible_row(browser, index):  # noqa: F811
    page_file, _ = index
    w = Watch(browser, viewport={"width": 1400, "height": 900})
    try:
        w.page.goto(page_file.as_uri())
        items = w.page.locator("ol.findings > li")
        n = items.count()
        assert n == len(ledger.findings(ENTRIES))
        # the first screen names every finding, with its links
        bottoms = w.page.evaluate(
            "[...document.querySelectorAll('ol.findings > li')]"
            ".map(li => li.getBoundingClientRect().bottom)"
        )
        assert max(bottoms) <= 900, bottoms
        for i in range(n):
            link = items.nth(i).locator("a[href^='#claim-']")
            target = link.get_attribute("href")[1:]
            link.click()
            row = w.page.locator(f"[id='{target}']")
            assert row.is_visible(), target
            box = row.bounding_box()
            assert box is not None and -1 <= box["y"] < 900, (target, box)
            w.page.goto(page_file.as_uri())
    finally:
        w.close()
    assert w.errors == []


def test_the_index_fits_390px_without_sideways_scroll(browser, index):  # noqa: F811
    page_file, _ = index
    w = Watch(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        w.page.goto(page_file.as_uri())
        assert w.page.evaluate("document.documentElement.scrollWidth") <= 390
        w.page.locator("details.nc > summary").click()  # the folded group too
        assert w.page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        w.close()


def test_the_index_names_no_record_and_prints_no_long_float(browser, index):  # noqa: F811
    """Every text of the index, folded groups and tooltips included: no internal record name
    (``name``, ``name__choice``) and no number with more than 6 significant digits."""
    page_file, results = index
    names = {n for fig in results.figures.values() for n in fig.results if "_" in n}
    names |= {n for c in ENTRIES for n in c.record_names() if "_" in n}
    w = Watch(browser)
    try:
        w.page.goto(page_file.as_uri())
        text = w.page.evaluate(
            "(() => { const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);"
            " const out = []; while (w.nextNode()) out.push(w.currentNode.nodeValue);"
            " return out.join(' '); })() + ' ' +"
            " [...document.querySelectorAll('[title]')].map(e => e.title).join(' ')"
        )
    finally:
        w.close()
    # the run stamp names the run's parameters as the user gives them (iece run -p name value)
    stamp = text[text.rindex("Provenance and run stamp") :]
    text = text[: len(text) - len(stamp)]
    shown = sorted(n for n in names if re.search(rf"(?<![\w.-]){re.escape(n)}(?![\w-])", text))
    assert shown == []
    long = [m.group(0) for m in _DECIMAL.finditer(text) if _significant(m) > 6]
    assert long == []


def test_no_headline_reads_a_reading_the_text_rules_out():
    """Readings the paper's words rule out are counterfactuals, never headlines: no key
    finding's sentence reads a record under a ruled-out value (e.g. ``__infinite``)."""
    ruled_out = {v for c in PAPER.choices.values() for v in c.ruled_out}
    assert ruled_out  # the test would pass vacuously without any
    for c in ENTRIES:
        for name in ledger.template_fields(c.headline, "headline"):
            value = name.split("[")[0].rpartition("__")[2] if "__" in name else ""
            assert value not in ruled_out, (c.id, name)
