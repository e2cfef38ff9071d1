"""The worker processes that run notebooks, and the progress bar over them.

Every notebook runs in a worker process, also with one job: the worker sets what its kernels
need in its own environment (:func:`iece.pipeline.kernel.worker_env`), and papermill changes
its own working folder, so the caller's ``os.environ`` and working folder are never touched.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import sys
import time

from tqdm.auto import tqdm

from .execute import Job, Outcome, execute_job

#: How often the progress bar's list of running figures and their times is redrawn (s).
PROGRESS_EVERY_S = 2.0
#: How long a broken pool waits for this process's own Ctrl-C before it is reported (s).
BROKEN_GRACE_S = 1.0
#: In a worker: whether it is running a notebook (Ctrl-C then interrupts the notebook).
_BUSY = False


def _die_with_parent() -> None:
    """Worker initializer: on Linux, a worker gets SIGTERM when the run that started it dies,
    even by SIGKILL (its kernel then exits through ipykernel's parent poller)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _on_interrupt(signum, frame) -> None:
    """Ctrl-C in a worker: a busy one stops its notebook (KeyboardInterrupt, which its run
    hands back to the runner); an idle one, waiting for work, exits quietly. It had raised
    KeyboardInterrupt in the pool's queue and printed that traceback (2 of 3 trials)."""
    if _BUSY:
        raise KeyboardInterrupt
    raise SystemExit(130)


def _init_worker(env: dict[str, str]) -> None:
    """Worker initializer: set the worker's own environment for its kernels, follow the
    parent's death (:func:`_die_with_parent`) and take Ctrl-C without a traceback
    (:func:`_on_interrupt`)."""
    import signal

    os.environ.update(env)
    _die_with_parent()
    signal.signal(signal.SIGINT, _on_interrupt)


def _execute(job: Job) -> Outcome:
    """Run one notebook in this worker (:func:`iece.pipeline.execute.execute_job`)."""
    global _BUSY
    _BUSY = True
    try:
        return execute_job(job)
    finally:
        _BUSY = False


def run_jobs(todo: list[Job], jobs: int | None, env: dict[str, str], progress: bool):
    """Each :class:`Outcome` of ``todo`` as its notebook finishes, in at most ``jobs`` worker
    processes (all cores if None), while the bar names the figures in flight and how long
    each has run (``fig2bd 41 s, readings 12 s``)."""
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    pool = cf.ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(env,)
    )
    try:
        yield from _drive(pool, todo, workers, progress)
    except cf.process.BrokenProcessPool:
        # Ctrl-C reaches this process and its workers together: an idle worker's quiet exit
        # can break the pool before this process has raised its own KeyboardInterrupt (2 of 3
        # trials under load). Let that arrive first; a pool broken otherwise is raised after.
        time.sleep(BROKEN_GRACE_S)
        raise
    finally:
        pool.shutdown()


def _drive(pool, todo: list[Job], workers: int, progress: bool):
    """Submit ``todo`` to ``pool`` and yield each :class:`Outcome` as it finishes, with the
    progress bar."""
    futures = {pool.submit(_execute, j): j.figure.id for j in todo}
    bar = tqdm(total=len(todo), desc="notebooks", unit="nb", disable=not progress)
    started: dict = {}
    pending = set(futures)
    while pending:
        finished, pending = cf.wait(pending, PROGRESS_EVERY_S, return_when=cf.FIRST_COMPLETED)
        now = time.monotonic()
        for f in finished:
            yield f.result()
            bar.update()
        # the pool queues one call beyond its workers: the first `workers` are in flight
        running = [f for f in futures if f in pending and f.running()][:workers]
        for f in running:
            started.setdefault(f, now)
        bar.set_postfix_str(
            ", ".join(f"{futures[f]} {now - started[f]:.0f} s" for f in running),
            refresh=True,
        )
    bar.close()
