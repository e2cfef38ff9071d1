"""Importing a project's paper package (:mod:`.bundle`): where its folder is, and what went
wrong if it cannot be imported, named by file and line instead of a traceback."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback
from pathlib import Path

from .declare import BundleError


def import_package(name: str, root: Path, folder: Path | None, where: str):
    """Import the paper package ``name`` (``folder``, ``[tool.iece] path``, first on the path).
    Any error becomes a :class:`BundleError` (``where``: the config file's name): a package not
    found says how to give its folder; an error inside it names the file and line."""
    if folder is not None and str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - whatever the package raises is named here
        missing = isinstance(exc, ModuleNotFoundError) and exc.name is not None
        if missing and (name == exc.name or name.startswith(exc.name + ".")):
            raise BundleError(
                f"{where}: [tool.iece] paper = {name!r} cannot be imported ({exc}); install it "
                "or give its folder as [tool.iece] path"
            ) from None
        raise BundleError(f"{where}: {_failure(name, root, exc)}") from None


#: The engine's own files: a frame in them is not where a paper package went wrong.
_ENGINE = Path(__file__).resolve().parent


def _failure(name: str, root: Path, exc: BaseException) -> str:
    """What went wrong while importing the paper package ``name``: the file and line (of the
    package's code, not the engine's or importlib's) and the error, in one line."""
    file, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not (isinstance(exc, SyntaxError) and file):
        frames = [
            f
            for f in traceback.extract_tb(exc.__traceback__)
            if not f.filename.startswith("<") and Path(f.filename).resolve().parent != _ENGINE
        ]
        file, line = (frames[-1].filename, frames[-1].lineno) if frames else (None, None)
    at = ""
    if file:
        shown = Path(file).resolve()
        shown = shown.relative_to(root) if shown.is_relative_to(root) else shown
        at = f" ({shown}, line {line})"
    what = "" if isinstance(exc, BundleError) else f"{type(exc).__name__}: "
    detail = exc.msg if isinstance(exc, SyntaxError) else exc  # its str repeats the place
    return f"the paper package {name}{at} cannot be imported: {what}{detail}"


def package_dir(name: str, folder: Path | None) -> Path | None:
    """The folder of the paper package's top-level package (for a single module ``m.py``, the
    path ``m`` beside it): in ``[tool.iece] path`` if it is there, else where Python finds it."""
    top = name.partition(".")[0]
    if folder is not None and ((folder / top).is_dir() or (folder / f"{top}.py").is_file()):
        return folder / top
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0]).resolve()
    return Path(spec.origin).resolve().with_suffix("") if spec.origin else None
