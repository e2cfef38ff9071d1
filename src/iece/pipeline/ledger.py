"""The claims ledger, ``data/claims.toml``: its schema and loading. Verdicts are computed in
:mod:`iece.pipeline.verdicts`.

``[[claims]]`` are statements of the paper: a verbatim ``quote`` and its ``location``, the
paper's value by name (``quoted = "NAME"`` or ``"NAME[i]"`` from the paper bundle's ``QUOTED``), the
``check`` on a recorded ``result`` of ``figure``, the ``evidence`` behind it and the
``expected_verdict``. ``[[diagnostics]]`` are model diagnostics: what a model shows where it
cannot address a measured statement, kept apart from the paper's claims.

Checks (``ours`` the recorded number, ``paper`` the quoted value, ``bound`` the ``threshold``
if given, else the paper's value):

=================  =============================================================================
``abs``            passes if ``|ours - paper| <= tolerance``; near if ``<= approx_tolerance``
``rel``            the same with ``|ours - paper| / |paper|``
``within_stderr``  passes if ``|ours - paper| <= tolerance * stderr(ours)``
``range``          paper value ``[lo, hi]``: passes if ``lo - tol <= ours <= hi + tol``
``at_least``       passes if ``ours >= bound - tol`` (``at_most``: ``ours <= bound + tol``)
``greater_than``   passes if ``ours > bound`` (``less_than``: ``ours < bound``)
``not_checkable``  no data or model can test it; ``reason`` says why
=================  =============================================================================

Further fields:

* ``also``: conditions on other results (``{result, check, threshold}``), all must hold;
* ``choice``: a choice of the paper bundle's ``CHOICES`` (:mod:`iece.pipeline.bundle`), or a
  list of them. The check runs on ``<result>__<value>`` for every value of each (one choice at a
  time, the others at their defaults); ``expected_by_choice`` gives each verdict, by value, and
  the headline verdict is the defaults'. A value the paper's words rule out (a counterfactual)
  shows its verdict but never makes the claim depend on the choice;
* ``across`` and ``across_mode``: the check runs on each listed result (an input given as a
  range, or a statement about a series): ``all`` must pass, ``any`` may pass, or ``undecided``
  (different outcomes mean the range decides it: "not checkable");
* ``evidence``: ``independent`` (our computation or literature against the paper),
  ``consistency`` (the paper's numbers against each other), ``method`` (recovery of planted
  values: evidence about our method, never about the paper) or ``none`` (not checkable). Each
  class has its own verdict words (:data:`VOCABULARY`): only independent evidence can read
  "reproduced";
* ``explanation``: why the verdict is what it is. ``{name}`` and ``{name:.2f}`` fill in a
  recorded number of the figure, ``{NAME}`` a quoted value: no number is typed;
* ``finding``: the entry is a key finding, shown first on the report's index, and its place
  in that list (``finding = 1``, ``2``, ...). Claims and diagnostics alike; the numbers over the
  whole ledger run 1, 2, ... N without gaps or repeats. The rule for the order: what a referee
  must know first comes first: (1) where the paper's own model cannot give what the paper
  claims or measures (its mechanism), (2) where the paper's numbers contradict each other,
  (3) what holds. Within a group, the wider consequence first (a result over every reading the
  text allows before a single claim);
* ``headline``: a finding's one sentence, templated like ``explanation`` (``{name}``,
  ``{NAME}``, ``{figure[name]}``). Only a finding has one; a finding without one shows the
  first sentence of its explanation.

Every record the index names (a condition of ``also``, a point of ``across``, a value under an
open choice) is shown by its label (:func:`label`): the paper bundle's ``LABELS``, else the claim
whose result it is, else the record's note; never by its internal name.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import bundle as _bundle
from .results import PROVENANCES as _RECORD_PROVENANCES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

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
    threshold: float | None = None
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
        conditions, and their ``__<value>`` forms for every value of each of its choices (one
        choice at a time, the others at their defaults)."""
        base = [*(self.across or [self.result]), *(a.result for a in self.conditions)]
        return base + [f"{self.result}__{v}" for v in self.choice_values()]

    @property
    def words(self) -> tuple[str, ...]:
        """The verdict words of this claim's evidence class, plus "not checkable"."""
        return (*VOCABULARY[self.evidence], "not checkable")


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
        _finite(c, "threshold", c.threshold)


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


_HEADER = re.compile(r"\s*\[\[\s*(claims|diagnostics)\s*\]\]")
_KEY = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=")


def _entry_lines(text: str) -> dict[tuple[str, int], tuple[int, dict[str, int]]]:
    """(table, index) -> (line of its ``[[table]]`` header, field -> line of its first
    assignment), lines counted from 1, for placing an error in the file."""
    out, counts, current = {}, {}, None
    for n, line in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(line)
        if m:
            table = m.group(1)
            counts[table] = counts.get(table, -1) + 1
            current = out[(table, counts[table])] = (n, {})
        elif line.lstrip().startswith("["):
            current = None
        elif current is not None and (k := _KEY.match(line)):
            current[1].setdefault(k.group(1), n)
    return out


