"""Verdicts: the ledger (:mod:`iece.pipeline.ledger`) held against ``build/results.json``.

For every claim :func:`evaluate` gives the headline verdict (in the words of the claim's
evidence class), our value and deviation, a verdict per value of an open choice with a
robustness summary, the explanation with its numbers filled in from the results, and the
support of a literature comparison. A figure whose last run did not use the paper's parameters
is not evaluated: its claims read "missing" with the reason.
"""

from __future__ import annotations

import math
import re
import string
from dataclasses import dataclass, field

import numpy as np

from .ledger import BOUNDS, Claim, LedgerError, template_fields
from .ledger import VERDICTS as VERDICT_ORDER
from .results import FigureRun, Results

_OUTCOME = {"pass": 0, "near": 1, "fail": 2}


@dataclass
class Evaluated:
    claim: Claim
    verdict: str
    ours: object = None
    stderr: float | None = None
    deviation: float | None = None
    cell: int | None = None
    problems: list[str] = field(default_factory=list)
    by_choice: dict = field(default_factory=dict)  # value -> (verdict, our value)
    explanation: str = ""
    support: str = ""
    headline: str = ""  # a key finding's sentence, filled in like the explanation

    @property
    def ok(self) -> bool:
        c = self.claim
        rows = {v: verdict for v, (verdict, _) in self.by_choice.items()}
        return self.verdict == c.expected_verdict and (not c.choice or rows == c.expected_by_choice)

    def _rows(self, name: str, allowed: bool = True) -> dict[str, str]:
        """value -> verdict under the choice ``name``: the values the text allows, or (with
        ``allowed=False``) the counterfactuals."""
        choice = self.claim.paper.choices[name]
        keep = choice.allowed if allowed else tuple(choice.ruled_out)
        return {v: self.by_choice[v][0] for v in keep if v in self.by_choice}

    @property
    def depends_on(self) -> list[str]:
        """The claim's choices whose allowed values give different verdicts."""
        return [n for n in self.claim.choices if len(set(self._rows(n).values())) > 1]

    @property
    def counterfactuals(self) -> list[str]:
        """The values among the claim's choices that the paper's words rule out."""
        c = self.claim
        return [v for n in c.choices for v in c.paper.choices[n].ruled_out if v in self.by_choice]

    @property
    def robustness(self) -> str:
        """``robust``, or ``depends on <choice>`` with the verdict under each value the text
        allows, for each choice that changes it (choices by their labels). A counterfactual
        value never makes a verdict depend on a choice."""
        if not self.by_choice:
            return ""
        parts = []
        for name in self.depends_on:
            groups: dict[str, list[str]] = {}
            for value, verdict in self._rows(name).items():
                groups.setdefault(verdict, []).append(value)
            label = self.claim.paper.choice_label(name)
            parts.append(
                f"depends on {label}: "
                + "; ".join(f"{v} under {', '.join(vals)}" for v, vals in groups.items())
            )
        return " / ".join(parts) or "robust"

    def as_dict(self) -> dict:
        c = self.claim
        return {
            "id": c.id,
            "kind": c.kind,
            "figure": c.figure,
            "location": c.location,
            "quantity": c.quantity,
            "unit": c.unit,
            "evidence": c.evidence,
            "paper_value": c.paper_value,
            "threshold": c.threshold,
            "ours": self.ours,
            "stderr": self.stderr,
            "deviation": self.deviation,
            "check": c.check,
            "tolerance": c.tolerance,
            "tolerance_rationale": c.tolerance_rationale,
            "also": c.also,
            "across": c.across,
            "provenance": c.provenance,
            "verdict": self.verdict,
            "expected_verdict": c.expected_verdict,
            "choice": list(c.choices),
            "by_choice": {v: {"verdict": vd, "ours": o} for v, (vd, o) in self.by_choice.items()},
            "robustness": self.robustness,
            "depends_on": self.depends_on if self.by_choice else [],
            "counterfactuals": self.counterfactuals if self.by_choice else [],
            "ok": self.ok,
            "quote": c.quote,
            "reason": c.reason,
            "explanation": self.explanation,
            "support": self.support,
            "problems": self.problems,
            "cell": self.cell,
            "finding": c.finding,
            "headline": self.headline,
        }


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


def outcome(c: Claim, ours, stderr) -> tuple[str, float | None]:
    """``pass``, ``near`` or ``fail`` of the main check for our value, and the deviation."""
    ours = _number(c, c.result, ours)
    if not math.isfinite(ours):
        return "fail", None
    tol, approx = float(c.tolerance), c.approx_tolerance
    if c.check == "range":
        lo, hi = sorted(float(v) for v in c.paper_value)
        dev = 0.0 if lo <= ours <= hi else (ours - lo if ours < lo else ours - hi)
        ok, near = abs(dev) <= tol, approx is not None and abs(dev) <= approx
    elif c.check in BOUNDS:
        dev = ours - c.bound
        ok = _holds(c.check, ours, c.bound, tol)
        near = approx is not None and _holds(c.check, ours, c.bound, approx)
    else:
        paper = float(c.paper_value)
        dev = ours - paper
        if c.check == "within_stderr":
            if stderr is None or not math.isfinite(stderr) or stderr <= 0:
                raise LedgerError(f"claim {c.id}: result {c.result!r} has no usable stderr")
            measure, scale = abs(dev), stderr
        else:
            measure, scale = (abs(dev), 1.0) if c.check == "abs" else (abs(dev) / abs(paper), 1.0)
        ok = measure <= tol * scale
        near = approx is not None and measure <= approx * scale
    return ("pass" if ok else "near" if near else "fail"), dev


