"""``iece run``: plan, skip what the cache holds, run the rest in workers, merge the results.

A run that fails keeps the last good results of its figure, marked as from an older run. One
failing notebook does not stop the others. The runner does not render pages itself:
:func:`run` takes an ``on_page`` callback (the report passes its page renderer), so the
pipeline never imports the report. A cached figure whose page is out of date (a template,
the renderer or the ledger changed: :func:`iece.pipeline.cache.page_key`) gets its page
rendered again from its executed notebook, without running the notebook; one with a judge
hook whose ledger or hook code changed is judged again first (:mod:`.judge`).
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable

import filelock

from . import cache as _cache
from . import judge
from . import results as _results
from .execute import CELL_TIMEOUT_S, Job, Outcome, render
from .housekeeping import BusyError, lock, note, sweep_litter, tmp_of, write
from .kernel import ensure_kernel, worker_env
from .layout import Project, discover, generated
from .plan import plan
from .pool import run_jobs
from .results import Results


def run(
    project: Project,
    figure_ids: list[str] | None = None,
    overrides: dict[str, str] | None = None,
    *,
    jobs: int | None = None,
    force: bool = False,
    fast: bool = False,
    progress: bool = True,
    on_page: Callable | None = None,
    after: Callable | None = None,
    timeout_s: float = CELL_TIMEOUT_S,
) -> dict[str, Outcome]:
    """Execute the selected notebooks (cached ones skipped) and update ``build/results.json``.
    ``on_page(executed_notebook, page_path, figure, entry, project)`` renders each executed
    notebook;
    ``after()`` runs once at the end, still under the build lock (the report's index).
    Returns each figure's :class:`Outcome`."""
    planned = plan(project, figure_ids, overrides or {}, fast)
    _writable_layout(project)
    try:
        with lock(project):
            outcomes = _run(project, planned, jobs, force, progress, on_page, timeout_s)
            if after is not None:
                note(project, tmp_of(project.report / "index.html"))  # what `after` writes
                after()
            sweep_litter(project)  # a finished run leaves nothing listed
            return outcomes
    except filelock.Timeout:
        raise BusyError(
            f"another `iece run` is using {project.build.name}/ (lock file "
            f"{project.build.name}/.lock); wait for it to finish, then run again"
        ) from None


def _writable_layout(project: Project) -> None:
    """Refuse, before any notebook runs, a build folder whose results file is a folder or whose
    cache folder is a file: the run's end could not write them (an OSError naming the path,
    which the CLI reports with a hint)."""
    results, cache = project.results_file, project.build / "cache"
    if results.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(results))
    if cache.exists() and not cache.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(cache))


def _run(project, planned, jobs, force, progress, on_page, timeout_s) -> dict[str, Outcome]:
    sweep_litter(project)
    kernel = ensure_kernel(project)
    outcomes: dict[str, Outcome] = {}
    todo: list[Job] = []
    places, parts, caches, keep = {}, {}, {}, set()
    common = _cache.common_inputs(project)
    page_key = _cache.page_key(project, on_page) if on_page is not None else ""
    paper_results = generated(project.results_file) or Results()
    for fig, values, paper in planned:
        if paper and values.get("fast") is True:
            current = paper_results.figures.get(fig.id)
            if current and current.status == "ok" and not current.parameters.get("fast"):
                paper = False  # a --fast run never replaces the paper's run: a user run
        parts[fig.id] = _cache.input_parts(project, fig, values, common)
        h = _cache.combine(parts[fig.id])
        place = places[fig.id] = project.place(fig.id, paper, h)
        cached = caches[fig.id] = _cache.read_cache(place.cache)
        last = (generated(place.results) or Results()).figures.get(fig.id)
        trusted = (
            last is not None
            and last.status == "ok"
            and cached.get("entry") == _results.checksum(last)
        )
        if trusted:
            keep.add(fig.id)
        if (
            not force
            and trusted
            and cached.get("hash") == h
            and last.hash == h
            and not _cache.changed_reads(project, cached)
            and _cache.outputs_unchanged(project, cached, _cache.outputs(project, place, last))
        ):
            outcomes[fig.id] = Outcome(fig.id, "cached", last, reads=list(cached.get("reads", {})))
        else:
            job = Job(fig, values, paper, h, kernel, project, place, on_page, timeout_s)
            job.keep = fig.id in keep
            todo.append(job)

    if todo:
        project.report.mkdir(parents=True, exist_ok=True)
        for outcome in run_jobs(todo, jobs, worker_env(project), progress):
            outcomes[outcome.id] = outcome
    _merge(project, planned, outcomes, places, parts, caches, keep, on_page, page_key)
    return {fig.id: outcomes[fig.id] for fig, _, _ in planned}


