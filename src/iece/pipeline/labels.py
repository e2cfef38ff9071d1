"""Record names in a reader's words, and the small text helpers of the ledger: a page never
shows an internal record name (:func:`label`)."""

from __future__ import annotations

import re
from pathlib import Path

from . import bundle as _bundle
from .claim import Claim

_SIZE_SUFFIX = re.compile(r"(\d+)(?:p(\d+))?nm")


def paper_of(entries) -> _bundle.Paper:
    """The paper the ledger ``entries`` belong to (an empty one if none names it)."""
    paper = next((c.paper for c in entries if c.paper is not None), None)
    return paper if paper is not None else _bundle.Paper(Path())


def label(name: str, entries: list[Claim] = (), notes: dict | None = None) -> str:
    """A record's name in a reader's words: the paper bundle's ``LABELS``, else the ``quantity``
    of the entry whose result it is, else its note (``notes``: name -> the record's note); a
    ``<name>__<value>`` record adds the open choice and its value (``under EMA outside medium
    vacuum``), or the size it is at (``__2p3nm``: ``at 2.3 nm``). A name with no label at all
    comes back with spaces for underscores (tests require a label for every name the ledger
    reads)."""
    notes = notes or {}
    paper = paper_of(entries)
    base, sep, suffix = name.partition("__")
    text = paper.labels.get(base)
    if text is None:
        text = next((c.quantity for c in entries if c.result == base), None)
    if text is None and notes.get(base):
        text = notes[base]
    if text is None:
        text = base.replace("_", " ")
    if not sep:
        return text
    choice = paper.choice_of_value(suffix)
    if choice is not None:
        return f"{text}, under {choice.label} {suffix}"
    m = _SIZE_SUFFIX.fullmatch(suffix)
    if m:
        return f"{text}, at {m.group(1)}{'.' + m.group(2) if m.group(2) else ''} nm"
    return f"{text}, {suffix.replace('_', ' ')}"


def has_label(name: str, entries: list[Claim] = ()) -> bool:
    """Whether :func:`label` finds a label for the name's base (not just its spelling)."""
    base = name.partition("__")[0]
    return base in paper_of(entries).labels or any(c.result == base for c in entries)


def normalize(text: str) -> str:
    """Whitespace-folded text, for matching quotes against the paper."""
    return re.sub(r"\s+", " ", text).strip()


def quote_in_paper(quote: str, paper_text: str) -> bool:
    return normalize(quote) in normalize(paper_text)


def fmt_value(v, unit: str = "") -> str:
    """Short human form of a paper or computed value."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (list, tuple)):
        return "–".join(fmt_value(x) for x in v) + (f" {unit}" if unit else "")
    if isinstance(v, (int, float)):
        s = f"{v:.4g}" if abs(v) < 1e4 and (abs(v) >= 1e-3 or v == 0) else f"{v:.3e}"
        return s + (f" {unit}" if unit else "")
    return str(v)
