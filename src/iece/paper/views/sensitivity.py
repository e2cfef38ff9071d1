"""The sensitivity page: the heatmap of total-order indices, and the tables of verdicts, of
indices per claim number and of the Methods' parameters' declared ranges.

Draws and formats a :class:`iece.paper.sensitivity.SensitivityResult`; solves nothing.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...report.markdown import md_table
from .. import sensitivity
from ..sensitivity import INPUTS, LABELS, NUMBERS, TOP


def indices_plot(res: sensitivity.SensitivityResult):
    """Total-order Sobol' indices of the EMA claim numbers (rows) on the Methods' parameters
    (columns): a seaborn heatmap, the colour saturating at 0 and 1 (estimates outside are
    sampling noise; the page's table gives the intervals)."""
    import seaborn as sns  # here, not at the top: only this figure pays its import

    st = res.indices["ST"]
    rows = [k for k in NUMBERS if k in st]
    fig, ax = plt.subplots(figsize=(11, 6))
    sns.heatmap(
        np.array([st[k] for k in rows]),
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
    ax.set_xlabel("Methods' parameter")
    ax.set_ylabel("EMA claim number (literal reading)")
    fig.tight_layout()
    return fig


def _fmt(v: float, unit: str) -> str:
    return f"{v:.3g} {unit}" if unit in ("eV", "m0") else f"{v:.3g}"


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
    for k in NUMBERS:
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
    header = ["number", "paper's table", "over the samples", "leading inputs: ST (S1)"]
    return md_table(header, rows)


def verdicts_table(res: sensitivity.SensitivityResult) -> str:
    """Per ledger entry: verdict at the paper's values, flip fraction, the input it hinges on."""
    labels = {i.name: i.label for i in INPUTS}
    rows = [
        (
            v.id,
            "yes" if v.held else "no",
            f"{v.flip_fraction:.1%} ± {v.stderr:.1%}",
            f"{labels[v.hinge]} ({v.hinge_ST:.2f})" if v.hinge in labels else v.hinge,
        )
        for v in res.verdicts
    ]
    header = ["ledger entry", "holds with the paper's table", "samples that flip it"]
    return md_table([*header, "hinges on (ST)"], rows)
