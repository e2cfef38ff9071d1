"""``iece clean``: delete the user runs (and the notebook runs made in Jupyter), only the files
each run wrote."""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from pathlib import Path

import filelock

from .cache import DATE_FORMAT, read_cache
from .housekeeping import BusyError, lock
from .layout import Project, generated
from .results import Results


@dataclass(frozen=True)
class Removed:
    """One user run that :func:`clean` removed: its id, its date, the files it deleted and
    their size, and what was left in its folder (files iece did not make)."""

    run_id: str
    date: str
    files: list[Path]
    size_bytes: int
    kept: list[Path]


def _run_date(folder: Path) -> _dt.datetime:
    """When a user run finished: its cache entry's date, else its results file's time."""
    date = read_cache(folder / "cache.json").get("date")
    try:
        return _dt.datetime.strptime(date, DATE_FORMAT).replace(tzinfo=_dt.timezone.utc)
    except (TypeError, ValueError):
        stamp = (folder / "results.json").stat().st_mtime
        return _dt.datetime.fromtimestamp(stamp, _dt.timezone.utc)


def _remove_run(project: Project, folder: Path, made: Results, date: str) -> Removed:
    """Delete the files one user run wrote (results, cache entry, executed notebooks, the
    figure files its results list, its pages), then its folders if nothing else is in them."""
    names = ["results.json", "cache.json", "executed.ipynb", "executed.failed.ipynb"]
    names += [
        f"figures/{f}"
        for entry in made.figures.values()
        for item in entry.figures
        for f in item.files
        if Path(f).name == f and f not in ("", ".", "..")
    ]
    pages = [project.report / "runs" / f"{folder.name}{sfx}.html" for sfx in ("", ".failed")]
    return _delete_listed(folder, [*(folder / n for n in names), *pages], date)


def _delete_listed(folder: Path, paths: list[Path], date: str) -> Removed:
    """Delete ``paths`` (files a run wrote), then ``folder/figures`` and ``folder`` if nothing
    else is in them: what was deleted, its size, and what was kept."""
    files, size = [], 0
    for path in paths:
        if path.is_file() or path.is_symlink():
            size += path.lstat().st_size
            path.unlink()
            files.append(path)
    for sub in (folder / "figures", folder):
        try:
            sub.rmdir()
        except OSError:  # absent, or it holds what iece did not make
            pass
    kept = sorted(folder.rglob("*")) if folder.exists() else []
    return Removed(folder.name, date, files, size, kept)


def _remove_notebook_run(folder: Path) -> Removed | None:
    """Delete what a notebook run in Jupyter wrote (``build/runs/<figure>-jupyter-<hash>/``: its
    ``records.jsonl`` and the figure files that file lists), then its folders if nothing else
    is in them; None if the records file cannot be read (not a run iece wrote)."""
    records = folder / "records.jsonl"
    try:
        lines = [json.loads(t) for t in records.read_text(encoding="utf-8").splitlines() if t]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    names = [
        f"figures/{f}"
        for line in lines
        if isinstance(line, dict) and line.get("kind") == "figure"
        for f in line.get("files") or []
        if isinstance(f, str) and Path(f).name == f and f not in ("", ".", "..")
    ]
    date = _dt.datetime.fromtimestamp(records.stat().st_mtime, _dt.timezone.utc)
    paths = [records, *(folder / n for n in names)]
    return _delete_listed(folder, paths, date.strftime(DATE_FORMAT))


def clean(project: Project, before: _dt.datetime | None = None) -> list[Removed]:
    """Delete the user runs (``build/runs/<run>/`` and their pages ``report/runs/<run>.html``;
    also the notebook runs made in Jupyter), all, or those that finished before ``before``
    (aware datetime). Only the files a run
    writes are deleted, and a folder that still holds anything else is kept; a folder whose
    results file iece cannot read is left alone. The paper's results, figures and pages are
    never touched. Under the build lock, so no run writes meanwhile."""
    if not (project.build / "runs").is_dir():
        return []
    out = []
    try:
        with lock(project):
            for folder in sorted((project.build / "runs").iterdir()):
                if not folder.is_dir() or folder.is_symlink():
                    continue
                file = folder / "results.json"
                if "-jupyter-" in folder.name and not file.exists():  # a run in Jupyter
                    stamp = (
                        _dt.datetime.fromtimestamp(
                            (folder / "records.jsonl").stat().st_mtime, _dt.timezone.utc
                        )
                        if (folder / "records.jsonl").is_file()
                        else None
                    )
                    if stamp is not None and (before is None or stamp < before):
                        gone = _remove_notebook_run(folder)
                        if gone is not None:
                            out.append(gone)
                    continue
                made = generated(file) if file.is_file() and not file.is_symlink() else None
                if made is None:
                    continue  # not a run iece wrote, or a damaged one
                date = _run_date(folder)
                if before is None or date < before:
                    out.append(_remove_run(project, folder, made, date.strftime(DATE_FORMAT)))
    except filelock.Timeout:
        raise BusyError(
            f"an `iece run` is using {project.build.name}/; wait for it to finish, then clean"
        ) from None
    return out
