"""The headline and the index's counts: each claim once, under one rule (:func:`category`)."""

from __future__ import annotations

from .claim import VERDICTS as VERDICT_ORDER
from .evaluated import Evaluated

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
