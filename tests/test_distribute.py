"""The chunked evaluator on Dask (iece.pipeline.distribute), the engine under issue 23's
sensitivity analyses.

Validated through the same chunking, task and aggregation path a sensitivity run takes: the
Sobol' indices of SALib's Ishigami and Sobol G functions equal those of the plain in-process
evaluation and are near the analytic ones; a one-input model matches its analytic variance and,
for a narrow range, its analytic derivative; an additive model its analytic variance shares.
The same numbers, bit for bit, in this process, on a 2-worker LocalCluster and through a
scheduler address (``dask scheduler`` and ``dask worker`` started here as subprocesses). A run
killed with SIGKILL resumes from its store and evaluates only the missing chunks.

The functions sent to workers live at module level: workers import them from ``tests``.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest
from dask.distributed import LocalCluster
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample
from SALib.test_functions import Ishigami, Sobol_G

from iece.pipeline import distribute
from iece.pipeline.distribute import engine, store

from . import distribute_models as m
from .conftest import ROOT

SEED = 20230
#: The Sobol' G coefficients of tests/test_sensitivity.py (x0 decisive, x4 inert).
G_A = np.array([0.0, 1.0, 4.5, 9.0, 99.0])
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def design(prob: dict, n_base: int) -> np.ndarray:
    return sobol_sample.sample(prob, n_base, calc_second_order=False, seed=SEED)


def indices(prob: dict, y) -> dict:
    si = sobol_analyze.analyze(prob, y, calc_second_order=False, num_resamples=100, seed=SEED)
    return {k: np.asarray(si[k]) for k in ("S1", "ST", "S1_conf", "ST_conf")}


ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}


# ------------------------------------------------------------------ clusters
@pytest.fixture(scope="module")
def local_client():
    """A 2-worker LocalCluster, started the way ``scheduler="local"`` starts one."""
    with engine.connect(distribute.LOCAL, 2, 99, 60.0) as client:
        yield client


def _scheduler_address(info: Path, proc: subprocess.Popen, timeout_s: float = 60) -> str:
    """The address the scheduler ``proc`` writes to ``info`` (waiting for a whole file)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            return json.loads(info.read_text())["address"]
        except (OSError, ValueError, KeyError):
            time.sleep(0.05)
    raise AssertionError(f"the scheduler did not start (see {info.parent})")


