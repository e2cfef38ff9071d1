"""Recording results and figures from a notebook.

A notebook calls :func:`record` for every number a claim or a reader may need, and
:func:`save_figure` for every figure. When the notebook runs under ``iece run`` the runner
sets ``IECE_RECORDS_FILE`` and ``IECE_FIGURES_DIR``; each call appends one JSON line to the
records file, which the runner merges into ``build/results.json`` after a successful run.
Run by hand (no runner), records are kept in memory in :data:`RECORDS` only.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np

PROVENANCES = ("computed", "simulated", "quoted", "literature", "user")

#: Records made in this process, by name (useful when a notebook is run by hand).
RECORDS: dict[str, dict] = {}


def _cell_number() -> int | None:
    """Execution count of the notebook cell that is running, if inside IPython."""
    try:  # pragma: no cover - only meaningful inside a kernel
        from IPython import get_ipython

        ip = get_ipython()
        return int(ip.execution_count) if ip is not None else None
    except Exception:  # noqa: BLE001
        return None


def _plain(value):
    """Convert numpy scalars/arrays to JSON-safe Python values (NaN -> None)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _append(line: dict) -> None:
    path = os.environ.get("IECE_RECORDS_FILE")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")


def record(
    name: str,
    value,
    *,
    unit: str = "",
    stderr: float | None = None,
    provenance: str = "computed",
    note: str = "",
) -> None:
    """Record one result of the running notebook.

    ``name`` is the key in ``build/results.json`` (units belong in the name, e.g. ``tau1_ns``);
    ``value`` a number, bool, string or list; ``stderr`` its standard error if it has one;
    ``provenance`` one of :data:`PROVENANCES`.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"record name must be an identifier, got {name!r}")
    if provenance not in PROVENANCES:
        raise ValueError(f"provenance must be one of {PROVENANCES}, got {provenance!r}")
    entry = {
        "value": _plain(value),
        "unit": unit,
        "stderr": _plain(stderr),
        "provenance": provenance,
        "note": note,
        "cell": _cell_number(),
    }
    RECORDS[name] = entry
    _append({"kind": "result", "name": name, **entry})


def figures_dir() -> Path:
    """Where figures go: ``$IECE_FIGURES_DIR`` under the runner, else ``./figures``."""
    return Path(os.environ.get("IECE_FIGURES_DIR", "figures"))


def save_figure(fig, name: str, *, provenance: str, caption: str = "") -> None:
    """Write ``fig`` as ``<name>.svg`` and ``<name>.png`` (byte-reproducible) and record it.

    ``provenance`` says where the plotted data came from (one of :data:`PROVENANCES`, or
    several joined by ``+``); it becomes the figure's badge in the report. The files are listed
    in the records (``build/results.json``), not returned, so a notebook cell shows only the
    figure itself.
    """
    parts = provenance.split("+")
    bad = [p for p in parts if p not in PROVENANCES]
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
        written.append(target)
    _append(
        {
            "kind": "figure",
            "name": name,
            "provenance": provenance,
            "caption": caption,
            "cell": _cell_number(),
            "files": [str(p) for p in written],
        }
    )