def project_figures(ledger_path) -> set[str] | None:
    """The figure ids of the project the ledger belongs to (``<root>/data/claims.toml``: the
    notebooks of ``<root>/notebooks``), or ``None`` where they cannot be known (no
    notebooks beside it; a notebook that cannot be read is left to ``iece list`` to name)."""
    from .params import ParameterError, notebook_meta

    folder = Path(ledger_path).resolve().parent.parent / "notebooks"
    if not folder.is_dir():
        return None
    ids = set()
    for nb in sorted(folder.glob("*.ipynb")):
        try:
            meta = notebook_meta(nb)
        except (ParameterError, OSError):
            continue
        if isinstance(meta.get("id"), str):
            ids.add(meta["id"])
    return ids or None


def load(path, figures=None, paper: _bundle.Paper | None = None) -> list[Claim]:
    """Read and validate the ledger file (claims first, then diagnostics); an error names the
    file, the line of the entry (of its field at fault where there is one) and the claim.
    ``figures``: the project's figure ids; by default those of the notebooks beside the
    ledger's ``data/`` folder (:func:`project_figures`), unchecked where there are none.
    ``paper``: the paper bundle whose quoted numbers and open choices the entries name; by
    default the one of the project the file belongs to (:func:`iece.pipeline.bundle.of_ledger`)."""
    path = Path(path)
    if paper is None:
        try:
            paper = _bundle.of_ledger(path)
        except _bundle.BundleError as exc:
            raise LedgerError(str(exc)) from None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LedgerError(f"{path.name} cannot be read ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # its message gives the line and column
        raise LedgerError(f"{path.name} is not valid TOML: {exc}") from None
    unknown_top = set(data) - set(REQUIRED)
    if unknown_top:
        raise LedgerError(f"{path.name}: unknown top-level key(s) {', '.join(sorted(unknown_top))}")
    if figures is None:
        figures = project_figures(path)
    lines = _entry_lines(text)
    out, seen = [], set()
    fields = set(Claim.__dataclass_fields__) - {"kind", "paper"}
    for table, kind in (("claims", "claim"), ("diagnostics", "diagnostic")):
        raw_entries = data.get(table, [])
        if not isinstance(raw_entries, list) or not all(isinstance(r, dict) for r in raw_entries):
            raise LedgerError(f"{path.name}: {table} must be [[{table}]] tables")
        for i, raw in enumerate(raw_entries):
            head, keys = lines.get((table, i), (None, {}))
            try:
                out.append(_entry(raw, kind, table, fields, seen, figures, paper))
            except LedgerError as exc:
                line = keys.get(_field_of(exc, fields), head)
                where = f"{path.name}, line {line}" if line else path.name
                raise LedgerError(f"{where}: {exc}", exc.key) from None
    if not out:
        raise LedgerError(
            f"{path.name} holds no [[claims]] or [[diagnostics]]: an empty ledger checks nothing"
        )
    try:
        _validate_findings(out)
    except LedgerError as exc:
        raise LedgerError(f"{path.name}: {exc}") from None
    return out


def _field_of(exc: LedgerError, fields) -> str:
    """The field an entry's error is about: its ``key``, else the field its message opens
    with (``claim a: check must be ...``)."""
    if exc.key:
        return exc.key.split(" ")[0]
    m = re.match(r"claim [^:]*: ([a-z_]+)", str(exc))
    return m.group(1) if m and m.group(1) in fields else ""


def _entry(raw: dict, kind: str, table: str, fields, seen: set, figures, paper) -> Claim:
    cid = raw.get("id", "<no id>")
    missing = [k for k in REQUIRED[table] if k not in raw]
    if missing:
        raise LedgerError(f"claim {cid}: missing field(s) {', '.join(missing)}")
    unknown = set(raw) - fields
    if unknown:
        first = sorted(unknown)[0]
        raise LedgerError(f"claim {cid}: unknown field(s) {', '.join(sorted(unknown))}", first)
    if (kind == "diagnostic") != (raw.get("evidence", "diagnostic") == "diagnostic"):
        raise LedgerError(
            f"claim {cid}: evidence 'diagnostic' belongs to [[diagnostics]] entries only",
            "evidence",
        )
    c = Claim(**raw, kind=kind, paper=paper)
    if not isinstance(c.id, str) or not c.id:
        raise LedgerError(f"claim {cid!r}: id must be text", "id")
    if c.id in seen:
        raise LedgerError(f"claim {cid}: duplicate id", "id")
    seen.add(c.id)
    c.paper_value = _paper_value(c)
    _validate(c, figures)
    return c


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


def findings(entries: list[Claim]) -> list[Claim]:
    """The ledger's key findings, in their declared order."""
    return sorted((c for c in entries if c.finding is not None), key=lambda c: c.finding)


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
