"""Verdicts: the ledger (:mod:`iece.pipeline.ledger`) held against ``build/results.json``.

For every claim :func:`evaluate` gives the headline verdict (in the words of the claim's
evidence class), our value and deviation, a verdict per value of an open choice with a
robustness summary, the explanation with its numbers filled in from the results, and the
support of a literature comparison. A figure whose last run did not use the paper's parameters
is not evaluated: its claims read "missing" with the reason.
"""

from __future__ import annotations

from .checking import holds, number, outcome, passes, qualifier, reading_map  # noqa: F401
from .claim import Claim, LedgerError
from .counts import DEPENDS, category, headline, independent_sentence, summary  # noqa: F401
from .evaluated import Evaluated
from .explain import explain
from .results import FigureRun, Results


def _partial_conditions(c: Claim, fig: FigureRun) -> None:
    """A condition recorded per value for some values of a choice but not for all: a record
    forgotten, which would silently fall back to the default reading's. Refused."""
    for a in c.conditions:
        for name in c.choices:
            values = c.paper.choices[name].values
            have = [v for v in values if f"{a.result}__{v}" in fig.results]
            if 0 < len(have) < len(values):
                missing = ", ".join(v for v in values if v not in have)
                raise LedgerError(
                    f"claim {c.id}: condition {a.result!r} is recorded per value of {name} "
                    f"except {missing}: record it under every value, or once"
                )


def _uncertainty(ev: Evaluated, results: Results) -> None:
    """The qualifier of a verdict under the declared input uncertainty: a figure that sampled it
    records ``p_holds_<entry id>`` (the share of samples in which its check holds); at least
    the paper's ``ROBUST_PROBABILITY`` holds robustly, at most one minus it fails robustly, in
    between the verdict is fragile."""
    c = ev.claim
    robust = c.paper.robust_probability if c.paper is not None else None
    name = "p_holds_" + c.id.replace("-", "_")
    for fid, fig in sorted(results.figures.items()):
        rec = fig.results.get(name) if robust is not None and fig.status == "ok" else None
        if rec is None or isinstance(rec.value, bool) or not isinstance(rec.value, (int, float)):
            continue
        p = float(rec.value)
        ev.p_holds, ev.p_holds_stderr, ev.uncertainty_figure = p, rec.stderr, fid
        ev.uncertainty = qualifier(p, robust)
        return


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
        value = number(c, n, fig.results[n].value)
        if not holds(a.check, value, a.threshold):
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
            _partial_conditions(c, fig)
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
        if verdict != "missing":
            _uncertainty(ev, results)
        out.append(ev)
    return out
