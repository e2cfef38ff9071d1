"""Recording results and figures from a notebook into ``build/results.json``.

A notebook calls :func:`record_all` with the :class:`~iece.pipeline.figure.FigureResult` of its
figure function (or :func:`record` for one number) and :func:`save_figure` for every figure.
Under ``iece run`` the runner's kernel calls :func:`configure` at start-up, before any cell
(:func:`iece.pipeline.kernel.startup_code`), with the run's records file and figure folder;
each call appends one JSON line to the records file, which the runner merges into
``build/results.json`` (format: :mod:`iece.pipeline.results`) after the run. No environment
variable is involved. The same file lists the data files the kernel read (:func:`configure`'s
``watch``), which key the figure's cache (:mod:`iece.pipeline.cache`).

Run in Jupyter (no runner), a notebook is a user run: :func:`record_all` starts the run's
folder ``build/runs/<figure>-jupyter-<hash>/`` under the project root
(:func:`iece.io.project_root`; ``<figure>`` from the notebook Jupyter names in
``JPY_SESSION_NAME``, ``<hash>`` from the parameters), where the records go (``records.jsonl``,
the runner's format) and the figures (``figures/``). It never writes ``build/results.json``,
``figures/`` or ``report/``: the paper's results stay as ``iece run`` wrote them. The records
are also in :data:`RECORDS`.

Each record and figure carries the number of the cell it belongs to, so a claim links to the
output that shows its number: a record starts at the cell that made it, and the first later
output (a Markdown table or note displayed by any cell) that shows its value, rounded as shown
(:func:`shows`), moves it there. The record is then appended again with that cell (the runner
keeps the last line of a name). The cell number is the running cell's own: IPython counts the
cell before running it, so ``execution_count`` inside a cell is already the next cell's.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, replace
from pathlib import Path

from ..io import project_root
from . import reads
from .figurefile import write_figure
from .results import FigureFile, Record, plain
from .shown import shown_numbers, shows  # noqa: F401  (the rule lives in .shown)

#: Records made in this process, by name (useful when a notebook is run by hand).
RECORDS: dict[str, Record] = {}
#: Numeric records not yet seen in an output: the next output that shows one anchors it.
_PENDING: dict[str, Record] = {}
_WATCHING: list = []  # the display publisher whose ``publish`` is wrapped (at most one)


def _shell():
    try:  # pragma: no cover - only meaningful inside a kernel
        from IPython import get_ipython

        return get_ipython()
    except Exception:  # noqa: BLE001
        return None


def _cell_number() -> int | None:
    """Number of the notebook cell that is running (its ``In [n]``), if inside IPython.

    IPython stores a cell's input under its number before running it, and (since IPython 8)
    has already counted ``execution_count`` on to the next cell's number by then; the last
    stored input is the running cell's in every version."""
    ip = _shell()
    if ip is None:
        return None
    try:  # pragma: no cover - only meaningful inside a kernel
        n = len(ip.history_manager.input_hist_parsed) - 1
        return n if n > 0 else None
    except Exception:  # noqa: BLE001
        return None


def _output_text(data: dict) -> str:
    """The text a reader sees of one displayed output (Markdown, HTML, or plain text when it is
    the only form: a figure's plain text is its repr, not something shown)."""
    if not isinstance(data, dict):
        return ""
    texts = [data[m] for m in ("text/markdown", "text/html") if isinstance(data.get(m), str)]
    if not texts and len(data) == 1 and isinstance(data.get("text/plain"), str):
        texts = [data["text/plain"]]
    return "\n".join(texts)


def _anchor(text: str) -> None:
    """Move every pending record that ``text`` shows to the running cell."""
    if not text or not _PENDING:
        return
    cell = _cell_number()
    for name, rec in list(_PENDING.items()):
        if shows(text, rec.value):
            del _PENDING[name]
            if cell is not None and cell != rec.cell:
                RECORDS[name] = rec = replace(rec, cell=cell)
                _append({"kind": "result", "name": name, **asdict(rec)})


def _watch() -> None:
    """Wrap the kernel's display publisher once, so that each displayed output anchors the
    records it shows (:func:`_anchor`)."""
    ip = _shell()
    pub = getattr(ip, "display_pub", None)
    if pub is None or any(p is pub for p in _WATCHING):
        return
    publish = pub.publish

    def publish_and_anchor(data, *args, **kwargs):
        out = publish(data, *args, **kwargs)
        try:
            _anchor(_output_text(data))
        except Exception:  # noqa: BLE001 - anchoring must never break a notebook's output
            pass
        return out

    pub.publish = publish_and_anchor
    _WATCHING[:] = [pub]


#: The folder of the interactive run in progress (a notebook in Jupyter), once started.
_INTERACTIVE: list[Path] = []


