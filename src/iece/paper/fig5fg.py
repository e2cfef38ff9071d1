"""Fig. 5f-g: PL linewidth and quantum yield against infrared NCs in the literature.

The comparison set (``data/literature/ir_nanocrystals.csv``) is read and validated by
:func:`iece.io.read_literature_table`; :mod:`iece.paper.literature` compares (tests in
``tests/test_literature.py``). Each comparison is a margin (how much better this work is) with
the number of points it rests on; with no point it is "not checkable".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from .. import io
from ..pipeline.figure import FAST, FigureResult, Params, number, path
from . import choices, literature, quoted

#: The default comparison set, relative to the project root.
DATASET = Path("data/literature/ir_nanocrystals.csv")
PARAMS = Params(
    path("literature_path", "your table of literature values (same columns as the dataset)"),
    number(
        "window_low_nm", quoted.SWIR_NM.low, "lower edge of the comparison window (nm)", 200, 5000
    ),
    number(
        "window_high_nm", quoted.SWIR_NM.high, "upper edge of the comparison window (nm)", 200, 5000
    ),
    FAST,
    below={"window_low_nm": "window_high_nm"},
)
#: name -> keyword arguments of :func:`iece.paper.literature.compare`.
COMPARISONS = {
    "hg_brighter": {"metric": "qy", "hg_only": True},
    "hg_narrower": {"metric": "fwhm", "hg_only": True},
    "swir_brighter": {"metric": "qy"},
    "swir_narrower": {"metric": "fwhm"},
    "pbs_pbse_core_fwhm": {"metric": "fwhm", "materials": ("PbS", "PbSe"), "structure": "core"},
}


@dataclass(kw_only=True)
class Fig5fgResult(FigureResult):
    """fig5fg's numbers and what its plot and tables draw: the table's ``rows``, the comparison
    window (nm), the coverage of the paper's references, the table's name and each comparison
    of :data:`COMPARISONS` in that window."""

    rows: list
    window_nm: tuple
    coverage: dict
    source: str
    compared: dict


def compute(root=None, **params) -> Fig5fgResult:
    """All numbers of the fig5fg page; ``root`` is where the default dataset's path starts
    (default: :func:`iece.io.project_root`, so a kernel in ``notebooks/`` finds it too)."""
    p = PARAMS.resolve(params, "fig5fg")
    window = (p["window_low_nm"], p["window_high_nm"])
    res = FigureResult(p)
    user = p["literature_path"] is not None
    source = Path(p["literature_path"]) if user else Path(root or io.project_root()) / DATASET
    rows = io.read_literature_table(source)
    prov = "user" if user else "literature"
    cov = literature.coverage(rows)
    res.add("coverage_cited_refs_with_values", cov["with_values"], "1", provenance=prov)
    ours = [r for r in rows if r.this_work and r.structure == "core/shell"]
    if not ours:
        raise io.DataFileError(
            f"literature_path {source.name}: no 'this work' core/shell row (ref = this work), "
            "so there is nothing to compare the literature with"
        )
    needed = ("qy_low_percent", "qy_high_percent", "fwhm_low_meV", "fwhm_high_meV")
    for r in ours:
        empty = [c for c in needed if math.isnan(getattr(r, c))]
        if empty:
            raise io.DataFileError(
                f"literature_path {source.name}, line {r.line}: the 'this work' core/shell row "
                f"needs {', '.join(empty)}"
            )
    here = "user" if user else "quoted"
    res.add("this_work_qy_low_percent", max(r.qy_low_percent for r in ours), "%", provenance=here)
    res.add("this_work_qy_high_percent", max(r.qy_high_percent for r in ours), "%", provenance=here)
    res.add("this_work_fwhm_low_meV", min(r.fwhm_low_meV for r in ours), "meV", provenance=here)
    res.add("this_work_fwhm_high_meV", max(r.fwhm_high_meV for r in ours), "meV", provenance=here)
    windows = {"": window} | {f"__{k}": w for k, w in choices.WINDOW_NM.items()}
    for sfx, win in windows.items():
        compared = {k: literature.compare(rows, window=win, **kw) for k, kw in COMPARISONS.items()}
        for name, c in compared.items():
            unit = "%" if COMPARISONS[name]["metric"] == "qy" else "meV"
            support = f"{c['n']} points in {win[0]:g}-{win[1]:g} nm"
            if c["n"] < choices.MIN_LITERATURE_POINTS:
                support = f"insufficient data: {support}"
            margin = c["margin"]
            res.add(
                f"{name}_margin{sfx}",
                margin,
                "" if isinstance(margin, str) else unit,
                provenance=prov,
                note="; ".join([support, *c["points"]]),
            )
            res.add(f"{name}_n{sfx}", c["n"], "1", provenance=prov)
        if not sfx:
            compared_in_window = compared
    return Fig5fgResult(
        params=p,
        numbers=res.numbers,
        rows=rows,
        window_nm=window,
        coverage=cov,
        source=source.name if user else str(DATASET),
        compared=compared_in_window,
    )
