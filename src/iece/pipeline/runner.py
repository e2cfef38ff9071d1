"""Execute figure notebooks with papermill, cache them, and collect their records.

Layout, relative to the project root::

    notebooks/<name>.ipynb       figure notebooks; metadata ``iece.id`` is the figure id
    build/executed/<id>.ipynb    executed copies
    build/results.json           parameters and records of every figure (:mod:`.results`)
    build/cache/<id>.json        input hash of the last good run
    figures/                     SVG + PNG written by the notebooks
    report/                      the HTML report (written by :mod:`iece.report`)

Every output is written to a temporary name and renamed into place, so an interrupted run
leaves the previous good outputs. One failing notebook does not stop the others. The runner
does not render pages itself: :func:`run` takes an ``on_page`` callback (the report passes its
page renderer), so the pipeline never imports the report.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import math
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import filelock
from tqdm.auto import tqdm

from ..io import MAX_FILE_MB, atomic_write_text
from . import params as _params
from . import results as _results
from .results import Results, ResultsError

DEPENDENCIES = (
    "numpy",
    "scipy",
    "lmfit",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "latex2mathml",
)
#: Start-up attempts of a notebook's kernel. Two kernels started at the same moment can pick the
#: same free port (jupyter_client chooses ports by binding to port 0 and releasing them); the
#: kernel then dies before it replies, before any cell has run, and a second start is safe.
KERNEL_START_ATTEMPTS = 3
#: The installed ``iece`` package; every file of it enters the cache hash.
PACKAGE_DIR = Path(__file__).resolve().parents[1]


@dataclass
class Project:
    """Paths of one project checkout (or of a test fixture tree)."""

    root: Path
    notebooks: Path | None = None
    build: Path | None = None
    figures: Path | None = None
    report: Path | None = None

    def __post_init__(self):
        self.root = Path(self.root).resolve()
        self.notebooks = Path(self.notebooks or self.root / "notebooks").resolve()
        self.build = Path(self.build or self.root / "build").resolve()
        self.figures = Path(self.figures or self.root / "figures").resolve()
        self.report = Path(self.report or self.root / "report").resolve()

    @property
    def results_file(self) -> Path:
        return self.build / "results.json"

    @property
    def claims_file(self) -> Path:
        return self.root / "data" / "claims.toml"

    def place(self, figure_id: str, paper: bool, input_hash: str) -> Place:
        """Where a run's outputs go. A paper run (the paper's parameters) updates
        ``build/results.json``, ``figures/`` and ``report/<id>.html``; any other run is a user
        run and writes only under ``build/runs/<id>-<hash>/`` and ``report/runs/``, so it never
        replaces the paper's results."""
        if paper:
            return Place(
                figure_id,
                self.results_file,
                self.build / "executed" / f"{figure_id}.ipynb",
                self.figures,
                self.report / f"{figure_id}.html",
                self.build / "cache" / f"{figure_id}.json",
            )
        run_id = f"{figure_id}-{input_hash[:8]}"
        base = self.build / "runs" / run_id
        return Place(
            run_id,
            base / "results.json",
            base / "executed.ipynb",
            base / "figures",
            self.report / "runs" / f"{run_id}.html",
            base / "cache.json",
        )

    def user_runs(self) -> dict[str, Results]:
        """The user runs on disk, by run id."""
        return {
            p.parent.name: results
            for p in sorted((self.build / "runs").glob("*/results.json"))
            if (results := _generated(p)) is not None
        }


@dataclass(frozen=True)
class Place:
    """Where one run's outputs go (see :meth:`Project.place`)."""

    run_id: str
    results: Path
    executed: Path
    figures: Path
    page: Path
    cache: Path


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) with ``notebooks/`` and ``data/``."""
    here = Path(start or Path.cwd()).resolve()
    for cand in (here, *here.parents):
        if (cand / "notebooks").is_dir() and (cand / "data").is_dir():
            return cand
    raise FileNotFoundError(
        f"no iece project (a folder with notebooks/ and data/) at or above {here}"
    )


@dataclass(frozen=True)
class Figure:
    id: str
    title: str
    path: Path
    order: int

    @property
    def parameters(self) -> _params.Params:
        return _params.read_parameters(self.path)


def discover(project: Project) -> dict[str, Figure]:
    """Figure notebooks of ``project`` by id (notebook metadata ``iece.id``), in report order."""
    figs = []
    for path in sorted(project.notebooks.glob("*.ipynb")):
        meta = _params.notebook_meta(path)
        if "id" in meta:
            figs.append(
                Figure(meta["id"], meta.get("title", path.stem), path, meta.get("order", 99))
            )
    figs.sort(key=lambda f: (f.order, f.id))
    return {f.id: f for f in figs}


# ----------------------------------------------------------------------------- kernel
def kernel_name() -> str:
    """A kernel name unique to this interpreter, so no other Python can answer to it."""
    return "iece-" + hashlib.sha1(sys.executable.encode()).hexdigest()[:10]


def ensure_kernel(project: Project) -> str:
    """Register a kernelspec for *this* interpreter under ``build/jupyter`` and put that first
    on ``JUPYTER_PATH``; returns its name. Notebooks therefore always run in the runner's env."""
    name = kernel_name()
    spec_dir = project.build / "jupyter" / "kernels" / name
    spec = {
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--log-level=CRITICAL",
            "--HistoryManager.enabled=False",
        ],
        "display_name": f"iece ({sys.executable})",
        "language": "python",
        "metadata": {"debugger": False},
    }
    target = spec_dir / "kernel.json"
    text = json.dumps(spec, indent=1)
    if not target.is_file() or target.read_text() != text:
        spec_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, text)
    jp = str(project.build / "jupyter")
    parts = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != jp]
    os.environ["JUPYTER_PATH"] = os.pathsep.join([jp, *parts])
    return name


