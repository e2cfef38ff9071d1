"""iece.literature: schema validation, unit conversion, comparisons that follow the data."""

import csv
import shutil
from urllib.parse import urlsplit

import pytest

from iece import io
from iece.io import DataFileError
from iece.paper import choices
from iece.paper import literature as L

from .conftest import ROOT

DATA = ROOT / "data" / "literature" / "ir_nanocrystals.csv"
MATERIALS = ROOT / L.MATERIALS_SOURCES


def test_dataset_loads_and_every_row_is_sourced():
    rows = io.read_literature_table(DATA)
    assert len(rows) >= 8
    for r in rows:
        assert r.source_url and r.snippet
        assert r.provenance == ("quoted" if r.this_work else "literature")


def test_quoted_rows_are_verbatim(paper_text):
    from iece.pipeline.ledger import quote_in_paper

    for r in io.read_literature_table(DATA):
        if r.this_work:
            for part in r.snippet.split(" | "):
                assert quote_in_paper(part, paper_text), part


def test_nm_to_meV_hand_value():
    assert L.fwhm_nm_to_meV(100, 1300) == pytest.approx(73.5, abs=0.05)
    with pytest.raises(ValueError, match="fwhm_nm"):
        L.fwhm_nm_to_meV(-1, 1300)


def _copy_with(tmp_path, edit):
    with DATA.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    edit(rows)
    p = tmp_path / "lit.csv"
    with p.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=io.COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return p


def _peaked(rows):
    """The first row with a PL peak."""
    return next(r for r in rows if r["pl_low_nm"])


@pytest.mark.parametrize(
    "edit,needle",
    [
        (lambda rows: rows[0].update(qy_high_percent="140"), "outside [0, 100]"),
        (lambda rows: rows[0].update(qy_high_percent="lots"), "must be a number"),
        (lambda rows: rows[0].update(structure="shell/core"), "structure must be"),
        (lambda rows: rows[0].update(doi="doi:10.1/x"), "malformed DOI"),
        (lambda rows: rows[0].update(snippet=""), "source_url and snippet"),
        (lambda rows: rows.append(dict(rows[1])), "duplicate of line 3"),
        (lambda rows: _peaked(rows).update(pl_low_nm="900", pl_high_nm="800"), "pl_low_nm > pl_"),
        (lambda rows: _peaked(rows).update(pl_high_nm=""), "give both"),
        (lambda rows: rows[0].update(provenance="guessed"), "provenance must be"),
    ],
)
def test_bad_rows_name_the_line(tmp_path, edit, needle):
    with pytest.raises(DataFileError, match=r"line \d+: .*" + needle.replace("[", r"\[")):
        io.read_literature_table(_copy_with(tmp_path, edit))


def test_missing_column(tmp_path):
    p = tmp_path / "lit.csv"
    shutil.copy(DATA, p)
    text = p.read_text().replace("qy_high_percent", "qy_max", 1)
    p.write_text(text)
    with pytest.raises(DataFileError, match="missing column"):
        io.read_literature_table(p)


def test_comparison_verdict_flips_with_a_contradicting_row(tmp_path):
    rows = io.read_literature_table(DATA)
    caption = choices.WINDOW_NM["caption"]  # the window where the Hg comparison has 3 points
    before = L.compare(rows, "qy", hg_only=True, window=caption)
    assert before["verdict"] is True

    def add_bright_hgte(rs):
        new = dict(rs[0])
        new.update(
            ref="99",
            first_author="Test",
            material="HgTe",
            structure="core/shell",
            pl_low_nm="1300",
            pl_high_nm="1300",
            qy_low_percent="95",
            qy_high_percent="95",
            snippet="test row",
            source_url="test",
        )
        rs.append(new)

    worse = io.read_literature_table(_copy_with(tmp_path, add_bright_hgte))
    out = L.compare(worse, "qy", hg_only=True, window=caption)
    assert out["verdict"] is False and out["n"] == before["n"] + 1


