"""Execute figure notebooks with papermill, cache them, and collect their records.

Layout, relative to the project root::

    notebooks/<name>.ipynb       figure notebooks; metadata ``iece.id`` is the figure id
    build/executed/<id>.ipynb    executed copies
    build/results.json           parameters and records of every figure (:mod:`.results`)
    build/cache/<id>.json        input hash, output and entry checksums of the last good run
    build/.iece-build            the marker: this folder is iece's
    build/.iece-manifest         the temporary files and folders runs made (swept next time)
    figures/                     SVG + PNG written by the notebooks
    report/                      the HTML report (written by :mod:`iece.report`)

A build folder elsewhere (``--build-dir``) holds its own ``figures/`` and ``report/``.

Every output is written to a temporary name and renamed into place, so an interrupted run
leaves the previous good outputs; a run that fails keeps the last good results of its figure,
marked as from an older run. Every temporary file or folder is listed in the build folder's
manifest before it is made, and the next run deletes only what is listed there: iece deletes
only what it made. One failing notebook does not stop the others. The runner
does not render pages itself: :func:`run` takes an ``on_page`` callback (the report passes its
page renderer), so the pipeline never imports the report.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as _dt
import hashlib
import json
import math
import multiprocessing
import os
import secrets
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

from ..io import MAX_FILE_MB, atomic_write_text, project_root
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
        # a build folder elsewhere (--build-dir) gets its own figures and report: a run into it
        # never touches the project's figures/ and report/
        base = self.root if self.build == self.root / "build" else self.build
        self.figures = Path(self.figures or base / "figures").resolve()
        self.report = Path(self.report or base / "report").resolve()

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
    """The project root at or above ``start``: :func:`iece.io.project_root`, defined once."""
    return project_root(start)


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
        _write(project, target, text)
    jp = str(project.build / "jupyter")
    parts = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != jp]
    os.environ["JUPYTER_PATH"] = os.pathsep.join([jp, *parts])
    return name


# ----------------------------------------------------------------------------- hashing
def _hash_tree(h, folder: Path, root: Path, skip: tuple[Path, ...] = ()) -> None:
    """Every file under ``folder`` (names relative to ``root``) into ``h``, but not those
    under ``skip``: the run's own outputs, should its build folder be inside the package or
    ``data/`` (a --build-dir there had changed the hash with every run: never cached)."""
    if not folder.is_dir():
        return
    for p in sorted(folder.rglob("*")):
        if (
            p.is_file()
            and "__pycache__" not in p.parts
            and not p.name.startswith(".")
            and not any(p.is_relative_to(s) for s in skip)
        ):
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


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tree_digest(folder: Path, root: Path, skip: tuple[Path, ...] = ()) -> str:
    h = hashlib.sha256()
    _hash_tree(h, folder, root, skip)
    return h.hexdigest()


def common_inputs(project: Project) -> dict[str, str]:
    """The inputs every figure shares: the ``iece`` package, ``data/`` and the versions; what
    the run writes (its build, figures and report folders) is never an input."""
    outputs = (project.build, project.figures, project.report)
    return {
        "code": _tree_digest(PACKAGE_DIR, PACKAGE_DIR.parent, outputs),
        "data": _tree_digest(project.root / "data", project.root, outputs),
        "versions": _sha(json.dumps(versions(), sort_keys=True).encode()),
    }


#: What each part of :func:`input_parts` is, in words (``iece claims`` names what changed).
INPUT_WORDS = {
    "notebook": "its notebook",
    "parameters": "its parameters",
    "code": "the iece code",
    "data": "data/",
    "files": "its data files",
    "versions": "the installed versions",
}


def input_parts(
    project: Project, fig: Figure, parameters: dict, common: dict | None = None
) -> dict[str, str]:
    """SHA-256 of each input a notebook's outputs depend on: the notebook, its parameters,
    every file of the ``iece`` package, the project's ``data/`` files, files named by path
    parameters, and the installed dependency versions (``common``: :func:`common_inputs`,
    computed once for several figures)."""
    files = hashlib.sha256()
    for name, value in parameters.items():
        file = project.root / value if isinstance(value, str) else None  # absolute stays so
        if file is None or not file.is_file():
            continue
        if file.stat().st_size > MAX_FILE_MB * 1e6:
            raise _params.ParameterError(
                f"parameter {name!r}: {file.name} is larger than {MAX_FILE_MB} MB; bin or trim it"
            )
        try:
            files.update(file.read_bytes())
        except OSError as exc:
            raise _params.ParameterError(
                f"parameter {name!r}: {file.name} cannot be read ({exc.strerror})"
            ) from None
    return {
        "notebook": _sha(fig.path.read_bytes()),
        "parameters": _sha(json.dumps(parameters, sort_keys=True, default=str).encode()),
        **(common or common_inputs(project)),
        "files": files.hexdigest(),
    }


def combine(parts: dict[str, str]) -> str:
    """The one input hash of :func:`input_parts`."""
    return _sha(json.dumps(parts, sort_keys=True).encode())


def input_hash(project: Project, fig: Figure, parameters: dict) -> str:
    """Hash of everything a notebook's outputs depend on (:func:`input_parts`)."""
    return combine(input_parts(project, fig, parameters))


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
    keep: bool = False  # good results of an older run stay if this run fails


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
    """Records and figures a notebook appended to its records file (JSON lines).
    :class:`~iece.pipeline.results.ResultsError` naming the line if one cannot be read (a
    full disk leaves a half-written last line): the run then counts as failed."""
    results, figures = {}, []
    if not path.is_file():
        return results, figures
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
            else:
                figures.append(_results.FigureFile(**item))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:  # ResultsError too
            cut = "half-written (is the disk full?)" if n == len(lines) else "damaged"
            raise ResultsError(
                f"line {n} of its records file is {cut}: {type(exc).__name__}: {exc}"
            ) from None
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
    """Run one notebook (in a worker process) and hand the executed notebook to ``on_page``.
    Figures are written to a staging folder and moved into place only if the run succeeds;
    every temporary file and folder is listed in the build folder's manifest first."""
    global _BUSY
    _BUSY = True
    try:
        return _execute_job(job)
    finally:
        _BUSY = False