# ----------------------------------------------------------------------------- hashing
def _hash_tree(h, folder: Path, root: Path) -> None:
    if not folder.is_dir():
        return
    for p in sorted(folder.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith("."):
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())


def versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for dep in DEPENDENCIES:
        try:
            out[dep] = metadata.version(dep)
        except metadata.PackageNotFoundError:
            out[dep] = "missing"
    return out


def input_hash(project: Project, fig: Figure, parameters: dict) -> str:
    """Hash of everything a notebook's outputs depend on: the notebook, its parameters, every
    file of the ``iece`` package, the project's ``data/`` files, files named by path
    parameters, and the installed dependency versions."""
    h = hashlib.sha256()
    h.update(fig.path.read_bytes())
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    _hash_tree(h, PACKAGE_DIR, PACKAGE_DIR.parent)
    _hash_tree(h, project.root / "data", project.root)
    for name, value in parameters.items():
        file = project.root / value if isinstance(value, str) else None  # absolute stays so
        if file is None or not file.is_file():
            continue
        if file.stat().st_size > MAX_FILE_MB * 1e6:
            raise _params.ParameterError(
                f"parameter {name!r}: {file.name} is larger than {MAX_FILE_MB} MB; bin or trim it"
            )
        try:
            h.update(file.read_bytes())
        except OSError as exc:
            raise _params.ParameterError(
                f"parameter {name!r}: {file.name} cannot be read ({exc.strerror})"
            ) from None
    h.update(json.dumps(versions(), sort_keys=True).encode())
    return h.hexdigest()


# ----------------------------------------------------------------------------- execution
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


#: Default limit on one notebook cell (s): a parameter choice that asks for more work than a
#: page can do fails that notebook with a message instead of hanging the run.
CELL_TIMEOUT_S = 300


@dataclass
class Outcome:
    id: str
    status: str  # "ok" | "failed" | "cached"
    entry: _results.FigureRun
    runtime_s: float = 0.0
    error: str = ""


def _read_records(path: Path) -> tuple[dict, list]:
    """Records and figures a notebook appended to its records file (JSON lines)."""
    results, figures = {}, []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            kind = item.pop("kind")
            if kind == "result":
                name = item.pop("name")
                results[name] = _results.Record(**item)
            else:
                figures.append(_results.FigureFile(**item))
    return results, figures


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else path.name


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


def _execute(job: Job) -> Outcome:
    """Run one notebook (in a worker process) and hand the executed notebook to ``on_page``."""
    fig, proj, place = job.figure, job.project, job.place
    t0 = time.perf_counter()
    executed = place.executed
    executed.parent.mkdir(parents=True, exist_ok=True)
    tmp_nb = executed.with_name(f".{executed.stem}.{os.getpid()}.ipynb")
    rec_file = proj.build / "records" / f"{place.run_id}.{os.getpid()}.jsonl"
    rec_file.parent.mkdir(parents=True, exist_ok=True)
    rec_file.unlink(missing_ok=True)
    os.environ["IECE_RECORDS_FILE"] = str(rec_file)
    os.environ["IECE_FIGURES_DIR"] = str(place.figures)
    os.environ["IECE_FIGURE_ID"] = fig.id
    # the kernel must draw figures inline into the page, whatever the runner itself uses
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    # jupyter_client writes the kernel's connection file with tempfile.mkstemp: keep it in the
    # build folder, where the next run sweeps what a killed kernel left behind
    scratch = proj.build / "tmp" / str(os.getpid())
    scratch.mkdir(parents=True, exist_ok=True)
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, str(scratch)
    try:
        status, error = _papermill(job, tmp_nb)
    finally:
        tempfile.tempdir = saved_tempdir
        shutil.rmtree(scratch, ignore_errors=True)
    runtime = time.perf_counter() - t0
    results, figures = _read_records(rec_file)
    rec_file.unlink(missing_ok=True)
    entry = _results.FigureRun(
        title=fig.title,
        notebook=_relative(fig.path, proj.root),
        parameters=job.parameters,
        paper_defaults=job.paper_defaults,
        status=status,
        error=error,
        hash=job.hash,
        results=results,
        figures=figures,
    )
    page_written = False
    try:
        if tmp_nb.is_file():
            if job.on_page is not None:
                place.page.parent.mkdir(parents=True, exist_ok=True)
                job.on_page(tmp_nb, place.page, fig, entry)
                page_written = True
            failed = executed.with_name(f"{executed.stem}.failed.ipynb")
            os.replace(tmp_nb, executed if status == "ok" else failed)
    except Exception:  # noqa: BLE001
        entry.status = status = "failed"
        entry.error = error = error or traceback.format_exc()
    if status == "failed" and page_written:
        entry.error = error = f"{error}; the traceback is on {_relative(place.page, proj.root)}"
    return Outcome(fig.id, status, entry, runtime, error)


