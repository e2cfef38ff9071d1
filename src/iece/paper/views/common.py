"""What several pages' views share: line styles and the sentence for a fit on its bounds."""

from __future__ import annotations

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
