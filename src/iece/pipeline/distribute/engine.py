"""Evaluate a vectorised function over a sample, chunk by chunk, on Dask (see the package's
docstring)."""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from pathlib import Path

import dask
import numpy as np
from dask.distributed import Client, LocalCluster, as_completed
from tqdm import tqdm

from . import store as st
from .store import DistributeError

#: ``scheduler=`` values: a LocalCluster sized to the machine, or this process alone.
LOCAL = "local"
SYNCHRONOUS = "synchronous"
#: Seconds to wait for a scheduler address to answer and to have a worker.
CONNECT_TIMEOUT_S = 10.0


class SchedulerUnreachable(DistributeError):
    """The scheduler address does not answer, or has no worker; nothing was evaluated."""


def local_workers() -> int:
    """The cores this process may use (its CPU affinity; ``os.cpu_count()`` elsewhere)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (macOS, Windows)
        return os.cpu_count() or 1


def check_sample(x, chunk) -> np.ndarray:
    """``x`` as a 2-D numeric array with rows, and a chunk size >= 1; DistributeError naming
    the parameter otherwise."""
    if isinstance(chunk, bool) or not isinstance(chunk, (int, np.integer)) or chunk < 1:
        raise DistributeError(f"parameter 'chunk' must be an integer >= 1, got {chunk!r}")
    x = np.asarray(x)
    if x.ndim != 2:
        raise DistributeError(
            f"parameter 'x' must be a 2-D array (rows, inputs), got shape {x.shape}"
        )
    if x.dtype.kind not in "biuf":
        raise DistributeError(f"parameter 'x' must be numeric, got dtype {x.dtype}")
    if len(x) == 0:
        raise DistributeError("parameter 'x' has no rows")
    return x


def outputs(value, n_rows: int, where: str) -> dict:
    """A chunk's result as ``{name: array (n_rows, ...)}`` (one array is named ``""``);
    ValueError naming ``where`` if a value does not have one row per sample row."""
    out = dict(value) if isinstance(value, dict) else {st.ARRAY: value}
    for k, v in out.items():
        v = out[k] = np.asarray(v)
        if v.ndim == 0 or len(v) != n_rows:
            name = f" output {k!r}" if k else ""
            raise ValueError(
                f"{where}{name}: expected {n_rows} rows (one per sample row), got shape {v.shape}"
            )
    return out


def run_chunk(f, x: np.ndarray, start: int, stop: int) -> dict:
    """The task: ``f`` on the rows ``x`` (the chunk ``[start, stop)``), once, vectorised."""
    return outputs(f(x), stop - start, f"{st.function_name(f)} on rows [{start}, {stop})")


#: distributed's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536 (glibc hands freed memory
#: back at once). It halves the EMA solver's speed in a worker, whose numpy temporaries are then
#: faulted in again on every call: 16 against 32 evaluations/s measured in one worker process
#: (benchmarks/distribute.py). The local workers run without it.
NO_TRIM = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


@contextlib.contextmanager
def _environ_kept():
    """This process's environment as it was, afterwards: a nanny writes its workers' variables
    (OMP_NUM_THREADS=1, PYTHONHASHSEED, ...) into it, and every later subprocess (a notebook's
    kernel) would inherit them."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        for k in set(os.environ) - set(saved):
            del os.environ[k]
        os.environ.update(saved)


def local_options(n_workers: int | None, n_chunks: int) -> dict:
    """The LocalCluster of ``scheduler="local"``: ``n_workers`` processes (default one per core,
    at most one per chunk), one thread each, no fixed dashboard port, quiet logs."""
    return {
        "n_workers": n_workers or min(local_workers(), n_chunks),
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": ":0",
        "silence_logs": logging.ERROR,
    }


