"""iece.literature: schema validation, unit conversion, comparisons that follow the data."""

import csv
import shutil

import pytest

from iece import io
from iece.io import DataFileError
from iece.paper import literature as L

from .conftest import ROOT

DATA = ROOT / "data" / "literature" / "ir_nanocrystals.csv"


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


@pytest.mark.parametrize(
    "edit,needle",
    [
        (lambda rows: rows[0].update(qy_high_percent="140"), "outside [0, 100]"),
        (lambda rows: rows[0].update(qy_high_percent="lots"), "must be a number"),
        (lambda rows: rows[0].update(structure="shell/core"), "structure must be"),
        (lambda rows: rows[0].update(doi="doi:10.1/x"), "malformed DOI"),
        (lambda rows: rows[0].update(snippet=""), "source_url and snippet"),
        (lambda rows: rows.append(dict(rows[1])), "duplicate of line 3"),
        (lambda rows: rows[1].update(pl_low_nm="900", pl_high_nm="800"), "pl_low_nm > pl_high_nm"),
        (lambda rows: rows[1].update(pl_high_nm=""), "give both"),
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
    before = L.compare(rows, "qy", hg_only=True)
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
    out = L.compare(worse, "qy", hg_only=True)
    assert out["verdict"] is False and out["n"] == before["n"] + 1


def test_fewer_than_three_points_is_not_checkable():
    """The support rule: a comparison on 1 or 2 points says so instead of deciding."""
    rows = io.read_literature_table(DATA)
    swir = L.compare(rows, "fwhm", window=(1000.0, 1700.0))
    assert (
        swir["n"] == 1 and swir["verdict"] == "not checkable" and swir["margin"] == "not checkable"
    )
    assert swir["best_literature"] is not None and swir["points"]  # what there is, is shown
    qy = L.compare(rows, "qy", window=(1000.0, 1700.0))
    assert qy["n"] >= L.MIN_SUPPORT and isinstance(qy["margin"], float)


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
