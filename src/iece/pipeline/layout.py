"""Where a project's notebooks, build folder, figures and report are, and its figures.

Layout, relative to the project root::

    notebooks/<name>.ipynb       figure notebooks ([tool.iece] notebooks, :mod:`.bundle`);
                                 metadata ``iece.id`` is the figure id
    build/executed/<id>.ipynb    executed copies
    build/results.json           parameters and records of every figure (:mod:`.results`)
    build/cache/<id>.json        input hash, output and entry checksums of the last good run
    build/tables/<id>/<name>.npz tables the kernel saved for the judge stage (iece.save_table)
    build/judged/<id>.json       the judge stage's page sections (filled in at render time)
    build/.iece-build            the marker: this folder is iece's
    build/.iece-manifest         the temporary files and folders runs made (swept next time)
    figures/                     SVG + PNG written by the notebooks
    report/                      the HTML report (written by :mod:`iece.report`)

A build folder elsewhere (``--build-dir``) holds its own ``figures/`` and ``report/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..io import project_root
from . import bundle
from . import params as _params
from .results import Results, ResultsError


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
        # the notebooks folder: the project's [tool.iece] notebooks (default notebooks/)
        self.notebooks = Path(self.notebooks or bundle.load(self.root).notebooks).resolve()
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
        """The ledger: the project's ``[tool.iece] claims`` (:mod:`iece.pipeline.bundle`)."""
        return bundle.load(self.root).claims_file

    @property
    def outputs(self) -> tuple[Path, Path, Path]:
        """The folders a run writes (never an input of a run)."""
        return self.build, self.figures, self.report

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
                self.build / "tables" / figure_id,
                self.build / "judged" / f"{figure_id}.json",
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
            base / "tables",
            base / "judged.json",
        )

    def user_runs(self) -> dict[str, Results]:
        """The user runs on disk, by run id."""
        return {
            p.parent.name: results
            for p in sorted((self.build / "runs").glob("*/results.json"))
            if (results := generated(p)) is not None
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
    #: the tables the kernel saved (:mod:`.tables`), and the judge stage's page sections
    #: (:mod:`.judge`)
    tables: Path
    judged: Path


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


def generated(path: Path) -> Results | None:
    """A results file this package wrote, or None if it is damaged or from another schema
    (it is regenerated, never trusted)."""
    try:
        return Results.load(path)
    except ResultsError:
        return None


def load_results(project: Project) -> Results:
    """The typed content of ``build/results.json`` (empty if there is none)."""
    return Results.load(project.results_file)


def relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else path.name
