"""One function per report figure: it draws a :class:`~iece.pipeline.figure.FigureResult` and
returns the matplotlib figure (the notebook saves it with :func:`iece.save_figure`).

Styling comes from :mod:`iece.report.style` only; colours are paired with line styles and
markers so every figure reads in grayscale.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..paper import ema_numbers, quoted
from ..physics import ema
from . import style

_LS = ["-", "--", "-.", ":"]


# ----------------------------------------------------------------- the reading search
def _mark_readings(ax, res, levels):
    """On the text-allowed panel: the plausible region (outside levels between the common level
    and the vacuum level), the literal reading (both levels 0) and the best reading's levels."""
    from matplotlib.patches import Rectangle

    vac = ema.outside_medium("vacuum")
    lv = np.asarray(levels)
    ie = np.flatnonzero((lv >= 0) & (lv <= vac.Ve_eV))
    ih = np.flatnonzero((lv >= 0) & (lv <= vac.Vh_eV))
    ax.add_patch(
        Rectangle(
            (ie[0], ih[0]),
            ie[-1] - ie[0] + 1,
            ih[-1] - ih[0] + 1,
            fill=False,
            ec=style.PALETTE["literature"],
            lw=1.5,
            ls="--",
            label=f"plausible: up to the vacuum level ({vac.Ve_eV:.2f}, {vac.Vh_eV:.2f} eV)",
        )
    )
    i0 = int(np.flatnonzero(lv == 0)[0])
    ax.add_patch(Rectangle((i0, i0), 1, 1, fill=False, ec="k", lw=2, label="literal reading"))
    t, b = res.data["table"], res.data["best"]
    ib = int(np.flatnonzero(lv == t["level_e_eV"][b])[0])
    jb = int(np.flatnonzero(lv == t["level_h_eV"][b])[0])
    ax.plot(ib + 0.8, jb + 0.8, "*", color="k", ms=7, label="best reading the text allows")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.18), fontsize=6, frameon=False)


def readings_map(res):
    """Per pair of outside levels: the most EMA claims a reading reproduces, among the readings
    the text allows (left) and among those it rules out (right, counterfactual). A seaborn
    heatmap with the counts written in."""
    import seaborn as sns  # here, not at the top: only this figure pays its import

    t, count, text = res.data["table"], res.data["count"], res.data["masks"]["text_allowed"]
    everywhere = sorted(set(t["level_e_eV"]))
    n_claims = len(res.data["claims"])
    fig, axes = plt.subplots(1, 2, figsize=(9.5, 5.2))
    panels = (
        (text, "what the text allows: x = shell volume,\nphi$^2$ depletion, finite barriers"),
        (~text, "counterfactual: what the text rules out\n(shell thickness, phi depletion, walls)"),
    )
    for ax, (sel, title) in zip(axes, panels):
        levels = [v for v in everywhere if np.isfinite(v)] if sel is text else everywhere
        labels = ["wall" if np.isinf(v) else f"{v:g}" for v in levels]
        grid = np.full((len(levels), len(levels)), np.nan)
        for i, le in enumerate(levels):
            for j, lh in enumerate(levels):
                m = sel & (t["level_e_eV"] == le) & (t["level_h_eV"] == lh)
                grid[j, i] = count[m].max() if m.any() else np.nan
        sns.heatmap(
            grid,
            ax=ax,
            vmin=0,
            vmax=n_claims,
            cmap="Greys",
            annot=True,
            fmt=".0f",
            annot_kws={"fontsize": 6},
            cbar=ax is axes[-1],
            cbar_kws={"label": f"EMA claims reproduced (of {n_claims})"},
            xticklabels=labels,
            yticklabels=labels,
            square=True,
            linewidths=0.3,
            linecolor="white",
        )
        ax.invert_yaxis()
        if sel is text:
            _mark_readings(ax, res, levels)
        ax.set_title(title, fontsize=8)
        ax.set_xlabel("electron outside level (eV)", fontsize=8)
        ax.set_ylabel("hole outside level (eV)", fontsize=8)
        ax.tick_params(labelsize=6)
    fig.tight_layout()
    return fig


def readings_wavefunctions(res):
    """Radial densities at 4 nm, x = 0.4: the literal reading and the best one the text allows."""
    from ..paper import readings as rd

    t = res.data["table"]
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), sharey=True)
    for ax, i, title in (
        (axes[0], res.data["literal"], "literal reading"),
        (axes[1], res.data["best"], "best reading the text allows"),
    ):
        out, opts = rd.reading_medium(t, i)
        d = ema_numbers.D_FIG2
        s = ema.core_shell(d, quoted.X_OVERLAP_FALLS_TO.value, str(t["geometry"][i]))
        sol = ema.solve(s, out, allow_unbound=True, **opts)
        r = sol.r_nm
        for psi, label, ls in ((sol.psi_e, "electron", "-"), (sol.psi_h, "hole", "--")):
            ax.plot(r, 4 * np.pi * r**2 * psi**2, color="k", ls=ls, label=label)
        ax.axvline(float(s.radius_nm[0]), color="0.5", ls=":", lw=0.8)
        ax.axvline(ema_numbers.D_FIG2 / 2, color="k", lw=0.8)
        ax.set(xlabel="radius r (nm)", title=title, xlim=(0, ema_numbers.D_FIG2 / 2 + 1))
        ax.text(
            0.02,
            0.97,
            rd.describe(t, i).replace("; ", "\n"),
            transform=ax.transAxes,
            fontsize=5.5,
            va="top",
        )
    axes[0].set_ylabel("$4\\pi r^2|\\psi|^2$ (nm$^{-1}$)")
    axes[1].legend(frameon=False, loc="upper right")
    fig.tight_layout()
    return fig
