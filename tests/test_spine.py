"""The runner, parameters, kernel, cache, atomic outputs and the self-contained report,
exercised on the fixture project in ``tests/fixtures/project``."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from iece import cli
from iece.pipeline import runner
from iece.pipeline.figure import ParameterError
from iece.report import build

FIXTURE = Path(__file__).parent / "fixtures" / "project"
EXTERNAL = re.compile(
    r"<script[^>]+src=[\"']?(https?:)?//|<link[^>]+href=[\"']?(https?:)?//|@import\s+url\(\s*[\"']?https?:",
    re.I,
)


@pytest.fixture(scope="module")
def fx(tmp_path_factory):
    """A copy of the fixture project, run once (one notebook passes, one fails)."""
    root = tmp_path_factory.mktemp("fx") / "project"
    shutil.copytree(FIXTURE, root)
    proj = runner.Project(root)
    outcomes = build(proj, jobs=2, progress=False)
    return proj, outcomes


def test_failing_notebook_does_not_stop_others(fx):
    proj, outcomes = fx
    assert outcomes["ok"].status == "ok"
    assert outcomes["bad"].status == "failed"
    results = json.loads(proj.results_file.read_text())
    assert results["figures"]["ok"]["results"]["scaled"]["value"] == 6.0
    assert results["figures"]["bad"]["status"] == "failed"
    page = (proj.report / "bad.html").read_text()
    assert "deliberate failure in fixture" in page and "failed" in page
    assert (proj.report / "ok.html").is_file() and (proj.report / "index.html").is_file()


def test_cli_exit_code_nonzero_on_failure(fx, capsys):
    """One line per failed notebook: what its cell raised and where the traceback is (the
    whole papermill traceback had been printed)."""
    proj, _ = fx
    assert cli.main(["--root", str(proj.root), "run", "bad", "--quiet"]) == 1
    (line,) = [x for x in capsys.readouterr().out.splitlines() if x.startswith("bad ")]
    assert "deliberate failure in fixture" in line and "(cell [" in line
    assert line.endswith("the traceback is on report/bad.html")
    assert "Traceback" not in line and "---" not in line


def test_kernel_runs_the_runner_python(fx):
    proj, _ = fx
    results = json.loads(proj.results_file.read_text())
    kernel_python = results["figures"]["ok"]["results"]["python"]["value"]
    assert os.path.realpath(kernel_python) == os.path.realpath(sys.executable)
    spec = json.loads(
        (proj.build / "jupyter" / "kernels" / runner.kernel_name() / "kernel.json").read_text()
    )
    assert spec["argv"][0] == sys.executable


def test_kernel_found_even_with_hostile_jupyter_path(fx, monkeypatch, tmp_path):
    """A stale kernelspec of the same name elsewhere on JUPYTER_PATH must not win."""
    proj, _ = fx
    stale = tmp_path / "kernels" / runner.kernel_name()
    stale.mkdir(parents=True)
    (stale / "kernel.json").write_text(
        json.dumps(
            {
                "argv": ["/no/such/python", "-f", "{connection_file}"],
                "language": "python",
                "display_name": "stale",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    out = runner.run(proj, ["ok"], force=True, progress=False)
    assert out["ok"].status == "ok"


def test_report_is_self_contained(fx):
    proj, _ = fx
    pages = list(proj.report.glob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        text = page.read_text()
        assert not EXTERNAL.search(text), f"{page.name} loads something from the network"
        assert "mathjax" not in text.lower().replace("no mathjax", "")
    ok = (proj.report / "ok.html").read_text()
    assert "<math" in ok  # LaTeX became MathML
    assert "data:image/png;base64" in ok  # images embedded
    assert "<details" in ok  # code folded


def test_unknown_parameter_fails_before_running(fx, capsys):
    proj, _ = fx
    before = {p: p.stat().st_mtime_ns for p in proj.build.rglob("*") if p.is_file()}
    rc = cli.main(["--root", str(proj.root), "run", "-p", "no_such_param", "1"])
    assert rc == 2
    assert "no_such_param" in capsys.readouterr().err
    after = {p: p.stat().st_mtime_ns for p in proj.build.rglob("*") if p.is_file()}
    assert before == after  # nothing executed or written


@pytest.mark.parametrize(
    "name,value,needle",
    [
        ("scale", "abc", "scale"),
        ("scale", "11", "[0, 10]"),
        ("count", "2.5", "count"),
        ("mode", "c", "a, b"),
        ("data_path", "/no/such/file.csv", "does not exist"),
    ],
)
def test_bad_parameter_values_are_named(fx, name, value, needle):
    proj, _ = fx
    with pytest.raises(ParameterError, match=re.escape(needle)):
        runner.plan(proj, ["ok"], {name: value})


def test_unknown_figure(fx):
    proj, _ = fx
    with pytest.raises(ParameterError, match="nope"):
        runner.plan(proj, ["nope"], {})


def test_cache_hit_then_miss_when_package_changes(fx, monkeypatch, tmp_path):
    """On a copy of the module's project: the run under the edited package leaves the module's
    build current for the tests after this one (it had cost them a re-run)."""
    root = tmp_path / "project"
    shutil.copytree(fx[0].root, root, symlinks=True)
    proj = runner.Project(root)
    assert runner.run(proj, ["ok"], progress=False)["ok"].status in ("ok", "cached")
    assert runner.run(proj, ["ok"], progress=False)["ok"].status == "cached"
    pkg = tmp_path / "iece"
    shutil.copytree(runner.PACKAGE_DIR, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(runner, "PACKAGE_DIR", pkg)
    # same content at another place: same hash
    assert runner.run(proj, ["ok"], progress=False)["ok"].status == "cached"
    style = pkg / "report" / "style.py"
    style.write_text(style.read_text() + "\n# changed\n")
    assert runner.run(proj, ["ok"], progress=False)["ok"].status == "ok"


def test_user_run_is_kept_apart(fx, capsys):
    """A run with other than the paper's parameters writes under build/runs and report/runs;
    the paper's results, the claims and the dashboard stay as they were."""
    proj, _ = fx
    build(proj, ["ok"], progress=False)
    paper_before = proj.results_file.read_bytes()
    out = build(proj, ["ok"], {"scale": "3"}, progress=False)
    assert out["ok"].status == "ok"
    assert proj.results_file.read_bytes() == paper_before  # the paper's run is untouched
    (run_dir,) = (proj.build / "runs").iterdir()
    assert run_dir.name.startswith("ok-")
    results = json.loads((run_dir / "results.json").read_text())
    assert results["schema_version"] == 3
    entry = results["figures"]["ok"]
    assert entry["parameters"]["scale"] == 3.0 and entry["paper_defaults"] is False
    assert entry["results"]["scaled"]["value"] == 9.0
    assert (proj.report / "runs" / f"{run_dir.name}.html").is_file()
    index = (proj.report / "index.html").read_text()
    assert 'id="user-runs"' in index and "scale=3.0" in index
    assert cli.main(["--root", str(proj.root), "claims"]) == 0
    capsys.readouterr()


