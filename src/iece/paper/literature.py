"""Literature comparisons: Fig. 5f-g, and the Methods' material parameters against sources.

The Fig. 5f-g dataset (``data/literature/ir_nanocrystals.csv``; columns in its README) is read by
:func:`iece.io.read_literature_table`, which validates every row and names the line of a bad one.
:func:`compare` states how many literature points a comparison rests on, and returns
"not checkable" when there are none.

The parameter table (``data/literature/materials_sources.csv``, read by
:func:`iece.io.read_material_sources`) holds only the literature side: each row names a number
of :mod:`iece.physics.materials` (``CDSE.me``), so the paper's value has one definition.
:func:`materials_comparison` joins the two; the agreement is
``(paper - literature) / |literature|``.
A value counts as a literature source only with a publisher DOI and a verbatim snippet.
"""

from __future__ import annotations

import math
from dataclasses import fields
from pathlib import Path

from ..io import MaterialSource, Row, material_parameter
from ..physics import materials
from ..physics.constants import fwhm_nm_to_meV  # noqa: F401 (part of this module's API)
from . import quoted
from .base import md_code, md_escape

#: References the paper cites for Fig. 5f-g (Results, last paragraph).
CITED_REFS = (9, 11, 29, 35, *range(50, 76))


def coverage(rows: list[Row]) -> dict:
    """How many of the paper's cited Fig. 5 references have at least one public value here."""
    with_values = sorted({int(r.ref) for r in rows if r.ref.isdigit() and int(r.ref) in CITED_REFS})
    return {"cited": len(CITED_REFS), "with_values": len(with_values), "refs": with_values}


#: Fewer qualifying literature points than this make a comparison "not checkable".
MIN_SUPPORT = 3


def compare(
    rows: list[Row],
    metric: str,
    *,
    hg_only: bool = False,
    window=quoted.SWIR_NM.value,
    materials: tuple[str, ...] | None = None,
    structure: str | None = None,
) -> dict:
    """Is this work better than every literature point in ``window`` for ``metric``?

    ``metric`` is ``qy`` (higher is better, compares the best reported values) or ``fwhm`` (lower is
    better). Returns ``{"verdict": True/False/"not checkable", "margin": how much better this
    work is (QY points, or meV narrower; negative: worse), "n": points used, "best": ...}``;
    with fewer than :data:`MIN_SUPPORT` literature points the verdict and the margin are
    "not checkable" (insufficient data) and ``n`` and ``points`` say what there is.
    ``materials`` keeps only rows whose material starts with one of the names; ``structure``
    only rows of that structure."""
    if metric not in ("qy", "fwhm"):
        raise ValueError(f"metric must be 'qy' or 'fwhm', got {metric!r}")
    ours = [r for r in rows if r.this_work and r.structure == "core/shell"]
    if not ours:
        raise ValueError("the dataset has no 'this work' core/shell row")
    pick = (lambda r: r.qy_best) if metric == "qy" else (lambda r: r.fwhm_best)
    lit = [
        r
        for r in rows
        if not r.this_work
        and r.overlaps(window)
        and not math.isnan(pick(r))
        and (r.hg_chalcogenide or not hg_only)
        and (materials is None or r.material.startswith(materials))
        and (structure is None or r.structure == structure)
    ]
    mine = max(pick(r) for r in ours) if metric == "qy" else min(pick(r) for r in ours)
    best = None
    if lit:
        best = max(pick(r) for r in lit) if metric == "qy" else min(pick(r) for r in lit)
    if len(lit) < MIN_SUPPORT:
        return {
            "verdict": "not checkable",
            "margin": "not checkable",
            "n": len(lit),
            "ours": mine,
            "best_literature": best,
            "points": [r.citation() for r in lit],
        }
    margin = mine - best if metric == "qy" else best - mine
    return {
        "verdict": bool(margin > 0),
        "margin": margin,
        "n": len(lit),
        "ours": mine,
        "best_literature": best,
        "points": [r.citation() for r in lit],
    }


# ----------------------------------------------------------------- the Methods' parameter table
#: The literature side of the Methods' parameter table, relative to the project root.
MATERIALS_SOURCES = Path("data/literature/materials_sources.csv")
#: Every material parameter the EMA uses, by its name in :mod:`iece.physics.materials`.
MATERIAL_PARAMETERS = (
    *(
        f"{m}.{f.name}"
        for m in ("CDSE", "HGSE")
        for f in fields(materials.Material)
        if f.name != "name"
    ),
    "CDSE_ELECTRON_AFFINITY_EV",
)
NO_SOURCE = "no public source found"


