"""What every lmfit result in iece is asked before its numbers are shown."""

from __future__ import annotations

import numpy as np


def at_bounds(params, rel: float = 1e-6) -> list[str]:
    """Names of the varied parameters that ended on a bound: within ``rel`` of the bounded span
    (or of ``max(|value|, 1)`` when one side is open). A value there is set by the bound, not
    by the data, and its standard error means little."""
    out = []
    for name, p in params.items():
        if not p.vary:
            continue
        span = (p.max - p.min) if np.isfinite(p.max - p.min) else max(abs(p.value), 1.0)
        if (np.isfinite(p.min) and p.value - p.min < rel * span) or (
            np.isfinite(p.max) and p.max - p.value < rel * span
        ):
            out.append(name)
    return out
