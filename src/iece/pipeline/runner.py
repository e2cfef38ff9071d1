"""The runner's public names in one place (``iece.pipeline.runner``), for the CLI and the report.

The runner is in parts, each one job:

- :mod:`.layout`: where things are (:class:`Project`, :class:`Place`, :func:`discover`);
- :mod:`.housekeeping`: the build folder's marker, lock and manifest of temporary files;
- :mod:`.closure` and :mod:`.cache`: what a figure's outputs depend on, and whether they stand;
- :mod:`.kernel`: the kernelspec and the kernel's start-up code;
- :mod:`.execute`: one notebook's run, in a worker process;
- :mod:`.plan`, :mod:`.pool`, :mod:`.orchestrate`: what to run, the workers, ``iece run``;
- :mod:`.review` and :mod:`.clean`: whether results are current; ``iece clean``.

Setting a name here (as a test's ``monkeypatch.setattr(runner, ...)`` does) sets it in every
part that holds the same object, so the part that uses it sees the change.
"""

from __future__ import annotations

import importlib
import sys
import types

from ..io import MAX_FILE_MB
from .cache import (
    DATE_FORMAT,
    DEPENDENCIES,
    INPUT_WORDS,
    PACKAGE_DIR,
    combine,
    common_inputs,
    input_hash,
    input_parts,
    versions,
)
from .cache import now as _now
from .cache import read_cache as _read_cache
from .clean import Removed, clean
from .execute import CELL_TIMEOUT_S, Job, Outcome, _papermill, _read_records
from .housekeeping import (
    MANIFEST,
    MARKER,
    BuildDirError,
    BusyError,
    claim_build,
    lock,
)
from .housekeeping import note as _note
from .housekeeping import sweep_litter as _sweep_litter
from .housekeeping import tmp_of as _tmp_of
from .kernel import KERNEL_START_ATTEMPTS, ensure_kernel, kernel_name
from .layout import Figure, Place, Project, discover, find_root, load_results
from .layout import generated as _generated
from .orchestrate import run
from .plan import plan
from .pool import _BUSY, PROGRESS_EVERY_S, _on_interrupt
from .review import Note, annotate, current, review

__all__ = [
    "CELL_TIMEOUT_S",
    "DATE_FORMAT",
    "DEPENDENCIES",
    "INPUT_WORDS",
    "KERNEL_START_ATTEMPTS",
    "MANIFEST",
    "MARKER",
    "MAX_FILE_MB",
    "PACKAGE_DIR",
    "PROGRESS_EVERY_S",
    "BuildDirError",
    "BusyError",
    "Figure",
    "Job",
    "Note",
    "Outcome",
    "Place",
    "Project",
    "Removed",
    "annotate",
    "claim_build",
    "clean",
    "combine",
    "common_inputs",
    "current",
    "discover",
    "ensure_kernel",
    "find_root",
    "input_hash",
    "input_parts",
    "kernel_name",
    "load_results",
    "lock",
    "plan",
    "review",
    "run",
    "versions",
]
_PARTS = tuple(
    importlib.import_module(f"{__package__}.{name}")
    for name in (
        "cache",
        "clean",
        "closure",
        "execute",
        "housekeeping",
        "kernel",
        "layout",
        "orchestrate",
        "plan",
        "pool",
        "review",
    )
)
_PRIVATE = (_BUSY, _generated, _note, _now, _on_interrupt, _papermill, _read_cache)
_PRIVATE += (_read_records, _sweep_litter, _tmp_of)


class _Facade(types.ModuleType):
    def __setattr__(self, name: str, value) -> None:
        old = self.__dict__.get(name, _Facade)
        for part in _PARTS:
            if name in vars(part) and vars(part)[name] is old:
                setattr(part, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Facade