def plan(
    project: Project,
    figure_ids: list[str] | None,
    overrides: dict[str, str],
    fast: bool = False,
) -> list[tuple[Figure, dict, bool]]:
    """Resolve figure ids and validate ``-p`` overrides for each; raise before anything runs.

    An override must be a parameter of at least one selected notebook; it is passed to every
    selected notebook that has it. ``fast`` sets ``fast=True`` where a notebook has it. Returns
    (figure, every parameter value, whether the run is a paper run) per figure.
    """
    figs = discover(project)
    ids = figure_ids or list(figs)
    unknown = [i for i in ids if i not in figs]
    if unknown:
        raise _params.ParameterError(
            f"unknown figure id(s) {', '.join(unknown)}; known: {', '.join(figs) or '(none)'}"
        )
    chosen = [(figs[i], figs[i].parameters) for i in ids]
    for name in overrides:
        if not any(name in p for _, p in chosen):
            known = sorted({q.name for _, p in chosen for q in p})
            raise _params.ParameterError(
                f"unknown parameter {name!r} for {', '.join(ids)}; known: {', '.join(known)}"
            )
    out = []
    for fig, ps in chosen:
        given = {k: v for k, v in overrides.items() if k in ps}
        if fast and "fast" in ps and "fast" not in given:
            given["fast"] = True
        for k, v in given.items():  # a relative path means from here, not from the project
            if (
                ps.by_name[k].kind == "path"
                and isinstance(v, str)
                and v.strip().lower()
                not in (
                    "",
                    "none",
                )
            ):
                given[k] = os.path.abspath(Path(v.strip()).expanduser())
        values = ps.resolve(given, fig.id)
        for k, v in values.items():  # inside the project: recorded relative to it (portable)
            if (
                ps.by_name[k].kind == "path"
                and v is not None
                and Path(v).is_relative_to(project.root)
            ):
                values[k] = Path(v).relative_to(project.root).as_posix()
        out.append((fig, values, ps.is_paper_run(values)))
    return out


class BusyError(RuntimeError):
    """Another ``iece run`` holds the project's build folder."""


def _generated(path: Path) -> Results | None:
    """A results file this package wrote, or None if it is damaged or from another schema
    (it is regenerated, never trusted)."""
    try:
        return Results.load(path)
    except ResultsError:
        return None


def _outputs(project: Project, place: Place, entry, on_page) -> list[str]:
    """A run's outputs: executed notebook, figure files and, when pages are rendered, the
    page."""
    files = [place.executed] + [place.figures / f for item in entry.figures for f in item.files]
    if on_page is not None:
        files.append(place.page)
    # inside the project by relative path; a build folder elsewhere (--build-dir) keeps its own
    return [
        str(f.relative_to(project.root)) if f.is_relative_to(project.root) else str(f)
        for f in files
    ]


def _digest(project: Project, name: str) -> str | None:
    try:
        return hashlib.sha256((project.root / name).read_bytes()).hexdigest()  # absolute stays
    except OSError:
        return None


def _outputs_unchanged(project: Project, cached: dict, needed: list[str]) -> bool:
    """Every output the cache entry recorded is on disk with the same SHA-256, and it recorded
    every output ``needed`` now. An output deleted or rewritten since (by a run into another
    build folder, say) means the figure is run again, not called cached."""
    recorded = cached.get("outputs")
    if not isinstance(recorded, dict) or not set(needed) <= set(recorded):
        return False
    return all(sha is not None and _digest(project, name) == sha for name, sha in recorded.items())


