"""The dashboard and `iece claims` show only current paper results (issue 24, item 3).

A failed run keeps the last good results, marked as from an older run with its date; a
``--fast`` run never replaces the paper's run; results stale against the checkout's code, data
or versions are named and make `iece claims` fail; an entry edited after its run is found by
its checksum and rebuilt; a run into another build folder leaves the project's report alone.
The runs use the fixture project (``tests/fixtures/project``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from iece import cli
from iece.pipeline import cache, execute, runner
from iece.pipeline.results import Results, ResultsError
from iece.report import build
from iece.report.render import render_index

from .test_cache_grain import built_fixture, reads_a_data_file
from .test_cache_grain import frozen_package as _frozen
from .test_spine import FIXTURE


@pytest.fixture(autouse=True)
def frozen_package(tmp_path, monkeypatch):
    """Hash a copy of the package, so edits made meanwhile in the checkout (or by a test)
    change only what the test means to change."""
    pkg = _frozen(tmp_path)
    monkeypatch.setattr(cache, "PACKAGE_DIR", pkg)
    return pkg


@pytest.fixture(scope="module")
def _built(tmp_path_factory):
    """The fixture project run once for the module (a kernel start each time had made this
    file the suite's slowest): each test gets a copy of the built tree."""
    return built_fixture(tmp_path_factory.mktemp("protect-results"))


@pytest.fixture
def proj(tmp_path, _built):
    root = tmp_path / "project"
    shutil.copytree(_built, root, symlinks=True)
    project = runner.Project(root)
    assert runner.run(project, progress=False)["ok"].status == "cached"  # the copy is current
    return project


def _claims(proj, capsys, *more) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["--root", str(proj.root), *more, "claims", "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def _entry(proj):
    return Results.load(proj.results_file).figures["ok"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_timed_out_paper_run_keeps_the_last_good_results(proj, monkeypatch, capsys):
    """After `iece run --force --timeout 1 fig2eg` its 10 claims had read "missing" and
    `iece claims` had exited 1."""
    date = json.loads((proj.build / "cache" / "ok.json").read_text()).get("date")
    timeout = "a cell ran longer than 1 s (iece run --timeout)"
    real = execute._papermill
    monkeypatch.setattr(execute, "_papermill", lambda job, out: ("failed", timeout))
    assert build(proj, force=True, jobs=1, progress=False)["ok"].status == "failed"
    entry = _entry(proj)
    assert entry.status == "ok" and entry.results["scaled"].value == 6.0
    assert entry.older_run == date and timeout in entry.latest_error
    code, body, err = _claims(proj, capsys)
    assert code == 0 and body["claims"][0]["verdict"] == "reproduced"  # still current
    assert any(f"results from an older run ({date})" in t for t in body["notes"]["ok"])
    index = (proj.report / "index.html").read_text()
    assert f"results from an older run, {date}" in index and "ran longer than 1 s" in index
    assert cli.main(["--root", str(proj.root), "run", "--force", "--quiet", "--jobs", "1"]) == 1
    assert f"ok       keeps its last good results, from {date}" in capsys.readouterr().out
    monkeypatch.setattr(execute, "_papermill", real)
    assert build(proj, force=True, progress=False)["ok"].status == "ok"
    assert not _entry(proj).older_run and not _entry(proj).latest_error


def test_a_failed_run_after_an_edit_keeps_the_old_results_and_their_page(proj, capsys):
    page = (proj.report / "ok.html").read_bytes()
    nb = proj.notebooks / "ok.ipynb"
    good = nb.read_text()
    nb.write_text(good.replace('if mode == \\"b\\"', 'if mode == \\"a\\"'))
    assert nb.read_text() != good
    out = build(proj, progress=False)["ok"]
    assert out.status == "failed" and out.error.endswith("report/ok.failed.html")
    assert (proj.report / "ok.html").read_bytes() == page  # the good page stays
    assert "mode b fails on purpose" in (proj.report / "ok.failed.html").read_text()
    entry = _entry(proj)
    assert entry.results["scaled"].value == 6.0 and "mode b fails" in entry.latest_error
    code, body, err = _claims(proj, capsys)
    assert code == 1 and "ok" in err and "its notebook changed" in " ".join(body["notes"]["ok"])
    nb.write_text(good)
    assert build(proj, progress=False)["ok"].status in ("cached", "ok")
    assert _claims(proj, capsys)[0] == 0 and not _entry(proj).older_run


def test_fast_never_replaces_the_paper_run(proj, capsys):
    """`iece run --fast` had counted as a paper run and overwritten the paper's results."""
    outputs = [proj.figures, proj.build / "executed", proj.build / "cache"]
    before = [_tree(d) for d in outputs], proj.results_file.read_bytes()
    page = (proj.report / "ok.html").read_bytes()
    assert build(proj, fast=True, progress=False)["ok"].status == "ok"
    assert ([_tree(d) for d in outputs], proj.results_file.read_bytes()) == before
    assert (proj.report / "ok.html").read_bytes() == page
    (run,) = (proj.build / "runs").iterdir()
    fast = Results.load(run / "results.json").figures["ok"]
    assert fast.results["fast"].value is True and not fast.paper_defaults
    assert "fast=True" in (proj.report / "index.html").read_text()  # under "Your runs"
    assert _claims(proj, capsys)[0] == 0


def test_a_fast_run_alone_is_said_to_be_one(tmp_path, capsys):
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (root / "notebooks" / "bad.ipynb").unlink()
    proj = runner.Project(root)
    assert build(proj, fast=True, progress=False)["ok"].status == "ok"
    code, body, err = _claims(proj, capsys)
    assert code == 1 and "not the current paper results" in err and "ok" in err
    assert any("--fast run" in t for t in body["notes"]["ok"])
    assert "from a --fast run" in (proj.report / "index.html").read_text()
    assert build(proj, progress=False)["ok"].status == "ok"  # the paper's run replaces it
    assert _claims(proj, capsys)[0] == 0


@pytest.mark.parametrize("what", ["code", "data", "versions"])
def test_claims_name_figures_stale_against_the_checkout(
    proj, frozen_package, what, capsys, monkeypatch
):
    """After a physics constant was edited, `iece claims` had printed the same verdicts with
    exit 0, though the runner's hash knew the inputs had changed. The code is the package's
    modules the notebook imports (``iece.io`` imports the constants); the data, the files its
    kernel read."""
    if what == "data":  # the fixture's notebook reads no data file: one that does
        reads_a_data_file(proj, "data/extra.txt")
        assert build(proj, progress=False)["ok"].status == "ok"
    assert _claims(proj, capsys)[0] == 0
    if what == "code":
        constants = frozen_package / "physics" / "constants.py"
        constants.write_text(constants.read_text() + "\nE_CHARGE_EDITED = 1.6e-19\n")
        words = "the iece code it imports changed"
    elif what == "data":
        (proj.root / "data" / "extra.txt").write_text("2\n")
        words = "the data files it read (data/extra.txt) changed"
    else:
        real = cache.versions
        monkeypatch.setattr(cache, "versions", lambda: real() | {"numpy": "0.0.1"})
        words = "the installed versions changed"
    code, body, err = _claims(proj, capsys)
    assert code == 1 and "not the current paper results of this checkout: ok" in err
    assert any(words in t and "stale" in t for t in body["notes"]["ok"]), body["notes"]
    render_index(proj, runner.load_results(proj))
    assert "stale: its inputs changed since its run" in (proj.report / "index.html").read_text()
    assert build(proj, progress=False)["ok"].status == "ok"  # rerun, no longer stale
    assert _claims(proj, capsys)[0] == 0


def test_an_edited_results_entry_is_found_and_rebuilt(proj, capsys):
    """A hand-edited value in results.json had stayed "cached" and read "reproduced"."""
    data = json.loads(proj.results_file.read_text())
    data["figures"]["ok"]["results"]["scaled"]["value"] = 6.001
    proj.results_file.write_text(json.dumps(data, indent=1))
    code, body, err = _claims(proj, capsys)
    assert code == 1 and "ok" in err
    (row,) = body["claims"]
    assert row["verdict"] == "missing" and "differs from what its run wrote" in row["problems"][0]
    render_index(proj, runner.load_results(proj))
    index = (proj.report / "index.html").read_text()
    assert "results edited after their run" in index and "6.001" not in index
    assert runner.run(proj, progress=False)["ok"].status == "ok"  # not "cached": rebuilt
    assert _entry(proj).results["scaled"].value == 6.0 and _claims(proj, capsys)[0] == 0


def test_a_damaged_entry_is_a_message_not_a_traceback(proj, capsys):
    data = json.loads(proj.results_file.read_text())
    data["figures"]["ok"]["results"] = []
    proj.results_file.write_text(json.dumps(data))
    assert cli.main(["--root", str(proj.root), "claims"]) == 2
    err = capsys.readouterr().err
    assert "figure 'ok'" in err and "Traceback" not in err
    assert runner.run(proj, progress=False)["ok"].status == "ok"


@pytest.mark.parametrize("fast", [False, True])
def test_a_run_into_another_build_folder_leaves_the_projects_report_alone(proj, fast, capsys):
    """A paper run with --build-dir X had re-rendered the project's report/index.html from X's
    results (45 claims "missing")."""
    before = _tree(proj.report), _tree(proj.figures), proj.results_file.read_bytes()
    x = proj.root.parent / "elsewhere"
    args = ["--root", str(proj.root), "--build-dir", str(x), "run", "--quiet", "--force"]
    assert cli.main(args + (["--fast"] if fast else [])) == 0
    assert (_tree(proj.report), _tree(proj.figures), proj.results_file.read_bytes()) == before
    assert (x / "report" / "index.html").is_file() and any((x / "figures").iterdir())
    code, body, _ = _claims(proj, capsys, "--build-dir", str(x))
    assert code == (1 if fast else 0)


# --- a results.json the reader cannot use is one line naming the file -----------------------------

_ENTRY = {
    "title": "t",
    "notebook": "notebooks/ok.ipynb",
    "parameters": {},
    "paper_defaults": True,
    "status": "ok",
    "results": {"scaled": {"value": 6.0, "unit": "1", "provenance": "computed"}},
}


def _damaged(tmp_path, change) -> str:
    entry = json.loads(json.dumps(_ENTRY))
    change(entry)
    path = tmp_path / "build" / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"schema_version": 3, "run_stamp": {}, "figures": {"ok": entry}}
    path.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(ResultsError) as info:
        Results.load(path)
    msg = str(info.value)
    assert msg.startswith("build/results.json: figure 'ok'") and "\n" not in msg, msg
    return msg


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        # 10**400 had loaded, then raised OverflowError in float() at evaluation
        (lambda e: e["results"]["scaled"].update(value=10**400), "integer of 401 digits"),
        (lambda e: e["results"]["scaled"].update(stderr=10**400), "stderr is an integer"),
        (lambda e: e["results"]["scaled"].update(value=[1.0, 10**400]), "integer of 401"),
        (lambda e: e["results"]["scaled"].update(value=float("inf")), "must be finite"),
        (lambda e: e["results"]["scaled"].update(value={"a": 1}), "value must be a number"),
        (lambda e: e["results"]["scaled"].update(cell="3"), "cell must be a whole number"),
        (lambda e: e["results"].update(scaled=[6.0]), "result 'scaled': must be an object"),
        # "results": [] had given "'list' object has no attribute 'items'", no file named
        (lambda e: e.update(results=[]), "'results' must be an object"),
        (lambda e: e.update(figures={}), "'figures' must be a list"),
        (lambda e: e.update(status="done"), "status must be 'ok' or 'failed'"),
        (lambda e: e.update(parameters=[]), "parameters must be an object"),
    ],
)
def test_a_results_file_the_reader_cannot_use_is_named(tmp_path, change, needle):
    assert needle in _damaged(tmp_path, change)


