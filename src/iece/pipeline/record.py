"""Recording results and figures from a notebook into ``build/results.json``.

A notebook calls :func:`record_all` with the :class:`~iece.paper.base.FigureResult` of its
figure function (or :func:`record` for one number) and :func:`save_figure` for every figure.
Under ``iece run`` the runner sets ``IECE_RECORDS_FILE`` and ``IECE_FIGURES_DIR``; each call
appends one JSON line to the records file, which the runner merges into ``build/results.json``
(format: :mod:`iece.pipeline.results`) after the run. Run by hand, records stay in
:data:`RECORDS`.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from .results import PROVENANCES, FigureFile, Record, plain

#: Records made in this process, by name (useful when a notebook is run by hand).
RECORDS: dict[str, Record] = {}


def _cell_number() -> int | None:
    """Execution count of the notebook cell that is running, if inside IPython."""
    try:  # pragma: no cover - only meaningful inside a kernel
        from IPython import get_ipython

        ip = get_ipython()
        return int(ip.execution_count) if ip is not None else None
    except Exception:  # noqa: BLE001
        return None


def _append(line: dict) -> None:
    path = os.environ.get("IECE_RECORDS_FILE")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")


def record(name: str, value, *, unit: str, provenance: str = "computed", stderr=None, note=""):
    """Record one result: ``unit`` is ``"1"`` for a dimensionless number and ``""`` for a
    yes/no or a string; ``provenance`` one of :data:`~iece.pipeline.results.PROVENANCES`."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"record name must be an identifier, got {name!r}")
    rec = Record(plain(value), unit, provenance, plain(stderr), note, _cell_number())
    RECORDS[name] = rec
    _append({"kind": "result", "name": name, **asdict(rec)})


def record_all(result) -> None:
    """Record every number of a :class:`~iece.paper.base.FigureResult`, in order."""
    for name, n in result.numbers.items():
        record(name, n.value, unit=n.unit, provenance=n.provenance, stderr=n.stderr, note=n.note)


def figures_dir() -> Path:
    """Where figures go: ``$IECE_FIGURES_DIR`` under the runner, else ``./figures``."""
    return Path(os.environ.get("IECE_FIGURES_DIR", "figures"))


def save_figure(fig, name: str, *, provenance: str, caption: str = "") -> None:
    """Write ``fig`` as ``<name>.svg`` and ``<name>.png`` (byte-reproducible) and record it.

    ``provenance`` says where the plotted data came from (one of :data:`PROVENANCES`, or
    several joined by ``+``); it becomes the figure's badge in the report.
    """
    bad = [p for p in provenance.split("+") if p not in PROVENANCES]
    if bad:
        raise ValueError(f"provenance parts must be among {PROVENANCES}, got {bad}")
    out = figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for ext, meta in (("svg", {"Date": None}), ("png", {"Software": None})):
        target = out / f"{name}.{ext}"
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        fig.savefig(tmp, format=ext, metadata=meta)
        os.replace(tmp, target)
        written.append(target.name)
    item = FigureFile(name, provenance, written, caption, _cell_number())
    _append({"kind": "figure", **asdict(item)})