def lock(project: Project, timeout_s: float = 0) -> filelock.FileLock:
    """The build folder's lock: one ``iece run`` at a time per project."""
    project.build.mkdir(parents=True, exist_ok=True)
    return filelock.FileLock(str(project.build / ".lock"), timeout=timeout_s)


def load_results(project: Project) -> _results.Results:
    """The typed content of ``build/results.json`` (empty if there is none)."""
    return _results.Results.load(project.results_file)


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
    ``on_page(executed_notebook, page_path, figure, entry)`` renders each executed notebook;
    ``after()`` runs once at the end, still under the build lock (the report's index).
    Returns each figure's :class:`Outcome`."""
    planned = plan(project, figure_ids, overrides or {}, fast)
    try:
        with lock(project):
            outcomes = _run(project, planned, jobs, force, progress, on_page, timeout_s)
            if after is not None:
                after()
            return outcomes
    except filelock.Timeout:
        raise BusyError(
            f"another `iece run` is using {project.build.name}/ (lock file "
            f"{project.build.name}/.lock); wait for it to finish, then run again"
        ) from None


def _sweep_litter(project: Project) -> list[Path]:
    """Delete what a killed run left behind: half-written ``.*.tmp`` files, temporary executed
    notebooks, records files and kernel connection files (``build/tmp/``). Called under the
    build lock, so no other run owns them."""
    found = [
        *(p for d in (project.build, project.figures, project.report) for p in d.rglob(".*.tmp")),
        *project.build.glob("executed/.*.ipynb"),
        *project.build.glob("runs/*/.*.ipynb"),
        *project.build.glob("records/*.jsonl"),
    ]
    for p in found:
        p.unlink(missing_ok=True)
    scratch = sorted(project.build.glob("tmp/*"))  # kernel connection files of killed runs
    for p in scratch:
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    return found + scratch


def _die_with_parent() -> None:
    """Worker initializer: on Linux, a worker gets SIGTERM when the run that started it dies,
    even by SIGKILL (its kernel then exits through ipykernel's parent poller)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _run(project, planned, jobs, force, progress, on_page, timeout_s) -> dict[str, Outcome]:
    _sweep_litter(project)
    kernel = ensure_kernel(project)
    outcomes: dict[str, Outcome] = {}
    todo: list[Job] = []
    places = {}
    for fig, values, paper in planned:
        h = input_hash(project, fig, values)
        place = places[fig.id] = project.place(fig.id, paper, h)
        try:
            cached = json.loads(place.cache.read_text()) if place.cache.is_file() else {}
        except (OSError, ValueError):
            cached = {}  # a damaged cache file: run again
        last = (_generated(place.results) or Results()).figures.get(fig.id)
        if (
            not force
            and isinstance(cached, dict)
            and cached.get("hash") == h
            and last
            and last.status == "ok"
            and last.hash == h
            and _outputs_unchanged(project, cached, _outputs(project, place, last, on_page))
        ):
            outcomes[fig.id] = Outcome(fig.id, "cached", last)
        else:
            todo.append(Job(fig, values, paper, h, kernel, project, place, on_page, timeout_s))

    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    if todo:
        project.report.mkdir(parents=True, exist_ok=True)
        if workers == 1:
            done = (_execute(j) for j in todo)
            pool = None
        else:
            ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
            pool = cf.ProcessPoolExecutor(
                max_workers=workers, mp_context=ctx, initializer=_die_with_parent
            )
            done = (f.result() for f in cf.as_completed([pool.submit(_execute, j) for j in todo]))
        try:
            bar = tqdm(total=len(todo), desc="notebooks", unit="nb", disable=not progress)
            for outcome in done:
                outcomes[outcome.id] = outcome
                bar.set_postfix_str(f"{outcome.id} {outcome.status}")
                bar.update()
            bar.close()
        finally:
            if pool is not None:
                pool.shutdown()

    known = discover(project)
    for target in sorted({p.results for p in places.values()}):
        results = _generated(target) or Results()  # a damaged file is rebuilt
        runtimes = results.run_stamp.setdefault("runtime_s", {})
        for fig, _, _ in planned:
            o, place = outcomes[fig.id], places[fig.id]
            if place.results != target:
                continue
            results.figures[fig.id] = o.entry
            if o.status != "cached":
                runtimes[fig.id] = round(o.runtime_s, 3)
            if o.status == "ok":
                names = _outputs(project, place, o.entry, on_page)
                outputs = {name: _digest(project, name) for name in names}
                entry = {"hash": o.entry.hash, "outputs": outputs}
                atomic_write_text(place.cache, json.dumps(entry, indent=1, sort_keys=True))
        results.figures = {k: results.figures[k] for k in known if k in results.figures}
        results.run_stamp["runtime_s"] = {k: runtimes[k] for k in known if k in runtimes}
        atomic_write_text(target, results.to_json())
    return {fig.id: outcomes[fig.id] for fig, _, _ in planned}
