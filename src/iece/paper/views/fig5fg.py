"""Fig. 5f-g page: the literature figure, the comparison and point tables, the dataset note.

Draws and formats a :class:`iece.paper.fig5fg.Fig5fgResult`; solves nothing. Every cell that
comes from the (possibly the user's) literature table is escaped with
:func:`iece.report.markdown.md_text`.
"""

from __future__ import annotations

import itertools
import math

import matplotlib.pyplot as plt

from ...report import style
from ...report.markdown import fields, fill, md_table, md_text
from .. import fig5fg

#: The page's notes: one macro per note; fields are the result's record names, ``params`` and
#: its typed fields by name.
NOTES = """
{% macro dataset() %}
**{{ rows|length }} rows** from {{ source|code }}. Coverage:
{{ coverage_cited_refs_with_values }} of the {{ coverage.cited }} references the paper cites for
Fig. 5f-g have a public value here.
{% endmacro %}
"""


def notes(res: fig5fg.Fig5fgResult) -> dict[str, str]:
    """The page's notes, filled from ``res`` (``dataset``)."""
    return fill(NOTES, fields(res))


def literature(res: fig5fg.Fig5fgResult):
    """PL linewidth (f) and QY (g) against the PL peak: the literature as a seaborn scatter (hue
    and marker by material; filled for core/shell), each with its stated ranges as lines; this
    work as stars over its stated range (dark grey); the comparison window as a light grey band."""
    import seaborn as sns  # here, not at the top: only this figure pays its import
    from matplotlib.patches import Patch

    rows, window = res.rows, res.window_nm
    materials = sorted({r.material for r in rows if not r.this_work})
    colors = dict(zip(materials, style.categorical(len(materials))))
    # 7 markers against 10 colours: every (colour, marker) pair is unique up to 70 materials
    markers = dict(zip(materials, itertools.cycle("osD^vP<")))
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    keys = (
        ("fwhm_low_meV", "fwhm_high_meV", "PL FWHM (meV)"),
        ("qy_low_percent", "qy_high_percent", "PL QY (%)"),
    )
    strip_x = 1850
    # opaque greys, so the legend's swatches are the colours seen (this work over the window)
    band = {"window": "0.9", "this work": "0.72"}
    for ax, (lo_key, hi_key, label) in zip(axes, keys):
        points = []
        for r in rows:
            lo, hi = getattr(r, lo_key), getattr(r, hi_key)
            if math.isnan(hi):
                continue
            lo = hi if math.isnan(lo) else lo
            xs = (r.pl_low_nm, r.pl_high_nm) if r.has_peak else (strip_x, strip_x)
            x_mid = min(0.5 * (xs[0] + xs[1]), 1760) if r.has_peak else strip_x
            if r.this_work:
                width = xs[1] - xs[0] if r.has_peak else 30
                ax.add_patch(
                    plt.Rectangle(
                        (xs[0], lo),
                        width,
                        max(hi - lo, 0.5),
                        color=band["this work"],
                        lw=0,
                    )
                )
                ax.plot(
                    x_mid,
                    hi,
                    marker="*",
                    ms=14,
                    color="k",
                    mfc="k" if r.structure == "core/shell" else "white",
                    ls="none",
                )
                continue
            c = colors[r.material]
            if xs[1] > xs[0]:
                ax.plot(xs, [hi, hi], color=c, lw=2, alpha=0.7)
            if hi > lo:
                ax.plot([x_mid, x_mid], [lo, hi], color=c, lw=2, alpha=0.7)
            points.append(
                {"x": x_mid, "y": hi, "material": r.material, "filled": r.structure == "core/shell"}
            )
        if points:
            df = {key: [pt[key] for pt in points] for key in points[0]}  # long-form columns
            sns.scatterplot(
                df,
                x="x",
                y="y",
                hue="material",
                style="material",
                hue_order=materials,
                style_order=materials,
                palette=colors,
                markers=markers,
                s=49,
                legend=False,
                zorder=3,
                ax=ax,
            )
            # open markers for the rows that are not core/shell (seaborn has no fill mapping)
            dots = ax.collections[-1]
            edge = [colors[m] for m in df["material"]]
            dots.set_edgecolors(edge)
            dots.set_facecolors([c if f else "white" for c, f in zip(edge, df["filled"])])
            dots.set_linewidths(1.2)
        ax.axvspan(*window, color=band["window"], zorder=-1)
        ax.axvline(1790, color="0.6", lw=0.8, ls=":")
        ax.set(xlabel="PL peak wavelength (nm)", ylabel=label, xlim=(650, 1900))
        y_lo, y_hi = ax.get_ylim()
        ax.set_ylim(y_lo, y_hi + 0.15 * (y_hi - y_lo))  # headroom: the label covers no point
        ax.text(strip_x, ax.get_ylim()[1], "peak not\nreported", ha="center", va="top", fontsize=7)
    axes[0].set_title("(f) linewidth")
    axes[1].set_title("(g) quantum yield")
    handles = [
        plt.Line2D([], [], marker=markers[m], color=colors[m], ls="none", label=m)
        for m in materials
    ]
    handles += [
        plt.Line2D([], [], marker="*", color="k", ms=10, ls="none", label="this work (quoted)"),
        Patch(color=band["this work"], lw=0, label="this work: stated range"),
        Patch(
            color=band["window"], lw=0, label=f"comparison window, {window[0]:g}–{window[1]:g} nm"
        ),
    ]
    for face, label in (("0.3", "filled: core/shell"), ("white", "open: not core/shell")):
        handles.append(
            plt.Line2D([], [], marker="o", color="0.3", mfc=face, ls="none", label=label)
        )
    # beside the panels, where it hides no point
    axes[1].legend(
        handles=handles, frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0)
    )
    fig.tight_layout()
    return fig


