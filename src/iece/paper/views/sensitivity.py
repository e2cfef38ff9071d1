"""The sensitivity page: the heatmap of total-order indices, and the tables of verdicts, of
indices per claim number and of the declared inputs' ranges.

Draws and formats a :class:`iece.paper.sensitivity.SensitivityResult`; solves nothing.
"""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np

from ...pipeline import verdicts
from ...pipeline.judged import Judged
from ...report.markdown import md_table
from .. import sensitivity, sensitivity_verdicts
from ..sensitivity import INPUTS, LABELS, TOP


def _numbers(res: sensitivity.SensitivityResult) -> list[str]:
    """Every model's claim numbers, in the page's order."""
    return [k for part in res.parts.values() for k in part.numbers]


def indices_plot(res: sensitivity.SensitivityResult):
    """Total-order Sobol' indices of the claim numbers (rows) on the declared inputs
    (columns): a seaborn heatmap, the colour saturating at 0 and 1 (estimates outside are
    sampling noise; the page's table gives the intervals); blank where an input does not
    enter the number's model."""
    import seaborn as sns  # here, not at the top: only this figure pays its import

    st = res.indices["ST"]
    rows = [k for k in _numbers(res) if k in st]
    grid = np.full((len(rows), len(INPUTS)), np.nan)
    for r, k in enumerate(rows):
        by = dict(zip((i.name for i in res.inputs_of(k)), st[k]))
        grid[r] = [by.get(i.name, np.nan) for i in INPUTS]
    fig, ax = plt.subplots(figsize=(12, 7))
    sns.heatmap(
        grid,
        mask=np.isnan(grid),
        vmin=0,
        vmax=1,
        annot=True,
        fmt=".2f",
        cmap="viridis",
        xticklabels=[i.name for i in INPUTS],
        yticklabels=[LABELS[k] for k in rows],
        cbar_kws={"label": "total-order index ST"},
        ax=ax,
    )
    ax.set_xlabel("declared input")
    ax.set_ylabel("claim number (literal reading)")
    fig.tight_layout()
    return fig


def _fmt(v: float, unit: str) -> str:
    if unit.startswith("log10("):
        return f"10^{v:.3g} {unit[6:-1]}"
    return f"{v:.3g} {unit}" if unit in ("eV", "m0", "nm") else f"{v:.3g}"


def inputs_table(inputs=INPUTS) -> str:
    """The declared ranges: each input's paper value, range, reason and source."""
    return md_table(
        ["parameter", "paper", "range", "why", "source"],
        [
            (
                f"{i.label} (`{i.name}`)",
                _fmt(i.paper, i.unit),
                f"{_fmt(i.low, i.unit)} to {_fmt(i.high, i.unit)}",
                i.reason,
                i.source,
            )
            for i in inputs
        ],
    )


def indices_table(res: sensitivity.SensitivityResult) -> str:
    """Per number: its value with the paper's table, its range over the samples and its leading
    inputs with first- and total-order indices (95 % half-widths)."""
    labels = {i.name: i.label for i in INPUTS}
    rows = []
    for k in _numbers(res):
        lead = []
        for rank in range(1, TOP + 1):
            name = f"{k}_top{rank}_input"
            if name not in res.numbers:
                break
            st, s1 = res.numbers[f"{k}_top{rank}_ST"], res.numbers[f"{k}_top{rank}_S1"]
            lead.append(
                f"{labels[res[name]]} {st.value:.2f} ± {1.96 * st.stderr:.2f} "
                f"({s1.value:.2f} ± {1.96 * s1.stderr:.2f})"
            )
        rows.append(
            (
                LABELS[k],
                f"{res[k + '_paper']:.4g}",
                f"{res[k + '_low']:.4g} to {res[k + '_high']:.4g}",
                "; ".join(lead) or "does not vary",
            )
        )
    header = ["number", "paper's values", "over the samples", "leading inputs: ST (S1)"]
    return md_table(header, rows)


def _flips(v: sensitivity_verdicts.Verdict) -> str:
    """The flip fraction with its uncertainty: none of n as an upper bound (rule of three)."""
    if v.flip_fraction == 0:
        return f"none of {v.n} (below {v.flips_at_most:.1%} at 95 %)"
    return f"{v.flip_fraction:.1%} ± {v.stderr:.1%} of {v.n}"


def verdicts_table(res: sensitivity_verdicts.Judgement) -> str:
    """Per ledger entry: verdict at the paper's values, flip fraction (none as an upper bound),
    the input it hinges on with its total-order index and 95 % half-width (an estimate above 1
    is sampling noise: the index is at most 1)."""
    labels = {i.name: i.label for i in INPUTS}
    rows = [
        (
            v.id,
            "yes" if v.held else "no",
            _flips(v),
            f"{labels[v.hinge]} ({v.hinge_ST:.2f} ± {v.hinge_ST_conf:.2f})"
            if v.hinge in labels
            else v.hinge,
        )
        for v in res.verdicts
    ]
    header = ["ledger entry", "holds with the paper's values", "independent samples that flip it"]
    return md_table([*header, "hinges on (ST ± 95 %)"], rows)


def judge(tables: dict, claims: list) -> Judged:
    """The judge hook of the sensitivity page: the ledger's own checks over every model's
    samples (:func:`iece.paper.sensitivity.saved_tables`), the per-entry records
    (``p_holds_<id>`` and the rest, :mod:`iece.paper.sensitivity_verdicts`) and the page's
    ``verdicts`` section."""
    j = sensitivity_verdicts.judge(
        sensitivity.parts_of(tables), functools.partial(verdicts.reading_map, claims)
    )
    return Judged(params={}, numbers=j.numbers, sections={"verdicts": [verdicts_table(j)]})
