"""Every figure page concludes, and every claim is one click from the output that shows its
number (issue 20, item 3).

On the pages of one ``--fast`` build of every figure (the session fixture ``figure_run``):

- each page has "What we conclude" after its intro, with a row per claim and diagnostic of
  that figure carrying the pipeline's verdict (:func:`iece.pipeline.verdicts.evaluate`);
- every in-page link lands on an id of the page, every link to the index on a claim's row;
- every numeric claim's recorded value is visible, rounded as the page shows it, in the
  outputs of the cell its record names (the link target of the index's "computed here" and of
  the page's table); the number is read from the page's HTML by a parser written here, apart
  from the one the kernel uses to anchor records (:func:`iece.pipeline.record.shows`);
- parameter cells are folded, empty "your data" sections are left out, and every figure's
  caption names the paper's panel it stands for (or says that it stands for none).

The off-by-one of the recorded cell (IPython counts a cell before running it) is checked
directly in an IPython shell, without a kernel.
"""

from __future__ import annotations

import html
import math
import re

import pytest

from iece.pipeline import ledger, verdicts

# --- reading a page --------------------------------------------------------------------------

_ANCHOR = re.compile(r'<a id="cell-(\d+)"></a>')
_FOLDED_CODE = re.compile(r'<details class="iece-code">.*?</details>', re.S)
_TAGS = re.compile(r"<[^>]+>")
_CELL = re.compile(r'<div class="jp-Cell ')
_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
#: a number as a reader sees it: 0.883, −0.18, 1.000e-22, 1.5×10−22 (MathML), 1.5×10⁻²², 67 %
_SHOWN = re.compile(
    r"(?<![\w.])([-−]?)(\d+(?:\.\d+)?)"
    r"(?:[eE]([-+−]?\d+)|\s*[×x]\s*10\^?\{?([-−]?\d+|[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)\}?)?(\s*%)?"
)


def page(proj, fid: str) -> str:
    return (proj.report / f"{fid}.html").read_text(encoding="utf-8")


def text_of(fragment: str) -> str:
    return html.unescape(_TAGS.sub(" ", fragment))


def cell_outputs(doc: str, cell: int) -> str:
    """The text a reader sees in the outputs of cell ``cell`` (its code, folded, left out)."""
    starts = [(int(m[1]), m.start(), m.end()) for m in _ANCHOR.finditer(doc)]
    for i, (n, _, end) in enumerate(starts):
        if n == cell:
            stop = starts[i + 1][1] if i + 1 < len(starts) else len(doc)
            segment = doc[end:stop]
            # the code cell itself, not the Markdown cells (the notebook's prose) after it
            cells = [m.start() for m in _CELL.finditer(segment)]
            if len(cells) > 1:
                segment = segment[: cells[1]]
            return text_of(_FOLDED_CODE.sub("", segment))
    raise AssertionError(f"no anchor cell-{cell} on the page")


def numbers_in(text: str):
    """(value, half a unit of the last digit shown) of every number in ``text``."""
    for m in _SHOWN.finditer(text):
        sign, mant, e1, e2, pct = m.groups()
        exp = (e1 or (e2 or "").translate(_SUPER) or "0").replace("−", "-")
        decimals = len(mant.partition(".")[2])
        value = (-1 if sign else 1) * float(mant) * 10.0 ** int(exp)
        half = 0.5 * 10.0 ** (int(exp) - decimals)
        yield value, half
        if pct:
            yield value / 100, half / 100


def visible(text: str, value: float) -> bool:
    """``value`` rounded as some number of ``text`` shows it, with two significant digits at
    least (or exactly equal)."""
    for shown, half in numbers_in(text):
        if shown == value:
            return True
        digits = (
            math.floor(math.log10(abs(shown))) - math.floor(math.log10(2 * half)) + 1
            if shown
            else 1
        )
        if digits >= 2 and abs(shown - value) <= half * (1 + 1e-9):
            return True
    return False


def test_reader_of_numbers():
    assert visible("| 0.883 |", 0.88312) and visible("67 %", 0.6712)
    assert visible("D = 1.000e-22 m²/s", 1.0002e-22) and visible("1.5×10−22", 1.52e-22)
    assert visible("a −0.18 eV gap", -0.1812) and visible("790 of 18496", 790)
    assert not visible("| 0.88 |", 0.8912) and not visible("fig2j", 2) and not visible("3", 3.2)
    assert not visible("0.9", 0.91)  # one digit shown: too loose to count


# --- the build -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def evaluated(figure_run):
    proj, _, results = figure_run
    return proj, results, verdicts.evaluate(ledger.load(proj.claims_file), results)


def test_every_page_concludes_with_the_pipelines_verdicts(evaluated):
    proj, results, evals = evaluated
    for fid in results.figures:
        doc = page(proj, fid)
        assert doc.count('id="what-we-conclude"') == 1, fid
        section = doc[doc.index('id="what-we-conclude"') :]
        section = section[: section.index("</section>")]
        # after the intro, before any code
        assert doc.index('id="what-we-conclude"') < doc.index('<a id="cell-'), fid
        assert "What we conclude" in section
        mine = [e for e in evals if e.claim.figure == fid]
        for e in mine:
            assert f"#claim-{e.claim.id}" in section, (fid, e.claim.id)
            if e.verdict != "not checkable":
                row = re.search(rf'<tr id="conclude-{re.escape(e.claim.id)}">(.*?)</tr>', section)
                assert row, (fid, e.claim.id)
                assert f">{e.verdict}</span>" in row[1], (fid, e.claim.id, e.verdict)


