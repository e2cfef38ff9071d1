"""The paper a project checks, as the engine's input: a *bundle* found by the project's config.

The engine (:mod:`iece.pipeline`, :mod:`iece.report`) knows nothing of any one paper. A project
names its paper in ``pyproject.toml``::

    [tool.iece]
    paper = "iece.paper"          # a Python package: the bundle (required for quoted / choices)
    path = "src"                  # optional: where that package lives, if it is not installed
    claims = "data/claims.toml"   # the ledger (this default)
    notebooks = "notebooks"       # the figure notebooks (this default)
    text = "../paper.txt"         # optional: the paper's text, for the quote checks and page
    text_env = "MY_PAPER"         # optional: an environment variable that names the text instead

The package provides, as module attributes:

* ``QUOTED``: name -> :class:`Quoted`, every number the paper states (the ledger's
  ``quoted = "NAME"``);
* ``CHOICES``: name -> :class:`OpenChoice`, the choices the paper leaves open;
* ``READINGS`` (optional): how loosely stated words ("~X") are read, in a reader's words, and
  ``THRESHOLDS`` (optional): name -> the number of such a reading, which a ledger names;
* ``LABELS`` (optional): reader's words for record names the ledger reads besides its claims'
  results;
* ``ROBUST_PROBABILITY`` (optional): the share of samples of the declared input uncertainty
  in which a verdict must hold (or fail) to be called robust; a figure that records
  ``p_holds_<entry id>`` then gives each entry's qualifier on the index;
* ``TITLE`` and ``AUTHORS`` (optional): the paper's title and its authors as cited
  ("Lee & Smith").
* ``DATA_NOTE`` (optional): a sentence on the paper's data for the report's claims ledger
  ("The paper's raw spectra are not public.").
* ``JUDGES`` (optional): figure id -> ``judge(tables, claims) -> Judged``, the figure's verdicts
  per row of the tables its kernel saved, made after the run (:mod:`.judge`).

A project without ``[tool.iece]`` (a test fixture) has a paper with no quoted numbers and no
open choices: its claims give ``paper_value`` and no ``choice``.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .declare import BundleError, OpenChoice, Quoted
from .importing import import_package, package_dir
from .judged import hooks

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: The keys of ``[tool.iece]``.
KEYS = ("paper", "path", "claims", "notebooks", "text", "text_env")


@dataclass(frozen=True)
class Paper:
    """One project's paper: its declared numbers and choices, and where its files are."""

    root: Path
    module: str = ""
    title: str = ""
    authors: str = ""
    data_note: str = ""
    #: a verdict holds (fails) robustly when it does in at least this share of the samples of
    #: the declared input uncertainty (``ROBUST_PROBABILITY``); None: no qualifier is shown
    robust_probability: float | None = None
    quoted: Mapping[str, Quoted] = field(default_factory=dict)
    choices: Mapping[str, OpenChoice] = field(default_factory=dict)
    readings: Mapping[str, str] = field(default_factory=dict)
    thresholds: Mapping[str, float] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    #: figure id -> its judge hook (``JUDGES``); ``bundle_file``: the file that declares them
    judges: Mapping[str, Callable] = field(default_factory=dict)
    bundle_file: Path | None = None
    claims_file: Path = Path()
    notebooks: Path = Path()
    text_file: Path | None = None
    text_env: str = ""
    #: ``[tool.iece] path`` resolved: the folder a kernel puts first on its ``sys.path``.
    path: Path | None = None
    #: The folder of the paper package's top-level package: its files key the figures that
    #: import it (:mod:`.closure`).
    package_dir: Path | None = None

    @property
    def cite(self) -> str:
        """The paper in a few words: its authors, else its title, else "the paper"."""
        return self.authors or self.title or "the paper"

    @property
    def cite_full(self) -> str:
        """Authors and quoted title, as far as the bundle gives them."""
        if self.authors and self.title:
            return f"{self.authors}, \u201c{self.title}\u201d"
        return self.cite

    def choice_label(self, name: str) -> str:
        """What an open choice is, in a reader's words."""
        choice = self.choices.get(name)
        return choice.label if choice is not None else name.replace("_", " ")

    def choice_of_value(self, value: str) -> OpenChoice | None:
        """The open choice one of whose values is ``value`` (values are unique across
        choices), or ``None``."""
        return next((c for c in self.choices.values() if value in c.values), None)


def _table(root: Path) -> tuple[dict, Path]:
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}, path
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BundleError(f"{path.name} cannot be read: {exc}") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise BundleError(f"{path.name}: tool must be a table ([tool.iece], [tool.ruff], ...)")
    table = tool.get("iece", {})
    if not isinstance(table, dict):
        raise BundleError(f"{path.name}: [tool.iece] must be a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise BundleError(
            f"{path.name}: [tool.iece] has unknown key(s) {', '.join(unknown)} "
            f"(known: {', '.join(KEYS)})"
        )
    for key, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise BundleError(f"{path.name}: [tool.iece] {key} must be a non-empty string")
    return table, path


