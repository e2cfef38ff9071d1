"""The judge stage: a figure's tables held against the ledger after its run, not in its kernel.

A paper bundle may declare, per figure id, a hook in ``JUDGES`` (:mod:`.bundle`)::

    JUDGES = {"readings": judge}   # judge(tables, claims) -> Judged

``tables`` are the tables the figure's kernel saved (``iece.save_table``, :mod:`.tables`) by
name, ``claims`` the project's ledger (:func:`iece.pipeline.ledger.load`). The hook returns a
:class:`Judged`: records (``res.add``, as a figure's ``compute`` does; they join the figure's
entry in ``build/results.json``, so the ledger's explanations read them as ``{name}`` or
``{figure[name]}``) and page ``sections``, by name: a list of Markdown strings and
:class:`Figure` s. A section fills, at render time, the outputs of the notebook's code cell
whose metadata says ``"iece": {"judged": "<name>"}`` (:func:`placeholders`); the executed
notebook keeps only what the kernel computed. A judged record links to the first such cell
that shows its value (the rule of :mod:`.shown`), else to the first section's cell.

The stage runs in the worker right after a figure's notebook (:mod:`.execute`), and again for
a cached figure whose ledger or hook code changed (:func:`key`, :mod:`.orchestrate`): a ledger
edit re-judges and re-renders the page without running the notebook.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from . import bundle as _bundle
from . import closure as _closure
from . import ledger as _ledger
from .cache import _files_digest, packages
from .figurefile import write_figure
from .judged import Figure, Judged
from .layout import Project, relative
from .results import FigureFile, FigureRun, Record, plain
from .shown import shows
from .tables import read_table


class JudgeError(RuntimeError):
    """A judge hook whose result does not fit its figure; the message names the bundle's
    file and the hook."""


def _paper(project: Project) -> _bundle.Paper:
    return _bundle.load(project.root)


def hook_of(project: Project, figure_id: str) -> Callable | None:
    """The judge hook the project's paper declares for ``figure_id``, or ``None``."""
    return _paper(project).judges.get(figure_id)


def key(project: Project, figure_id: str) -> str:
    """What a figure's judged records and sections depend on beyond its tables: the ledger and
    the code of its hook (the hook module's import closure); '' for a figure without a hook."""
    fn = hook_of(project, figure_id)
    if fn is None:
        return ""
    pkgs = packages(project)
    names = _closure.closure([(fn.__module__, True)], pkgs)
    files = [f for n in sorted(names) if (f := _closure.module_file(pkgs, n)) is not None]
    h = hashlib.sha256(_files_digest(files, pkgs).encode())
    ledger = project.claims_file
    h.update(ledger.read_bytes() if ledger.is_file() else b"")
    return h.hexdigest()


def placeholders(notebook: Path) -> dict[str, int | None]:
    """Section name -> the execution count of the code cell that holds it, in page order."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    out = {}
    for cell in nb.get("cells", []):
        name = cell.get("metadata", {}).get("iece", {}).get("judged")
        if isinstance(name, str) and cell.get("cell_type") == "code":
            out[name] = cell.get("execution_count")
    return out


def _where(project: Project, fn) -> str:
    """The bundle's file and the hook, as an error names them."""
    paper = _paper(project)
    file = paper.bundle_file
    named = relative(file.resolve(), project.root) if file is not None else paper.module
    return f"{named}: JUDGES hook {getattr(fn, '__qualname__', repr(fn))}"


def _call(project: Project, fid: str, fn, tables: dict) -> Judged:
    claims = []
    if project.claims_file.is_file():
        claims = _ledger.load(project.claims_file, paper=_paper(project))
    where = _where(project, fn)
    try:
        out = fn(tables, claims)
    except Exception as exc:  # noqa: BLE001 - named by the bundle's file and hook
        saved = ", ".join(sorted(tables)) or "none"
        raise JudgeError(
            f"{where} of {fid} failed: {type(exc).__name__}: {exc} (tables saved by its "
            f"kernel: {saved}; run `iece run {fid}` again if one is missing)"
        ) from exc
    if not isinstance(out, Judged):
        raise JudgeError(f"{where} of {fid} returned {type(out).__name__}, not a Judged")
    for name, items in out.sections.items():
        if not isinstance(items, list) or not all(isinstance(i, (str, Figure)) for i in items):
            raise JudgeError(
                f"{where} of {fid}: section {name!r} must be a list of Markdown strings and Figures"
            )
    return out


