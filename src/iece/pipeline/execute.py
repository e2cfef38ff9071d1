"""One notebook's run, in a worker process: papermill into a temporary notebook, its records
read back, its figures and page moved into place if it succeeded.

Records leave the kernel through the records file that the kernel's start-up code names
(:func:`iece.pipeline.kernel.startup_code`), never through an environment variable. Figures
are written to a staging folder and moved into place only if the run succeeds; every
temporary file and folder is listed in the build folder's manifest first.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import bundle, judge
from . import results as _results
from .cache import PACKAGE_DIR, name_of
from .housekeeping import fresh_dir, note, tmp_of, write
from .kernel import KERNEL_START_ATTEMPTS, extra_arguments, startup_code
from .layout import Figure, Place, Project, relative
from .results import ResultsError

#: Default limit on one notebook cell (s): a parameter choice that asks for more work than a
#: page can do fails that notebook with a message instead of hanging the run.
CELL_TIMEOUT_S = 300


@dataclass
class Job:
    figure: Figure
    parameters: dict
    paper_defaults: bool
    hash: str
    kernel: str
    project: Project
    place: Place
    on_page: Callable | None = None
    timeout_s: float = 0
    keep: bool = False  # good results of an older run stay if this run fails
    records: Path | None = None  # set by execute_job: where the kernel appends its records
    startup: str = ""  # the kernel's start-up code (kernel.startup_code)


@dataclass
class Outcome:
    id: str
    status: str  # "ok" | "failed" | "cached"
    entry: _results.FigureRun
    runtime_s: float = 0.0
    error: str = ""
    reads: list[str] = field(default_factory=list)  # data files the kernel read (names)
    judge_key: str = ""  # the ledger and hook code its judgement used (:func:`.judge.key`)


def _read_records(path: Path) -> tuple[dict, list, list, list]:
    """Records, figures, data files read and tables that a notebook appended to its records file
    (JSON lines). :class:`~iece.pipeline.results.ResultsError` naming the line if one cannot
    be read (a full disk leaves a half-written last line), or if the kernel never started
    recording: the run then counts as failed."""
    results, figures, reads, tables = {}, [], [], []
    if not path.is_file():
        return results, figures, reads, tables
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultsError(f"its records file cannot be read ({exc})") from None
    for n, line in enumerate(lines, start=1):
        try:
            item = json.loads(line)
            kind = item.pop("kind")
            if kind == "result":
                name = item.pop("name")
                results[name] = _results.Record(**item)
            elif kind == "figure":
                figures.append(_results.FigureFile(**item))
            elif kind == "read":
                reads.append(item["path"])
            elif kind == "table":
                tables.append(str(item["file"]))
            elif kind != "start":
                raise KeyError(kind)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:  # ResultsError too
            cut = "half-written (is the disk full?)" if n == len(lines) else "damaged"
            raise ResultsError(
                f"line {n} of its records file is {cut}: {type(exc).__name__}: {exc}"
            ) from None
    return results, figures, reads, list(dict.fromkeys(tables))


def _one_line(exc: Exception) -> str:
    """A failed notebook in one line: the exception its cell raised, name and message (the
    traceback stays on the figure's page), or the execution error itself."""
    if getattr(exc, "ename", None):  # PapermillExecutionError: what the cell raised
        return f"{exc.ename}: {exc.evalue} (cell [{exc.exec_count}])"
    return f"{type(exc).__name__}: {exc}"


def _papermill(job: Job, out: Path) -> tuple[str, str]:
    """Execute the job's notebook into ``out``; returns (status, error). A kernel that died
    before replying (kernels started side by side can pick the same free port) is tried again."""
    import papermill as pm

    status, error = "failed", ""
    for _ in range(KERNEL_START_ATTEMPTS):
        try:
            pm.execute_notebook(
                str(job.figure.path),
                str(out),
                parameters=job.parameters,
                kernel_name=job.kernel,
                cwd=str(job.project.root),
                progress_bar=False,
                log_output=False,
                report_mode=False,
                execution_timeout=math.ceil(job.timeout_s) or None,  # whole seconds
                extra_arguments=extra_arguments(job.startup),
            )
            return "ok", ""
        except Exception as exc:  # noqa: BLE001 - any failure is reported, others go on
            status, error = "failed", _one_line(exc)
            if "timed out" in str(exc):
                error = (
                    f"a cell ran longer than {job.timeout_s:g} s (iece run --timeout); these "
                    "parameters ask for more work than the page is meant for: try less "
                    "demanding values or a longer --timeout"
                )
            if "Kernel died before replying" not in error:  # nothing ran yet: try again
                break
    return status, error


def execute_job(job: Job) -> Outcome:
    """Run one notebook and hand the executed notebook to ``on_page``."""
    fig, proj, place = job.figure, job.project, job.place
    t0 = time.perf_counter()
    executed = place.executed
    executed.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    tmp_nb = note(proj, executed.with_name(f".{executed.stem}.{token}.ipynb"))
    rec_file = note(proj, proj.build / "records" / f"{place.run_id}.{token}.jsonl")
    rec_file.parent.mkdir(parents=True, exist_ok=True)
    stage = fresh_dir(proj, place.figures, ".iece-stage-")
    job.records = rec_file
    # the kernel lists the files it reads under the project and the package, outputs aside
    # and the paper package's folder ([tool.iece] path) comes first on the kernel's sys.path
    folder = bundle.load(proj.root).path
    watch, skip = [proj.root, PACKAGE_DIR], list(proj.outputs)
    job.startup = startup_code(rec_file, stage, watch, skip, [folder] if folder else [])
    # jupyter_client writes the kernel's connection file with tempfile.mkstemp: keep it in a
    # listed folder of the build folder, which the next run sweeps if a kernel was killed
    scratch = fresh_dir(proj, proj.build / "tmp", "kernel-")
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, str(scratch)
    try:
        status, error = _papermill(job, tmp_nb)
    finally:
        tempfile.tempdir = saved_tempdir
        shutil.rmtree(scratch, ignore_errors=True)
    try:
        results, figures, reads, tables = _read_records(rec_file)
        if status == "ok" and not rec_file.is_file():
            raise ResultsError("its kernel never ran iece's start-up code (no records file)")
    except ResultsError as exc:  # its numbers are incomplete: the run failed
        results, figures, reads, tables = {}, [], [], []
        status, error = "failed", f"{error}; {exc}" if error else str(exc)
    rec_file.unlink(missing_ok=True)
    entry = _results.FigureRun(
        title=fig.title,
        notebook=relative(fig.path, proj.root),
        parameters=job.parameters,
        paper_defaults=job.paper_defaults,
        status=status,
        error=error,
        hash=job.hash,
        results=results,
        figures=figures,
        tables=tables,
    )
    judged, judge_key = {}, ""
    if status == "ok":  # the judge stage: the kernel's tables against the ledger
        try:
            # keyed before judging: a ledger edited during the judgement is judged again
            judge_key = judge.key(proj, fig.id)
            judged = judge.run(proj, fig.id, entry, tmp_nb, stage, stage)
        except Exception as exc:  # noqa: BLE001 - the figure fails with the hook's message
            status = entry.status = "failed"
            error = entry.error = f"the judge stage failed: {type(exc).__name__}: {exc}"
    runtime = time.perf_counter() - t0
    # a failed run whose figure keeps older good results leaves their page in place
    page = place.page
    if status != "ok" and job.keep:
        page = page.with_name(f"{page.stem}.failed.html")
    page_written = False
    try:
        if tmp_nb.is_file():
            if job.on_page is not None:
                render(proj, job.on_page, tmp_nb, page, fig, entry, judged)
                page_written = True
            failed = executed.with_name(f"{executed.stem}.failed.ipynb")
            os.replace(tmp_nb, executed if status == "ok" else failed)
        if status == "ok":
            for name in dict.fromkeys(f for item in entry.figures for f in item.files):
                os.replace(stage / name, place.figures / name)
            if tables:
                place.tables.mkdir(parents=True, exist_ok=True)
            for name in tables:
                os.replace(stage / name, place.tables / name)
            if judged:
                write(proj, place.judged, judge.dumps(judged))
            else:
                place.judged.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001
        entry.status = status = "failed"
        entry.error = error = error or traceback.format_exc()
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    if status == "failed" and page_written:
        entry.error = error = f"{error}; the traceback is on {relative(page, proj.root)}"
    names = [name_of(proj, Path(r)) for r in reads]
    return Outcome(fig.id, status, entry, runtime, error, names, judge_key)


def render(
    project: Project, on_page: Callable, notebook: Path, page: Path, fig, entry, judged=None
) -> None:
    """``on_page(notebook, page, fig, entry, project)``, its temporary file listed first; for a
    judged figure also ``judged=`` its sections (name -> notebook outputs, :mod:`.judge`)."""
    page.parent.mkdir(parents=True, exist_ok=True)
    note(project, tmp_of(page))
    if judged:
        on_page(notebook, page, fig, entry, project, judged=judged.get("sections", {}))
    else:
        on_page(notebook, page, fig, entry, project)
