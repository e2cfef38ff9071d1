"""Timings quoted in the issue notes. Run: python benchmarks/run.py [name ...]

Each benchmark prints the best of several repeats (seconds). Not part of the test suite.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
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
    from iece.physics import ema
    from iece.physics.ema import reference_fd

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
                reference_fd.solve_fd(s, carrier="e")
                reference_fd.solve_fd(s, carrier="h")
    out["finite_volume_sweep_s"] = time.perf_counter() - t
    return out


@bench
def readings_search():
    """The reading search (issues 13 and 19): the full grid and the fast grid, with the time per
    one-carrier NC solve, and the Kane counterfactual over the readings the text allows (the
    readings page runs one parabolic and two Kane scans)."""
    from iece.paper import ema_numbers, readings
    from iece.physics import ema

    out = {}
    for fast in (False, True):
        t = time.perf_counter()
        table = readings.scan(fast=fast)
        dt = time.perf_counter() - t
        levels = readings.FAST_LEVELS_EV if fast else readings.LEVELS_EV
        n_media = len(readings._media(levels))
        n_nc = ema_numbers.batch("volume", readings.X_GRID).structure.shape[0]
        solves = 2 * n_media * n_nc * len(ema.GEOMETRIES) * len(ema.INTERFACES)
        key = "fast" if fast else "full"
        out[f"{key}_readings"] = len(table["level_e_eV"])
        out[f"{key}_s"] = dt
        out[f"{key}_carrier_solves"] = solves
        out[f"{key}_ms_per_carrier_solve"] = 1e3 * dt / solves
        t = time.perf_counter()
        for model in ema.KANE_MODELS:
            readings.scan(fast=fast, kane=model)
        out[f"{key}_kane_scans_s"] = time.perf_counter() - t
    return out


@bench
def runner_overhead():
    """`iece run --force` beyond the notebooks' own execution, and a rerun with nothing changed."""
    if str(ROOT) not in sys.path:  # the fixture's parameter module is tests.fixtures.project
        sys.path.insert(0, str(ROOT))
    from iece.pipeline import runner
    from iece.report import build

    src = ROOT / "tests" / "fixtures" / "project"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(src, root)
        (root / "notebooks" / "bad.ipynb").unlink()
        proj = runner.Project(root)
        build(proj, progress=False)  # warm-up (font cache, kernel spec)
        t = time.perf_counter()
        out = build(proj, force=True, progress=False)
        total = time.perf_counter() - t
        nb_exec = sum(o.runtime_s for o in out.values())
        t = time.perf_counter()
        build(proj, progress=False)
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
            cwd=ROOT,  # the fixture's parameter module is tests.fixtures.project
        )
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "iece", "--root", str(root), "run", "--quiet"],
            check=True,
            capture_output=True,
            cwd=ROOT,  # the fixture's parameter module is tests.fixtures.project
        )
        cli_rerun = time.perf_counter() - t
    return {
        "force_total_s": total,
        "notebook_execution_s": nb_exec,
        "overhead_per_notebook_s": (total - nb_exec) / len(out),
        "rerun_nothing_changed_s": rerun,
        "cli_rerun_nothing_changed_s": cli_rerun,
    }


@bench
def project_run():
    """Issue 14's targets: a cold `iece run --force` of every figure (into a temporary build),
    a cached rerun through the CLI, and the test command (`pytest -q`)."""
    import subprocess

    from iece.pipeline import runner
    from iece.report import build

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        proj = runner.Project(ROOT, build=out / "b", figures=out / "f", report=out / "r")
        t = time.perf_counter()
        build(proj, force=True, progress=False)
        cold = time.perf_counter() - t
        args = ["--build-dir", str(out / "b"), "run", "--quiet"]
        cmd = [sys.executable, "-m", "iece", *args]
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)  # figures/ and report/
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        cached = time.perf_counter() - t
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q"], check=True, capture_output=True, cwd=ROOT
    )
    tests = time.perf_counter() - t
    return {"cold_run_force_s": cold, "cached_cli_rerun_s": cached, "tests_s": tests}


#: The commit before issue 21's runner work (runner.py in one file, every package and data/
#: file keying every notebook): the numbers ``engine_grain`` compares against in the same run.
BASELINE = "aedd13e"


