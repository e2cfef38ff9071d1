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
* a ``threshold`` (of the check or of a condition) may name a number of the paper bundle's
  ``THRESHOLDS`` (a reading of loose words declared once, where the kernels use it too);
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

import re
import sys
from pathlib import Path

from . import bundle as _bundle
from .claim import (  # noqa: F401 (the ledger's schema, used as ledger.<name>)
    ACROSS_MODES,
    BOUNDS,
    CHECKS,
    EVIDENCE,
    NUMERIC,
    PROVENANCES,
    REQUIRED,
    VERDICTS,
    VOCABULARY,
    Claim,
    Condition,
    LedgerError,
    template_fields,
)
from .labels import fmt_value, has_label, label, normalize, paper_of, quote_in_paper  # noqa: F401
from .validate import _paper_value, _validate, _validate_findings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

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


def project_figures(ledger_path, paper: _bundle.Paper | None = None) -> set[str] | None:
    """The figure ids of the project the ledger belongs to (the notebooks of its
    ``[tool.iece] notebooks`` folder: ``paper``'s if this is its ledger, else that of the
    project :func:`iece.pipeline.bundle.of_ledger` finds), or ``None`` where they cannot be
    known (no notebooks folder; a notebook that cannot be read is left to ``iece list``)."""
    from .params import ParameterError, notebook_meta

    path = Path(ledger_path).resolve()
    if paper is None or paper.claims_file.resolve() != path:
        try:
            paper = _bundle.of_ledger(path)
        except _bundle.BundleError:
            return None
    folder = paper.notebooks
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
    ``figures``: the project's figure ids; by default those of the project's notebooks
    (:func:`project_figures`), unchecked where there are none.
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
        figures = project_figures(path, paper)
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


def findings(entries: list[Claim]) -> list[Claim]:
    """The ledger's key findings, in their declared order."""
    return sorted((c for c in entries if c.finding is not None), key=lambda c: c.finding)
