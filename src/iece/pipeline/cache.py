"""The cache: what a figure's outputs depend on, and whether its last run still stands.

A figure's input hash (:func:`input_parts`) covers its notebook, its parameters, the files
its path parameters name, the installed versions, and the files of the ``iece`` modules and of
the project's paper package (``[tool.iece] paper``, :mod:`.bundle`) in the notebook's static
import closure (:mod:`.closure`). Data files are keyed by what the
kernel *read* (the run records them, :func:`iece.pipeline.record.configure`), so a figure that
does not read ``data/claims.toml`` is not re-run when the ledger changes. A figure's page has
a key of its own (:func:`page_key`): the page renderer's code and templates and the ledger, so
a template or ledger edit re-renders pages from the executed notebooks without re-running them.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import sys
from importlib import metadata
from pathlib import Path

from ..io import MAX_FILE_MB
from . import bundle as _bundle
from . import closure as _closure
from . import params as _params
from .layout import Figure, Place, Project

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
#: The installed ``iece`` package: the modules a notebook imports are read from here.
PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: What each part of :func:`input_parts` is, in words (``iece claims`` names what changed).
INPUT_WORDS = {
    "notebook": "its notebook",
    "parameters": "its parameters",
    "code": "the paper package's or the iece code it imports",
    "files": "its data files",
    "versions": "the installed versions",
    "reads": "the data files it read",
}
#: How the date of a run is written (in its cache entry, and in ``older_run``).
DATE_FORMAT = "%Y-%m-%d %H:%M UTC"


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


def _files_digest(files, base) -> str:
    """One SHA-256 of ``files`` (names relative to ``base``, a folder or the packages'
    ``{name: folder}`` whose parents they are named from, and contents)."""
    bases = [base] if isinstance(base, Path) else [f.parent for f in base.values()]
    h = hashlib.sha256()
    for file in sorted(files):
        name = next(str(file.relative_to(b)) for b in bases if file.is_relative_to(b))
        h.update(name.encode() + b"\0" + file.read_bytes() + b"\0")
    return h.hexdigest()


def common_inputs(project: Project) -> dict[str, str]:
    """The inputs every figure shares: the installed versions."""
    return {"versions": _sha(json.dumps(versions(), sort_keys=True).encode())}


def packages(project: Project | None) -> dict[str, Path]:
    """The packages a figure's key follows: ``iece`` and the project's paper package (when it is
    not ``iece`` itself), ``{top-level name: folder}``."""
    out = {_closure.PACKAGE: PACKAGE_DIR}
    paper = _bundle.load(project.root) if project is not None else None
    if paper is not None and paper.package_dir is not None:
        out.setdefault(paper.module.partition(".")[0], paper.package_dir)
    return out


def code_files(fig: Figure, project: Project | None = None) -> list[Path]:
    """The package files a figure's notebook imports (its static import closure), in ``iece``
    and in the paper package of ``project``."""
    return _closure.files(fig.path, packages(project))


def input_parts(
    project: Project, fig: Figure, parameters: dict, common: dict | None = None
) -> dict[str, str]:
    """SHA-256 of each input a notebook's outputs depend on before it runs: the notebook, its
    parameters, the package files it imports (:func:`code_files`), files named by path
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
        "code": _files_digest(code_files(fig, project), packages(project)),
        **(common or common_inputs(project)),
        "files": files.hexdigest(),
    }


def combine(parts: dict[str, str]) -> str:
    """The one input hash of :func:`input_parts`."""
    return _sha(json.dumps(parts, sort_keys=True).encode())


def input_hash(project: Project, fig: Figure, parameters: dict) -> str:
    """Hash of everything a notebook's outputs depend on (:func:`input_parts`)."""
    return combine(input_parts(project, fig, parameters))


def name_of(project: Project, path: Path) -> str:
    """A file's name in a cache entry: relative to the project root if inside it."""
    path = Path(path)
    return str(path.relative_to(project.root)) if path.is_relative_to(project.root) else str(path)


def digest(project: Project, name: str) -> str | None:
    try:
        return _sha((project.root / name).read_bytes())  # an absolute name stays so
    except OSError:
        return None


def reads(project: Project, paths) -> dict[str, str | None]:
    """The data files a run read, each with its SHA-256 now."""
    names = sorted({name_of(project, Path(p)) for p in paths})
    return {name: digest(project, name) for name in names}


def changed_reads(project: Project, cached: dict) -> list[str]:
    """The data files the cached run read that differ now (or are gone)."""
    recorded = cached.get("reads") or {}
    return [n for n, sha in recorded.items() if sha is None or digest(project, n) != sha]


def outputs(project: Project, place: Place, entry) -> list[str]:
    """A run's outputs apart from its page: executed notebook, figure files, the tables its
    kernel saved and the judge stage's sections (:mod:`.judge`), if it has any."""
    files = [place.executed] + [place.figures / f for item in entry.figures for f in item.files]
    files += [place.tables / t for t in entry.tables]
    files += [place.judged] if place.judged.is_file() else []
    return [name_of(project, f) for f in files]


def outputs_unchanged(project: Project, cached: dict, needed: list[str]) -> bool:
    """Every output the cache entry recorded is on disk with the same SHA-256, and it recorded
    every output ``needed`` now. An output deleted or rewritten since (by a run into another
    build folder, say) means the figure is run again, not called cached."""
    recorded = cached.get("outputs")
    if not isinstance(recorded, dict) or not set(needed) <= set(recorded):
        return False
    return all(sha is not None and digest(project, name) == sha for name, sha in recorded.items())


def page_key(project: Project, on_page) -> str:
    """What a figure's page depends on beyond its executed notebook and results entry: the
    renderer's code (the import closure of ``on_page``'s module), the package's templates and
    other data files, and the ledger (a page shows its claims' verdicts)."""
    module = getattr(on_page, "__module__", "") or ""
    names = _closure.closure([(module, True)], PACKAGE_DIR)
    files = [f for n in names if (f := _closure.module_file(PACKAGE_DIR, n)) is not None]
    data = [
        p
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    ledger = project.claims_file
    return combine(
        {
            "code": _files_digest(files, PACKAGE_DIR.parent),
            "data": _files_digest(data, PACKAGE_DIR.parent),
            "ledger": _sha(ledger.read_bytes()) if ledger.is_file() else "",
            "versions": common_inputs(project)["versions"],
        }
    )


def read_cache(path: Path) -> dict:
    """A cache entry, or ``{}`` if there is none or it is damaged (then the figure runs)."""
    try:
        cached = json.loads(path.read_text()) if path.is_file() else {}
    except (OSError, ValueError):
        return {}
    return cached if isinstance(cached, dict) else {}


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime(DATE_FORMAT)
