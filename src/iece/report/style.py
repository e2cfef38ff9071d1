"""One place for figure style: fonts, sizes, grayscale-safe colours, markers and line styles.

Every notebook calls :func:`use` once. Series are told apart by line style and marker as well as
colour, so figures stay readable in grayscale. Plain matplotlib settings (a "ticks" look: white
axes, outward ticks, no grid), so a notebook's kernel starts without importing a plotting
layer on top of matplotlib.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np

from ..pipeline.figurefile import SVG_HASHSALT

#: Colours of the provenances a figure marks (a paper's own series are its bundle's: this
#: project's are in ``iece.paper.views.common``), colour-blind safe with distinct luminance.
PROVENANCE_COLORS = {
    "reference": "#000000",
    "quoted": "#000000",
    "simulated": "#0072B2",
    "literature": "#7F7F7F",
}
PROVENANCE_MARKERS = {"quoted": "*"}

#: Ten colour-blind safe colours for categories (seaborn's "colorblind" palette).
COLORBLIND = (
    "#0173b2",
    "#de8f05",
    "#029e73",
    "#d55e00",
    "#cc78bc",
    "#ca9161",
    "#fbafe4",
    "#949494",
    "#ece133",
    "#56b4e9",
)
#: Sequential colour map with monotonic luminance (grayscale-safe), light to dark.
RAMP = "magma_r"

INK = "0.15"  # near-black for axes, ticks and text
RC = {
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "sans-serif"],
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "lines.linewidth": 1.5,
    "lines.markersize": 5,
    "lines.solid_capstyle": "round",
    "svg.hashsalt": SVG_HASHSALT,
    "svg.fonttype": "none",
    "axes.facecolor": "white",
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "axes.linewidth": 1.0,
    "axes.grid": False,
    "axes.axisbelow": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=COLORBLIND),
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.direction": "out",
    "ytick.direction": "out",
    "xtick.major.size": 4.8,
    "ytick.major.size": 4.8,
    "xtick.minor.size": 3.2,
    "ytick.minor.size": 3.2,
    "image.cmap": RAMP,
}


def use() -> None:
    """Apply the project style (idempotent)."""
    mpl.rcParams.update(RC)


def ramp(n: int, name: str = RAMP) -> list[tuple]:
    """``n`` sequential colours with monotonic luminance (grayscale-safe), light to dark; the
    palest and darkest ends of the map are left out so every colour shows on white."""
    return [tuple(c) for c in mpl.colormaps[name](np.linspace(0.15, 0.9, n))]


def categorical(n: int) -> list[str]:
    """``n`` colour-blind safe colours for categories (pair them with distinct markers); the
    ten colours repeat beyond ten."""
    return [COLORBLIND[i % len(COLORBLIND)] for i in range(n)]