def _page_current(project: Project, cached: dict, place, page_key: str) -> bool:
    """Whether a cached figure's page was rendered with the current renderer, templates and
    ledger, and is on disk as it was written."""
    name = _cache.name_of(project, place.page)
    sha = (cached.get("page") or {}).get(name)
    return cached.get("page_key") == page_key and sha and _cache.digest(project, name) == sha


def _rejudge(project: Project, fig, place, entry, cache: dict) -> bool:
    """A cached figure whose ledger or judge hook changed since it was judged
    (:func:`iece.pipeline.judge.key`): its tables judged again, its notebook not run. Returns
    whether it was. A hook that fails leaves the last judgement, marked as from an older run."""
    k = judge.key(project, fig.id)  # before judging: a ledger edited meanwhile is judged again
    if not k or cache.get("judge_key") == k:
        return False
    try:
        judged = judge.run(
            project,
            fig.id,
            entry,
            place.executed,
            place.tables,
            place.figures,
            judge.load(place.judged),
        )
    except Exception as exc:  # noqa: BLE001 - reported on the figure, the run goes on
        entry.older_run = cache.get("date") or "an unknown date"
        entry.latest_error = f"the judge stage failed: {type(exc).__name__}: {exc}"
        return False
    write(project, place.judged, judge.dumps(judged))
    cache["judge_key"] = k
    cache["outputs"] = {n: _cache.digest(project, n) for n in _cache.outputs(project, place, entry)}
    return True


def _merge(project, planned, outcomes, places, parts, caches, keep, on_page, page_key) -> None:
    """Write each results file and cache entry the run changed; render the out-of-date pages
    of cached figures from their executed notebooks."""
    known = discover(project)
    for target in sorted({p.results for p in places.values()}):
        results = generated(target) or Results()  # a damaged file is rebuilt
        runtimes = results.run_stamp.setdefault("runtime_s", {})
        for fig, _, _ in planned:
            o, place = outcomes[fig.id], places[fig.id]
            if place.results != target:
                continue
            if o.status != "cached":
                runtimes[fig.id] = round(o.runtime_s, 3)
            cache = dict(caches[fig.id])
            if o.status == "ok":
                entry = o.entry
                names = _cache.outputs(project, place, entry)
                cache = {"hash": entry.hash, "inputs": parts[fig.id], "date": _cache.now()}
                cache["outputs"] = {name: _cache.digest(project, name) for name in names}
                cache["reads"] = _cache.reads(project, o.reads)
                cache["judge_key"] = o.judge_key  # keyed in the worker, before it judged
            elif o.status == "failed" and fig.id in keep:  # the last good results stay
                entry = results.figures[fig.id]
                entry.older_run = entry.older_run or cache.get("date") or "an unknown date"
                entry.latest_error = o.entry.error
            elif o.status == "cached":  # the latest run did not fail: no longer "older"
                entry = o.entry
                entry.older_run = entry.latest_error = ""
                fresh = _rejudge(project, fig, place, entry, cache)
                if on_page is not None and (
                    fresh or not _page_current(project, cache, place, page_key)
                ):
                    sections = judge.load(place.judged)
                    render(project, on_page, place.executed, place.page, fig, entry, sections)
            else:
                entry, cache = o.entry, None
            results.figures[fig.id] = entry
            if cache is not None:
                cache["entry"] = _results.checksum(entry)
                if on_page is not None and o.status in ("ok", "cached"):
                    page = _cache.name_of(project, place.page)
                    cache["page"] = {page: _cache.digest(project, page)}
                    cache["page_key"] = page_key
            if cache is not None and cache != caches[fig.id]:
                write(project, place.cache, json.dumps(cache, indent=1, sort_keys=True))
        results.figures = {k: results.figures[k] for k in known if k in results.figures}
        results.run_stamp["runtime_s"] = {k: runtimes[k] for k in known if k in runtimes}
        write(project, target, results.to_json())