def _clone(rev: str, where: Path) -> Path:
    """A checkout of ``rev`` from this repository in ``where`` (the working tree here is
    never touched)."""
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(ROOT), str(where)], check=True)
    subprocess.run(["git", "-C", str(where), "checkout", "-q", rev], check=True)
    return where


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _timed_runs(tree: Path, jobs: int = 2) -> dict[str, float]:
    """`iece run` of checkout ``tree`` (its own src/ first on the path) into a temporary
    build folder: cold --force, a warm no-op, then after a ledger edit, a template edit and a
    figure-module edit (paper/fig5fg.py), each timed (s), with the notebooks each re-ran."""
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), MPLBACKEND="agg")
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = ["--root", str(tree), "--build-dir", str(Path(tmp) / "b")]
        cmd = [sys.executable, "-m", "iece", *base, "run", "--jobs", str(jobs)]

        def timed(key: str, *more: str) -> None:
            t = time.perf_counter()
            done = subprocess.run([*cmd, *more], env=env, cwd=tree, capture_output=True, text=True)
            out[key + "_s"] = time.perf_counter() - t
            out[key + "_reran"] = sum(
                1 for x in done.stdout.splitlines() if x.split()[1:2] == ["ok"]
            )

        timed("cold_force", "--force")
        timed("warm_noop")
        _append(tree / "data" / "claims.toml", "\n# a ledger edit\n")
        timed("after_ledger_edit")
        template = tree / "src" / "iece" / "report" / "templates" / "nbconvert" / "iece"
        _append(template / "index.html.j2", "\n{# a template edit #}\n")
        timed("after_template_edit")
        _append(tree / "src" / "iece" / "paper" / "fig5fg.py", "\n# a module edit\n")
        timed("after_fig5fg_edit")
    return out


@bench
def engine_grain():
    """Issue 21 item 7: the runs of ``_timed_runs`` for the BASELINE commit and for HEAD, in
    this run, on clones (``python benchmarks/run.py engine_grain [--tests]``). With --tests,
    also the README's test command (``pytest -q``) in each clone."""
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, rev in (("before", BASELINE), ("head", "HEAD")):
            tree = _clone(rev, Path(tmp) / label)
            for key, value in _timed_runs(tree).items():
                result[f"{label}_{key}"] = value
            if "--tests" in sys.argv:
                env = dict(os.environ, PYTHONPATH=str(tree / "src"))
                t = time.perf_counter()
                subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=tree, env=env)
                result[f"{label}_tests_s"] = time.perf_counter() - t
    return result


@bench
def kinetics():
    """A fit of D to 50 points, and the full Fig. 1c computation (IE-CE course, CE calibration)."""
    from iece.physics import diffusion as K
    from iece.physics import diffusion_fit, exchange

    t = np.linspace(60, 6 * 3600, 50)
    x = np.clip(
        K.fraction_constant_surface(t, 1e-22, 1.65) + np.random.default_rng(0).normal(0, 0.01, 50),
        0,
        1,
    )
    fit_s = best(lambda: diffusion_fit.fit(t, x, 1.65, sigma=0.01))
    grid = np.unique(np.r_[0.0, np.logspace(0, np.log10(48 * 3600), 60), 3600.0, 14400.0])

    def figure():
        exchange.energy_course(grid, 1.65, 1e-22)
        d_ce = exchange.calibrate_two_regime(1.50, 3600.0, 1.65)
        exchange.energy_course(grid, 1.65, d_ce, model="two_regime")

    return {"fit_50_points_s": fit_s, "fig1c_core_computation_s": best(figure, repeat=2)}


