"""Fig. 2e-g (and Figs. S5, S6, S8) page: the radial densities, the overlap, depletion, energy
and surface panels, the CdSe size curve, the overlap across outside media, the per-medium table,
the notes.

Draws and formats a :class:`iece.paper.fig2eg.Fig2egResult`; solves nothing.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...report import style
from ...report.markdown import fields, fill, md_table
from .. import choices, ema_numbers, fig2eg, quoted
from .common import LINESTYLES, MARKERS, PALETTE, SERIES_STYLES

#: The page's notes: one macro per note; fields are the result's record names, ``params``,
#: its typed fields, the quoted numbers and :data:`CONSTANTS` by name.
NOTES = """
{% macro setup() %}
Outside medium: **{{ medium.name }}** ({{ medium.note }}); diameter
{{ params.diameter_nm|f("g") }} nm; {{ params.x_points }} compositions.
{% endmacro %}

{% macro wavefunctions() %}
At $x = {{ X_OVERLAP_FALLS_TO.value }}$ the HgSe shell is {{ shell_volume_share|f(".0%") }} of
the NC's volume. It holds {{ e_in_shell|f(".0%") }} of the electron
({{ e_shell_enrichment|f(".2f") }} times what a uniform density would put there; another
{{ e_outside|f(".0%") }} is outside the NC) and {{ h_in_shell|f(".0%") }} of the hole
({{ h_shell_enrichment|f(".2f") }} times uniform).
{% endmacro %}

{% macro overlap() %}
Core/shell overlap: {{ cs_overlap_x0|f(".3f") }} at x = 0 and {{ cs_overlap_x0p4|f(".3f") }} at
x = {{ X_OVERLAP_FALLS_TO.value }}; its largest step up to there is
{{ cs_overlap_max_step|f("+.1e") }}. Largest depletion of the oscillator strength over
{{ S5_DIAMETERS_NM[0] }}-{{ S5_DIAMETERS_NM[-1] }} nm and x <= {{ X_RANGE_FIG2.high }}:
**{{ max_depletion|f(".1%") }}** (paper: up to {{ DEPLETION_MAX.value|f(".0%") }}); by size
{{ max_depletion_by_size|each(".1%") }}. Energy non-linearity: core/shell
{{ cs_energy_nonlinearity|f(".3f") }}, alloy {{ alloy_energy_nonlinearity|f(".3f") }}. The
lowest 1S-1S energy any {{ D_PROTOTYPE|f("g") }} nm NC reaches (0 <= x <= 1): core/shell
{{ min_cs_energy_3p3nm_eV|f(".2f") }} eV, alloy {{ min_alloy_energy_3p3nm_eV|f(".2f") }} eV
(measured after 1 h: {{ CE_1S_1H_EV.value|f(".2f") }} eV CE, {{ IECE_1S_1H_EV.value|f(".2f") }}
eV IE-CE).
{% endmacro %}

