"""Evaluations per second of the chunked Dask evaluator (iece.pipeline.distribute, issue 23) on
one process, and on a LocalCluster of 1 and 2 worker processes. Run:
python benchmarks/distribute.py [ishigami] [ema]

- ishigami: SALib's Ishigami function (microseconds per row: the engine's overhead shows),
  2^20 rows in 16 chunks;
- ema: the sensitivity page's EMA claim numbers (iece.paper.sensitivity.evaluate, tens of
  milliseconds per row: the model's cost shows) on its Saltelli design at N = 16 (192 rows) in
  chunks of 16, and the full N = 4096 run's time extrapolated from the 2-worker rate.

Rates are steady state: each cluster is started and warmed (every worker has imported the
function) before the clock runs; the start is reported apart (``start_s``). Not part of the test
suite. Each run's numbers are kept in $XDG_CACHE_HOME/iece/benchmarks/distribute.json (default
~/.cache) and the previous run's are printed beside them: this machine's numbers, not the
project's.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from iece.pipeline import distribute
from iece.pipeline.distribute import engine

LAST = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "iece"
LAST = LAST / "benchmarks" / "distribute.json"


def rates(f, x: np.ndarray, chunk: int, warm: np.ndarray, repeat: int) -> dict:
    """Rows per second of ``f`` on ``x`` in this process and on 1 and 2 workers (the best of
    ``repeat``), each result checked bitwise against this process's."""
    ref = distribute.evaluate(f, x, chunk=chunk, scheduler=None, progress=False)
    out = {}

    def best(scheduler) -> float:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            got = distribute.evaluate(f, x, chunk=chunk, scheduler=scheduler, progress=False)
            times.append(time.perf_counter() - t)
            for k in ref if isinstance(ref, dict) else [None]:
                a, b = (got[k], ref[k]) if k else (got, ref)
                assert a.tobytes() == b.tobytes(), f"{scheduler}: {k} differs"
        return len(x) / min(times)

    out["evals_per_s_1_process"] = best(None)
    for n in (1, 2):
        t = time.perf_counter()
        with engine.connect(distribute.LOCAL, n, n, 60.0) as client:
            # the workers import f before the clock runs
            distribute.evaluate(f, warm, chunk=1, scheduler=client, progress=False)
            out[f"start_{n}_workers_s"] = time.perf_counter() - t
            out[f"evals_per_s_{n}_workers"] = best(client)
    return out


def ishigami() -> dict:
    from SALib.test_functions import Ishigami

    x = np.random.default_rng(0).uniform(-np.pi, np.pi, (2**20, 3))
    return rates(Ishigami.evaluate, x, 2**16, x[:4], repeat=3)


def ema() -> dict:
    from iece.paper import sensitivity  # the benchmark's model only; the engine imports no paper

    x = sensitivity.design(sensitivity.problem(), 16)
    out = rates(sensitivity.evaluate, x, 16, x[:4], repeat=1)
    n_full = 4096 * (len(sensitivity.TABLE_INPUTS) + 2)
    out["full_n4096_rows"] = n_full
    out["full_n4096_estimated_2_workers_s"] = n_full / out["evals_per_s_2_workers"]
    return out


BENCHES = {"ishigami": ishigami, "ema": ema}

if __name__ == "__main__":
    names = [a for a in sys.argv[1:] if a in BENCHES] or list(BENCHES)
    previous = json.loads(LAST.read_text()) if LAST.is_file() else {}
    now = dict(previous)
    print(f"cores: {distribute.local_workers()}, load average: {os.getloadavg()[0]:.2f}")
    for name in names:
        result = {k: round(v, 4) for k, v in BENCHES[name]().items()}
        now[name] = result
        print(name, json.dumps(result))
        if name in previous:
            print(f"  previous {previous[name].get('when', '')}:", json.dumps(previous[name]))
        result["when"] = time.strftime("%Y-%m-%d %H:%M")
    LAST.parent.mkdir(parents=True, exist_ok=True)
    LAST.write_text(json.dumps(now, indent=1) + "\n")