@pytest.fixture(scope="module")
def address(tmp_path_factory):
    """The address of a ``dask scheduler`` with one ``dask worker`` (subprocesses on
    localhost), stopped afterwards."""
    tmp = tmp_path_factory.mktemp("scheduler")
    dask_cli = [sys.executable, "-m", "dask"]
    info = tmp / "scheduler.json"
    logs = [open(tmp / f"{n}.log", "w") for n in ("scheduler", "worker")]  # noqa: SIM115
    # both at once: the worker waits for the scheduler's file
    commands = (
        ["scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address", ":0"],
        ["worker", "--nworkers", "1", "--nthreads", "1", "--no-nanny", "--dashboard-address", ":0"],
    )
    procs = [
        subprocess.Popen(
            [*dask_cli, *c, "--scheduler-file", str(info)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=ENV,
            cwd=ROOT,
        )
        for c, log in zip(commands, logs)
    ]
    try:
        yield _scheduler_address(info, procs[0])
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for f in logs:
            f.close()


# ------------------------------------------------------------------ validation: known indices
def test_ishigami_through_the_dask_path(local_client):
    from .test_sensitivity import ishigami_indices  # one definition of the analytic indices

    x = design(ISHIGAMI, 1024)
    y = distribute.evaluate(Ishigami.evaluate, x, chunk=500, scheduler=local_client, progress=0)
    plain = Ishigami.evaluate(x)
    np.testing.assert_array_equal(y, plain)
    si, ref = indices(ISHIGAMI, y), indices(ISHIGAMI, plain)
    for k in si:
        np.testing.assert_allclose(si[k], ref[k], rtol=0, atol=1e-12)
    s1, st = ishigami_indices()
    # the tolerances of tests/test_sensitivity.py: about twice the bootstrap half-widths
    np.testing.assert_allclose(si["S1"], s1, atol=0.03)
    np.testing.assert_allclose(si["ST"], st, atol=0.03)


def test_sobol_g_through_the_dask_path(local_client):
    prob = {"num_vars": 5, "names": [f"x{i}" for i in range(5)], "bounds": [[0, 1]] * 5}
    x = design(prob, 1024)
    f = functools.partial(Sobol_G.evaluate, a=G_A)
    y = distribute.evaluate(f, x, chunk=700, scheduler=local_client, progress=False)
    plain = Sobol_G.evaluate(x, G_A)
    np.testing.assert_array_equal(y, plain)
    si, ref = indices(prob, y), indices(prob, plain)
    for k in si:
        np.testing.assert_allclose(si[k], ref[k], rtol=0, atol=1e-12)
    np.testing.assert_allclose(si["S1"], Sobol_G.sensitivity_index(G_A), atol=0.04)
    np.testing.assert_allclose(si["ST"], Sobol_G.total_sensitivity_index(G_A), atol=0.04)


def test_one_input_matches_its_analytic_variance_and_derivative(local_client):
    """y = exp(x), x ~ U(x0 - h, x0 + h): Var y = (e^{2(x0+h)} - e^{2(x0-h)}) / (4h) - m^2 with
    m = (e^{x0+h} - e^{x0-h}) / (2h); the one input carries all of it (S1 = ST = 1); and for a
    narrow range Var y -> (dy/dx)^2 h^2 / 3 with dy/dx = e^{x0} (relative error ~ h^2 / 3)."""
    x0 = 0.3
    for h, tol in ((0.5, 2e-3), (0.01, 2e-3)):
        prob = {"num_vars": 1, "names": ["x"], "bounds": [[x0 - h, x0 + h]]}
        x = design(prob, 4096)
        y = distribute.evaluate(m.exp_first, x, chunk=2000, scheduler=local_client, progress=0)
        base = y[np.arange(len(y)) % 3 != 1]  # the rows A and B (2N independent points)
        mean = (np.exp(x0 + h) - np.exp(x0 - h)) / (2 * h)
        var = (np.exp(2 * (x0 + h)) - np.exp(2 * (x0 - h))) / (4 * h) - mean**2
        # 2e-3: the scrambled Sobol' points' error on a variance at 2N = 8192 (~1e-4) with room
        assert np.var(base) == pytest.approx(var, rel=tol)
        si = indices(prob, y)
        assert si["S1"][0] == pytest.approx(1, abs=0.02) and si["ST"][0] == pytest.approx(
            1, abs=0.02
        )
    slope = np.sqrt(3 * np.var(base)) / h
    assert slope == pytest.approx(np.exp(x0), rel=2e-3)


def test_additive_model_shares_variance_as_its_coefficients_squared(local_client):
    """y = sum c_i x_i, x_i ~ U(0, 1) independent: S1_i = ST_i = c_i^2 / sum c_j^2."""
    c = np.array([1.0, 2.0, 0.5, 0.0])
    prob = {"num_vars": 4, "names": list("abcd"), "bounds": [[0, 1]] * 4}
    x = design(prob, 1024)
    f = functools.partial(np.dot, b=c)
    y = distribute.evaluate(f, x, chunk=1000, scheduler=local_client, progress=False)
    si = indices(prob, y)
    np.testing.assert_allclose(si["S1"], c**2 / np.sum(c**2), atol=0.02)
    np.testing.assert_allclose(si["ST"], c**2 / np.sum(c**2), atol=0.02)


# ------------------------------------------------------------------ the same bits everywhere
def test_identical_on_one_process_a_local_cluster_and_a_scheduler_address(local_client, address):
    x = design(ISHIGAMI, 256)
    kw = {"chunk": 300, "progress": False}
    one = distribute.evaluate(m.ishigami_parts, x, scheduler="synchronous", **kw)
    local = distribute.evaluate(m.ishigami_parts, x, scheduler=local_client, **kw)
    remote = distribute.evaluate(m.ishigami_parts, x, scheduler=address, connect_timeout_s=60, **kw)
    assert one["terms"].shape == (len(x), 3) and one["y"].shape == (len(x),)
    for got in (local, remote):
        assert set(got) == {"y", "terms"}
        for k in one:
            assert got[k].tobytes() == one[k].tobytes(), k
    assert len(local_client.scheduler_info()["workers"]) == 2


def test_the_default_local_cluster_leaves_this_processs_environment_alone(monkeypatch):
    """``scheduler="local"`` (the default) starts and closes its own cluster; its workers run
    without distributed's MALLOC_TRIM_THRESHOLD_ (engine.NO_TRIM) and the variables a nanny
    writes into this process (OMP_NUM_THREADS=1, ...) are gone afterwards."""
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    before = dict(os.environ)
    y = distribute.evaluate(m.malloc_trim, np.ones((4, 1)), chunk=2, n_workers=1, progress=False)
    np.testing.assert_array_equal(y, -1.0)
    assert dict(os.environ) == before


def test_local_cluster_is_sized_to_the_machine():
    """One process per core (at most one per chunk), one thread each."""
    n = distribute.local_workers()
    assert n == len(os.sched_getaffinity(0))
    assert engine.local_options(None, 1000)["n_workers"] == n
    assert engine.local_options(None, 1)["n_workers"] == 1
    assert engine.local_options(3, 1000)["n_workers"] == 3
    opts = engine.local_options(None, 1000)
    assert opts["threads_per_worker"] == 1 and opts["processes"] is True


# ------------------------------------------------------------------ resume
@pytest.fixture
def calls(monkeypatch):
    """The models' module with its call record emptied for one test (and no planted crash)."""
    monkeypatch.setattr(m, "CALLS", [])
    monkeypatch.setattr(m, "FAIL_AFTER", None)
    return m


def test_a_crashed_run_resumes_with_only_the_missing_chunks(tmp_path, calls):
    x = design(ISHIGAMI, 64)  # 320 rows: 7 chunks of 50, the last one 20
    kw = {"chunk": 50, "store": tmp_path, "scheduler": None, "progress": False}
    calls.FAIL_AFTER = 3
    with pytest.raises(RuntimeError, match="planted crash"):
        distribute.evaluate(m.model, x, **kw)
    assert len(list(tmp_path.glob("*.npz"))) == 3
    assert distribute.missing(m.model, x, 50, tmp_path) == [
        (a, min(a + 50, 320)) for a in range(150, 320, 50)
    ]
    calls.FAIL_AFTER, calls.CALLS[:] = None, []
    y = distribute.evaluate(m.model, x, **kw)
    assert calls.CALLS == [50, 50, 50, 20]  # rows 150-320 only
    np.testing.assert_array_equal(y, Ishigami.evaluate(x))
    calls.CALLS[:] = []
    np.testing.assert_array_equal(distribute.evaluate(m.model, x, **kw), y)
    assert calls.CALLS == []  # everything stored: nothing evaluated, no cluster started


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
def test_a_killed_run_resumes_and_ends_with_the_same_numbers(tmp_path, calls):
    """A run in a subprocess is killed with SIGKILL after some chunks; the re-run here evaluates
    only the chunks it had not stored, and the numbers are those of an uninterrupted run."""
    x = design(ISHIGAMI, 64)
    np.save(tmp_path / "x.npy", x)
    chunks = tmp_path / "chunks"
    script = (
        "import sys, numpy as np; from tests import distribute_models as t; "
        "from iece.pipeline.distribute import evaluate; t.DELAY_S = 0.3; "
        "evaluate(t.model, np.load(sys.argv[1]), chunk=20, store=sys.argv[2], "
        "scheduler='synchronous', progress=False)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "x.npy"), str(chunks)], env=ENV, cwd=ROOT
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(chunks.glob("*.npz"))) < 3 and time.monotonic() < deadline:
            assert proc.poll() is None, "the run ended before it could be killed"
            time.sleep(0.02)
        assert proc.poll() is None, "the run ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    stored = len(list(chunks.glob("*.npz")))
    assert 3 <= stored < 16  # 320 rows in 16 chunks of 20
    y = distribute.evaluate(m.model, x, chunk=20, store=chunks, scheduler=None, progress=False)
    assert len(calls.CALLS) == 16 - stored
    np.testing.assert_array_equal(y, Ishigami.evaluate(x))


def test_a_stored_chunk_of_another_sample_or_key_is_never_reused(tmp_path, calls):
    x = design(ISHIGAMI, 16)  # 80 rows: 4 chunks of 20
    kw = {"chunk": 20, "store": tmp_path, "scheduler": None, "progress": False}
    distribute.evaluate(m.model, x, **kw)
    assert len(calls.CALLS) == 4
    # one value changed: every chunk's key changes (the key hashes the whole sample)
    x2 = x.copy()
    x2[-1, -1] += 1e-9
    calls.CALLS[:] = []
    np.testing.assert_array_equal(distribute.evaluate(m.model, x2, **kw), Ishigami.evaluate(x2))
    assert len(calls.CALLS) == 4
    # the same sample through another function: its own keys
    f = functools.partial(Sobol_G.evaluate, a=G_A[:3])
    assert len(distribute.missing(f, x, 20, tmp_path)) == 4
    # a file under a chunk's name that holds another key (or is damaged) is evaluated again
    plan = store.Plan(m.model, x, 20, tmp_path)
    first, second = (store.path(tmp_path, k) for k in plan.keys[:2])
    first.write_bytes(second.read_bytes())
    second.write_bytes(b"not a chunk")
    calls.CALLS[:] = []
    np.testing.assert_array_equal(distribute.evaluate(m.model, x, **kw), Ishigami.evaluate(x))
    assert calls.CALLS == [20, 20]


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "kw, match",
    [
        ({"chunk": 0}, "'chunk' must be an integer >= 1, got 0"),
        ({"chunk": 2.5}, "'chunk' must be an integer >= 1, got 2.5"),
        ({"x": np.ones(5)}, r"'x' must be a 2-D array \(rows, inputs\), got shape \(5,\)"),
        ({"x": np.ones((2, 2, 2))}, "'x' must be a 2-D array"),
        ({"x": np.ones((0, 3))}, "'x' has no rows"),
        ({"x": np.array([["a", "b"]])}, "'x' must be numeric"),
        ({"scheduler": 8786}, "'scheduler' must be 'local', 'synchronous', None, a scheduler"),
    ],
)
def test_bad_input_is_named_before_any_work(kw, match, calls):
    args = {"x": np.ones((4, 3)), "chunk": 2, "scheduler": None} | kw
    with pytest.raises(distribute.DistributeError, match=match):
        distribute.evaluate(m.model, **args)
    assert calls.CALLS == []


