"""Validation of one ledger entry: types, checks, values, open choices and templates; an error
names the claim and the field at fault (:class:`~iece.pipeline.claim.LedgerError`)."""

from __future__ import annotations

import math
import re

from .claim import (
    ACROSS_MODES,
    BOUNDS,
    CHECKS,
    EVIDENCE,
    NUMERIC,
    PROVENANCES,
    Claim,
    LedgerError,
    template_fields,
)


def _paper_value(c: Claim):
    quoted = c.paper.quoted if c.paper is not None else {}
    if not c.quoted:
        return c.paper_value
    if c.paper_value is not None:
        raise LedgerError(f"claim {c.id}: give quoted or paper_value, not both", "quoted")
    m = re.fullmatch(r"([A-Z0-9_]+)(?:\[(\d+)\])?", c.quoted)
    q = quoted.get(m.group(1)) if m else None
    if q is None:
        where = c.paper.module if c.paper is not None and c.paper.module else ""
        raise LedgerError(
            f"claim {c.id}: quoted = {c.quoted!r} is not a name in "
            + (f"{where}'s QUOTED" if where else "this project (it declares no paper bundle)"),
            "quoted",
        )
    if m.group(2) is not None:
        size = len(q.value) if isinstance(q.value, tuple) else 0
        if int(m.group(2)) >= size:
            has = f"indices 0 to {size - 1}" if size else "no index: it is one value"
            raise LedgerError(
                f"claim {c.id}: quoted = {c.quoted!r}: {m.group(1)} has {has}", "quoted"
            )
        return q.value[int(m.group(2))]
    return list(q.value) if isinstance(q.value, tuple) else q.value


def _finite(c: Claim, key: str, value, *, non_negative: bool = False) -> None:
    """A number of the ledger: an int or float (not a bool, not a string), finite (a
    400-digit integer has no float), non-negative where asked."""
    what = f"claim {c.id}: {key} must be a finite number"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LedgerError(f"{what}, got {value!r:.60}", key)
    try:
        number = float(value)
    except OverflowError:
        raise LedgerError(f"{what}, got an integer of {len(str(abs(value)))} digits", key) from None
    if not math.isfinite(number):
        raise LedgerError(f"{what}, got {value!r}", key)
    if non_negative and number < 0:
        raise LedgerError(f"claim {c.id}: {key} must not be negative, got {value!r}", key)


#: Fields holding text, lists and tables (anything else is a number, checked by value).
_TEXT = tuple(k for k, f in Claim.__dataclass_fields__.items() if f.type == "str")


def _types(c: Claim) -> None:
    for key in _TEXT:
        if not isinstance(getattr(c, key), str):
            raise LedgerError(f"claim {c.id}: {key} must be text, got {getattr(c, key)!r:.60}", key)
    for key, kind in (("also", list), ("across", list), ("expected_by_choice", dict)):
        if not isinstance(getattr(c, key), kind):
            raise LedgerError(f"claim {c.id}: {key} must be a {kind.__name__}", key)
    if not all(isinstance(r, str) and r for r in c.across):
        raise LedgerError(f"claim {c.id}: across lists result names (text)", "across")
    for key in ("tolerance", "approx_tolerance"):
        if getattr(c, key) is not None:
            _finite(c, key, getattr(c, key), non_negative=True)
    if c.approx_tolerance is not None and c.approx_tolerance < c.tolerance:
        raise LedgerError(
            f"claim {c.id}: approx_tolerance ({c.approx_tolerance:g}) is below tolerance "
            f"({c.tolerance:g}): the near band holds the passing one",
            "approx_tolerance",
        )
    if c.threshold is not None:
        c.threshold = _named(c, "threshold", c.threshold)
        _finite(c, "threshold", c.threshold)


def _named(c: Claim, key: str, value):
    """A threshold as given, or the number of the bundle's ``THRESHOLDS`` it names (a reading
    of loose words declared once, where the kernels use it too)."""
    if not isinstance(value, str):
        return value
    named = c.paper.thresholds if c.paper is not None else {}
    if value not in named:
        known = ", ".join(sorted(named)) or "none"
        raise LedgerError(
            f"claim {c.id}: {key} must be a finite number or name a threshold the paper "
            f"declares (THRESHOLDS: {known}), got {value!r:.60}",
            "also" if key.startswith("also") else key,
        )
    return float(named[value])


