"""The claims ledger: ``data/claims.toml`` held against ``build/results.json``.

Each ``[[claims]]`` entry names a statement of the paper (verbatim ``quote`` and ``location``),
the paper's value, how we check it (``check`` and ``tolerance``, with a rationale), the result
name it is compared with (``figure`` + ``result``), its ``provenance`` and the
``expected_verdict``. :func:`evaluate` computes our value, the deviation and the verdict; the
tests and ``iece claims`` fail when a verdict differs from the expected one.

Checks (``ours`` is the recorded value, ``tol`` the tolerance):

=================  =============================================================================
``abs``            reproduced if ``|ours - paper| <= tol``; approximately if ``<= approx_tolerance``
``rel``            the same with ``|ours - paper| / |paper|``
``within_stderr``  reproduced if ``|ours - paper| <= tol * stderr(ours)``
``range``          paper value ``[lo, hi]``: reproduced if ``lo - tol <= ours <= hi + tol``
``at_least``       reproduced if ``ours >= paper - tol`` (``at_most``: ``ours <= paper + tol``)
``true``           a computed yes/no test (stated in ``criterion``): reproduced if it is true
``not_checkable``  no data or model can test it; ``reason`` says why
=================  =============================================================================

A checkable claim whose recorded value is the string ``"not checkable"`` (a comparison that
found no data to rest on) gets that verdict too.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .record import PROVENANCES as _RECORD_PROVENANCES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

VERDICTS = ("reproduced", "approximately reproduced", "not reproduced", "not checkable")
CHECKS = ("abs", "rel", "within_stderr", "range", "at_least", "at_most", "true", "not_checkable")
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
    paper_value: object = None
    result: str = ""
    tolerance: float = 0.0
    approx_tolerance: float | None = None
    tolerance_rationale: str = ""
    criterion: str = ""
    reason: str = ""
    explanation: str = ""
    section: str = ""


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
            "ours": self.ours,
            "stderr": self.stderr,
            "deviation": self.deviation,
            "check": c.check,
            "tolerance": c.tolerance,
            "tolerance_rationale": c.tolerance_rationale,
            "criterion": c.criterion,
            "provenance": c.provenance,
            "verdict": self.verdict,
            "expected_verdict": c.expected_verdict,
            "ok": self.ok,
            "quote": c.quote,
            "reason": c.reason or c.explanation,
        }


def load(path) -> list[Claim]:
    """Read and validate the ledger file."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
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
            if c.check != "true" and not c.tolerance_rationale:
                raise LedgerError(f"claim {cid}: tolerance needs a tolerance_rationale")
            if c.check == "true" and not c.criterion:
                raise LedgerError(f"claim {cid}: a yes/no claim needs its criterion")
        claims.append(c)
    return claims


def normalize(text: str) -> str:
    """Whitespace-folded text, for matching quotes against the paper."""
    return re.sub(r"\s+", " ", text).strip()


def quote_in_paper(quote: str, paper_text: str) -> bool:
    return normalize(quote) in normalize(paper_text)


def _verdict_for(c: Claim, ours, stderr) -> tuple[str, float | None]:
    if c.check == "true":
        return ("reproduced" if bool(ours) else "not reproduced"), None
    if isinstance(ours, list) or ours is None:
        raise LedgerError(f"claim {c.id}: result {c.result!r} is not a number: {ours!r}")
    ours = float(ours)
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
    paper = float(c.paper_value)
    dev = ours - paper
    if c.check == "at_least":
        ok = ours >= paper - tol
        near = approx is not None and ours >= paper - approx
    elif c.check == "at_most":
        ok = ours <= paper + tol
        near = approx is not None and ours <= paper + approx
    elif c.check == "within_stderr":
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


def evaluate(claims: list[Claim], results: dict) -> list[Evaluated]:
    """Verdict of every claim against ``results`` (the content of ``build/results.json``)."""
    out = []
    for c in claims:
        if c.check == "not_checkable":
            out.append(Evaluated(c, "not checkable"))
            continue
        fig = results.get(c.figure, {})
        rec = fig.get("results", {}).get(c.result)
        if rec is None:
            status = fig.get("status", "not run")
            out.append(
                Evaluated(c, "missing", problems=[f"no result {c.result!r} ({c.figure}: {status})"])
            )
            continue
        if rec.get("value") == "not checkable":
            out.append(Evaluated(c, "not checkable", "not checkable", cell=rec.get("cell")))
            continue
        verdict, dev = _verdict_for(c, rec.get("value"), rec.get("stderr"))
        out.append(Evaluated(c, verdict, rec.get("value"), rec.get("stderr"), dev, rec.get("cell")))
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