@contextlib.contextmanager
def connect(scheduler, n_workers: int | None, n_chunks: int, timeout_s: float):
    """A Dask client for ``scheduler``: a :class:`Client` as given (left open); ``"local"``: a
    process-per-core :class:`LocalCluster` (``n_workers``, default the cores but at most one per
    chunk; one thread each), closed afterwards; an address: that scheduler, checked to answer and
    to have a worker within ``timeout_s`` (SchedulerUnreachable naming it otherwise)."""
    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler == LOCAL:
        opts = local_options(n_workers, n_chunks)
        with _environ_kept(), dask.config.set(NO_TRIM), LocalCluster(**opts) as cluster:
            with Client(cluster) as client:
                yield client
        return
    try:
        client = Client(scheduler, timeout=timeout_s, set_as_default=False)
    except Exception as exc:  # OSError/TimeoutError (no answer), ValueError (bad address)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SchedulerUnreachable(
            f"cannot reach the Dask scheduler at {scheduler!r} within {timeout_s:g} s "
            f"({reason}); start one with `dask scheduler` and `dask worker ADDRESS`, or use "
            f"scheduler={LOCAL!r}"
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=timeout_s)
        except Exception:  # TimeoutError
            raise SchedulerUnreachable(
                f"the Dask scheduler at {scheduler!r} has no worker after {timeout_s:g} s; "
                f"start one with `dask worker {scheduler}`"
            ) from None
        yield client


def _check_scheduler(scheduler) -> None:
    if scheduler is None or isinstance(scheduler, Client):
        return
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise DistributeError(
            f"parameter 'scheduler' must be {LOCAL!r}, {SYNCHRONOUS!r}, None, a scheduler "
            f"address such as 'tcp://127.0.0.1:8786' or a dask Client, got {scheduler!r}"
        )


def _store(store) -> Path | None:
    if store is None:
        return None
    p = Path(store)
    if p.exists() and not p.is_dir():
        raise DistributeError(f"parameter 'store' must be a folder, {p} is a file")
    p.mkdir(parents=True, exist_ok=True)
    return p


def missing(f, x, chunk: int, store, token=None) -> list[tuple[int, int]]:
    """The chunks ``[(start, stop), ...]`` of ``x`` that ``store`` does not hold for ``f``
    (all of them without a store): what :func:`evaluate` would evaluate."""
    x = check_sample(x, chunk)
    plan = st.Plan(f, x, chunk, _store(store), token)
    return [plan.bounds[i] for i in plan.missing]


def evaluate(
    f,
    x,
    *,
    chunk: int,
    store=None,
    scheduler=LOCAL,
    n_workers: int | None = None,
    progress: bool = True,
    token=None,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
):
    """``f(x)`` evaluated ``chunk`` rows at a time, one Dask task per chunk, the rows in order:
    an array, or a dict of arrays if ``f`` returns one. See the package's docstring."""
    x = check_sample(x, chunk)
    _check_scheduler(scheduler)
    plan = st.Plan(f, x, chunk, _store(store), token)
    todo = plan.missing
    n_done = sum(b - a for i, (a, b) in enumerate(plan.bounds) if i in plan.done)
    with contextlib.ExitStack() as stack:
        # connect (or start the cluster) first: an unreachable address fails before any work
        client = None
        if todo and scheduler not in (None, SYNCHRONOUS):
            cx = connect(scheduler, n_workers, len(todo), connect_timeout_s)
            client = stack.enter_context(cx)
        bar = stack.enter_context(
            tqdm(
                total=len(x),
                initial=n_done,
                unit="eval",
                unit_scale=len(x) >= 10_000,  # 12.3k/49.2k; 30/30, not 30.0/30.0
                disable=not progress,
            )
        )
        if client is not None:
            _on_cluster(client, plan, todo, bar)
        else:
            for i in todo:
                a, b = plan.bounds[i]
                plan.finish(i, run_chunk(f, x[a:b], a, b))
                bar.update(b - a)
    return plan.result()


def _on_cluster(client: Client, plan: st.Plan, todo: list[int], bar) -> None:
    """Submit the chunks ``todo``, at most two per worker thread in flight; store each as it
    finishes. A failed chunk cancels the rest and raises its error (stored chunks stay)."""
    window = max(2, 2 * sum(client.nthreads().values()))
    queue = iter(todo)
    live: dict = {}  # key -> (chunk index, future)
    run = uuid.uuid4().hex[:8]

    def submit(i):
        a, b = plan.bounds[i]
        fut = client.submit(
            run_chunk, plan.f, plan.x[a:b], a, b, key=f"iece-chunk-{a}-{b}-{run}", pure=False
        )
        live[fut.key] = (i, fut)
        return fut

    pending = as_completed([submit(i) for _, i in zip(range(window), queue)])
    try:
        for fut in pending:
            i, _ = live.pop(fut.key)
            plan.finish(i, fut.result())
            a, b = plan.bounds[i]
            bar.update(b - a)
            nxt = next(queue, None)
            if nxt is not None:
                pending.add(submit(nxt))
    finally:
        if live:
            client.cancel([f for _, f in live.values()])
