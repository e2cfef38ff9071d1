"""A claim's explanation, reason or headline with its numbers filled in from the results: a
record (``{name}``), a quoted value (``{NAME}``), the claim's own check (``{_threshold}``,
``{_tolerance}``, ``{_paper}``) or a record of another figure (``{figure[name]}``)."""

from __future__ import annotations

import re
import string

from .claim import Claim, LedgerError, template_fields
from .results import FigureRun, Results


class _NotRun(dict):
    """Explanation values for a figure without a run: a record name reads as ``placeholder``."""

    def __init__(self, values, placeholder):
        super().__init__(values)
        self.placeholder = placeholder

    def __missing__(self, key):
        return _Placeholder(self.placeholder)


class _Placeholder(str):
    def __format__(self, spec):  # a number's format spec does not apply to the placeholder
        return str(self)


#: ``{figure[record]}`` in an explanation: a record of another figure.
_FIGURES_NAMED = re.compile(r"\{([a-z][a-z0-9]*)\[[A-Za-z_]")


def explain(
    c: Claim, fig: FigureRun | None, results: Results | None = None, text: str | None = None
) -> str:
    """The claim's explanation (or reason, or the given ``text``: its ``headline``) with
    ``{name}`` (a record), ``{NAME}`` (a quoted value), ``{_threshold}``, ``{_tolerance}``,
    ``{_paper}`` (the claim's check) and ``{figure[name]}`` (a record of another figure that
    ran, e.g. ``{readings[n_readings]}``) filled in."""
    text = text or c.explanation or c.reason
    quoted = c.paper.quoted if c.paper is not None else {}
    values = {k: q.value for k, q in quoted.items()}
    values |= {"_threshold": c.threshold, "_tolerance": c.tolerance, "_paper": c.paper_value}
    figures = results.figures if results is not None else {}
    for fid in sorted({*figures, *_FIGURES_NAMED.findall(text)} - {c.figure}):
        other = figures.get(fid)
        if other is not None and other.status == "ok":
            values[fid] = {k: r.value for k, r in other.results.items()}
        else:  # that figure has not run: its numbers are named, not invented
            values[fid] = _NotRun({}, f"(`iece run {fid}` computes it)")
    if fig is not None:
        values |= {k: r.value for k, r in fig.results.items()}
    else:  # the figure has not run: its numbers are named, not invented
        values = _NotRun(values, f"(`iece run {c.figure}` computes it)")
    what = "headline" if text == c.headline else "explanation" if c.explanation else "reason"
    try:
        template_fields(text, what)  # names only, bounded widths: nothing else is formatted
    except LedgerError as exc:
        raise LedgerError(f"claim {c.id}: {exc}") from None
    try:
        return string.Formatter().vformat(text, (), values)
    except KeyError as exc:
        raise LedgerError(
            f"claim {c.id}: {what} reads {{{exc.args[0]}}}, which is neither a record of "
            f"{c.figure} nor a quoted value (a record of another figure is {{figure[name]}})"
        ) from None
    except IndexError as exc:
        raise LedgerError(
            f"claim {c.id}: {what} reads an index that is not there ({exc})"
        ) from None
    except (ValueError, TypeError) as exc:
        raise LedgerError(
            f"claim {c.id}: {what} cannot be filled in: a format that does not fit its value "
            f"({exc})"
        ) from None
