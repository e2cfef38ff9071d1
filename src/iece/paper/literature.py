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

Where a value may be read is declared once, here: :data:`NOT_SOURCE_HOSTS` (mirrors, aggregators,
author and staging pages, each with the reason) and the hosts a referee can follow
(:data:`PUBLISHER_HOSTS`, :data:`ARCHIVE_HOSTS`); :func:`source_problem` says what is wrong
with a page address. The data README lists the rows dropped for it.
"""

from __future__ import annotations

import math
from dataclasses import fields
from pathlib import Path
from urllib.parse import urlsplit

from ..io import MaterialSource, Row, material_parameter
from ..physics import materials
from ..physics.constants import fwhm_nm_to_meV  # noqa: F401 (part of this module's API)
from . import choices, quoted

# ----------------------------------------------------------------------- where values may be read
#: Hosts that are not sources, and why. A host matches itself and its subdomains.
NOT_SOURCE_HOSTS = {
    "concepedia.online": "aggregator of abstracts (OpenAlex records)",
    "scite.ai": "citation aggregator; staging.scite.ai is its staging site, with author pages",
    "researchgate.net": "author-uploaded copies",
    "semanticscholar.org": "aggregator of abstracts",
    "docslib.org": "mirror of PDF copies",
    "datapdf.com": "mirror of PDF copies",
    "docksci.com": "mirror of PDF copies",
    "coek.info": "mirror of PDF copies",
    "mafiadoc.com": "mirror of PDF copies",
    "studylib.net": "mirror of uploaded documents",
    "ouci.dntb.gov.ua": "citation-index aggregator",
    "wilddata.cn": "mirror of PubMed records",
    "reviewer.ly": "aggregator of abstracts",
    "biocloudy.com": "aggregator of abstracts",
    "lanfanshu.cn": "mirror of a search engine's result pages",
    "x-mol.com": "aggregator of abstracts",
    "scilit.com": "aggregator of abstracts",
    "scilit.net": "aggregator of abstracts",
    "zendy.io": "aggregator of abstracts",
    "bohrium.dp.tech": "aggregator of abstracts",
    "synapsesocial.com": "aggregator of abstracts",
    "acemap.info": "aggregator of abstracts",
    "paperexplained.cn": "aggregator of abstracts",
    "openaire.eu": "aggregator of records",
    "globalauthorid.com": "aggregator of records",
    "66557.net": "mirror of a publisher's pages",
}
#: The publishers' and journals' own pages. acs.figshare.com is the American Chemical Society's
#: own Supporting Information repository: its records carry the article's abstract.
PUBLISHER_HOSTS = (
    "pubs.acs.org",
    "acs.figshare.com",
    "onlinelibrary.wiley.com",
    "nature.com",
    "link.springer.com",
    "springeropen.com",
    "nanoscalereslett.com",
    "journals.aps.org",
    "link.aps.org",
    "pubs.aip.org",
    "pubs.rsc.org",
    "science.org",
    "sciencedirect.com",
    "biorxiv.org",
    "doi.org",
)
#: Public archives of record, run by public bodies, that hold the article's own text under its
#: journal reference: NLM's PubMed Central and PubMed, and CNRS's HAL. Not mirrors.
ARCHIVE_HOSTS = ("pmc.ncbi.nlm.nih.gov", "pubmed.ncbi.nlm.nih.gov", "pubmed.gov", "hal.science")
#: DOI prefixes of preprint servers (bioRxiv and medRxiv, arXiv, ChemRxiv): never a journal's DOI.
PREPRINT_DOI_PREFIXES = ("10.1101/", "10.48550/", "10.26434/")


def _on(host: str, domains) -> str | None:
    return next((d for d in domains if host == d or host.endswith("." + d)), None)


def source_problem(url: str) -> str | None:
    """Why ``url`` is not a page a referee can follow, or None if it is: a host of
    :data:`NOT_SOURCE_HOSTS` (with its reason), or one that is neither a publisher's
    (:data:`PUBLISHER_HOSTS`) nor an archive of record (:data:`ARCHIVE_HOSTS`)."""
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return f"{url!r} is not a web address"
    bad = _on(host, NOT_SOURCE_HOSTS)
    if bad:
        return f"{host} is not a source: {NOT_SOURCE_HOSTS[bad]}"
    if not _on(host, (*PUBLISHER_HOSTS, *ARCHIVE_HOSTS)):
        return f"{host} is neither a publisher's page nor an archive of record"
    return None


#: References the paper cites for Fig. 5f-g (Results, last paragraph).
CITED_REFS = (9, 11, 29, 35, *range(50, 76))


def coverage(rows: list[Row]) -> dict:
    """How many of the paper's cited Fig. 5 references have at least one public value here."""
    with_values = sorted({int(r.ref) for r in rows if r.ref.isdigit() and int(r.ref) in CITED_REFS})
    return {"cited": len(CITED_REFS), "with_values": len(with_values), "refs": with_values}


def compare(
    rows: list[Row],
    metric: str,
    *,
    hg_only: bool = False,
    window=quoted.SWIR_NM.value,
    materials: tuple[str, ...] | None = None,
    structure: str | None = None,
    min_points: int = choices.MIN_LITERATURE_POINTS,
) -> dict:
    """Is this work better than every literature point in ``window`` for ``metric``?

    ``metric`` is ``qy`` (higher is better, compares the best reported values) or ``fwhm`` (lower is
    better). Returns ``{"verdict": True/False/"not checkable", "margin": how much better this
    work is (QY points, or meV narrower; negative: worse), "n": points used, "best": ...}``;
    with fewer than ``min_points`` literature points (declared once, with its reason, as
    :data:`iece.paper.choices.MIN_LITERATURE_POINTS`) the verdict and the margin are
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
    if len(lit) < min_points:
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