def test_fewer_than_three_points_is_not_checkable():
    """The support rule: a comparison on 1 or 2 points says so instead of deciding."""
    rows = io.read_literature_table(DATA)
    swir = L.compare(rows, "qy", hg_only=True, window=(1000.0, 1700.0))
    assert (
        swir["n"] == 2 and swir["verdict"] == "not checkable" and swir["margin"] == "not checkable"
    )
    assert swir["best_literature"] == 80 and len(swir["points"]) == 2  # what there is, is shown
    qy = L.compare(rows, "qy", window=(1000.0, 1700.0))
    assert qy["n"] >= choices.MIN_LITERATURE_POINTS and isinstance(qy["margin"], float)


def test_fwhm_in_nm_is_converted_by_the_loader(tmp_path):
    rows = io.read_literature_table(DATA)
    npl = next(r for r in rows if r.fwhm_reported == "40 nm")
    assert npl.fwhm_low_meV == pytest.approx(L.fwhm_nm_to_meV(40, 880))

    def typed_mev(rs):
        next(r for r in rs if r["fwhm_reported"] == "40 nm")["fwhm_low_meV"] = "64"

    with pytest.raises(DataFileError, match="leave the meV columns empty"):
        io.read_literature_table(_copy_with(tmp_path, typed_mev))


def test_no_points_is_not_checkable():
    rows = io.read_literature_table(DATA)
    out = L.compare(rows, "fwhm", materials=("PbS", "PbSe"), structure="core")
    assert out["verdict"] == "not checkable" and out["n"] == 0


def test_coverage_counts_cited_refs():
    cov = L.coverage(io.read_literature_table(DATA))
    assert cov["cited"] == 30 and 0 < cov["with_values"] <= 30


# ------------------------------------------------------------ sources a referee can follow
def _cited_urls():
    """(table, line, url) of every literature row of both tables that names a page."""
    out = [
        ("ir_nanocrystals.csv", r.line, r.source_url)
        for r in io.read_literature_table(DATA)
        if r.provenance == "literature"
    ]
    out += [("materials_sources.csv", r.line, r.url) for r in io.read_material_sources(MATERIALS)]
    return [(t, line, u) for t, line, u in out if u]


def test_no_row_is_read_on_a_mirror_aggregator_or_author_page():
    """Every page a literature row was read on is a publisher's page or an archive of record,
    never a host of literature.NOT_SOURCE_HOSTS."""
    urls = _cited_urls()
    assert len(urls) >= 8
    bad = [(t, line, L.source_problem(u)) for t, line, u in urls if L.source_problem(u)]
    assert not bad, bad


@pytest.mark.parametrize(
    "url",
    [
        "https://staging.scite.ai/authors/e-kaufmann-6MDGWr",  # a staging site's author page
        "https://preview.concepedia.online/publication/W2052775476",
        "https://www.researchgate.net/publication/1",
        "https://docslib.org/doc/687689/x",
        "https://suppr.wilddata.cn/browses/detail/pubmed/37134313",
        "https://xueshu.lanfanshu.cn/scholar?q=x",
        "https://example.org/a-paper",  # neither a publisher nor an archive
        "paper text",
    ],
)
def test_source_problem_names_what_is_wrong(url):
    assert L.source_problem(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://pubs.acs.org/doi/10.1021/jacs.1c06661",
        "https://journals.aps.org/prb/abstract/10.1103/PhysRevB.3.4274",
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC5114595",
    ],
)
def test_publisher_and_archive_pages_are_sources(url):
    assert L.source_problem(url) is None


def test_no_journal_entry_carries_a_preprint_doi():
    for r in io.read_literature_table(DATA):
        if r.doi.startswith(L.PREPRINT_DOI_PREFIXES):
            assert "preprint" in r.journal.lower(), (r.line, r.doi)


def test_a_row_read_on_an_archive_says_so_or_gives_the_doi():
    """A row read on an archive of record (PMC, PubMed, HAL) rather than the publisher's page
    carries the journal DOI, or its notes name the archive."""
    for r in io.read_literature_table(DATA):
        host = urlsplit(r.source_url).hostname or ""
        if r.provenance == "literature" and host.endswith(L.ARCHIVE_HOSTS):
            assert r.doi or "archive" in r.notes, r.line
