"""One place for figure style: fonts, sizes, grayscale-safe colours, markers and line styles.

Every notebook calls :func:`use` once. Series are told apart by line style and marker as well as
colour, so figures stay readable in grayscale.
"""

from __future__ import annotations

import matplotlib as mpl
import seaborn as sns

#: Colour-blind safe palette with distinct luminance (readable in grayscale).
PALETTE = {
    "CdSe": "#E69F00",  # orange-yellow
    "core/shell": "#D55E00",  # CE products (orange in the paper)
    "alloy": "#5B2A86",  # IE-CE products (purple in the paper)
    "HgSe": "#4D3319",
    "reference": "#000000",
    "quoted": "#000000",
    "simulated": "#0072B2",
    "literature": "#7F7F7F",
}
LINESTYLES = {"core/shell": "--", "alloy": "-", "CdSe": ":", "HgSe": "-."}
MARKERS = {"core/shell": "s", "alloy": "o", "CdSe": "^", "HgSe": "D", "quoted": "*"}

RC = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "lines.linewidth": 1.5,
    "svg.hashsalt": "iece",
    "svg.fonttype": "none",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def use() -> None:
    """Apply the project style (idempotent)."""
    sns.set_theme(context="paper", style="ticks", rc=RC)
    mpl.rcParams.update(RC)


def ramp(n: int, name: str = "rocket_r"):
    """``n`` sequential colours with monotonic luminance (grayscale-safe), light to dark."""
    return sns.color_palette(name, n)


def categorical(n: int):
    """``n`` colour-blind safe colours for categories (pair them with distinct markers)."""
    return sns.color_palette("colorblind", n)
