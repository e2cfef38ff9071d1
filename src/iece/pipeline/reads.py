"""The data files a kernel reads, seen as it opens them (a Python audit hook, :pep:`578`):
what a figure's run read keys its cache (:mod:`iece.pipeline.cache`), so no data file needs
declaring by hand. Every open through Python is seen (``open``, ``os.open``, and numpy, pandas
and tomllib, which use them); a file a C library opens by itself is not.
:func:`iece.pipeline.record.configure` starts the watch in a kernel that ``iece run`` started.
"""

from __future__ import annotations

import os
import sys

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def _read_path(args) -> str | None:
    """The absolute path an ``open`` audit event opens for reading only, else None. Its
    arguments are ``(path, mode, flags)``: ``mode`` a string for ``open()`` and None for
    ``os.open``, ``flags`` the ``O_*`` bits; a file descriptor is not a path."""
    if not args or not isinstance(args[0], (str, os.PathLike)):
        return None
    mode = args[1] if len(args) > 1 else None
    flags = args[2] if len(args) > 2 else 0
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return None
    if isinstance(flags, int) and flags & _WRITE_FLAGS:
        return None
    return os.path.abspath(os.fspath(args[0]))


def _inside(path: str, folders: tuple[str, ...]) -> bool:
    return any(path.startswith(folder + os.sep) for folder in folders)


#: Never a figure's data: the interpreter's own files (a tox or virtual environment inside the
#: project holds the installed packages' metadata, which imports read) and hidden folders.
_ENVIRONMENT = tuple({os.path.abspath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})


def _environment(path: str) -> bool:
    parts = path.split(os.sep)
    return (
        _inside(path, _ENVIRONMENT)
        or "site-packages" in parts
        or "dist-packages" in parts
        or any(part.startswith(".") and part not in (".", "..") for part in parts)
    )


def watch(folders: tuple[str, ...], skip: tuple[str, ...], report) -> None:
    """Call ``report(path)`` once for each file this process opens for reading under one of
    ``folders`` but not under ``skip``, Python sources and caches aside."""

    seen: set[str] = set()
    busy: list[bool] = []  # the records file's own open() must not re-enter

    def hook(event, args):
        if event != "open" or busy:
            return
        path = _read_path(args)
        if path is None or path in seen or path.endswith((".py", ".pyc")):
            return
        if "__pycache__" in path or not _inside(path, folders) or _inside(path, skip):
            return
        if _environment(path):
            return
        seen.add(path)
        busy.append(True)
        try:
            report(path)
        finally:
            busy.clear()

    sys.addaudithook(hook)
