"""The Methods' parameter table against sources: data/literature/materials_sources.csv, read by
iece.io.read_material_sources and joined with iece.physics.materials by iece.paper.literature."""

import csv
import dataclasses
import math
from pathlib import Path

import pytest

from iece import io
from iece.paper import checks, literature
from iece.paper.views import checks as checks_view
from iece.physics import materials as mat

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / literature.MATERIALS_SOURCES
HEADER = ",".join(io.MATERIAL_SOURCE_COLUMNS)


@pytest.fixture(scope="module")
def rows():
    return io.read_material_sources(TABLE)


def test_every_row_is_well_formed_and_every_parameter_has_one(rows):
    assert {r.parameter for r in rows} == set(literature.MATERIAL_PARAMETERS)
    assert len(rows) == len(literature.MATERIAL_PARAMETERS) == 15
    for r in rows:
        assert r.quantity and r.note, r.parameter
        if r.found:
            assert r.url.startswith("https://") and r.literature_text.lstrip("-") in r.snippet
        else:
            assert r.note.startswith(literature.NO_SOURCE), r.parameter
        if r.source_doi:
            assert io.DOI.match(r.source_doi)
        if r.url:  # a page a referee can follow: no mirror, aggregator or author page
            assert literature.source_problem(r.url) is None, (r.parameter, r.url)