def test_fast_flag_reaches_notebook(fx):
    proj, _ = fx
    before = set((proj.build / "runs").glob("ok-*/results.json"))
    runner.run(proj, ["ok"], fast=True, progress=False)
    # --fast never replaces a paper run: its results are a user run's (the new one)
    (found,) = set((proj.build / "runs").glob("ok-*/results.json")) - before
    results = json.loads(found.read_text())
    assert results["figures"]["ok"]["results"]["fast"]["value"] is True


def test_failed_rerun_keeps_previous_good_outputs(fx):
    proj, _ = fx
    assert runner.run(proj, ["ok"], progress=False)["ok"].status in ("ok", "cached")
    good = (proj.build / "executed" / "ok.ipynb").read_bytes()
    assert runner.run(proj, ["ok"], {"mode": "b"}, progress=False)["ok"].status == "failed"
    assert (proj.build / "executed" / "ok.ipynb").read_bytes() == good
    assert not list(proj.build.rglob(".*.tmp"))


def test_figures_are_byte_identical_across_runs(fx):
    """The figures an earlier kernel wrote (the module's run, or a later forced one) against
    those of a forced run now: two runs, two kernels."""
    proj, _ = fx
    assert runner.run(proj, ["ok"], progress=False)["ok"].status in ("ok", "cached")
    first = {p.name: p.read_bytes() for p in proj.figures.iterdir()}
    runner.run(proj, ["ok"], force=True, progress=False)
    second = {p.name: p.read_bytes() for p in proj.figures.iterdir()}
    assert first == second and {"fixture_ok.svg", "fixture_ok.png"} <= set(first)


def test_list_shows_parameters_with_help(fx, capsys):
    proj, _ = fx
    assert cli.main(["--root", str(proj.root), "list"]) == 0
    out = capsys.readouterr().out
    assert "scale" in out and "float" in out and "a factor" in out


def test_claims_command_exit_status(fx, capsys):
    proj, _ = fx
    runner.run(proj, ["ok"], progress=False)
    assert cli.main(["--root", str(proj.root), "claims"]) == 0
    # a ledger that expects another verdict makes the command fail
    text = proj.claims_file.read_text()
    proj.claims_file.write_text(text.replace('"reproduced"', '"not reproduced"'))
    try:
        assert cli.main(["--root", str(proj.root), "claims"]) == 1
        assert cli.main(["--root", str(proj.root), "claims", "--format", "markdown"]) == 1
        assert "| fixture-scaled |" in capsys.readouterr().out
    finally:
        proj.claims_file.write_text(text)


def test_run_stamp_shows_versions_that_differ_from_the_lock(fx):
    from iece.report.render import lock_differences

    proj, _ = fx
    lock = proj.root / "constraints.txt"
    lock.write_text("# pinned\nnumpy==0.0.1\n")
    try:
        assert lock_differences(proj, {"numpy": "2.0", "scipy": "1.0"}) == [
            "numpy 2.0 (lock 0.0.1)"
        ]
    finally:
        lock.unlink()


def test_a_run_leaves_the_callers_environment_as_it_was(fx, monkeypatch):
    """With one job the notebooks run in this process, which sets IECE_*, MPLBACKEND and
    JUPYTER_PATH for the kernel; afterwards the caller's environment is as it was."""
    import os

    monkeypatch.setenv("MPLBACKEND", "agg")
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    before = dict(os.environ)
    proj, _ = fx
    assert runner.run(proj, ["ok"], force=True, jobs=1, progress=False)["ok"].status == "ok"
    assert dict(os.environ) == before
