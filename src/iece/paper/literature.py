"""The literature comparison of Fig. 5f-g: conversions and comparisons on the validated table.

The dataset (``data/literature/ir_nanocrystals.csv``; columns in its README) is read by
:func:`iece.io.read_literature_table`, which validates every row and names the line of a bad one.
:func:`compare` states how many literature points a comparison rests on, and returns
"not checkable" when there are none.
"""

from __future__ import annotations

import math

from ..io import Row
from ..physics.constants import fwhm_nm_to_meV  # noqa: F401 (part of this module's API)
from . import quoted

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