def test_the_table_holds_no_paper_value():
    # one definition: the paper's values live in physics/materials.py only
    with open(TABLE, encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert not any("paper" in c for c in header)


def test_paper_values_are_those_of_materials_py(rows):
    table = {r["parameter"]: r for r in literature.materials_comparison(rows)}
    assert table["HGSE.mh"]["paper"] == mat.HGSE.mh == 0.019
    assert table["CDSE.me"]["paper"] == mat.CDSE.me
    assert table["CDSE.a_nm"]["paper"] == mat.CDSE.a_nm
    assert table["CDSE_ELECTRON_AFFINITY_EV"]["paper"] == mat.CDSE_ELECTRON_AFFINITY_EV
    for name in literature.MATERIAL_PARAMETERS:
        owner, _, field = name.partition(".")
        expected = getattr(getattr(mat, owner), field) if field else getattr(mat, owner)
        assert table[name]["paper"] == expected


def _with_values(rows):
    """The project's rows with three literature values planted (one without a DOI)."""
    planted = {
        "CDSE.gap_eV": ("1.67", "eV", "", "the energy gap is 1.74 and 1.67 at 80 and 300 K"),
        "CDSE.a_nm": ("6.077", "Å", "10.1063/1.0", "The lattice constant is 6.077 A"),
        "HGSE.gap_eV": ("-0.22", "eV", "10.1103/PhysRevB.0.0", "E_g = -0.22 eV"),
    }
    out = []
    for r in rows:
        if r.parameter in planted:
            text, unit, doi, snippet = planted[r.parameter]
            factor = io.UNIT_FACTORS[(unit, r.unit)]
            r = dataclasses.replace(
                r,
                literature_value=float(text) * factor,
                literature_text=text,
                literature_unit=unit,
                source_doi=doi,
                url="https://journals.aps.org/x",
                snippet=snippet,
            )
        out.append(r)
    return out


def test_agreement_hand_values(rows):
    table = {r["parameter"]: r for r in literature.materials_comparison(_with_values(rows))}
    # CdSe gap: (1.74 - 1.67) / 1.67 = 0.0419162; lattice: 6.077 A = 0.6077 nm,
    # (0.605 - 0.6077) / 0.6077 = -0.0044430; HgSe gap: (-0.06 + 0.22) / 0.22 = 0.727273
    assert table["CDSE.gap_eV"]["rel_diff"] == pytest.approx(0.0419162, abs=1e-7)
    assert table["CDSE.a_nm"]["literature"] == pytest.approx(0.6077, abs=1e-12)
    assert table["CDSE.a_nm"]["rel_diff"] == pytest.approx(-0.0044430, abs=1e-7)
    assert table["HGSE.gap_eV"]["rel_diff"] == pytest.approx(0.727273, abs=1e-6)
    assert math.isnan(table["HGSE.mh"]["rel_diff"])
    assert table["HGSE.mh"]["status"] == literature.NO_SOURCE
    # a value read on a page without a DOI is not a literature source
    assert table["CDSE.gap_eV"]["status"] == "no DOI"
    assert table["HGSE.gap_eV"]["status"] == "sourced"
    md = checks_view.materials_table(list(table.values()))
    assert "+4.2% (not a DOI source)" in md and "doi:10.1103/PhysRevB.0.0" in md


def test_values_read_only_on_mirrors_were_dropped(rows):
    """The HgSe band-structure abstract (concepedia) and the CdSe MBE abstract (a search-engine
    mirror) were read on no page a referee can follow: their values are gone, the work is named
    and the note says why."""
    table = {r.parameter: r for r in rows}
    for name in ("HGSE.gap_eV", "CDSE.gap_eV", "CDSE.a_nm"):
        r = table[name]
        assert not r.found and not r.url and r.source, name
        assert "not a source" in r.note, name
    assert "Phys. Rev. B 3, 4274 (1971)" in table["HGSE.gap_eV"].source


def test_checks_page_shows_the_table():
    res = checks.compute(root=ROOT, fast=True)
    table = res.materials
    assert res["materials_parameters_n"] == len(table) == 15
    assert res["materials_sourced_n"] == sum(
        bool(r["doi"]) and r["status"] == "sourced" for r in table
    )
    assert res["materials_with_value_n"] == sum(r["status"] != literature.NO_SOURCE for r in table)
    md = checks_view.materials_table(res.materials)
    assert md.count("\n") == 15 + 1  # header, rule and one line per parameter
    assert "| HgSe hole effective mass | 0.019 m₀ | — |" in md
    assert "Phys. Rev. B 3, 4274 (1971) (no publisher page stored)" in md
    assert "0.019 m₀" in checks_view.notes(res)["materials_hgse_hole"]
    # only publisher-DOI values become literature records
    lit = [n for n, v in res.numbers.items() if n.startswith("materials_rel_diff__")]
    assert len(lit) == res["materials_sourced_n"]


def test_missing_parameter_is_named(rows):
    with pytest.raises(ValueError, match="HGSE.mh"):
        literature.materials_comparison([r for r in rows if r.parameter != "HGSE.mh"])


GOOD = "HGSE.a_nm,HgSe lattice,nm,6.085,Å,10.1103/PhysRevB.0.0,t,https://x.org/p,a = 6.085 Å,n"


@pytest.mark.parametrize(
    "line, needle",
    [
        ("HGSE.foo,x,nm,,,,,,,n", "not a number of iece.physics.materials"),
        ("HGSE.name,x,nm,,,,,,,n", "not a number of iece.physics.materials"),
        ("HGSE.a_nm,x,eV,,,,,,,n", "HGSE.a_nm is in nm"),
        (
            "HGSE.a_nm,x,nm,6.085,Å,10.1103/PhysRevB.0.0,t,https://x.org,a = 6.08 Å,n",
            "does not print",
        ),
        ("HGSE.a_nm,x,nm,6.085,Å,,t,,a = 6.085 Å,n", "needs url and snippet"),
        ("HGSE.a_nm,x,nm,6.085,eV,,t,https://x.org,a = 6.085,n", "cannot be compared"),
        ("HGSE.a_nm,x,nm,six,Å,,t,https://x.org,six,n", "must be a number"),
        ("HGSE.a_nm,x,nm,6.085,Å,doi:10.1/x,t,https://x.org,a = 6.085 Å,n", "malformed DOI"),
        ("HGSE.a_nm,x,nm,,,10.1103/PhysRevB.0.0,t,,,n", "a DOI without a literature value"),
        (GOOD + "\n" + GOOD, "line 3: duplicate of line 2"),
        ("HGSE.a_nm,x,nm", "3 fields"),
    ],
)
def test_bad_rows_are_named_by_line(tmp_path, line, needle):
    p = tmp_path / "m.csv"
    p.write_text(HEADER + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(io.DataFileError, match=needle) as err:
        io.read_material_sources(p)
    assert "m.csv, line" in str(err.value)


def test_a_good_row_converts_its_unit(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text(HEADER + "\n" + GOOD + "\n", encoding="utf-8")
    (r,) = io.read_material_sources(p)
    assert r.literature_value == pytest.approx(0.6085) and r.sourced