def _verdict(c: Claim, fig: FigureRun, sfx: str = "", main: str | None = None):
    """Verdict of the claim on the records ``<result><sfx>`` (and its conditions), or on the
    record ``main`` instead of the result; returns (verdict, value, deviation, problems)."""
    name = main or c.result + sfx

    def per_choice(n):  # a condition that does not depend on the choice is recorded once
        return n + sfx if n + sfx in fig.results else n

    conds = [(a, per_choice(a.result)) for a in c.conditions]
    names = [name, *(n for _, n in conds)]
    absent = [n for n in names if n not in fig.results]
    if absent:
        return "missing", None, None, [f"no result {absent[0]!r} ({c.figure})"]
    rec = fig.results[name]
    if any(fig.results[n].value == "not checkable" for n in names):
        return "not checkable", rec.value, None, [fig.results[name].note]
    if rec.provenance != c.provenance:
        raise LedgerError(
            f"claim {c.id}: provenance {c.provenance!r} but result {name!r} is {rec.provenance!r}"
        )
    out, dev = outcome(c, rec.value, rec.stderr)
    problems = []
    for a, n in conds:
        value = _number(c, n, fig.results[n].value)
        if not _holds(a.check, value, a.threshold):
            out = "fail"
            problems.append(f"{n} = {value:.4g} is not {a.check} {a.threshold:g}")
    pass_, near, fail = c.words[:3]
    return {"pass": pass_, "near": near, "fail": fail}[out], rec.value, dev, problems


def _across(c: Claim, fig: FigureRun):
    runs = [_verdict(c, fig, main=n) for n in c.across]
    verdicts = [r[0] for r in runs]
    if "missing" in verdicts:
        return next(r for r in runs if r[0] == "missing")
    rank = {w: i for i, w in enumerate(c.words)}
    if c.across_mode == "undecided" and len(set(verdicts)) > 1:
        detail = ", ".join(f"{n}: {v}" for n, v in zip(c.across, verdicts))
        return "not checkable", None, None, [f"the declared input range decides it ({detail})"]
    pick = max if c.across_mode == "all" else min
    worst = pick(verdicts, key=lambda v: rank[v])
    problems = [f"{n}: {v}" for n, v in zip(c.across, verdicts)]
    return worst, None, None, problems


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


def evaluate(claims: list[Claim], results: Results) -> list[Evaluated]:
    """The verdict of every claim against ``results`` (the typed ``build/results.json``)."""
    out = []
    for c in claims:
        fig = results.figures.get(c.figure)
        if c.check == "not_checkable":
            ran = fig if fig and fig.status == "ok" else None
            text = explain(c, ran, results)
            ev = Evaluated(c, "not checkable", explanation=text)
            ev.headline = explain(c, ran, results, c.headline) if c.headline else ""
            out.append(ev)
            continue
        if fig is None or fig.status != "ok":
            why = (
                f"not run with the paper's parameters yet: `iece run {c.figure}`"
                if fig is None
                else f"its last run {fig.status}: {fig.error}"
            )
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
        if c.across:
            verdict, ours, dev, problems = _across(c, fig)
        else:
            verdict, ours, dev, problems = _verdict(c, fig)
        by_choice = {}
        if c.choice:
            for value in c.choice_values():
                v, o, _, p = _verdict(c, fig, f"__{value}")
                by_choice[value] = (v, o)
                problems += [f"{value}: {x}" for x in p if x]
        rec = fig.results.get(c.result)
        ev = Evaluated(
            c,
            verdict,
            ours,
            rec.stderr if rec else None,
            dev,
            rec.cell if rec else None,
            [p for p in problems if p],
            by_choice,
        )
        ev.explanation = explain(c, fig, results) if verdict != "missing" else ""
        if c.headline and verdict != "missing":
            ev.headline = explain(c, fig, results, c.headline)
        if rec is not None and c.provenance == "literature":
            ev.support = rec.note
        out.append(ev)
    return out


#: The one counting rule of the headline and the index: a claim is counted once, under its
#: verdict, unless that verdict changes with a choice the paper leaves open; then it is counted
#: under "depends on a choice" (its verdict under each value is shown with it).
DEPENDS = "depends on a choice"


