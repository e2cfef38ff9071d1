"""A ledger entry: the checks and verdict words the ledger knows, its errors, its template fields
and the :class:`Claim` itself (the schema is documented in :mod:`iece.pipeline.ledger`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import bundle as _bundle
from .results import PROVENANCES as _RECORD_PROVENANCES

NUMERIC = ("abs", "rel", "within_stderr", "range")
BOUNDS = ("at_least", "at_most", "greater_than", "less_than")
CHECKS = (*NUMERIC, *BOUNDS, "not_checkable")
#: Verdict words by evidence class, for a check that passes, nearly passes, or fails.
VOCABULARY = {
    "independent": ("reproduced", "approximately reproduced", "not reproduced"),
    "consistency": ("consistent", "approximately consistent", "inconsistent"),
    "method": ("method validated", "method approximately validated", "method failed"),
    "diagnostic": ("holds", "nearly holds", "fails"),
    "none": (),
}
EVIDENCE = tuple(VOCABULARY)
VERDICTS = (*(v for words in VOCABULARY.values() for v in words), "not checkable")
ACROSS_MODES = ("all", "any", "undecided")
#: A claim's provenance: any record provenance except "user" (user data never enter the ledger).
PROVENANCES = tuple(p for p in _RECORD_PROVENANCES if p != "user")
REQUIRED = {
    "claims": (
        "id",
        "figure",
        "quote",
        "location",
        "quantity",
        "check",
        "provenance",
        "evidence",
        "expected_verdict",
    ),
    "diagnostics": (
        "id",
        "figure",
        "quantity",
        "check",
        "result",
        "provenance",
        "expected_verdict",
        "explanation",
        "tolerance_rationale",
    ),
}


class LedgerError(ValueError):
    """A malformed ledger entry; the message names the claim id (and, from :func:`load`, the
    file and the line). ``key``: the field at fault, if one is."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


#: A template field (``explanation``, ``reason``, ``headline``): a name, optionally indexed by a
#: whole number or another name (``{NAME[0]}``, ``{figure[name]}``): no attribute access.
_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[(?:\d+|[A-Za-z_][A-Za-z0-9_]*)\])?")
#: A template's format spec: ``[[fill]align][sign][#][0][width][grouping][.precision][type]``
#: with no nested field; width and precision bounded (``{x:>99999999}`` had built 100 MB).
_SPEC = re.compile(
    r"(?:[^{}]?[<>=^])?[+\- ]?z?#?0?(?P<width>\d+)?[_,]?(?:\.(?P<precision>\d+))?"
    r"[bcdeEfFgGnosxX%]?"
)
MAX_WIDTH = 40
MAX_PRECISION = 20


def template_fields(text: str, what: str = "explanation") -> list[str]:
    """The field names of a template (``{name}``, ``{name:.2f}``, ``{NAME[0]}``,
    ``{figure[name]}``); :class:`LedgerError` (without a claim: the caller adds it) for
    anything else: attribute access, a conversion (``!r``), a positional or empty field, a
    nested or unbounded format spec, or an unmatched brace."""
    import string

    names = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise LedgerError(
            f"{what} is not a template: {exc} (a literal brace is {{{{ or }}}})"
        ) from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        shown = (
            "{"
            + name
            + (f"!{conversion}" if conversion else "")
            + (f":{spec}" if spec else "")
            + "}"
        )
        if not _FIELD.fullmatch(name) or conversion:
            raise LedgerError(
                f"{what}: {shown} is not allowed: a field is a name ({{name}}, {{NAME[0]}}, "
                "{figure[name]}), without attributes or conversions"
            )
        m = _SPEC.fullmatch(spec or "")
        if (
            m is None
            or int(m.group("width") or 0) > MAX_WIDTH
            or int(m.group("precision") or 0) > MAX_PRECISION
        ):
            raise LedgerError(
                f"{what}: {shown} has a format it cannot use: give a plain spec like :.2f, "
                f"width at most {MAX_WIDTH} and precision at most {MAX_PRECISION}"
            )
        names.append(name)
    return names


@dataclass(frozen=True)
class Condition:
    """A further condition: ``result`` (of the claim's figure) ``check`` ``threshold``."""

    result: str
    check: str
    threshold: float


@dataclass
class Claim:
    id: str
    figure: str
    quantity: str
    check: str
    provenance: str
    expected_verdict: str
    explanation: str = ""
    evidence: str = "diagnostic"
    kind: str = "claim"
    quote: str = ""
    location: str = ""
    unit: str = ""
    quoted: str = ""
    paper_value: object = None
    threshold: float | None = None  # a number, or a name of the bundle's THRESHOLDS on loading
    result: str = ""
    tolerance: float = 0.0
    approx_tolerance: float | None = None
    tolerance_rationale: str = ""
    also: list = field(default_factory=list)
    choice: str | list = ""
    expected_by_choice: dict = field(default_factory=dict)
    across: list = field(default_factory=list)
    across_mode: str = ""
    reason: str = ""
    section: str = ""
    finding: int | None = None
    headline: str = ""
    #: the paper this entry belongs to (set on loading; not a ledger field)
    paper: _bundle.Paper | None = field(default=None, repr=False, compare=False)

    @property
    def bound(self) -> float:
        return float(self.threshold if self.threshold is not None else self.paper_value)

    @property
    def conditions(self) -> list[Condition]:
        return [Condition(**a) for a in self.also]

    @property
    def choices(self) -> tuple[str, ...]:
        """The open choices the claim depends on (``choice`` is one name or a list)."""
        if isinstance(self.choice, str):
            return (self.choice,) if self.choice else ()
        return tuple(self.choice)

    def choice_values(self) -> list[str]:
        """Every value of every choice of the claim, choice by choice (values are unique
        across a paper's choices, so a value names its choice)."""
        return [v for name in self.choices for v in self.paper.choices[name].values]

    def record_names(self) -> list[str]:
        """Every record this claim reads: its result (or the ``across`` results), its
        conditions, and the result's ``__<value>`` form for every value of each of its choices
        (one choice at a time, the others at their defaults). A condition is read in its
        ``__<value>`` form where the figure records one (for every value of that choice, or
        for none: :func:`iece.pipeline.verdicts.evaluate` refuses a partial set)."""
        base = [*(self.across or [self.result]), *(a.result for a in self.conditions)]
        return base + [f"{self.result}__{v}" for v in self.choice_values()]

    @property
    def words(self) -> tuple[str, ...]:
        """The verdict words of this claim's evidence class, plus "not checkable"."""
        return (*VOCABULARY[self.evidence], "not checkable")
