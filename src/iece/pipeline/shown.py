"""Whether a text shows a number: the rule that anchors a record to the output that displays
it (:mod:`iece.pipeline.record`), and that the page tests use."""

from __future__ import annotations

import math
import re

#: A number as a page shows it: optional sign (ASCII or Unicode minus), digits with an optional
#: decimal part, an optional exponent (``e-22``, ``× 10^{-22}``, ``×10⁻²²``), an optional ``%``.
_NUMBER = re.compile(
    r"(?<![\w.])(?P<sign>[-−]?)(?P<mant>\d+(?:\.\d+)?)"
    r"(?:[eE](?P<e>[-+−]?\d+)|\s*(?:×|\\times|x)\s*10\s*(?:\^\{?(?P<t>[-−]?\d+)\}?"
    r"|(?P<u>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)))?(?P<pct>\s*%)?"
)
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")


def shown_numbers(text: str) -> list[tuple[float, float]]:
    """Every number in ``text`` as ``(value, half a unit of its last shown digit)``; a number
    followed by ``%`` is also given as a fraction. ``1.5e-22``, ``1.5 × 10^{-22}``,
    ``1.5×10⁻²²`` and ``−3`` are read; a number inside a word or name is not."""
    out = []
    for m in _NUMBER.finditer(text):
        mant = m["mant"]
        decimals = len(mant.partition(".")[2])
        exp_text = m["e"] or m["t"] or (m["u"] or "").translate(_SUPERSCRIPT)
        exp = int(exp_text.replace("−", "-")) if exp_text else 0
        sign = -1.0 if m["sign"] else 1.0
        value = sign * float(mant) * 10.0**exp
        half = 0.5 * 10.0 ** (exp - decimals)
        out.append((value, half))
        if m["pct"]:
            out.append((value / 100, half / 100))
    return out


def _significant(value: float, half: float) -> int:
    """How many significant digits a number shown to ``half`` a unit carries."""
    if value == 0:
        return 1
    return max(0, math.floor(math.log10(abs(value))) - math.floor(math.log10(2 * half)) + 1)


def shows(text: str, value) -> bool:
    """Whether ``text`` shows ``value``: a number in it equals ``value`` rounded to the digits
    it shows, with at least two significant digits (or exactly, for a value such as 3 or 0.5).
    Not numbers (strings, yes/no, lists, None) are never matched."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    for shown, half in shown_numbers(text):
        if shown == value:
            return True
        if _significant(shown, half) >= 2 and abs(shown - value) <= half * (1 + 1e-9):
            return True
    return False