#: Set by :func:`configure` in a kernel that ``iece run`` started: ``records`` (the records
#: file) and ``figures`` (the folder figures go to).
_TARGET: dict[str, str] = {}


def configure(records: str, figures: str, watch=(), skip=()) -> None:
    """Send this kernel's records to ``records`` and its figures to ``figures`` (the runner
    calls it at kernel start-up; a notebook never does). Every file opened for reading under a
    folder of ``watch`` but not under ``skip`` (outputs), other than Python sources, is
    listed in the records file once (``{"kind": "read", "path": ...}``): the run's data
    inputs, seen as the kernel opens them (a Python audit hook), not declared by hand. A
    ``{"kind": "start"}`` line first tells the runner that this call was made."""
    _TARGET.update(records=str(records), figures=str(figures))
    _append({"kind": "start"})
    if watch:
        reads.watch(
            tuple(map(str, watch)),
            tuple(map(str, skip)),
            lambda path: _append({"kind": "read", "path": path}),
        )


def under_runner() -> bool:
    """True inside a notebook that ``iece run`` executes (:func:`configure` was called)."""
    return bool(_TARGET)


def _session_figure() -> str:
    """The figure id of the notebook Jupyter runs this kernel for: its metadata ``iece.id``,
    else the notebook's file name; "notebook" when the front end names none. Jupyter Server
    (2.x) puts the notebook's path in ``JPY_SESSION_NAME``: absolute under JupyterLab 4
    (``/checkout/notebooks/fig2eg_ema.ipynb``, measured with jupyter_server 2.21), the folder
    alone for a session without a name."""
    session = os.environ.get("JPY_SESSION_NAME", "")
    if not session:
        return "notebook"
    named = Path(session)
    for cand in (named, Path.cwd() / named, Path.cwd() / named.name):
        try:
            meta = json.loads(cand.read_text(encoding="utf-8")).get("metadata", {})
        except (OSError, ValueError, AttributeError):
            continue
        fid = meta.get("iece", {}).get("id") if isinstance(meta, dict) else None
        if isinstance(fid, str) and fid.isidentifier():
            return fid
    if named.suffix != ".ipynb":  # a folder (a session without a name) or another file
        return "notebook"
    stem = re.sub(r"[^A-Za-z0-9_]+", "_", named.stem).strip("_")
    return stem or "notebook"


def interactive_dir(params: dict | None = None, start: bool = False) -> Path:
    """The folder of this kernel's interactive run, ``build/runs/<figure>-jupyter-<hash>/``
    (``<hash>``: the first 8 hex digits of the SHA-256 of the parameters as JSON). ``start``
    (:func:`record_all` of a new result) opens a fresh one for ``params``; otherwise the
    current one, or one without parameters. Raises :class:`iece.io.ProjectRootError` outside
    a project checkout."""
    if start or not _INTERACTIVE:
        text = json.dumps(params or {}, sort_keys=True, default=str)
        tag = hashlib.sha256(text.encode()).hexdigest()[:8]
        folder = project_root() / "build" / "runs" / f"{_session_figure()}-jupyter-{tag}"
        folder.mkdir(parents=True, exist_ok=True)
        if start:
            (folder / "records.jsonl").write_text("", encoding="utf-8")
        _INTERACTIVE[:] = [folder]
    return _INTERACTIVE[0]


def _append(line: dict) -> None:
    path = _TARGET.get("records")
    if not path:
        if not _INTERACTIVE:  # a record() outside a notebook run: memory only
            return
        path = _INTERACTIVE[0] / "records.jsonl"
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
    if _shell() is not None:
        _PENDING[name] = rec
        _watch()


def record_all(result) -> None:
    """Record every number of a :class:`~iece.pipeline.figure.FigureResult`, in order. In Jupyter
    it starts the notebook's interactive run (:func:`interactive_dir`)."""
    if not under_runner() and _shell() is not None:
        interactive_dir(getattr(result, "params", None), start=True)
    for name, n in result.numbers.items():
        record(name, n.value, unit=n.unit, provenance=n.provenance, stderr=n.stderr, note=n.note)


def figures_dir() -> Path:
    """Where figures go: the folder the runner named (:func:`configure`), else the
    ``figures/`` of the interactive run (:func:`interactive_dir`), never the paper's
    ``figures/``."""
    named = _TARGET.get("figures")
    return Path(named) if named else interactive_dir() / "figures"


def save_figure(fig, name: str, *, provenance: str, caption: str = "") -> None:
    """Write ``fig`` as ``<name>.svg`` and ``<name>.png`` (:func:`write_figure`) and record it.

    ``provenance`` says where the plotted data came from (one of :data:`PROVENANCES`, or
    several joined by ``+``); it becomes the figure's badge in the report.
    """
    written = write_figure(fig, figures_dir(), name, provenance)
    item = FigureFile(name, provenance, written, caption, _cell_number())
    _append({"kind": "figure", **asdict(item)})
