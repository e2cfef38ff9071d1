"""No page of the report shows an internal record name or a float with more digits than a reader
can use: numbers are shown in words and with sensible digits (issue 20)."""

from __future__ import annotations

import re

_FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d+(?:[eE][-+]?\d+)?(?![\w.])")


def _text(html: str) -> str:
    """What a reader sees: the page without its tags (and so without embedded images)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _significant(token: str) -> int:
    mantissa = re.split(r"[eE]", token.lstrip("-"))[0]
    return len(mantissa.replace(".", "").lstrip("0"))


def _pages(figure_run):
    proj, _, results = figure_run
    pages = sorted(proj.report.glob("*.html"))
    assert len(pages) >= 7
    names = {n for f in results.figures.values() for n in f.results if "_" in n}
    return pages, names


def test_no_page_shows_a_record_name(figure_run):
    pages, names = _pages(figure_run)
    for page in pages:
        words = set(re.findall(r"\w+", _text(page.read_text(encoding="utf-8"))))
        assert not sorted(names & words), page.name


def test_no_page_shows_a_float_with_more_than_six_significant_digits(figure_run):
    pages, _ = _pages(figure_run)
    for page in pages:
        found = _FLOAT.findall(_text(page.read_text(encoding="utf-8")))
        long = [t for t in found if _significant(t) > 6]
        assert not long, (page.name, long[:5])


def test_the_float_rule_counts_significant_digits():
    assert _significant("0.004695") == 4
    assert _significant("-46.41090655447755") == 16
    assert _significant("1.234e-22") == 4
    assert _FLOAT.findall("v 1.2.3 and 2026.10.19 and 3.14159") == ["3.14159"]


def test_no_page_shows_an_unfilled_placeholder(figure_run):
    """Every ``{name}`` of an explanation, reason or headline is filled in (a reason of a
    not-checkable entry had been shown raw on the index: 'the {CE_SHIFT_EV} eV arithmetic')."""
    pages, _ = _pages(figure_run)
    for page in pages:
        left = re.findall(r"\{[A-Za-z_][\w\[\]]*(?::[^}]*)?\}", _text(page.read_text("utf-8")))
        assert not left, (page.name, left[:5])
