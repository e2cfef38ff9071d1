"""One function per report figure: it draws a :class:`~iece.pipeline.figure.FigureResult` and
returns the matplotlib figure (the notebook saves it with :func:`iece.save_figure`).

Styling comes from :mod:`iece.report.style` only; colours are paired with line styles and
markers so every figure reads in grayscale.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..paper import choices, ema_numbers, quoted
from ..physics import ema
from . import style

_LS = ["-", "--", "-.", ":"]


# ----------------------------------------------------------------------------- Fig. 2e-g
def fig2ef_wavefunctions(res):
    x, m, p = res.data["x"], res.data["metrics"], res.params
    show_x = [0.0, 0.2, 0.4, 0.6]
    cols = style.ramp(len(show_x))
    fig, axes = plt.subplots(2, 2, figsize=(7, 5), sharex=True, layout="constrained")
    panels = (
        (m["cs"], "(e) CdSe/HgSe core/shell (CE)"),
        (m["alloy"], "(f) Hg$_x$Cd$_{1-x}$Se alloy (IE-CE)"),
    )
    for col, (r, label) in enumerate(panels):
        for row, (psi, carrier) in enumerate(((r.psi_e, "electron"), (r.psi_h, "hole"))):
            ax = axes[row, col]
            for k, xv in enumerate(show_x):
                i = int(np.argmin(np.abs(x - xv)))
                rr = r.r_nm[i]
                ax.plot(
                    rr,
                    4 * np.pi * rr**2 * psi[i] ** 2,
                    color=cols[k],
                    ls=_LS[k],
                    label=f"x = {x[i]:.1f}",
                )
                if r.structure.radius_nm.shape[-1] == 2 and x[i] > 0:
                    ax.axvline(r.structure.radius_nm[i, 0], color=cols[k], ls="--", lw=0.6)
            ax.axvline(p["diameter_nm"] / 2, color="k", lw=0.8)
            ax.set_xlim(0, p["diameter_nm"] / 2 + 0.6)
            if row == 0:
                ax.set_title(label)
            if row == 1:
                ax.set_xlabel("radius r (nm)")
            if col == 0:
                ax.set_ylabel(f"{carrier}\n$4\\pi r^2|\\psi|^2$ (nm$^{{-1}}$)")
    handles, _ = axes[0, 0].get_legend_handles_labels()
    handles += [
        plt.Line2D(
            [], [], color="0.3", ls="--", lw=0.6, label="core radius (CE), in the colour of its x"
        ),
        plt.Line2D([], [], color="k", lw=0.8, label="NC surface"),
    ]
    # beneath the panels: the densities fill them
    fig.legend(handles=handles, frameon=False, fontsize=7, ncol=3, loc="outside lower center")
    return fig


def _cs_alloy(ax, x, m, curve, ms=None):
    """Core/shell and alloy ``curve`` of :func:`iece.paper.ema_numbers.one` (the recorded
    numbers' own curves) against x."""
    lab = {"core/shell": "CdSe/HgSe (core/shell)", "alloy": "Hg$_x$Cd$_{1-x}$Se (alloy)"}
    for key, prefix in (("core/shell", "cs"), ("alloy", "alloy")):
        ax.plot(
            x,
            m["curves"][f"{prefix}_{curve}"],
            color=style.PALETTE[key],
            ls=style.LINESTYLES[key],
            marker=style.MARKERS[key],
            markevery=10,
            ms=ms,
            label=lab[key],
        )


def _overlap_inset(ax, draw):
    """The overlap on the paper's own axis, 0 to 1, and the detail in an inset (lower right,
    where an overlap near 1 leaves the panel empty); ``draw(axes)`` plots the curves on both.
    Returns the inset."""
    draw(ax)
    ax.set_ylim(0, 1.0)
    inset = ax.inset_axes([0.4, 0.08, 0.57, 0.44])
    draw(inset)
    inset.tick_params(labelsize=6, length=2.5)
    inset.set_title("detail of the grey box", fontsize=6, pad=2)
    # the box alone, no connector lines: they would cross the legend
    (x0, x1), (y0, y1) = inset.get_xlim(), inset.get_ylim()
    ax.indicate_inset((x0, y0, x1 - x0, y1 - y0), edgecolor="0.5", alpha=0.8)
    return inset


def fig2g_s5_s6_s8(res):
    x, m, p = res.data["x"], res.data["metrics"], res.params
    fig, axes = plt.subplots(2, 2, figsize=(7, 5.2))
    _overlap_inset(axes[0, 0], lambda a: _cs_alloy(a, x, m, "overlap", ms=3))
    axes[0, 0].set(
        xlabel="total Hg fraction x",
        ylabel="overlap $\\phi$ (Eq. 2)",
        title=f"(g) overlap, {p['diameter_nm']:g} nm",
    )
    # between the curves (near 1) and the inset
    axes[0, 0].legend(frameon=False, loc="center left", bbox_to_anchor=(0, 0.72))
    ax = axes[0, 1]
    sizes = res.data["s5_diameters_nm"]
    cols = style.ramp(len(sizes))
    for k, d in enumerate(sizes):
        ax.plot(x, 100 * m["curves"]["depletion"][k], color=cols[k], ls=_LS[k], label=f"{d} nm")
    paper = 100 * quoted.DEPLETION_MAX.value
    ax.axhline(paper, color="k", lw=0.8, ls=":")
    ax.annotate(f"paper: up to {paper:.0f} %", (0.01, paper), va="bottom", fontsize=7)
    ax.set(
        xlabel="total Hg fraction x",
        ylabel="1S-1S depletion $1-(\\phi/\\phi_0)^2$ (%)",
        title="(S5) core/shell oscillator-strength depletion",
    )
    ax.legend(frameon=False, title="diameter")
    _cs_alloy(axes[1, 0], x, m, "energy_eV")
    axes[1, 0].set(
        xlabel="total Hg fraction x", ylabel="1S-1S energy (eV)", title="(S6) band energy"
    )
    axes[1, 0].legend(frameon=False)
    _cs_alloy(axes[1, 1], x, m, "surface_fraction")
    axes[1, 1].set(
        xlabel="total Hg fraction x",
        ylabel="surface electron fraction (Eq. 3)",
        title="(S8) electron at the surface",
    )
    fig.tight_layout()
    return fig


def fig2eg_size_curve(res):
    c, p = res.data["size_curve"], res.params
    fig, ax = plt.subplots(figsize=(4.6, 3.4))
    for (name, e), ls in zip(c["ema_eV"].items(), _LS):
        mine = name == p["outside"]
        ax.plot(
            c["diameter_nm"],
            e,
            ls=ls,
            color="0.15" if mine else "0.55",
            lw=2 if mine else 1,
            label=f"EMA, {name}",
        )
    ax.plot(
        c["diameter_nm"],
        c["jasieniak_eV"],
        color=style.PALETTE["literature"],
        lw=3,
        alpha=0.6,
        label="Jasieniak 2009 (literature)",
    )
    ax.plot(
        [quoted.DIAMETER_PROTOTYPE_NM.value],
        [quoted.CDSE_1S_EV.value],
        marker="*",
        ms=12,
        color="k",
        ls="none",
        label="paper, 3.3 nm (quoted)",
    )
    if "user_sizing" in res.data:
        ud, ue = res.data["user_sizing"]
        ax.plot(ud, ue, "o", mfc="none", color="k", label="your data")
    ax.set(xlabel="CdSe diameter (nm)", ylabel="1S-1S energy (eV)", ylim=(1.7, 3.2))
    ax.legend(frameon=False, fontsize=7)
    return fig


def fig2g_sensitivity(res):
    x = res.data["x"]
    fig, ax = plt.subplots(figsize=(6.4, 3.2))

    def draw(a):
        for name, ls in zip(choices.OUTSIDE_MEDIA, _LS):
            rows = res.data["sensitivity"][name]
            a.plot(x, rows["curves"]["cs_overlap"], ls=ls, color="k", label=f"core/shell, {name}")
            a.plot(
                x,
                rows["curves"]["alloy_overlap"],
                ls=ls,
                color=style.PALETTE["alloy"],
                alpha=0.7,
                label=f"alloy, {name}",
            )

    _overlap_inset(ax, draw)
    ax.set(
        xlabel="total Hg fraction x",
        ylabel="overlap $\\phi$",
        title=f"overlap across outside media, {res.params['diameter_nm']:g} nm",
    )
    # beside the panel: eight curves leave no empty corner
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return fig


# ----------------------------------------------------------------------------- checks
def checks_sizing(res):
    fig, ax = plt.subplots(figsize=(4.2, 3))
    for (name, (d, e)), ls in zip(res.data["sizing"].items(), _LS):
        ax.plot(d, e, color="k", ls=ls, label=f"{name} (literature)")
    ax.plot(
        [quoted.DIAMETER_PROTOTYPE_NM.value],
        [quoted.CDSE_1S_EV.value],
        "k*",
        ms=12,
        ls="none",
        label="paper: 3.3 nm, 2.24 eV (quoted)",
    )
    if "user_sizing" in res.data:
        ud, ue = res.data["user_sizing"]
        ax.plot(ud, ue, "o", mfc="none", color="0.3", label="your data")
    ax.set(xlabel="CdSe diameter (nm)", ylabel="1S-1S energy (eV)")
    ax.legend(frameon=False, fontsize=7)
    return fig


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


# ----------------------------------------------------------------------------- sensitivity
def sensitivity_indices(res):
    """Total-order Sobol' indices of the EMA claim numbers (rows) on the Methods' parameters
    (columns): a seaborn heatmap, the colour saturating at 0 and 1 (estimates outside are
    sampling noise; the page's table gives the intervals)."""
    import seaborn as sns  # here, not at the top: only this figure pays its import

    st = res.data["indices"]["ST"]
    rows = [k for k in res.data["numbers"] if k in st]
    fig, ax = plt.subplots(figsize=(11, 6))
    sns.heatmap(
        np.array([st[k] for k in rows]),
        vmin=0,
        vmax=1,
        annot=True,
        fmt=".2f",
        cmap="viridis",
        xticklabels=[i.name for i in res.data["inputs"]],
        yticklabels=[res.data["labels"][k] for k in rows],
        cbar_kws={"label": "total-order index ST"},
        ax=ax,
    )
    ax.set_xlabel("Methods' parameter")
    ax.set_ylabel("EMA claim number (literal reading)")
    fig.tight_layout()
    return fig