def _execute_job(job: Job) -> Outcome:
    fig, proj, place = job.figure, job.project, job.place
    t0 = time.perf_counter()
    executed = place.executed
    executed.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    tmp_nb = _note(proj, executed.with_name(f".{executed.stem}.{token}.ipynb"))
    rec_file = _note(proj, proj.build / "records" / f"{place.run_id}.{token}.jsonl")
    rec_file.parent.mkdir(parents=True, exist_ok=True)
    stage = _fresh_dir(proj, place.figures, ".iece-stage-")
    os.environ["IECE_RECORDS_FILE"] = str(rec_file)
    os.environ["IECE_FIGURES_DIR"] = str(stage)
    os.environ["IECE_FIGURE_ID"] = fig.id
    # the kernel must draw figures inline into the page, whatever the runner itself uses
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    # jupyter_client writes the kernel's connection file with tempfile.mkstemp: keep it in a
    # listed folder of the build folder, which the next run sweeps if a kernel was killed
    scratch = _fresh_dir(proj, proj.build / "tmp", "kernel-")
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, str(scratch)
    try:
        status, error = _papermill(job, tmp_nb)
    finally:
        tempfile.tempdir = saved_tempdir
        shutil.rmtree(scratch, ignore_errors=True)
    runtime = time.perf_counter() - t0
    try:
        results, figures = _read_records(rec_file)
    except ResultsError as exc:  # its numbers are incomplete: the run failed
        results, figures = {}, []
        status, error = "failed", f"{error}; {exc}" if error else str(exc)
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
    # a failed run whose figure keeps older good results leaves their page in place
    page = place.page
    if status != "ok" and job.keep:
        page = page.with_name(f"{page.stem}.failed.html")
    page_written = False
    try:
        if tmp_nb.is_file():
            if job.on_page is not None:
                page.parent.mkdir(parents=True, exist_ok=True)
                _note(proj, _tmp_of(page))
                job.on_page(tmp_nb, page, fig, entry)
                page_written = True
            failed = executed.with_name(f"{executed.stem}.failed.ipynb")
            os.replace(tmp_nb, executed if status == "ok" else failed)
        if status == "ok":
            for name in dict.fromkeys(f for item in figures for f in item.files):
                os.replace(stage / name, place.figures / name)
    except Exception:  # noqa: BLE001
        entry.status = status = "failed"
        entry.error = error = error or traceback.format_exc()
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    if status == "failed" and page_written:
        entry.error = error = f"{error}; the traceback is on {_relative(page, proj.root)}"
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