def comparisons_table(res: fig5fg.Fig5fgResult) -> str:
    """Each comparison: this work, the best literature value, the margin and its points."""
    rows = []
    for name, c in res.compared.items():
        best = "—" if c["best_literature"] is None else f"{c['best_literature']:g}"
        margin = c["margin"] if isinstance(c["margin"], str) else f"{c['margin']:+g}"
        rows.append((name, f"{c['ours']:g}", best, margin, c["n"]))
    return md_table(("comparison", "this work", "best literature", "margin", "points"), rows)


def points_table(res: fig5fg.Fig5fgResult) -> str:
    """The literature points as two tables: the values (one row per point), then each point's
    source with its verbatim snippet and the page it was read on. The page's tables have equal
    fixed-width columns, so the snippet gets a wide column of its own and wraps there; the page
    address, which cannot wrap, comes after it in the same cell, so it never covers the words."""

    def rng(lo, hi):
        if math.isnan(hi):
            return "—"
        return f"{hi:g}" if math.isnan(lo) or lo == hi else f"{lo:g}-{hi:g}"

    values, evidence = [], []
    for r in res.rows:
        qy = rng(r.qy_low_percent, r.qy_high_percent)
        if not math.isnan(r.qy_high_percent) and math.isnan(r.qy_low_percent):
            qy = f"up to {r.qy_high_percent:g}"
        cells = (
            r.ref,
            r.citation(),
            r.material,
            r.structure,
            rng(r.pl_low_nm, r.pl_high_nm),
            r.fwhm_reported or "—",
            qy,
        )
        values.append([md_text(c) for c in cells])
        words = f"“{md_text(r.snippet)}” (read at: {md_text(r.source_url)})"
        evidence.append((md_text(f"{r.ref}: {r.citation()}"), words))
    header = ("ref", "source", "material", "structure", "PL (nm)", "FWHM", "QY (%)")
    why = ("source", "the source's words (verbatim), and where they were read")
    return md_table(header, values) + "\n\n" + md_table(why, evidence)
