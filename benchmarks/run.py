"""Timings quoted in the issue notes. Run: python benchmarks/run.py [name ...]

Each benchmark prints the best of several repeats (seconds). Not part of the test suite.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BENCHES = {}


def bench(fn):
    BENCHES[fn.__name__] = fn
    return fn


def best(f, repeat=5):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


@bench
def ema_sweep():
    """2 structures x 61 compositions x 8 diameters; energies, overlaps, surface, Coulomb."""
    from iece import ema

    d = np.linspace(2.3, 4.0, 8)
    x = np.linspace(0.0, 0.6, 61)
    D, X = np.meshgrid(d, x, indexing="ij")

    def run():
        ema.solve(ema.alloy(D, X))
        ema.solve(ema.core_shell(D, X))

    out = {"exact_sweep_s": best(run)}
    t = time.perf_counter()
    for build in (ema.alloy, ema.core_shell):
        for di in d:
            for xi in x:
                s = build(di, xi)
                ema.solve_fd(s, carrier="e")
                ema.solve_fd(s, carrier="h")
    out["finite_volume_sweep_s"] = time.perf_counter() - t
    return out


@bench
def runner_overhead():
    """`iece run --force` beyond the notebooks' own execution, and a rerun with nothing changed."""
    from iece import runner

    src = ROOT / "tests" / "fixtures" / "project"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(src, root)
        (root / "notebooks" / "bad.ipynb").unlink()
        proj = runner.Project(root)
        runner.run(proj, progress=False)  # warm-up (font cache, kernel spec)
        t = time.perf_counter()
        out = runner.run(proj, force=True, progress=False)
        total = time.perf_counter() - t
        nb_exec = sum(o.runtime_s for o in out.values())
        t = time.perf_counter()
        runner.run(proj, progress=False)
        rerun = time.perf_counter() - t
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(src, root)
        (root / "notebooks" / "bad.ipynb").unlink()
        subprocess.run(
            [sys.executable, "-m", "iece", "--root", str(root), "run", "--quiet"],
            check=True,
            capture_output=True,
        )
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "iece", "--root", str(root), "run", "--quiet"],
            check=True,
            capture_output=True,
        )
        cli_rerun = time.perf_counter() - t
    return {
        "force_total_s": total,
        "notebook_execution_s": nb_exec,
        "overhead_per_notebook_s": (total - nb_exec) / len(out),
        "rerun_nothing_changed_s": rerun,
        "cli_rerun_nothing_changed_s": cli_rerun,
    }


if __name__ == "__main__":
    names = sys.argv[1:] or list(BENCHES)
    for name in names:
        result = BENCHES[name]()
        print(name, json.dumps({k: round(v, 4) for k, v in result.items()}))