#: The file that marks a folder as an iece build folder, and the list of the temporary files
#: and folders runs made in it (the only things the next run's sweep deletes).
MARKER = ".iece-build"
MANIFEST = ".iece-manifest"
_MARKER_TEXT = (
    "This folder is an iece build folder: iece writes here, and deletes only the temporary\n"
    f"files its runs list in {MANIFEST}.\n"
)


class BuildDirError(RuntimeError):
    """The build folder is not iece's to write in (a folder of someone else's, or a file)."""


def claim_build(project: Project) -> None:
    """Make ``project.build`` an iece build folder (with the :data:`MARKER`), or refuse: a
    folder that exists, is not empty and has no marker is someone else's (the project's own
    ``build/``, which iece has always owned, excepted), and a file is not a folder."""
    build = project.build
    if build.exists() and not build.is_dir():
        raise BuildDirError(f"the build folder {build} is a file, not a folder; give a folder")
    if (build / MARKER).is_file():
        return
    if build.is_dir() and build != project.root / "build" and any(build.iterdir()):
        raise BuildDirError(
            f"the build folder {build} is not empty and is not an iece build folder (it has no "
            f"{MARKER}); iece writes and deletes files in its build folder: give a new or empty one"
        )
    build.mkdir(parents=True, exist_ok=True)
    atomic_write_text(build / MARKER, _MARKER_TEXT)


def _note(project: Project, path: Path) -> Path:
    """List ``path`` in the build folder's manifest before it is made, so that the next run
    can sweep it if this one is killed; returns ``path``. One line per path, appended with
    O_APPEND, so workers and the main process can list side by side."""
    fd = os.open(project.build / MANIFEST, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (json.dumps(str(path)) + "\n").encode())
    finally:
        os.close(fd)
    return path


def _tmp_of(path: Path) -> Path:
    """The temporary name :func:`iece.io.atomic_write_text` writes ``path`` under, from this
    process."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _write(project: Project, path: Path, text: str) -> None:
    """:func:`iece.io.atomic_write_text`, its temporary file listed in the manifest first."""
    _note(project, _tmp_of(path))
    atomic_write_text(path, text)


def _fresh_dir(project: Project, parent: Path, prefix: str) -> Path:
    """A new folder ``parent/<prefix><random>``, listed in the manifest before it is made."""
    parent.mkdir(parents=True, exist_ok=True)
    while True:
        folder = _note(project, parent / f"{prefix}{secrets.token_hex(6)}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue


def lock(project: Project, timeout_s: float = 0) -> filelock.FileLock:
    """The build folder's lock: one ``iece run`` at a time per project. The folder is claimed
    first (:func:`claim_build`): a folder of someone else's is refused, not written in."""
    claim_build(project)
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
    caller_env = dict(os.environ)  # a run in this process (one job) sets the kernel's variables
    try:
        with lock(project):
            outcomes = _run(project, planned, jobs, force, progress, on_page, timeout_s)
            if after is not None:
                _note(project, _tmp_of(project.report / "index.html"))  # what `after` writes
                after()
            _sweep_litter(project)  # a finished run leaves nothing listed
            return outcomes
    except filelock.Timeout:
        raise BusyError(
            f"another `iece run` is using {project.build.name}/ (lock file "
            f"{project.build.name}/.lock); wait for it to finish, then run again"
        ) from None
    finally:
        _restore_environ(caller_env)


