"""The check semantics of the ledger, once, for one number and for an array of readings alike:
``pass``, ``near`` or ``fail`` of a claim's check (:func:`codes`), its conditions, and the
reading search's pass/fail per reading (:func:`passes`, :func:`reading_map`)."""

from __future__ import annotations

import math

import numpy as np

from .claim import BOUNDS, Claim, LedgerError

OUTCOMES = ("pass", "near", "fail")


def holds(check: str, ours, bound: float, tol: float = 0.0):
    """Whether ``ours`` (a number or an array) meets the bound ``check`` with tolerance ``tol``."""
    return {
        "at_least": ours >= bound - tol,
        "at_most": ours <= bound + tol,
        "greater_than": ours > bound,
        "less_than": ours < bound,
    }[check]


def number(c: Claim, name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LedgerError(f"claim {c.id}: result {name!r} is not a number: {value!r}")
    return float(value)


def codes(c: Claim, ours, stderr=None) -> tuple[np.ndarray, np.ndarray]:
    """The main check of ``c`` on ``ours`` (a number or an array): 0 pass, 1 near, 2 fail, and
    the deviation from the paper's value (or bound, or range). NaN fails.

    ``abs``: ``|ours - paper| <= tol``; ``rel``: the same over ``|paper|``; ``within_stderr``:
    ``|ours - paper| <= tol * stderr``; ``range``: the distance outside ``[lo, hi]`` within tol;
    a bound: :func:`holds`. ``near``: the same with ``approx_tolerance``."""
    v = np.asarray(ours, float)
    tol, approx = float(c.tolerance), c.approx_tolerance
    with np.errstate(invalid="ignore"):
        if c.check in BOUNDS:
            dev = v - c.bound
            ok = holds(c.check, v, c.bound, tol)
            near = holds(c.check, v, c.bound, approx) if approx is not None else False
        else:
            if c.check == "range":
                lo, hi = sorted(float(x) for x in c.paper_value)
                dev = np.where(v < lo, v - lo, np.where(v > hi, v - hi, 0.0))
                measure, scale = np.abs(dev), 1.0
            else:
                paper = float(c.paper_value)
                dev = v - paper
                measure, scale = np.abs(dev), 1.0
                if c.check == "rel":
                    measure = measure / abs(paper)
                elif c.check == "within_stderr":
                    if stderr is None or not math.isfinite(stderr) or stderr <= 0:
                        raise LedgerError(f"claim {c.id}: result {c.result!r} has no usable stderr")
                    scale = stderr
                elif c.check != "abs":
                    raise LedgerError(f"claim {c.id}: check {c.check!r} has no outcome")
            ok = measure <= tol * scale
            near = measure <= approx * scale if approx is not None else False
    finite = np.isfinite(v)
    return np.where(ok & finite, 0, np.where(near & finite, 1, 2)), dev


def qualifier(p_holds: float, robust: float) -> str:
    """A verdict's qualifier under declared input uncertainty, from the share of samples in
    which its check holds: at least ``robust`` holds robustly, at most ``1 - robust`` fails
    robustly, in between fragile."""
    if p_holds >= robust:
        return "holds robustly"
    return "fails robustly" if p_holds <= 1 - robust else "fragile"


def outcome(c: Claim, ours, stderr) -> tuple[str, float | None]:
    """``pass``, ``near`` or ``fail`` of the main check for our value, and the deviation."""
    ours = number(c, c.result, ours)
    code, dev = codes(c, ours, stderr)
    return OUTCOMES[int(code)], float(dev) if math.isfinite(ours) else None


def passes(c: Claim, table: dict) -> np.ndarray:
    """Whether the claim's check (and its conditions) pass for every row of ``table`` (a dict
    of equal-length arrays named like the claim's results); NaN fails."""
    if c.check == "within_stderr":
        raise LedgerError(f"claim {c.id}: check {c.check!r} cannot run over readings")
    ok = codes(c, table[c.result])[0] == 0
    with np.errstate(invalid="ignore"):
        for a in c.conditions:
            ok = ok & holds(a.check, np.asarray(table[a.result], float), a.threshold)
    return np.asarray(ok)


def reading_map(claims: list[Claim], table: dict) -> dict[str, np.ndarray]:
    """claim id -> pass/fail over the readings, for every checkable claim whose numbers the
    table holds."""
    return {
        c.id: passes(c, table)
        for c in claims
        if c.check != "not_checkable"
        and all(n in table for n in (c.result, *(a.result for a in c.conditions)))
    }