def category(verdict: str, robustness: str) -> str:
    """Where a claim is counted (:data:`DEPENDS` or its verdict)."""
    if verdict not in ("not checkable", "missing") and robustness.startswith("depends"):
        return DEPENDS
    return verdict


def summary(evaluated: list[Evaluated]) -> dict:
    """The dashboard's headline: independent checks split into reproduced, approximately
    reproduced, not reproduced and depending on an open choice; then the other evidence
    classes (by the same rule, :func:`category`), the not-checkable claims and the model
    diagnostics, counted apart."""
    claims = [e for e in evaluated if e.claim.kind == "claim"]
    indep = [
        e for e in claims if e.claim.evidence == "independent" and e.verdict != "not checkable"
    ]
    depends = [e for e in indep if e.robustness.startswith("depends")]
    firm = [e for e in indep if e not in depends]

    def count(items, verdict):
        return sum(e.verdict == verdict for e in items)

    def by_class(evidence):
        out: dict[str, int] = {}
        for e in claims:
            if e.claim.evidence == evidence:
                key = category(e.verdict, e.robustness)
                out[key] = out.get(key, 0) + 1
        return out

    return {
        "independent": len(indep),
        "reproduced": count(firm, "reproduced"),
        "approximately reproduced": count(firm, "approximately reproduced"),
        "not reproduced": count(firm, "not reproduced"),
        "depends on a choice": len(depends),
        "independent missing": count(firm, "missing"),
        "consistency": by_class("consistency"),
        "method": by_class("method"),
        "not checkable": sum(e.verdict == "not checkable" for e in claims),
        "claims": len(claims),
        "diagnostics": len(evaluated) - len(claims),
        "missing": sum(e.verdict == "missing" for e in evaluated),
        "mismatches": sum(not e.ok for e in evaluated),
    }


def _words(counts: dict) -> str:
    order = {w: i for i, w in enumerate((*VERDICT_ORDER, DEPENDS))}
    return ", ".join(
        f"{n} {'depend on a choice' if w == DEPENDS else w}"
        for w, n in sorted(counts.items(), key=lambda kv: order.get(kv[0], len(order)))
        if n and w != "not checkable"
    )


def independent_sentence(
    n: int, reproduced: int, approximately: int, not_reproduced: int, depends: int, missing: int
) -> str:
    """The headline's first sentence, on the independent checks (``iece claims`` and the
    index both say it with this function). Checks without results are counted as missing: an
    empty build had read "0 reproduced, 0 approximately reproduced, 0 not reproduced"."""
    if n and missing == n:
        return (
            f"{n} independent checks: none evaluated yet, all {n} missing their results "
            "(run `iece run`)."
        )
    parts = [
        f"{reproduced} reproduced",
        f"{approximately} approximately reproduced",
        f"{not_reproduced} not reproduced",
        f"{depends} depend on a choice the paper leaves open",
    ]
    if missing:
        parts.append(f"{missing} missing their results")
    return f"{n} independent checks: " + ", ".join(parts) + "."


def headline(s: dict) -> str:
    """One sentence of :func:`summary` for the dashboard and ``iece claims``."""
    first = independent_sentence(
        s["independent"],
        s["reproduced"],
        s["approximately reproduced"],
        s["not reproduced"],
        s["depends on a choice"],
        s["independent missing"],
    )
    return (
        f"{first} "
        f"Apart from these: the paper against itself ({_words(s['consistency'])}); our methods "
        f"({_words(s['method'])}); {s['not checkable']} not checkable; {s['diagnostics']} model "
        "diagnostics."
    )


# ----------------------------------------------------------------- the reading search (issue 13)
def passes(c: Claim, table: dict) -> np.ndarray:
    """Whether the claim's check (and its conditions) pass for every row of ``table`` (a dict
    of equal-length arrays named like the claim's results); NaN fails."""
    v = np.asarray(table[c.result], float)
    with np.errstate(invalid="ignore"):
        if c.check == "range":
            lo, hi = sorted(float(x) for x in c.paper_value)
            ok = (v >= lo - c.tolerance) & (v <= hi + c.tolerance)
        elif c.check in BOUNDS:
            ok = _holds(c.check, v, c.bound, c.tolerance)
        elif c.check == "abs":
            ok = np.abs(v - float(c.paper_value)) <= c.tolerance
        elif c.check == "rel":
            ok = np.abs(v - float(c.paper_value)) <= c.tolerance * abs(float(c.paper_value))
        else:
            raise LedgerError(f"claim {c.id}: check {c.check!r} cannot run over readings")
        for a in c.conditions:
            ok = ok & _holds(a.check, np.asarray(table[a.result], float), a.threshold)
    return np.asarray(ok & np.isfinite(v))


def reading_map(claims: list[Claim], table: dict) -> dict[str, np.ndarray]:
    """claim id -> pass/fail over the readings, for every checkable claim whose numbers the
    table holds."""
    return {
        c.id: passes(c, table)
        for c in claims
        if c.check != "not_checkable"
        and all(n in table for n in (c.result, *(a.result for a in c.conditions)))
    }