def _restore_environ(saved: dict[str, str]) -> None:
    """Put ``os.environ`` back as the caller had it (the run sets IECE_*, MPLBACKEND and
    JUPYTER_PATH for its kernels)."""
    for key in [k for k in os.environ if k not in saved]:
        del os.environ[key]
    for key, value in saved.items():
        if os.environ.get(key) != value:
            os.environ[key] = value


def _sweep_litter(project: Project) -> list[Path]:
    """Delete what earlier runs listed in the manifest and left behind (a killed run's
    half-written ``.*.tmp`` files, temporary notebooks, records files, figure staging and
    kernel scratch folders), then empty the manifest. Nothing that is not listed is touched,
    nor anything listed outside the build, figures and report folders. Called under the
    build lock, so no other run owns them."""
    manifest = project.build / MANIFEST
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):  # none yet (an unreadable one: sweep nothing)
        lines = []
    homes = [d.resolve() for d in (project.build, project.figures, project.report)]
    removed = []
    for line in dict.fromkeys(lines):
        try:
            path = Path(json.loads(line))
        except (ValueError, TypeError):
            continue
        if not path.is_absolute() or ".." in path.parts or path.name in (MARKER, MANIFEST):
            continue
        if not any(path.parent.resolve().is_relative_to(home) for home in homes):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        elif path.is_file() or path.is_symlink():
            path.unlink(missing_ok=True)
        else:
            continue
        removed.append(path)
    manifest.unlink(missing_ok=True)
    return removed


def _die_with_parent() -> None:
    """Worker initializer: on Linux, a worker gets SIGTERM when the run that started it dies,
    even by SIGKILL (its kernel then exits through ipykernel's parent poller)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


#: In a worker: whether it is running a notebook (Ctrl-C then interrupts the notebook).
_BUSY = False


def _on_interrupt(signum, frame) -> None:
    """Ctrl-C in a worker: a busy one stops its notebook (KeyboardInterrupt, which its run
    hands back to the runner); an idle one, waiting for work, exits quietly. It had raised
    KeyboardInterrupt in the pool's queue and printed that traceback (2 of 3 trials)."""
    if _BUSY:
        raise KeyboardInterrupt
    raise SystemExit(130)


def _init_worker() -> None:
    """Worker initializer: follow the parent's death (:func:`_die_with_parent`) and take
    Ctrl-C without a traceback (:func:`_on_interrupt`)."""
    import signal

    _die_with_parent()
    signal.signal(signal.SIGINT, _on_interrupt)


def _read_cache(path: Path) -> dict:
    """A cache entry, or ``{}`` if there is none or it is damaged (then the figure runs)."""
    try:
        cached = json.loads(path.read_text()) if path.is_file() else {}
    except (OSError, ValueError):
        return {}
    return cached if isinstance(cached, dict) else {}


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime(DATE_FORMAT)


#: How the date of a run is written (in its cache entry, and in ``older_run``).
DATE_FORMAT = "%Y-%m-%d %H:%M UTC"


#: How often the progress bar's list of running figures and their times is redrawn (s).
PROGRESS_EVERY_S = 2.0


