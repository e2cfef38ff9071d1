"""The format of ``build/results.json``: the one place it is defined, used by the writer
(:mod:`iece.pipeline.runner`) and the readers (:mod:`iece.pipeline.ledger`, the report).

Schema version 3::

    {
      "schema_version": 3,
      "run_stamp": {"runtime_s": {"fig2eg": 3.2, ...}},   # the only part that varies
      "figures": {
        "<figure id>": {
          "title": "Fig. 2e-g, ...",
          "notebook": "notebooks/fig2eg_ema.ipynb",    # relative to the project root
          "parameters": {"diameter_nm": 4.0, ...},      # every parameter of the run
          "paper_defaults": true,                       # all paper parameters at their defaults
          "status": "ok",                               # "ok" | "failed"
          "error": "",
          "hash": "<sha256 of the run's inputs>",
          "older_run": "",      # kept results: the date of the older run they come from
          "latest_error": "",   # kept results: why the latest run did not replace them
          "results": {
            "<name>": {"value": 0.97, "unit": "1", "stderr": null,
                       "provenance": "computed", "note": "", "cell": 3}
          },
          "figures": [
            {"name": "fig2g_s5_s6_s8", "provenance": "computed", "caption": "...",
             "cell": 5, "files": ["figures/fig2g_s5_s6_s8.svg", "figures/fig2g_s5_s6_s8.png"]}
          ],
          "tables": ["readings.npz"]   # saved by the kernel for the judge stage (iece.save_table)
        }
      }
    }

Two runs with the same inputs, in any checkout, write byte-identical files apart from
``run_stamp`` (timings). ``unit`` is always present: ``"1"`` for a dimensionless number,
``""`` for a string or a yes/no value. ``value`` is a number, a bool, a string, a list or
``null`` (NaN is stored as ``null``). ``provenance`` is one of :data:`PROVENANCES`. Paths are
relative to the project.

A run that fails keeps the last good results of its figure: they stay with ``status`` "ok",
and ``older_run`` (the date of the run that made them, UTC) and ``latest_error`` (what the
latest run raised) say that they are from an older run. A fresh good run clears both. The
runner's cache entry (``build/cache/<id>.json``) holds a SHA-256 of each figure's entry
(:func:`checksum`), so an entry edited or damaged after its run is found and run again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .values import ResultsError, _check_number, _check_value, plain  # noqa: F401

SCHEMA_VERSION = 3

#: Where a number comes from (``user``: the user's own data file; never enters the ledger).
PROVENANCES = ("computed", "simulated", "quoted", "literature", "user")


@dataclass(frozen=True)
class Record:
    """One recorded number (or string, bool, list) of a figure run."""

    value: object
    unit: str
    provenance: str
    stderr: float | None = None
    note: str = ""
    cell: int | None = None

    def __post_init__(self):
        if not isinstance(self.unit, str):
            raise ResultsError(f"unit must be a string, got {self.unit!r:.60}")
        if not isinstance(self.provenance, str) or self.provenance not in PROVENANCES:
            raise ResultsError(
                f"provenance must be one of {PROVENANCES}, got {self.provenance!r:.60}"
            )
        _check_value("value", self.value)
        if self.stderr is not None:
            _check_number("stderr", self.stderr)
        if not isinstance(self.note, str):
            raise ResultsError(f"note must be a string, got {self.note!r:.60}")
        if self.cell is not None and (
            isinstance(self.cell, bool) or not isinstance(self.cell, int)
        ):
            raise ResultsError(f"cell must be a whole number or null, got {self.cell!r:.60}")


@dataclass(frozen=True)
class FigureFile:
    """A figure written by a notebook (SVG + PNG), with the provenance of its data."""

    name: str
    provenance: str
    files: list[str]
    caption: str = ""
    cell: int | None = None

    def __post_init__(self):
        bad = [p for p in self.provenance.split("+") if p not in PROVENANCES]
        if bad:
            raise ResultsError(f"figure {self.name}: provenance parts {bad} not in {PROVENANCES}")


@dataclass
class FigureRun:
    """Everything one run of one figure notebook produced."""

    title: str
    notebook: str
    parameters: dict
    paper_defaults: bool
    status: str
    error: str = ""
    hash: str = ""
    results: dict[str, Record] = field(default_factory=dict)
    figures: list[FigureFile] = field(default_factory=list)
    older_run: str = ""
    latest_error: str = ""
    #: the tables the kernel saved for the judge stage (file names, :mod:`.tables`)
    tables: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["results"] = {k: asdict(v) for k, v in self.results.items()}
        d["figures"] = [asdict(f) for f in self.figures]
        return d

    @classmethod
    def from_dict(cls, fid: str, d: dict) -> FigureRun:
        """The entry of figure ``fid``; :class:`ResultsError` naming the figure and the
        record (or field) that does not follow the format."""
        raw_results, raw_figures = d.get("results", {}), d.get("figures", [])
        if not isinstance(raw_results, dict):
            raise ResultsError(f"figure {fid!r}: 'results' must be an object")
        if not isinstance(raw_figures, list):
            raise ResultsError(f"figure {fid!r}: 'figures' must be a list")
        results = {}
        for name, v in raw_results.items():
            try:
                if not isinstance(v, dict):
                    raise ResultsError("must be an object")
                results[name] = Record(**v)
            except (TypeError, ResultsError) as exc:
                raise ResultsError(f"figure {fid!r}, result {name!r}: {exc}") from None
        try:
            figures = [FigureFile(**f) for f in raw_figures]
            rest = {k: v for k, v in d.items() if k not in ("results", "figures")}
            entry = cls(**rest, results=results, figures=figures)
        except (TypeError, AttributeError, ResultsError) as exc:
            raise ResultsError(f"figure {fid!r}: {exc}") from None
        for key in ("title", "notebook", "status", "error", "hash", "older_run", "latest_error"):
            if not isinstance(getattr(entry, key), str):
                raise ResultsError(f"figure {fid!r}: {key} must be a string")
        if not isinstance(entry.parameters, dict) or not isinstance(entry.paper_defaults, bool):
            raise ResultsError(
                f"figure {fid!r}: parameters must be an object, paper_defaults a bool"
            )
        if not isinstance(entry.tables, list) or not all(isinstance(t, str) for t in entry.tables):
            raise ResultsError(f"figure {fid!r}: tables must be a list of file names")
        if entry.status not in ("ok", "failed"):
            raise ResultsError(f"figure {fid!r}: status must be 'ok' or 'failed'")
        return entry


def checksum(entry: FigureRun) -> str:
    """SHA-256 of a figure's entry as written (canonical JSON): the runner keeps it in the
    figure's cache entry, and an entry that no longer matches was changed after its run."""
    text = json.dumps(entry.to_dict(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Results:
    """The content of ``build/results.json``: one :class:`FigureRun` per figure id."""

    figures: dict[str, FigureRun] = field(default_factory=dict)
    #: What may differ between two runs with the same inputs: ``{"runtime_s": {id: s}}``.
    run_stamp: dict = field(default_factory=dict)

    def to_json(self) -> str:
        body = {"schema_version": SCHEMA_VERSION, "run_stamp": self.run_stamp}
        body["figures"] = {k: v.to_dict() for k, v in self.figures.items()}
        return json.dumps(body, indent=1)

    @classmethod
    def from_json(cls, text: str, where: str = "results.json") -> Results:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ResultsError(f"{where} is not valid JSON ({exc}); rerun `iece run`") from None
        version = data.get("schema_version") if isinstance(data, dict) else None
        if version != SCHEMA_VERSION:
            raise ResultsError(
                f"{where} has schema_version {version!r}, this iece writes {SCHEMA_VERSION};"
                " rerun `iece run --force`"
            )
        raw, stamp = data.get("figures"), data.get("run_stamp", {})
        if not isinstance(raw, dict) or not isinstance(stamp, dict):
            raise ResultsError(
                f"{where}: 'figures' and 'run_stamp' must be objects; rerun `iece run`"
            )
        bad = [k for k, v in raw.items() if not isinstance(v, dict)]
        if bad:
            raise ResultsError(f"{where}: figure {bad[0]!r} is not an object; rerun `iece run`")
        try:
            figures = {k: FigureRun.from_dict(k, v) for k, v in raw.items()}
        except ResultsError as exc:
            raise ResultsError(f"{where}: {exc}; rerun `iece run --force`") from None
        return cls(figures, stamp)

    @classmethod
    def load(cls, path) -> Results:
        """Read ``path``; an absent file is an empty :class:`Results`."""
        path = Path(path)
        if not path.is_file():
            return cls()
        where = f"{path.parent.name}/{path.name}"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ResultsError(f"{where} cannot be read ({exc}); rerun `iece run`") from None
        return cls.from_json(text, where=where)