def _validate(c: Claim, figures=None) -> None:
    cid = c.id
    _types(c)
    if figures is not None and c.figure not in figures:
        raise LedgerError(
            f"claim {cid}: figure {c.figure!r} is not a figure of this project (its notebooks "
            f"have {', '.join(sorted(figures)) or 'none'})",
            "figure",
        )
    for key in ("explanation", "reason", "headline"):
        try:
            names = template_fields(getattr(c, key), key)
        except LedgerError as exc:
            raise LedgerError(f"claim {cid}: {exc}", key) from None
        for name in names:  # {figure[record]}: a record of another figure
            other, _, index = name.partition("[")
            if figures is not None and index[:1].isalpha() and other not in figures:
                raise LedgerError(
                    f"claim {cid}: {key} reads {{{name}}}, but {other!r} is not a figure of "
                    "this project",
                    key,
                )
    if c.check not in CHECKS:
        raise LedgerError(f"claim {cid}: check must be one of {CHECKS}, got {c.check!r}")
    if c.evidence not in EVIDENCE:
        raise LedgerError(f"claim {cid}: evidence must be one of {EVIDENCE}, got {c.evidence!r}")
    if (c.check == "not_checkable") != (c.evidence == "none"):
        raise LedgerError(f"claim {cid}: a not_checkable check goes with evidence 'none' only")
    if c.expected_verdict not in c.words:
        raise LedgerError(
            f"claim {cid}: expected_verdict for {c.evidence} evidence must be one of {c.words}"
        )
    if c.provenance not in PROVENANCES:
        raise LedgerError(f"claim {cid}: provenance must be one of {PROVENANCES}")
    if c.finding is not None and (
        isinstance(c.finding, bool) or not isinstance(c.finding, int) or c.finding < 1
    ):
        raise LedgerError(f"claim {cid}: finding must be a whole number from 1, got {c.finding!r}")
    if c.headline and c.finding is None:
        raise LedgerError(f"claim {cid}: a headline is shown only for a finding: give finding")
    if c.check == "not_checkable":
        if not c.reason:
            raise LedgerError(f"claim {cid}: a not-checkable claim needs a reason")
        return
    if not c.result:
        raise LedgerError(f"claim {cid}: a checkable claim needs a result name")
    if not c.explanation:
        raise LedgerError(f"claim {cid}: a checkable claim needs an explanation of its verdict")
    if not c.tolerance_rationale:
        raise LedgerError(f"claim {cid}: the check needs a tolerance_rationale")
    if c.check in NUMERIC and c.paper_value is None:
        raise LedgerError(f"claim {cid}: check {c.check!r} needs the paper's value")
    if c.check in BOUNDS and c.threshold is None and c.paper_value is None:
        raise LedgerError(f"claim {cid}: check {c.check!r} needs a threshold")
    key = "quoted" if c.quoted else "paper_value"
    if c.check == "range":
        if not isinstance(c.paper_value, list) or len(c.paper_value) != 2:
            raise LedgerError(f"claim {cid}: check 'range' needs the paper's [low, high]", key)
        for v in c.paper_value:
            _finite(c, key, v)
    elif c.check in NUMERIC or (c.check in BOUNDS and c.threshold is None):
        _finite(c, key, c.paper_value)
    if c.check == "rel" and float(c.paper_value) == 0:
        raise LedgerError(f"claim {cid}: check 'rel' against a paper value of 0", key)
    for a in c.also:
        if (
            not isinstance(a, dict)
            or set(a) != {"result", "check", "threshold"}
            or a["check"] not in BOUNDS
            or not isinstance(a["result"], str)
            or not a["result"]
        ):
            raise LedgerError(
                f"claim {cid}: each 'also' needs exactly result, check (one of {BOUNDS})"
                f" and threshold, got {a!r:.200}",
                "also",
            )
        a["threshold"] = _named(c, "also threshold", a["threshold"])
        _finite(c, "also threshold", a["threshold"])
    if not isinstance(c.choice, (str, list)) or (
        isinstance(c.choice, list)
        and (not all(isinstance(n, str) and n for n in c.choice) or len(set(c.choice)) < 2)
    ):
        raise LedgerError(
            f"claim {cid}: choice must be one name or a list of two or more different names",
            "choice",
        )
    if c.choice:
        open_choices = c.paper.choices if c.paper is not None else {}
        unknown = [n for n in c.choices if n not in open_choices]
        if unknown:
            raise LedgerError(
                f"claim {cid}: choice {unknown[0]!r} must be one of {tuple(open_choices)}", "choice"
            )
        values = tuple(c.choice_values())
        if set(c.expected_by_choice) != set(values):
            raise LedgerError(f"claim {cid}: expected_by_choice needs exactly {values}")
        bad = [v for v in c.expected_by_choice.values() if v not in c.words]
        if bad:
            raise LedgerError(f"claim {cid}: expected_by_choice verdicts must be among {c.words}")
        for name in c.choices:
            default = open_choices[name].default
            if c.expected_by_choice[default] != c.expected_verdict:
                raise LedgerError(f"claim {cid}: expected_verdict must equal the {default!r} row")
    elif c.expected_by_choice:
        raise LedgerError(f"claim {cid}: expected_by_choice needs a choice")
    if c.across or c.across_mode:
        if c.choice or len(c.across) < 2 or c.across_mode not in ACROSS_MODES:
            raise LedgerError(
                f"claim {cid}: across needs two or more results, across_mode one of "
                f"{ACROSS_MODES}, and no choice"
            )


def _validate_findings(entries: list[Claim]) -> None:
    """The ``finding`` numbers over the whole ledger run 1, 2, ... N (the index's order)."""
    numbers = sorted(c.finding for c in entries if c.finding is not None)
    for c in entries:
        if c.finding is not None and numbers.count(c.finding) > 1:
            others = [e.id for e in entries if e.finding == c.finding and e is not c]
            raise LedgerError(
                f"claim {c.id}: finding = {c.finding} is also {', '.join(others)}'s: "
                "each finding has its own place"
            )
    if numbers != list(range(1, len(numbers) + 1)):
        gap = next(i for i, n in enumerate(numbers, start=1) if n != i)
        raise LedgerError(
            f"findings must be numbered 1 to {len(numbers)} without gaps: {gap} is missing "
            f"(numbers given: {', '.join(map(str, numbers))})"
        )