def _progress(futures, pool, todo, workers, bar):
    """Each :class:`Outcome` as its notebook finishes, while the bar names the figures in
    flight and how long each has run (``fig2bd 41 s, readings 12 s``). In one process
    (``futures`` None) the running figure is named before it starts."""
    if pool is None:
        for job in todo:
            bar.set_postfix_str(f"running {job.figure.id}", refresh=True)
            yield _execute(job)
        bar.set_postfix_str("", refresh=True)
        return
    started: dict = {}
    pending = set(futures)
    while pending:
        finished, pending = cf.wait(pending, PROGRESS_EVERY_S, return_when=cf.FIRST_COMPLETED)
        now = time.monotonic()
        for f in finished:
            yield f.result()
        # the pool queues one call beyond its workers: the first `workers` running are in flight
        running = [f for f in futures if f in pending and f.running()][:workers]
        for f in running:
            started.setdefault(f, now)
        bar.set_postfix_str(
            ", ".join(f"{futures[f]} {now - started[f]:.0f} s" for f in running), refresh=True
        )


def _run(project, planned, jobs, force, progress, on_page, timeout_s) -> dict[str, Outcome]:
    _sweep_litter(project)
    kernel = ensure_kernel(project)
    outcomes: dict[str, Outcome] = {}
    todo: list[Job] = []
    places, parts, caches, keep = {}, {}, {}, set()
    common = common_inputs(project)
    paper_results = _generated(project.results_file) or Results()
    for fig, values, paper in planned:
        if paper and values.get("fast") is True:
            current = paper_results.figures.get(fig.id)
            if current and current.status == "ok" and not current.parameters.get("fast"):
                paper = False  # a --fast run never replaces the paper's run: a user run
        parts[fig.id] = input_parts(project, fig, values, common)
        h = combine(parts[fig.id])
        place = places[fig.id] = project.place(fig.id, paper, h)
        cached = caches[fig.id] = _read_cache(place.cache)
        last = (_generated(place.results) or Results()).figures.get(fig.id)
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
            and _outputs_unchanged(project, cached, _outputs(project, place, last, on_page))
        ):
            outcomes[fig.id] = Outcome(fig.id, "cached", last)
        else:
            job = Job(fig, values, paper, h, kernel, project, place, on_page, timeout_s)
            job.keep = fig.id in keep
            todo.append(job)

    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    if todo:
        project.report.mkdir(parents=True, exist_ok=True)
        if workers == 1:
            done = None
            pool = None
        else:
            ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
            pool = cf.ProcessPoolExecutor(
                max_workers=workers, mp_context=ctx, initializer=_init_worker
            )
            done = {pool.submit(_execute, j): j.figure.id for j in todo}
        try:
            bar = tqdm(total=len(todo), desc="notebooks", unit="nb", disable=not progress)
            for outcome in _progress(done, pool, todo, workers, bar):
                outcomes[outcome.id] = outcome
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
            if o.status != "cached":
                runtimes[fig.id] = round(o.runtime_s, 3)
            cache = dict(caches[fig.id])
            if o.status == "ok":
                names = _outputs(project, place, o.entry, on_page)
                outputs = {name: _digest(project, name) for name in names}
                entry = o.entry
                cache = {"hash": entry.hash, "inputs": parts[fig.id], "outputs": outputs}
                cache["date"] = _now()
            elif o.status == "failed" and fig.id in keep:  # the last good results stay
                entry = results.figures[fig.id]
                entry.older_run = entry.older_run or cache.get("date") or "an unknown date"
                entry.latest_error = o.entry.error
            elif o.status == "cached":  # the latest run did not fail: no longer "older"
                entry = o.entry
                entry.older_run = entry.latest_error = ""
            else:
                entry, cache = o.entry, None
            results.figures[fig.id] = entry
            if cache is not None:
                cache["entry"] = _results.checksum(entry)
            if cache is not None and cache != caches[fig.id]:
                _write(project, place.cache, json.dumps(cache, indent=1, sort_keys=True))
        results.figures = {k: results.figures[k] for k in known if k in results.figures}
        results.run_stamp["runtime_s"] = {k: runtimes[k] for k in known if k in runtimes}
        _write(project, target, results.to_json())
    return {fig.id: outcomes[fig.id] for fig, _, _ in planned}