@bench
def sensitivity():
    """Issue 23: rows per second of each sensitivity model (iece.paper.sensitivity.models) in
    one process and on a LocalCluster of 1 and 2 workers (benchmarks/distribute.py's rates,
    each result checked bitwise against one process's), the full N = 4096 run's time
    estimated from the 2-worker rate, and, in the same run, the chain's joint D solved for 32
    samples in one batch against the previous grain: one NC at a time (one solve per grid
    point and per root step)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from distribute import rates

    from iece.paper import fig1c, quoted
    from iece.paper import sensitivity as S

    out = {}
    for m in S.models():
        n = 8 if m.name != "exchange" else 4096
        x = S.design(S.problem(m.inputs), n)[: 64 if m.name != "exchange" else None]
        f = functools.partial(m.evaluate, inputs=m.inputs)
        r = rates(f, x, S.CHUNK if m.name != "exchange" else 2**14, x[:2], repeat=1)
        rows = 4096 * (len(m.inputs) + 2)
        out |= {f"{m.name}_{k}": v for k, v in r.items()}
        out[f"{m.name}_full_n4096_rows"] = rows
        out[f"{m.name}_full_n4096_estimated_2_workers_s"] = rows / r["evals_per_s_2_workers"]
    chain = next(m for m in S.models() if m.name == "chain")
    x = S.design(S.problem(chain.inputs), 8)[:32]
    tables = S.tables(x, chain.inputs)
    d = x[:, [i.name for i in chain.inputs].index("FIG1C.diameter_nm")]
    D0 = quoted.D_IECE_M2_PER_S.value
    out["chain_32_batched_s"] = best(
        lambda: fig1c.joint_D_batch("reference", d, D0, table=tables), repeat=2
    )
    out["chain_32_one_at_a_time_s"] = best(
        lambda: [
            fig1c.joint_D_batch("reference", d[k], D0, table=tables.take([k])) for k in range(32)
        ],
        repeat=1,
    )
    return out


@bench
def spectra():
    """One Eq. 1 fit of a 4-transition, 1000-point spectrum (guesses given)."""
    from iece.physics import spectra as S

    E = np.linspace(1.8, 3.4, 1000)
    A = S.spectrum(E, [1.0, 0.6, 2.0, 3.0], [2.05, 2.25, 2.6, 3.0], 0.06, 1.74)
    A = A + np.random.default_rng(0).normal(0, 0.005 * A.max(), E.size)
    return {
        "fit_4_transitions_s": best(lambda: S.fit(E, A, 1.74, n_transitions=4, sigma=0.005)),
        "fit_auto_n_s": best(lambda: S.fit(E, A, 1.74, sigma=0.005), repeat=3),
    }


@bench
def lifetimes():
    """One bi-exponential reconvolution fit of a 4096-channel histogram; bootstrap cost."""
    from iece.physics import lifetimes as L

    inst = L.Instrument()
    data = L.simulate(inst, [18.8, 67.8], [0.559, 0.441], total_counts=1e6, seed=1)
    fit = L.fit_decay(data, inst)
    t = time.perf_counter()
    L.bootstrap(fit, n_boot=20, seed=0)
    boot = (time.perf_counter() - t) / 20
    return {
        "fit_4096_channels_s": best(lambda: L.fit_decay(data, inst)),
        "bootstrap_per_resample_s": boot,
    }


@bench
def worst_allowed():
    """Issues 15 and 24: the allowed parameter values and combinations of the expensive ones, as
    `compute` calls (no kernel), CPU seconds (target: each within 120 s on 2 cores). Before
    issue 24: fig2j rep_rate_MHz 100 + n_boot 1000 + total_counts 1e9 + irf_fwhm_ns 10 > 300 s,
    rep_rate_MHz 100 alone 110 CPU-s; fig2bd dR 0.2 120 CPU-s."""
    from iece.paper import fig1c, fig2bd, fig2j

    worst_j = dict(n_boot=500, total_counts=10**9, irf_fwhm_ns=10.0)
    cases = {
        "fig2bd_fast_dR_0.2_s": lambda: fig2bd.compute(fast=True, dR=0.2),
        "fig2bd_fast_noise_0.1_s": lambda: fig2bd.compute(fast=True, noise=0.1),
        "fig2bd_dR_0.2_s": lambda: fig2bd.compute(dR=0.2),
        "fig2bd_dR_0.2_noise_0.1_s": lambda: fig2bd.compute(dR=0.2, noise=0.1),
        "fig2j_fast_rep_0.01_MHz_s": lambda: fig2j.compute(fast=True, rep_rate_MHz=0.01),
        "fig2j_rep_100_MHz_s": lambda: fig2j.compute(rep_rate_MHz=100),
        "fig2j_rep_100_MHz_worst_s": lambda: fig2j.compute(rep_rate_MHz=100, **worst_j),
        # just below the pile-up threshold (2 x 67.8 ns period): the last rate with a bootstrap
        "fig2j_rep_7.3_MHz_n_boot_500_s": lambda: fig2j.compute(rep_rate_MHz=7.3, n_boot=500),
        "fig2j_rep_7.3_MHz_worst_s": lambda: fig2j.compute(rep_rate_MHz=7.3, **worst_j),
        "fig2j_rep_0.01_MHz_worst_s": lambda: fig2j.compute(rep_rate_MHz=0.01, **worst_j),
        "fig2j_n_boot_500_s": lambda: fig2j.compute(n_boot=500),
        "fig1c_D_1e-30_s": lambda: fig1c.compute(D_m2_per_s=1e-30),
    }

    def cpu(f):
        t = time.process_time()
        f()
        return time.process_time() - t

    names = [a for a in sys.argv[2:] if a in cases] or list(cases)
    return {k: cpu(cases[k]) for k in names}


if __name__ == "__main__":
    names = [a for a in sys.argv[1:] if a in BENCHES] or list(BENCHES)
    for name in names:
        result = BENCHES[name]()
        print(name, json.dumps({k: round(v, 4) for k, v in result.items()}))
