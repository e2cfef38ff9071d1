"""The values a record may hold, in ``build/results.json``: JSON-safe (:func:`plain`) and
checked (a finite number, yes/no, text, null, or a list of these); :class:`ResultsError`
otherwise."""

from __future__ import annotations

import math

import numpy as np


class ResultsError(ValueError):
    """``build/results.json`` (or a record) does not follow this format."""


def plain(value):
    """``value`` as JSON-safe Python: numpy scalars and arrays unwrapped, NaN/inf -> None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _check_number(what: str, value) -> None:
    """A finite number that a float can hold (``10**400`` cannot; NaN is stored as null)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ResultsError(f"{what} must be a number, got {value!r:.60}")
    try:
        finite = math.isfinite(float(value))
    except OverflowError:
        raise ResultsError(f"{what} is an integer of {len(str(abs(value)))} digits") from None
    if not finite:
        raise ResultsError(f"{what} must be finite (NaN is written as null), got {value!r}")


def _check_value(what: str, value, depth: int = 0) -> None:
    """A record's value: a number, a bool, a string, null, or a list of these."""
    if value is None or isinstance(value, (bool, str)):
        return
    if isinstance(value, list) and depth < 4:
        for v in value:
            _check_value(what, v, depth + 1)
        return
    if isinstance(value, (int, float)):
        _check_number(what, value)
        return
    raise ResultsError(f"{what} must be a number, yes/no, text, null or a list, got {value!r:.60}")