# ----------------------------------------------------------------------------- review
@dataclass(frozen=True)
class Note:
    """Why a figure's results in ``build/results.json`` are not the current paper results of
    this checkout. ``kind``: ``edited`` (the entry differs from what its run wrote),
    ``stale`` (code, data, versions or the notebook changed since its run), ``fast`` (a
    ``--fast`` run) or ``older`` (kept from an older run because the latest run failed)."""

    figure: str
    kind: str
    text: str

    @property
    def blocking(self) -> bool:
        """True when the figure's numbers may not be read as the paper's current results."""
        return self.kind != "older"


def review(project: Project, results: Results) -> dict[str, list[Note]]:
    """What keeps each figure's results from being the current paper results: checked
    against the figure's cache entry (the checksum of its entry, its inputs) and the
    checkout (:func:`input_parts` now). Figures without notes are absent."""
    figs = discover(project)
    common = None
    rel = _relative(project.results_file, project.root)
    notes: dict[str, list[Note]] = {}
    for fid, entry in results.figures.items():
        if entry.status != "ok":
            continue
        place = project.place(fid, True, entry.hash)
        cached = _read_cache(place.cache)
        found = notes.setdefault(fid, [])
        if cached.get("entry") != _results.checksum(entry):
            what = "differs from what its run wrote" if cached else "has no checksum to check"
            found.append(
                Note(
                    fid,
                    "edited",
                    f"{fid}: its entry in {rel} {what} "
                    f"({_relative(place.cache, project.root)}); `iece run {fid}` rebuilds it",
                )
            )
            continue
        date = cached.get("date") or "an unknown date"
        fig = figs.get(fid)
        if fig is not None:
            common = common or common_inputs(project)
            try:
                now = input_parts(project, fig, entry.parameters, common)
            except (OSError, _params.ParameterError):  # a data file gone or unreadable
                now = {}
            if not now or combine(now) != entry.hash:
                then = cached.get("inputs") or {}
                changed = [INPUT_WORDS[k] for k in INPUT_WORDS if then.get(k) != now.get(k)]
                what = ", ".join(changed) if then and now else "its inputs"
                found.append(
                    Note(
                        fid,
                        "stale",
                        f"{fid}: stale, {what} changed since its run ({date}); "
                        f"`iece run {fid}` updates it",
                    )
                )
        if entry.parameters.get("fast") is True:
            found.append(
                Note(
                    fid,
                    "fast",
                    f"{fid}: from a --fast run (cheaper settings), not the paper's run; "
                    f"`iece run {fid}` computes the paper's",
                )
            )
        if entry.older_run:
            found.append(
                Note(
                    fid,
                    "older",
                    f"{fid}: results from an older run ({entry.older_run}); the latest run "
                    f"failed: {entry.latest_error}",
                )
            )
    return {k: v for k, v in notes.items() if v}


def current(project: Project, results: Results) -> tuple[Results, dict[str, list[Note]]]:
    """``results`` without the entries that cannot be trusted (edited after their run, so
    their claims read "missing"), and the :func:`review` notes of every figure."""
    notes = review(project, results)
    edited = {fid for fid, ns in notes.items() if any(n.kind == "edited" for n in ns)}
    kept = {k: v for k, v in results.figures.items() if k not in edited}
    return Results(kept, results.run_stamp), notes


def annotate(rows: list[dict], notes: dict[str, list[Note]]) -> list[dict]:
    """Claims rows (``Evaluated.as_dict()``) with their figure's notes first among their
    problems; a claim of an untrusted (edited) entry says only why it reads "missing"."""
    for row in rows:
        ns = notes.get(row["figure"], [])
        if any(n.kind == "edited" for n in ns):
            row["problems"] = [n.text for n in ns]
        elif ns:
            row["problems"] = [n.text for n in ns] + list(row["problems"])
    return rows


# ----------------------------------------------------------------------------- clean
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
    date = _read_cache(folder / "cache.json").get("date")
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
                made = _generated(file) if file.is_file() and not file.is_symlink() else None
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