{% macro size_curve() %}
{{ DIAMETER_PROTOTYPE_NM.value|f("g") }} nm CdSe: EMA ({{ medium.name }})
{{ cdse_3p3nm_energy_eV|f(".3f") }} eV; Jasieniak curve {{ jasieniak_3p3nm_energy_eV|f(".3f") }}
eV; paper {{ CDSE_1S_EV.value }} eV. The `calibrated` medium raises both outside levels by
{{ calibration_shift_eV|f(".2f") }} eV to fit the Jasieniak curve over 2-5 nm
(RMS {{ (1000 * calibration_rms_eV)|f(".0f") }} meV; the literal reading misses it by
{{ (1000 * cdse_sizing_rms_eV__reference)|f(".0f") }} meV RMS).
{% if user_sizing %}
RMS deviation of the EMA from your data: {{ (1000 * user_sizing.rms_eV)|f(".0f") }} meV.
{% endif %}
{% endmacro %}
"""
#: Numbers a note names besides the result's and the quoted ones.
CONSTANTS = {
    "S5_DIAMETERS_NM": ema_numbers.S5_DIAMETERS_NM,
    "D_PROTOTYPE": ema_numbers.D_PROTOTYPE,
}


def notes(res: fig2eg.Fig2egResult) -> dict[str, str]:
    """The page's notes, filled from ``res``: ``setup``, ``wavefunctions``, ``overlap`` and
    ``size_curve`` (with the user's sizing RMS when given)."""
    return fill(NOTES, fields(res, **quoted.ALL, **CONSTANTS))


def wavefunctions(res: fig2eg.Fig2egResult):
    """Fig. 2e, f: radial densities of electron and hole, core/shell and alloy, at four x."""
    x, m, p = res.x, res.metrics, res.params
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
                    ls=LINESTYLES[k],
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
            color=PALETTE[key],
            ls=SERIES_STYLES[key],
            marker=MARKERS[key],
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


def panels(res: fig2eg.Fig2egResult):
    """Fig. 2g and Figs. S5, S6, S8: overlap, depletion per S5 size, energy, surface fraction."""
    x, m, p = res.x, res.metrics, res.params
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
    sizes = ema_numbers.S5_DIAMETERS_NM
    cols = style.ramp(len(sizes))
    for k, d in enumerate(sizes):
        ax.plot(
            x, 100 * m["curves"]["depletion"][k], color=cols[k], ls=LINESTYLES[k], label=f"{d} nm"
        )
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


def size_curve(res: fig2eg.Fig2egResult):
    """CdSe 1S-1S energy against diameter: the EMA per outside medium, the Jasieniak curve, the
    paper's 3.3 nm point and the user's sizing data."""
    c, p = res.size_curve, res.params
    fig, ax = plt.subplots(figsize=(4.6, 3.4))
    for (name, e), ls in zip(c.ema_eV.items(), LINESTYLES):
        mine = name == p["outside"]
        ax.plot(
            c.diameter_nm,
            e,
            ls=ls,
            color="0.15" if mine else "0.55",
            lw=2 if mine else 1,
            label=f"EMA, {name}",
        )
    ax.plot(
        c.diameter_nm,
        c.jasieniak_eV,
        color=PALETTE["literature"],
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
    if res.user_sizing is not None:
        ax.plot(
            res.user_sizing.diameter_nm,
            res.user_sizing.energy_eV,
            "o",
            mfc="none",
            color="k",
            label="your data",
        )
    ax.set(xlabel="CdSe diameter (nm)", ylabel="1S-1S energy (eV)", ylim=(1.7, 3.2))
    ax.legend(frameon=False, fontsize=7)
    return fig


def media(res: fig2eg.Fig2egResult):
    """The Fig. 2g overlap under every outside medium."""
    x = res.x
    fig, ax = plt.subplots(figsize=(6.4, 3.2))

    def draw(a):
        for name, ls in zip(choices.OUTSIDE_MEDIA, LINESTYLES):
            rows = res.by_medium[name]
            a.plot(x, rows["curves"]["cs_overlap"], ls=ls, color="k", label=f"core/shell, {name}")
            a.plot(
                x,
                rows["curves"]["alloy_overlap"],
                ls=ls,
                color=PALETTE["alloy"],
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


def _cell(v) -> str:
    return ("yes" if v else "no") if isinstance(v, bool) else f"{v:.3g}"


def medium_table(res: fig2eg.Fig2egResult) -> str:
    """Every EMA claim number under every outside medium, each named in words (the record
    notes of :data:`iece.paper.fig2eg.LABELS`), not by its record name."""
    names = list(res.by_medium)
    rows = [
        [fig2eg.LABELS[k] + (" (eV)" if k.endswith("_eV") else "")]
        + [_cell(res.by_medium[n][k]) for n in names]
        for k in fig2eg.SENSITIVITY
    ]
    return md_table(["quantity", *names], rows)
