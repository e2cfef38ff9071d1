"""The claims ledger: ``data/claims.toml`` held against ``build/results.json``.

Each ``[[claims]]`` entry names a statement of the paper (verbatim ``quote`` and ``location``),
the paper's value (``quoted = "NAME"`` or ``"NAME[i]"``, a number of :mod:`iece.paper.quoted`),
how we check it
(``check``, ``threshold`` or ``tolerance``, with a rationale), the result it is compared with
(``figure`` + ``result``), its ``provenance`` and the ``expected_verdict``. :func:`evaluate`
computes our value, the deviation and the verdict; the tests and ``iece claims`` fail when a
verdict differs from the expected one.

Checks (``ours`` is the recorded number, ``paper`` the quoted value, ``tol`` the tolerance):

=================  =============================================================================
``abs``            reproduced if ``|ours - paper| <= tol``; approximately if ``<= approx_tolerance``
``rel``            the same with ``|ours - paper| / |paper|``
``within_stderr``  reproduced if ``|ours - paper| <= tol * stderr(ours)``
``range``          paper value ``[lo, hi]``: reproduced if ``lo - tol <= ours <= hi + tol``
``at_least``       reproduced if ``ours >= bound - tol`` (``at_most``: ``ours <= bound + tol``)
``greater_than``   reproduced if ``ours > bound`` (``less_than``: ``ours < bound``)
``not_checkable``  no data or model can test it; ``reason`` says why
=================  =============================================================================

``bound`` is ``threshold`` where the paper's words are qualitative ("nearly complete", "falls")
and our reading of them is a number (its rationale in ``tolerance_rationale``), else the paper's
value. ``also`` lists further conditions on other results (``{result, check, threshold}``), all
of which must hold for "reproduced". A result recorded as the string ``"not checkable"`` (a
comparison with no data to rest on) gives that verdict. A figure whose last run did not use the
paper's parameters is not evaluated: its claims read "missing" with the reason.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..paper import quoted as _quoted
from .results import PROVENANCES as _RECORD_PROVENANCES
from .results import Results

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

VERDICTS = ("reproduced", "approximately reproduced", "not reproduced", "not checkable")
NUMERIC = ("abs", "rel", "within_stderr", "range")
BOUNDS = ("at_least", "at_most", "greater_than", "less_than")
CHECKS = (*NUMERIC, *BOUNDS, "not_checkable")
#: A claim's provenance: any record provenance except "user" (user data never enter the ledger).
PROVENANCES = tuple(p for p in _RECORD_PROVENANCES if p != "user")
REQUIRED = (
    "id",
    "figure",
    "quote",
    "location",
    "quantity",
    "check",
    "provenance",
    "expected_verdict",
)


class LedgerError(ValueError):
    """A malformed ledger entry; the message names the claim id."""


@dataclass(frozen=True)
class Condition:
    """One further condition of a claim: ``result`` (of the claim's figure) ``check``
    (one of :data:`BOUNDS`) ``threshold``."""

    result: str
    check: str
    threshold: float


@dataclass
class Claim:
    id: str
    figure: str
    quote: str
    location: str
    quantity: str
    check: str
    provenance: str
    expected_verdict: str
    unit: str = ""
    quoted: str = ""
    paper_value: object = None
    threshold: float | None = None
    result: str = ""
    tolerance: float = 0.0
    approx_tolerance: float | None = None
    tolerance_rationale: str = ""
    also: list = field(default_factory=list)
    reason: str = ""
    explanation: str = ""
    section: str = ""

    @property
    def bound(self) -> float:
        return float(self.threshold if self.threshold is not None else self.paper_value)

    @property
    def conditions(self) -> list[Condition]:
        return [Condition(**a) for a in self.also]


@dataclass
class Evaluated:
    claim: Claim
    verdict: str
    ours: object = None
    stderr: float | None = None
    deviation: float | None = None
    cell: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.verdict == self.claim.expected_verdict

    def as_dict(self) -> dict:
        c = self.claim
        return {
            "id": c.id,
            "figure": c.figure,
            "location": c.location,
            "quantity": c.quantity,
            "unit": c.unit,
            "paper_value": c.paper_value,
            "threshold": c.threshold,
            "ours": self.ours,
            "stderr": self.stderr,
            "deviation": self.deviation,
            "check": c.check,
            "tolerance": c.tolerance,
            "tolerance_rationale": c.tolerance_rationale,
            "also": c.also,
            "provenance": c.provenance,
            "verdict": self.verdict,
            "expected_verdict": c.expected_verdict,
            "ok": self.ok,
            "quote": c.quote,
            "reason": c.reason or c.explanation,
            "problems": self.problems,
        }


def _paper_value(c: Claim, cid: str):
    if not c.quoted:
        return c.paper_value
    if c.paper_value is not None:
        raise LedgerError(f"claim {cid}: give quoted or paper_value, not both")
    m = re.fullmatch(r"([A-Z0-9_]+)(?:\[(\d+)\])?", c.quoted)
    q = getattr(_quoted, m.group(1), None) if m else None
    if not isinstance(q, _quoted.Quoted):
        raise LedgerError(f"claim {cid}: quoted = {c.quoted!r} is not a name in iece.paper.quoted")
    if m.group(2) is not None:
        return q.value[int(m.group(2))]
    return list(q.value) if isinstance(q.value, tuple) else q.value


def load(path) -> list[Claim]:
    """Read and validate the ledger file; an error names the claim."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    unknown_top = set(data) - {"claims"}
    if unknown_top:
        raise LedgerError(f"unknown top-level key(s) {', '.join(sorted(unknown_top))}")
    claims, seen = [], set()
    for raw in data.get("claims", []):
        cid = raw.get("id", "<no id>")
        missing = [k for k in REQUIRED if k not in raw]
        if missing:
            raise LedgerError(f"claim {cid}: missing field(s) {', '.join(missing)}")
        unknown = set(raw) - set(Claim.__dataclass_fields__)
        if unknown:
            raise LedgerError(f"claim {cid}: unknown field(s) {', '.join(sorted(unknown))}")
        c = Claim(**raw)
        c.paper_value = _paper_value(c, cid)
        if c.id in seen:
            raise LedgerError(f"claim {cid}: duplicate id")
        seen.add(c.id)
        if c.check not in CHECKS:
            raise LedgerError(f"claim {cid}: check must be one of {CHECKS}, got {c.check!r}")
        if c.expected_verdict not in VERDICTS:
            raise LedgerError(f"claim {cid}: expected_verdict must be one of {VERDICTS}")
        if c.provenance not in PROVENANCES:
            raise LedgerError(f"claim {cid}: provenance must be one of {PROVENANCES}")
        if c.check == "not_checkable":
            if not c.reason:
                raise LedgerError(f"claim {cid}: a not-checkable claim needs a reason")
        else:
            if not c.result:
                raise LedgerError(f"claim {cid}: a checkable claim needs a result name")
            if not c.tolerance_rationale:
                raise LedgerError(f"claim {cid}: the check needs a tolerance_rationale")
            if c.check in NUMERIC and c.paper_value is None:
                raise LedgerError(f"claim {cid}: check {c.check!r} needs the paper's value")
            if c.check in BOUNDS and c.threshold is None and c.paper_value is None:
                raise LedgerError(f"claim {cid}: check {c.check!r} needs a threshold")
            for a in c.also:
                if set(a) != {"result", "check", "threshold"} or a["check"] not in BOUNDS:
                    raise LedgerError(
                        f"claim {cid}: each 'also' needs exactly result, check (one of {BOUNDS})"
                        f" and threshold, got {a!r}"
                    )
        claims.append(c)
    return claims


def normalize(text: str) -> str:
    """Whitespace-folded text, for matching quotes against the paper."""
    return re.sub(r"\s+", " ", text).strip()


def quote_in_paper(quote: str, paper_text: str) -> bool:
    return normalize(quote) in normalize(paper_text)


def _holds(check: str, ours: float, bound: float, tol: float = 0.0) -> bool:
    return {
        "at_least": ours >= bound - tol,
        "at_most": ours <= bound + tol,
        "greater_than": ours > bound,
        "less_than": ours < bound,
    }[check]


def _number(c: Claim, name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LedgerError(f"claim {c.id}: result {name!r} is not a number: {value!r}")
    return float(value)


def _verdict_for(c: Claim, ours, stderr) -> tuple[str, float | None]:
    """Verdict and deviation of the main check for our value ``ours``."""
    ours = _number(c, c.result, ours)
    if not math.isfinite(ours):
        return "not reproduced", None
    tol = float(c.tolerance)
    approx = c.approx_tolerance
    if c.check == "range":
        lo, hi = (float(v) for v in c.paper_value)
        dev = 0.0 if lo <= ours <= hi else (ours - lo if ours < lo else ours - hi)
        if abs(dev) <= tol:
            return "reproduced", dev
        return (
            "approximately reproduced" if approx and abs(dev) <= approx else "not reproduced"
        ), dev
    if c.check in BOUNDS:
        dev = ours - c.bound
        ok = _holds(c.check, ours, c.bound, tol)
        near = approx is not None and _holds(c.check, ours, c.bound, approx)
    else:
        paper = float(c.paper_value)
        dev = ours - paper
        if c.check == "within_stderr":
            if stderr is None or not math.isfinite(stderr) or stderr <= 0:
                raise LedgerError(f"claim {c.id}: result {c.result!r} has no usable stderr")
            ok = abs(dev) <= tol * stderr
            near = approx is not None and abs(dev) <= approx * stderr
        else:
            measure = abs(dev) if c.check == "abs" else abs(dev) / abs(paper)
            ok = measure <= tol
            near = approx is not None and measure <= approx
    if ok:
        return "reproduced", dev
    return ("approximately reproduced" if near else "not reproduced"), dev


def evaluate(claims: list[Claim], results: Results) -> list[Evaluated]:
    """Verdict of every claim against ``results`` (the typed ``build/results.json``)."""
    out = []
    for c in claims:
        if c.check == "not_checkable":
            out.append(Evaluated(c, "not checkable"))
            continue
        fig = results.figures.get(c.figure)
        if fig is None or fig.status != "ok":
            why = "not run" if fig is None else f"its last run {fig.status}: {fig.error}"
            out.append(Evaluated(c, "missing", problems=[f"{c.figure}: {why}"]))
            continue
        if not fig.paper_defaults:
            out.append(
                Evaluated(
                    c,
                    "missing",
                    problems=[
                        f"{c.figure} was last run with parameters other than the paper's; rerun "
                        f"`iece run {c.figure}` to evaluate its claims"
                    ],
                )
            )
            continue
        names = [c.result, *(a.result for a in c.conditions)]
        absent = [n for n in names if n not in fig.results]
        if absent:
            out.append(Evaluated(c, "missing", problems=[f"no result {absent[0]!r} ({c.figure})"]))
            continue
        rec = fig.results[c.result]
        if any(fig.results[n].value == "not checkable" for n in names):
            out.append(Evaluated(c, "not checkable", "not checkable", cell=rec.cell))
            continue
        verdict, dev = _verdict_for(c, rec.value, rec.stderr)
        failed = [
            a
            for a in c.conditions
            if not _holds(a.check, _number(c, a.result, fig.results[a.result].value), a.threshold)
        ]
        problems = [
            f"{a.result} = {fig.results[a.result].value:.4g} is not {a.check} {a.threshold:g}"
            for a in failed
        ]
        if failed and verdict != "not reproduced":
            verdict = "not reproduced"
        out.append(Evaluated(c, verdict, rec.value, rec.stderr, dev, rec.cell, problems))
    return out


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