def test_a_huge_number_in_results_is_one_line_from_claims(proj, capsys):
    data = json.loads(proj.results_file.read_text())
    data["figures"]["ok"]["results"]["scaled"]["value"] = 10**400
    proj.results_file.write_text(json.dumps(data))
    assert cli.main(["--root", str(proj.root), "claims"]) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert "build/results.json: figure 'ok', result 'scaled'" in err


# --- a records file cut short (a full disk) fails its run with the line named ------------------


def test_a_half_written_records_line_is_read_as_a_failed_run(tmp_path):
    path = tmp_path / "x.jsonl"
    good = json.dumps(
        {"kind": "result", "name": "a", "value": 1.0, "unit": "1", "provenance": "computed"}
    )
    path.write_text(good + "\n" + good[:25] + "\n", encoding="utf-8")
    with pytest.raises(ResultsError, match="line 2 of its records file is half-written"):
        execute._read_records(path)
    path.write_text(good[:25] + "\n" + good + "\n", encoding="utf-8")
    with pytest.raises(ResultsError, match="line 1 of its records file is damaged"):
        execute._read_records(path)


def test_a_full_disk_while_recording_keeps_the_last_good_results(proj, monkeypatch, capsys):
    """A full disk had given a JSONDecodeError traceback from ``_read_records``; now the run
    fails with the line named, and the figure keeps its last good results."""

    def cut_short(job, out):
        with open(job.records, "a", encoding="utf-8") as fh:
            fh.write('{"kind": "result", "name": "scaled", "val')
        return "ok", ""

    monkeypatch.setattr(execute, "_papermill", cut_short)
    before = _entry(proj).results
    outcome = runner.run(proj, force=True, jobs=1, progress=False)["ok"]
    assert outcome.status == "failed" and "half-written (is the disk full?)" in outcome.error
    after = _entry(proj)
    assert after.results == before and after.older_run and "line 1" in after.latest_error


