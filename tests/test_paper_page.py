"""The annotated paper, ``report/paper.html`` (issue 20, item 2).

The verdicts come from :func:`iece.pipeline.verdicts.evaluate` on real results (the ``checks``
figure computed directly, without a notebook: consistent, reproduced, inconsistent and, for
the figures not computed, missing), so the page shows several verdict classes. Needs the
paper's text (``$IECE_PAPER`` or ``../shared/paper/lee-smith-iece.txt``): without it these
tests skip and say how to enable them, except the ones that check what happens without it.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from iece.paper import checks
from iece.pipeline import ledger, verdicts
from iece.pipeline.results import FigureRun, Record, Results
from iece.pipeline.runner import Project
from iece.report import paper_page as pp
from iece.report.render import render_index, render_quote
from iece.report.sanitize import STYLE_PROPERTIES, clean_page

from .conftest import PAPER, PAPER_ENV, ROOT


def _results() -> Results:
    res = checks.compute(**checks.PARAMS.defaults())
    recs = {
        k: Record(n.value, n.unit, n.provenance, n.stderr, n.note) for k, n in res.numbers.items()
    }
    return Results({"checks": FigureRun("checks", "n", {}, True, "ok", results=recs)})


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    evaluated = verdicts.evaluate(ledger.load(ROOT / "data" / "claims.toml"), _results())
    return [e.as_dict() for e in evaluated if e.claim.kind == "claim"]


@pytest.fixture(scope="module")
def page(paper_text, rows) -> pp.PaperPage:
    return pp.annotate(paper_text, rows)


class _Marks(HTMLParser):
    """Every ``<mark data-q>``: its classes and its text (nested marks' text included)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.classes: dict[str, list[str]] = {}
        self.text: dict[str, str] = {}
        self.ids: list[str] = []
        self.note_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if self.note_depth or "note" in (a.get("class") or "").split():
            self.note_depth += 1
        if tag == "mark":
            self.stack.append(a.get("data-q"))
            if a.get("data-q"):
                self.classes.setdefault(a["data-q"], []).append(a.get("class", ""))
        elif tag == "sup" and "n-ref" in (a.get("class") or ""):
            self.note_depth += 1

    def handle_endtag(self, tag):
        if self.note_depth:
            self.note_depth -= 1
        if tag == "mark" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.note_depth:
            return
        for q in set(self.stack) - {None}:
            self.text[q] = self.text.get(q, "") + data


def _parse(markup: str) -> _Marks:
    p = _Marks()
    p.feed(markup)
    return p


def _plain(markup: str) -> str:
    """Text content, whitespace folded."""
    return ledger.normalize(html.unescape(re.sub(r"<[^>]*>", "", markup)))


def test_the_whitespace_rule_is_the_ledgers(paper_text, rows):
    for c in rows:
        found = pp.find_quote(c["quote"], paper_text) is not None
        assert found == ledger.quote_in_paper(c["quote"], paper_text), c["id"]


def test_every_quote_is_highlighted_exactly_once_with_its_verdict(page, rows):
    assert page.missing_quotes == []
    quotes = {ledger.normalize(c["quote"]) for c in rows}
    assert {h.quote for h in page.highlights} == quotes
    assert sum(len(h.claims) for h in page.highlights) == len(rows)
    parsed = _parse(page.html)
    for h in page.highlights:
        key = str(h.number)
        assert parsed.ids.count(h.anchor) == 1, h.quote
        # the passage's verdict: the weakest of its claims', in the index's class
        assert h.verdict == min((c["verdict"] for c in h.claims), key=pp.WEAKEST_FIRST.index)
        assert {*parsed.classes[key]} == {f"hl {pp.verdict_class(h.verdict)}"}, h.quote
        # the highlighted text is the quote, as the report renders a quote
        assert ledger.normalize(parsed.text[key]) == _plain(render_quote(h.quote)), h.quote
    # each claim's note: its verdict in the index's class and a link to its row
    for c in rows:
        note = re.search(
            r'<span class="n-claim"><span class="verdict ([^"]+)">([^<]+)</span>[^<]*'
            rf'(?:<[^a][^>]*>[^<]*)*<a href="index\.html#claim-{re.escape(c["id"])}">',
            page.html,
        )
        assert note, c["id"]
        assert note.groups() == (pp.verdict_class(c["verdict"]), c["verdict"]), c["id"]
    # several verdict classes are on the page, and the not-checkable ones are marked apart
    shown = {h.verdict for h in page.highlights}
    assert {"consistent", "missing", "not checkable"} <= shown
    assert 'class="hl v-not-checkable"' in page.html


def test_a_quote_that_occurs_twice_is_highlighted_at_its_first(paper_text, page):
    twice = [h for h in page.highlights if paper_text.count(h.quote) > 1]
    assert twice, "the Fig. 5 caption repeats 'with PL between 700–1700 nm wavelength'"
    for h in twice:
        assert h.start == paper_text.index(h.quote)
        # its second place is in the ledger too: not listed as "not in the ledger"
        second = paper_text.index(h.quote, h.start + 1)
        assert not any(s.start <= second < s.end for s in page.not_in_ledger)


@pytest.mark.parametrize(
    "sentence, quantitative",
    [
        ("reduced in energy by 0.74 eV (from 2.24 eV to 1.50 eV)", True),
        ("exchange was ~98% complete", True),
        ("wide size distributions (near $10-20\\%$ ¹⁷⁻¹⁹)", True),
        ("with 4.6-fold larger molar extinction coefficients", True),
        ("heated to 80 °C under nitrogen", True),
        ("CdO (0.2 mmol) was added", True),
        ("compositions up to $x = 0.4$", False),
        ("retaining crystal structure (**Figure 1g**) and sizes (**Figure 1h-j**)", False),
        ("Synthesis of CdSe0.51S0.49 NCs", False),
        ("National Institutes of Health (R01CA227699)", False),
        ("the first syntheses of NCs in 1993,² considerable", False),
    ],
)
def test_the_quantity_rule(sentence, quantitative):
    assert pp.is_quantitative(sentence) is quantitative


def test_sentences_split_at_full_stops_not_at_abbreviations_or_citations():
    text = (
        "Title of the paper\n\nABSTRACT\n\nFirst one (Fig. 2) holds 5 nm.¹ Second, by Haus *et al*."
        " ⁷⁷ and more. Third ends here. 22 When cited. **(b)** Panel b at 5 s.\n\n"
        "Role of Ag. A run-in heading is not a sentence. It runs on after a page\n\n"
        "break, as one.\n\nREFERENCES\n\n- 1 Foo, B. 5 nm of text (2020)."
    )
    got = [(s.section, s.text) for s in pp.sentences(text)]
    assert got == [
        ("Abstract", "First one (Fig. 2) holds 5 nm.¹"),
        ("Abstract", "Second, by Haus *et al*. ⁷⁷ and more."),
        ("Abstract", "Third ends here. 22"),
        ("Abstract", "When cited."),
        ("Abstract", "**(b)** Panel b at 5 s."),
        ("Abstract", "Role of Ag."),
        ("Abstract", "A run-in heading is not a sentence."),
        ("Abstract", "It runs on after a page break, as one."),
    ]


def test_a_quantity_no_quote_covers_is_listed_as_not_in_the_ledger(rows):
    quote = next(c["quote"] for c in rows if c["id"] == "checks-ce-shift")
    text = (
        "A paper\n\nRESULTS\n\n"
        f"The band {quote}. The flask held 12.5 mL of toluene. At $x = 0.4$ it is green "
        "(**Figure 1h**).\n\nREFERENCES\n\n- 1 Foo, B. 5 nm. *J. Chem.* **3**, 1 (2020)."
    )
    page = pp.annotate(text, rows)
    assert [h.quote for h in page.highlights] == [ledger.normalize(quote)]
    assert [s.text for s in page.not_in_ledger] == ["The flask held 12.5 mL of toluene."]
    listed = page.html.split('id="not-in-ledger"', 1)[1]
    assert "The flask held 12.5 mL of toluene." in listed and 'href="#nl-1"' in listed
    assert '<mark class="nl" id="nl-1"' in page.html.split('id="not-in-ledger"', 1)[0]
    assert "0.74 eV" not in listed  # covered by the quote


def test_the_papers_quantities_not_in_the_ledger(page, paper_text):
    listed = {s.text for s in page.not_in_ledger}
    assert "Scale bars: 10 nm." in listed
    assert (
        "Reactions occur at low temperatures (80 °C) that yield stable colloidal products."
        in listed
    )
    for s in page.not_in_ledger:
        assert pp.is_quantitative(s.text)
        assert not any(h.start < s.end and s.start < h.end for h in page.highlights), s.text
        assert f'href="#nl-{page.not_in_ledger.index(s) + 1}"' in page.html
    # every quantitative sentence is either highlighted (overlaps a quote) or listed
    quoted = [span for h in page.highlights for span in pp.quote_spans(h.quote, paper_text)]
    for s in pp.sentences(paper_text):
        if pp.is_quantitative(s.text):
            covered = any(a < s.end and s.start < b for a, b in quoted)
            assert covered != (s in page.not_in_ledger), s.text


def test_the_page_passes_the_sanitizer_unchanged(page):
    # nh3 writes some characters as themselves that the templates wrote as references
    # (&#182; as ¶): apart from that, nothing is removed or changed
    assert html.unescape(clean_page(page.raw)) == html.unescape(page.raw)
    assert clean_page(page.html) == page.html
    assert "<script" not in page.html.lower()
    for style in re.findall(r'\sstyle="([^"]*)"', page.html):
        for decl in filter(None, (d.strip() for d in style.split(";"))):
            assert decl.split(":")[0].strip() in STYLE_PROPERTIES, style


def _project(tmp_path) -> Project:
    return Project(
        ROOT, build=tmp_path / "build", figures=tmp_path / "figures", report=tmp_path / "report"
    )


def test_with_the_paper_the_page_is_written_the_same_each_time(tmp_path, monkeypatch, paper_text):
    proj = _project(tmp_path)
    monkeypatch.setenv(PAPER_ENV, str(PAPER))
    render_index(proj, Results())
    first = (proj.report / pp.PAGE).read_bytes()
    index = (proj.report / "index.html").read_text(encoding="utf-8")
    assert 'id="paper-page"><a href="paper.html">' in index
    render_index(proj, Results())  # the same inputs: the same bytes
    assert (proj.report / pp.PAGE).read_bytes() == first
    text = first.decode()
    for path in (str(ROOT), str(PAPER.parent), str(tmp_path), "/home/", "/work/", "/tmp/"):
        assert path not in text

    monkeypatch.setenv(PAPER_ENV, str(tmp_path / "absent.txt"))
    render_index(proj, Results())
    assert not (proj.report / pp.PAGE).exists()  # our stale page is gone, with its verdicts


def test_without_the_paper_no_page_and_the_index_says_how(tmp_path, monkeypatch):
    proj = _project(tmp_path)
    monkeypatch.setenv(PAPER_ENV, str(tmp_path / "absent.txt"))
    render_index(proj, Results())
    assert not (proj.report / pp.PAGE).exists()
    index = (proj.report / "index.html").read_text(encoding="utf-8")
    (line,) = re.findall(r'<p class="why" id="paper-page">.*?</p>', index, re.S)
    assert "IECE_PAPER=/path/to/the paper's text" in line and 'href="paper.html"' not in index
    assert str(tmp_path) not in index
    assert index.index('id="figures"') < index.index('id="paper-page"')


def test_paper_path_is_the_tests_own(monkeypatch, tmp_path):
    monkeypatch.delenv(PAPER_ENV, raising=False)
    assert pp.paper_path(ROOT) == ROOT.parent / "shared" / "paper" / "lee-smith-iece.txt"
    monkeypatch.setenv(PAPER_ENV, str(tmp_path / "p.txt"))
    assert pp.paper_path(ROOT) == tmp_path / "p.txt"


def test_in_a_browser_every_link_lands_and_no_console_error(tmp_path, monkeypatch, paper_text):
    from .test_browser import Watch, _unavailable, chromium_path

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed")
    path = chromium_path()
    if path is None:
        _unavailable("no Chromium on the PATH")
    proj = _project(tmp_path)
    monkeypatch.setenv(PAPER_ENV, str(PAPER))
    render_index(proj, Results({"checks": _results().figures["checks"]}))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path)
        try:
            w = Watch(browser, viewport={"width": 1400, "height": 900})
            w.page.goto((proj.report / "index.html").as_uri())
            index_ids = set(w.page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
            w.page.goto((proj.report / pp.PAGE).as_uri())
            own_ids = set(w.page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
            hrefs = w.page.eval_on_selector_all(
                "a[href]", "els => els.map(e => e.getAttribute('href'))"
            )
            wide = w.page.evaluate("document.documentElement.scrollWidth")
            w.page.set_viewport_size({"width": 390, "height": 844})
            narrow = w.page.evaluate("document.documentElement.scrollWidth")
            errors, remote = w.errors, w.remote()
            w.close()
        finally:
            browser.close()
    assert errors == [] and remote == []
    assert wide <= 1400 and narrow <= 390
    bad = []
    for href in hrefs:
        target, _, anchor = href.partition("#")
        ids = {"": own_ids, "index.html": index_ids}.get(target)
        if ids is None or (anchor and anchor not in ids):
            bad.append(href)
    assert bad == []
    assert sum(h.startswith("index.html#claim-") for h in hrefs) >= 67
