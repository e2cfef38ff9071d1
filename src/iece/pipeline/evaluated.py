"""One claim's evaluation: its verdict, our value, the verdict per value of each open choice and
whether that verdict depends on a choice (:class:`Evaluated`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .claim import Claim


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
    #: under the declared input uncertainty: the share of samples in which the check holds,
    #: its standard error, the qualifier and the figure that sampled it
    p_holds: float | None = None
    p_holds_stderr: float | None = None
    uncertainty: str = ""
    uncertainty_figure: str = ""

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
            "p_holds": self.p_holds,
            "p_holds_stderr": self.p_holds_stderr,
            "uncertainty": self.uncertainty,
            "uncertainty_figure": self.uncertainty_figure,
        }
