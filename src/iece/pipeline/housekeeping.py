"""The build folder's housekeeping: its marker, its lock, and the manifest of temporary files.

Every output is written to a temporary name and renamed into place, so an interrupted run
leaves the previous good outputs. Every temporary file or folder is listed in the build
folder's manifest before it is made, and the next run deletes only what is listed there: iece
deletes only what it made.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path

import filelock

from ..io import atomic_write_text
from .layout import Project

#: The file that marks a folder as an iece build folder, and the list of the temporary files
#: and folders runs made in it (the only things the next run's sweep deletes).
MARKER = ".iece-build"
MANIFEST = ".iece-manifest"
_MARKER_TEXT = (
    "This folder is an iece build folder: iece writes here, and deletes only the temporary\n"
    f"files its runs list in {MANIFEST}.\n"
)


class BusyError(RuntimeError):
    """Another ``iece run`` holds the project's build folder."""


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


def lock(project: Project, timeout_s: float = 0) -> filelock.FileLock:
    """The build folder's lock: one ``iece run`` at a time per project. The folder is claimed
    first (:func:`claim_build`): a folder of someone else's is refused, not written in."""
    claim_build(project)
    return filelock.FileLock(str(project.build / ".lock"), timeout=timeout_s)


def note(project: Project, path: Path) -> Path:
    """List ``path`` in the build folder's manifest before it is made, so that the next run
    can sweep it if this one is killed; returns ``path``. One line per path, appended with
    O_APPEND, so workers and the main process can list side by side."""
    fd = os.open(project.build / MANIFEST, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (json.dumps(str(path)) + "\n").encode())
    finally:
        os.close(fd)
    return path


def tmp_of(path: Path) -> Path:
    """The temporary name :func:`iece.io.atomic_write_text` writes ``path`` under, from this
    process."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write(project: Project, path: Path, text: str) -> None:
    """:func:`iece.io.atomic_write_text`, its temporary file listed in the manifest first."""
    note(project, tmp_of(path))
    atomic_write_text(path, text)


def fresh_dir(project: Project, parent: Path, prefix: str) -> Path:
    """A new folder ``parent/<prefix><random>``, listed in the manifest before it is made."""
    parent.mkdir(parents=True, exist_ok=True)
    while True:
        folder = note(project, parent / f"{prefix}{secrets.token_hex(6)}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue


def sweep_litter(project: Project) -> list[Path]:
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
    homes = [d.resolve() for d in project.outputs]
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
