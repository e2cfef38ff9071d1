"""Evaluate a vectorised function over a large sample on a distributed engine (Dask), chunk by
chunk, with a resume store: the engine under global sensitivity analyses (issue 23). Imports
nothing of any paper.

``evaluate(f, x, chunk=c)`` cuts the sample ``x`` (n, d) into row chunks ``[i c, (i + 1) c)``
and runs ``f`` once per chunk (one Dask task per chunk, the whole chunk at once: ``f`` is the
vectorised model, never called per row). ``f(rows)`` returns an array with one row per sample
row, ``(m,)`` or ``(m, k, ...)``, or a dict of such arrays; the chunks' outputs are joined in row
order, so the result is ``f(x)`` for a function whose rows do not depend on each other.

Where it runs (``scheduler=``):

- ``"local"`` (default): a :class:`~dask.distributed.LocalCluster` sized to the machine, one
  worker process per core (``n_workers=`` to choose; at most one per chunk), one thread each;
  started for the call and closed after it;
- an address (``"tcp://host:8786"``): a user's running scheduler (``dask scheduler`` and
  ``dask worker ADDRESS``); it must answer and have a worker within ``connect_timeout_s``, or
  :class:`SchedulerUnreachable` names the address before anything is evaluated;
- a :class:`~dask.distributed.Client`: that client (left open; lets a caller reuse a cluster);
- ``"synchronous"`` or None: this process alone, chunk after chunk (no Dask).

The chunks are the same whatever runs them and each is evaluated by the same call ``f(rows)``,
so the result is bitwise identical on one process, a LocalCluster or a remote scheduler
(tests/test_distribute.py checks all three).

Resume (``store=FOLDER``): each finished chunk is written atomically to the folder, keyed by the
function's qualified name (with a :func:`functools.partial`'s arguments and the caller's
``token=``), a hash of the whole sample and the chunk's bounds (:mod:`.store`). A re-run skips
the chunks already there, so a killed run resumes where it stopped and ends with the same
numbers; a stored chunk whose key, rows or outputs do not match is evaluated again, never
reused. The qualified name does not see a changed function body or the values a closure
captures: pass ``token=`` (a version, the parameters, or :func:`code_token` of the modules the
function runs) when those change, or use a new folder.

Bad input raises :class:`DistributeError` (a ValueError) naming the parameter before any work:
a chunk size below 1, a sample that is not a 2-D numeric array with rows, a store that is a
file, a scheduler that is not reachable. A progress bar (tqdm, evaluations) shows unless
``progress=False``.

Tests: ``tests/test_distribute.py``; speed: ``benchmarks/distribute.py``.
"""

from .engine import (
    LOCAL,
    SYNCHRONOUS,
    SchedulerUnreachable,
    evaluate,
    local_workers,
    missing,
)
from .store import DistributeError, code_token

__all__ = [
    "LOCAL",
    "SYNCHRONOUS",
    "DistributeError",
    "SchedulerUnreachable",
    "code_token",
    "evaluate",
    "local_workers",
    "missing",
]