def _mapping(module, attr: str, kind, where: str, required: bool) -> dict:
    value = getattr(module, attr, None)
    if value is None:
        if required:
            raise BundleError(f"{where}: the paper package {module.__name__} has no {attr}")
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and (kind is None or isinstance(v, kind)) for k, v in value.items()
    ):
        what = "str" if kind is None else getattr(kind, "__name__", "number")
        raise BundleError(f"{where}: {module.__name__}.{attr} must map names to {what}")
    return dict(value)


def _check_values_unique(choices: Mapping[str, OpenChoice], where: str) -> None:
    """A record ``<result>__<value>`` names one value of one choice: no value may belong to two
    choices."""
    seen: dict[str, str] = {}
    for key, c in choices.items():
        if key != c.name:
            raise BundleError(f"{where}: CHOICES[{key!r}] is the open choice named {c.name!r}")
        for v in c.values:
            if v in seen:
                raise BundleError(
                    f"{where}: the value {v!r} belongs to both open choices {seen[v]} and {c.name}"
                )
            seen[v] = c.name


def _probability(module, where: str) -> float | None:
    value = getattr(module, "ROBUST_PROBABILITY", None)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.5 < value < 1:
        raise BundleError(f"{where}: {module.__name__}.ROBUST_PROBABILITY must be in (0.5, 1)")
    return float(value)


def _file_of(module, root: Path) -> str:
    """The bundle's file as an error names it (relative to the project when inside it)."""
    file = Path(getattr(module, "__file__", "") or module.__name__)
    return str(file.relative_to(root)) if file.is_relative_to(root) else str(file)


@functools.lru_cache(maxsize=16)
def _load(root: Path) -> Paper:
    table, path = _table(root)
    where = path.name
    claims = root / table.get("claims", "data/claims.toml")
    notebooks = root / table.get("notebooks", "notebooks")
    # the path as named (.. collapsed), not a symlink's target: the page says where it is
    text = Path(os.path.normpath(root / table["text"])) if "text" in table else None
    if "paper" not in table:
        if "path" in table:
            raise BundleError(f"{where}: [tool.iece] path needs paper (the package to import)")
        return Paper(
            root,
            claims_file=claims,
            notebooks=notebooks,
            text_file=text,
            text_env=table.get("text_env", ""),
        )
    folder = (root / table["path"]).resolve() if "path" in table else None
    module = import_package(table["paper"], root, folder, where)
    choices = _mapping(module, "CHOICES", OpenChoice, where, required=True)
    _check_values_unique(choices, f"{where}: {table['paper']}")
    return Paper(
        root,
        module=table["paper"],
        title=str(getattr(module, "TITLE", "")),
        authors=str(getattr(module, "AUTHORS", "")),
        data_note=str(getattr(module, "DATA_NOTE", "")),
        robust_probability=_probability(module, where),
        quoted=_mapping(module, "QUOTED", Quoted, where, required=True),
        choices=choices,
        readings=_mapping(module, "READINGS", str, where, required=False),
        thresholds=_mapping(module, "THRESHOLDS", (int, float), where, required=False),
        labels=_mapping(module, "LABELS", str, where, required=False),
        judges=hooks(module, _file_of(module, root)),
        bundle_file=Path(module.__file__) if getattr(module, "__file__", None) else None,
        claims_file=claims,
        notebooks=notebooks,
        text_file=text,
        text_env=table.get("text_env", ""),
        path=folder,
        package_dir=package_dir(table["paper"], folder),
    )


def load(root) -> Paper:
    """The paper of the project at ``root`` (its ``pyproject.toml``'s ``[tool.iece]``)."""
    return _load(Path(root).resolve())


def of_ledger(path) -> Paper:
    """The paper of the project a ledger file belongs to: the nearest folder at or above the
    file's folder with a ``pyproject.toml`` naming it as ``[tool.iece] claims`` (default
    ``data/claims.toml``), else the folder above the ledger's ``data/``."""
    path = Path(path).resolve()
    for cand in path.parents:
        if (cand / "pyproject.toml").is_file():
            paper = load(cand)
            if paper.claims_file.resolve() == path:
                return paper
    return load(path.parent.parent)


def text_path(paper: Paper) -> Path | None:
    """The paper's text: the file the project's ``[tool.iece] text_env`` variable names, if
    the project declares one and it is set, else ``[tool.iece] text``; ``None`` if the project
    names none. The file may not exist; the caller decides what that means."""
    named = os.environ.get(paper.text_env) if paper.text_env else None
    return Path(named) if named else paper.text_file
