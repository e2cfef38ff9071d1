"""What several pages' views share: this paper's series styles, line styles and the sentence for
a fit on its bounds."""

from __future__ import annotations

from ...report import style

#: This paper's series (materials and products) and the provenances: one colour each,
#: colour-blind safe with distinct luminance (readable in grayscale), as the paper colours them.
PALETTE = {
    "CdSe": "#E69F00",  # orange-yellow
    "core/shell": "#D55E00",  # CE products (orange in the paper)
    "alloy": "#5B2A86",  # IE-CE products (purple in the paper)
    "HgSe": "#4D3319",
} | style.PROVENANCE_COLORS
#: Each series' line style and marker, so it is told apart without its colour.
SERIES_STYLES = {"core/shell": "--", "alloy": "-", "CdSe": ":", "HgSe": "-."}
MARKERS = {"core/shell": "s", "alloy": "o", "CdSe": "^", "HgSe": "D"} | style.PROVENANCE_MARKERS
#: Line styles in order, paired with colours so every figure reads in grayscale.
LINESTYLES = ["-", "--", "-.", ":"]


def bound_note(names: list[str]) -> str:
    """A sentence for fitted parameters that ended on a bound (empty when none did)."""
    if not names:
        return ""
    return (
        f" **On a bound: {', '.join(names)}.** A value there is set by the bound, not by the "
        "data: try fewer components or parameters, or check the file."
    )