def _save(fig: Figure, folder: Path, cell) -> tuple[FigureFile, dict]:
    try:
        files = write_figure(fig.figure, folder, fig.name, fig.provenance)
    except ValueError as exc:
        raise JudgeError(f"figure {fig.name}: {exc}") from None
    close = getattr(getattr(fig.figure, "canvas", None), "manager", None)
    if close is not None:  # a pyplot figure: release it
        import matplotlib.pyplot as plt  # noqa: PLC0415

        plt.close(fig.figure)
    png = base64.b64encode((folder / files[1]).read_bytes()).decode()
    output = {"output_type": "display_data", "metadata": {}, "data": {"image/png": png}}
    return FigureFile(fig.name, fig.provenance, files, fig.caption, cell), output


def run(
    project: Project,
    fid: str,
    entry: FigureRun,
    notebook: Path,
    tables: Path,
    figures: Path,
    previous: dict | None = None,
) -> dict:
    """Judge the figure ``fid`` of ``entry`` (changed in place once the hook succeeded: the
    judged records and figures join the kernel's, those of ``previous``, an earlier
    judgement, leave); returns the
    judged file's content (``sections``: name -> notebook outputs; ``records``, ``figures``:
    the names it added). ``tables``: the folder of the kernel's tables; ``figures``: where the
    judged figures go. Nothing for a figure without a hook."""
    fn = hook_of(project, fid)
    if fn is None:
        return {}
    previous = previous or {}
    results = {k: v for k, v in entry.results.items() if k not in previous.get("records", [])}
    gone = set(previous.get("figures", []))
    kept = [f for f in entry.figures if f.name not in gone]
    loaded = {Path(f).stem: read_table(tables / f) for f in entry.tables}
    judged = _call(project, fid, fn, loaded)
    cells = placeholders(notebook)
    missing = [s for s in judged.sections if s not in cells]
    if missing:
        raise JudgeError(
            f"{_where(project, fn)} of {fid}: no code cell of {entry.notebook} has the "
            f'metadata "iece": {{"judged": "{missing[0]}"}} for its section {missing[0]!r}'
        )
    sections, texts, added = {}, [], []
    for name, items in judged.sections.items():
        outs = []
        for item in items:
            if isinstance(item, Figure):
                ff, out = _save(item, figures, cells[name])
                kept.append(ff)
                added.append(ff.name)
            else:
                data = {"text/markdown": item}
                out = {"output_type": "display_data", "metadata": {}, "data": data}
                texts.append((cells[name], item))
            outs.append(out)
        sections[name] = outs
    texts.sort(key=lambda t: (t[0] is None, t[0] or 0))  # page order
    first = next((cells[s] for s in cells if s in judged.sections), None)
    for name, n in judged.numbers.items():
        if name in results:
            raise JudgeError(
                f"{_where(project, fn)} of {fid}: its record {name!r} is one of the kernel's"
            )
        cell = next((c for c, text in texts if shows(text, n.value)), first)
        value, stderr = plain(n.value), plain(n.stderr)
        results[name] = Record(value, n.unit, n.provenance, stderr, n.note, cell)
    entry.results, entry.figures = results, kept
    return {"sections": sections, "records": list(judged.numbers), "figures": added}


def dumps(content: dict) -> str:
    """The judged file's text (byte-identical for the same content)."""
    return json.dumps(content, indent=1, sort_keys=True)


def load(path: Path) -> dict:
    """A judged file's content, or ``{}`` if there is none or it is damaged."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