def test_links_land(evaluated):
    proj, results, _ = evaluated
    index = (proj.report / "index.html").read_text(encoding="utf-8")
    index_ids = set(re.findall(r'\bid="([^"]+)"', index))
    for fid in results.figures:
        doc = page(proj, fid)
        ids = set(re.findall(r'\bid="([^"]+)"', doc))
        for target in re.findall(r'href="#([^"]+)"', doc):
            assert target in ids, (fid, target)
        for target in re.findall(r'href="index\.html#([^"]+)"', doc):
            assert target in index_ids, (fid, target)
    # the index's "computed here" goes to a cell anchor that exists on the figure's page
    for fid, cell in re.findall(r'href="([a-z0-9]+)\.html#cell-(\d+)"', index):
        assert f'<a id="cell-{cell}"></a>' in page(proj, fid), (fid, cell)


def _numeric(e) -> bool:
    return (
        e.claim.kind == "claim"
        and e.verdict not in ("missing", "not checkable")
        and isinstance(e.ours, (int, float))
        and not isinstance(e.ours, bool)
    )


def test_each_claims_number_is_shown_where_its_link_lands(evaluated):
    proj, results, evals = evaluated
    checked, unseen = 0, []
    for e in evals:
        if not _numeric(e):
            continue
        fid = e.claim.figure
        rec = results.figures[fid].results[e.claim.result]
        assert rec.cell is not None, e.claim.id
        if not visible(cell_outputs(page(proj, fid), rec.cell), rec.value):
            unseen.append(f"{e.claim.id} ({fid}, {e.claim.result} = {rec.value}, cell {rec.cell})")
        checked += 1
    assert checked >= 30  # every numeric claim of the ledger, not a few
    assert not unseen, "numbers not shown where their link lands:\n" + "\n".join(unseen)


def test_no_claim_lands_on_a_cell_that_shows_nothing(evaluated):
    """The off-by-one stored the next cell's number: fig2j's claims landed on the empty "Your
    decay" cell. Every claim's cell is now on its page, with outputs."""
    proj, results, evals = evaluated
    for e in evals:
        if e.claim.kind != "claim" or e.verdict in ("missing", "not checkable") or e.cell is None:
            continue
        doc = page(proj, e.claim.figure)
        assert cell_outputs(doc, e.cell).strip(), (e.claim.id, e.cell)


def test_record_names_the_running_cell_and_the_output_that_shows_it(tmp_path, monkeypatch):
    """In an IPython shell: a record made in cell 2 names cell 2 (``execution_count`` there is
    already 3), and moves to cell 3 when cell 3 displays its value, as shown, and only then."""
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell

    from iece.pipeline import record

    records = tmp_path / "records.jsonl"
    monkeypatch.setattr(record, "_TARGET", {"records": str(records), "figures": str(tmp_path)})
    monkeypatch.setattr(record, "_PENDING", {})
    monkeypatch.setattr(record, "_WATCHING", [])
    shell = InteractiveShell.instance()
    try:
        shell.display_formatter.active_types = ["text/plain", "text/markdown"]
        shell.history_manager.reset()
        shell.execution_count = 1
        cells = [
            "x = 1",
            "import iece\niece.record('v', 0.88312, unit='1')\niece.record('w', 12.5, unit='1')",
            "from IPython.display import Markdown, display\ndisplay(Markdown('| v | 0.883 |'))",
            "display(Markdown('w is 12.4'))",
        ]
        for src in cells:
            assert shell.run_cell(src, store_history=True).success
        import json

        lines = [json.loads(x) for x in records.read_text().splitlines()]
        last = {x["name"]: x["cell"] for x in lines}
        assert [x["cell"] for x in lines[:2]] == [2, 2]
        assert last == {"v": 3, "w": 2}  # "12.4" is not 12.5 as shown
    finally:
        InteractiveShell.clear_instance()


def test_parameter_cells_are_folded(figure_run):
    proj, _, results = figure_run
    for fid in results.figures:
        doc = page(proj, fid)
        assert '<details class="iece-code" open' not in doc, fid
        assert "parameters (cell 1)" in doc, fid


def test_empty_user_sections_are_left_out(figure_run):
    proj, _, results = figure_run
    for fid, param, heading in (
        ("fig2bd", "spectrum_path", "Your spectrum"),
        ("fig2j", "decay_path", "Your decay"),
    ):
        assert results.figures[fid].parameters[param] is None
        assert heading not in page(proj, fid), fid


_PANEL = re.compile(r"^(Fig\. S?\d[a-z]?|no panel of the paper:|your .* as in Fig\. )")


def test_captions_name_the_papers_panel(figure_run):
    proj, _, results = figure_run
    for fid, entry in results.figures.items():
        doc = page(proj, fid)
        for item in entry.figures:
            assert _PANEL.match(item.caption), (fid, item.name, item.caption)
            assert f'id="figure-{item.name}"' in doc, (fid, item.name)
            assert item.caption in text_of(doc), (fid, item.name)