def test_store_must_be_a_folder(tmp_path, calls):
    (tmp_path / "f").write_text("x")
    with pytest.raises(distribute.DistributeError, match="'store' must be a folder, .* is a file"):
        distribute.evaluate(m.model, np.ones((4, 3)), chunk=2, store=tmp_path / "f")
    assert calls.CALLS == []


def test_an_unreachable_scheduler_is_named(calls):
    with pytest.raises(distribute.SchedulerUnreachable) as err:
        distribute.evaluate(
            m.model, np.ones((4, 3)), chunk=2, scheduler="tcp://127.0.0.1:9", connect_timeout_s=0.5
        )
    assert str(err.value).startswith(
        "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9' within 0.5 s"
    )
    assert err.value.__cause__ is None and calls.CALLS == []


def test_a_scheduler_without_workers_is_named(calls):
    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as cluster:
        addr = cluster.scheduler_address
        with pytest.raises(distribute.SchedulerUnreachable, match="has no worker after 0.5 s"):
            distribute.evaluate(
                m.model, np.ones((4, 3)), chunk=2, scheduler=addr, connect_timeout_s=0.5
            )
    assert calls.CALLS == []


def test_an_output_without_one_row_per_sample_row_is_named():
    with pytest.raises(
        ValueError,
        match=r"short_rows on rows \[2, 3\): expected 1 rows \(one per sample row\), "
        r"got shape \(0,\)",
    ):
        distribute.evaluate(
            m.short_rows, np.arange(3.0)[:, None], chunk=2, scheduler=None, progress=False
        )