# --- an empty build reads "missing", never "0 reproduced" ---------------------------------------


def test_an_empty_build_reads_missing_not_zero_reproduced(tmp_path, capsys):
    """With no results, the index and `iece claims` had read '0 reproduced, 0 approximately
    reproduced, 0 not reproduced', as if every check had been made."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    project = runner.Project(root)
    project.build.mkdir()
    project.results_file.write_text(Results().to_json())  # a build with no figure's results
    assert cli.main(["--root", str(root), "claims"]) == 1
    out = capsys.readouterr().out
    said = "1 independent checks: none evaluated yet, all 1 missing their results"
    assert said in out and "0 reproduced" not in out
    render_index(project, Results())
    index = (project.report / "index.html").read_text()
    assert said in index and "0 reproduced" not in index


def test_missing_results_are_counted_beside_the_verdicts():
    from iece.pipeline import verdicts

    s = verdicts.independent_sentence(5, 2, 0, 1, 0, 2)
    assert s.endswith(
        "1 not reproduced, 0 depend on a choice the paper leaves open, 2 missing their results."
    )
    assert "missing" not in verdicts.independent_sentence(5, 2, 1, 1, 1, 0)


# --- a build folder inside the package is cached like any other ---------------------------------


@pytest.mark.parametrize("inside", ["package", "data"])
def test_a_build_folder_inside_the_package_or_data_is_cached(tmp_path, frozen_package, inside):
    """The package's files and data/ enter the cache hash; a --build-dir inside either had
    changed the hash with each run's own outputs, so nothing there was ever cached."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (root / "notebooks" / "bad.ipynb").unlink()
    where = frozen_package if inside == "package" else root / "data"
    project = runner.Project(root, build=where / "my-build")
    assert runner.run(project, progress=False)["ok"].status == "ok"
    assert any(project.build.iterdir())
    assert runner.run(project, progress=False)["ok"].status == "cached"