def materials_comparison(rows: list[MaterialSource]) -> list[dict]:
    """One dict per row: the paper's value (from :mod:`iece.physics.materials`), the literature
    value (``nan`` if none was found), ``rel_diff = (paper - literature) / |literature|`` and a
    ``status``: ``sourced`` (publisher DOI and verbatim snippet), ``no DOI`` (a snippet read on
    a page that shows no DOI) or :data:`NO_SOURCE`. ValueError if a parameter of
    :data:`MATERIAL_PARAMETERS` has no row."""
    missing = sorted(set(MATERIAL_PARAMETERS) - {r.parameter for r in rows})
    if missing:
        raise ValueError(f"no row for {', '.join(missing)} in the material sources")
    out = []
    for r in rows:
        paper, unit = material_parameter(r.parameter)
        lit = r.literature_value
        out.append(
            {
                "parameter": r.parameter,
                "quantity": r.quantity,
                "unit": unit,
                "paper": paper,
                "literature": lit,
                "rel_diff": (paper - lit) / abs(lit) if r.found else math.nan,
                "status": "sourced" if r.sourced else "no DOI" if r.found else NO_SOURCE,
                "doi": r.source_doi,
                "source": r.source,
                "url": r.url,
                "snippet": r.snippet,
                "note": r.note,
            }
        )
    return out


_UNIT_TEXT = {"m0": " m₀", "eV": " eV", "nm": " nm", "1": ""}


def _value(v: float, unit: str) -> str:
    return "—" if math.isnan(v) else f"{v:g}{_UNIT_TEXT[unit]}"


def _source(row: dict) -> str:
    """The DOI, or the work and the page it was read on (pages render Markdown links as text,
    so addresses are shown, not linked)."""
    if row["doi"]:
        return f"doi:{md_escape(row['doi'])}"
    if row["url"]:
        return f"{md_escape(row['source'] or 'page')}, read at {md_code(row['url'])} (no DOI)"
    return "—"


def materials_markdown(table: list[dict]) -> str:
    """The parameter table as Markdown: parameter, the paper's value, the literature value,
    its source (the DOI, or the page read when it shows no DOI), the agreement and a note."""
    lines = [
        "| parameter | paper (Methods) | literature | source | paper vs literature | note |",
        "|---|---|---|---|---|---|",
    ]
    for r in table:
        agree = "—" if math.isnan(r["rel_diff"]) else f"{r['rel_diff']:+.1%}"
        if r["status"] == "no DOI":
            agree += " (not a DOI source)"
        lines.append(
            f"| {md_escape(r['quantity'])} | {_value(r['paper'], r['unit'])} | "
            f"{_value(r['literature'], r['unit'])} | {_source(r)} | {agree} | "
            f"{md_escape(r['note'])} |"
        )
    return "\n".join(lines)


def hgse_hole_note(table: list[dict]) -> str:
    """What the sources say about the Methods' HgSe hole mass (the issue's example), with the
    paper's numbers taken from :mod:`iece.physics.materials`."""
    row = {r["parameter"]: r for r in table}
    mh, me = row["HGSE.mh"], row["HGSE.me"]
    found = "no public source" if mh["status"] == NO_SOURCE else "a source"
    return (
        f"**HgSe's hole mass.** The Methods give HgSe a hole mass of {_value(mh['paper'], 'm0')}, "
        f"lighter than its electron ({_value(me['paper'], 'm0')}). We found {found} that states "
        "a heavy- or light-hole mass of HgSe with a DOI. The one HgSe band-structure abstract we "
        f"found ({_source(mh)}) fits the mass of electrons in what it calls the Γ8 conduction "
        "band of HgSe: HgSe's bands are inverted. Our reading: the light Γ8 branch, a "
        "light-hole band in CdSe, is HgSe's conduction band, and the valence band at HgSe's gap "
        f"is the heavy Γ8 branch. A hole mass of {_value(mh['paper'], 'm0')} is light-hole-like; "
        "whether it stands for that heavy band is not stated, and no public value was found to "
        "check it."
    )