def test_a_failing_chunk_on_a_cluster_raises_its_error_and_is_not_stored(local_client, tmp_path):
    """The worker's error reaches the caller, naming the function and the rows; a failed chunk
    is never stored (the first chunk may or may not have finished before the error)."""
    x = np.arange(6.0)[:, None]
    with pytest.raises(ValueError, match=r"short_rows on rows \[(2, 4|4, 6)\): expected 2 rows"):
        distribute.evaluate(
            m.short_rows, x, chunk=2, store=tmp_path, scheduler=local_client, progress=False
        )
    assert {(2, 4), (4, 6)} <= set(distribute.missing(m.short_rows, x, 2, tmp_path))


def test_the_progress_bar_counts_evaluations_and_can_be_turned_off(tmp_path, capsys):
    x = np.ones((30, 1))
    distribute.evaluate(m.exp_first, x, chunk=10, scheduler=None, store=tmp_path)
    assert "30/30" in capsys.readouterr().err
    distribute.evaluate(m.exp_first, x, chunk=10, scheduler=None, store=tmp_path, progress=False)
    assert capsys.readouterr().err == ""


def test_code_token_follows_the_source(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "model.py").write_text("A = 1\n")
    mod = types.ModuleType("pkg")
    mod.__path__ = [str(pkg)]
    one = types.ModuleType("model")
    one.__file__ = str(pkg / "sub" / "model.py")
    first = distribute.code_token(mod)
    assert distribute.code_token(mod) == first != distribute.code_token(one)
    (pkg / "sub" / "model.py").write_text("A = 2\n")
    assert distribute.code_token(mod) != first
    x = np.ones((4, 1))
    assert distribute.missing(m.exp_first, x, 2, tmp_path / "s", token=first) == [(0, 2), (2, 4)]
