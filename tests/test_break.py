"""Try to break it: each test is one way a hostile or careless user once broke iece (issue 15).

Add a test here for every new way you find, before you fix it. The runner tests use the small
fixture project in ``tests/fixtures/project`` (one notebook that passes, one that fails).
"""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from iece import cli
from iece.paper import fig5fg
from iece.paper.base import md_code, md_escape
from iece.pipeline import ledger, runner, verdicts
from iece.pipeline.results import Results
from iece.report import build
from iece.report.tables import fig5fg_points

from .conftest import ROOT
from .test_spine import FIXTURE

INJECT = "<img src=x onerror=alert(1)>"


# --- escaping: nothing from a user file or path is interpreted as markup ---------------------


@pytest.mark.parametrize("name", ["a`b<i>.csv", "``x``<b>", "`lead", "plain.csv"])
def test_file_name_cannot_close_its_code_span(name):
    html = markdown2html_mistune(f"from {md_code(name)}.")
    assert "<i>" not in html and "<b>" not in html
    assert html.count("<code>") == 1 and html.count("</code>") == 1


def test_table_cell_cannot_inject_markup():
    html = markdown2html_mistune(f"| a | b |\n|---|---|\n| {md_escape(INJECT + ' | x')} | y |")
    assert "<img" not in html and html.count("<td>") == 2


def test_user_literature_table_cannot_inject_markup(tmp_path):
    rows = list(csv.reader((ROOT / fig5fg.DATASET).read_text(encoding="utf-8").splitlines()))
    col = {name: i for i, name in enumerate(rows[0])}
    rows[1][col["first_author"]] = INJECT
    rows[1][col["snippet"]] = "<script>alert(2)</script>"
    user = tmp_path / "a`b<i>.csv"
    with user.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    res = fig5fg.compute(root=ROOT, literature_path=str(user))
    for md in (res.notes["dataset"], fig5fg_points(res)):
        html = markdown2html_mistune(md)
        assert "<img" not in html and "<script" not in html and "<i>" not in html, md


# --- the cache and the build folder -------------------------------------------------------


@pytest.fixture(scope="module")
def fx(tmp_path_factory):
    """The fixture project, run once; each test leaves it with good outputs."""
    root = tmp_path_factory.mktemp("break") / "project"
    shutil.copytree(FIXTURE, root)
    (root / "notebooks" / "bad.ipynb").unlink()
    proj = runner.Project(root)
    assert build(proj, progress=False)["ok"].status == "ok"
    return proj


def test_deleted_outputs_are_rebuilt_not_called_cached(fx):
    for f in fx.figures.iterdir():
        f.unlink()
    assert runner.run(fx, progress=False)["ok"].status == "ok"
    assert any(fx.figures.iterdir())
    assert runner.run(fx, progress=False)["ok"].status == "cached"


def test_damaged_results_and_cache_files_are_rebuilt(fx, capsys):
    fx.results_file.write_text("{not json")
    assert cli.main(["--root", str(fx.root), "claims"]) == 2
    err = capsys.readouterr().err
    assert "build/results.json is not valid JSON" in err and "Traceback" not in err
    for f in (fx.build / "cache").glob("*.json"):
        f.write_text("[1, 2")
    assert runner.run(fx, progress=False)["ok"].status == "ok"
    assert Results.load(fx.results_file).figures["ok"].status == "ok"


def test_second_run_refuses_while_the_build_is_locked(fx, capsys):
    with runner.lock(fx):
        with pytest.raises(runner.BusyError, match="another `iece run`"):
            runner.run(fx, force=True, progress=False)
        assert cli.main(["--root", str(fx.root), "run", "--quiet"]) == 3
    assert "wait for it to finish" in capsys.readouterr().err
    assert runner.run(fx, progress=False)["ok"].status == "cached"  # the lock is released


def test_a_damaged_user_run_does_not_break_the_dashboard(fx):
    bad = fx.build / "runs" / "ok-deadbeef"
    bad.mkdir(parents=True)
    (bad / "results.json").write_text('{"schema_version": 3, "figures": {"ok": 7}}')
    assert cli.main(["--root", str(fx.root), "run", "--quiet"]) == 0
    assert "ok-deadbeef" not in (fx.report / "index.html").read_text()


# --- the ledger without runs ---------------------------------------------------------------


def test_claims_without_any_run_are_explained_not_crashed():
    evaluated = verdicts.evaluate(ledger.load(ROOT / "data" / "claims.toml"), Results())
    assert all(e.verdict in ("missing", "not checkable") for e in evaluated)
    texts = [e.explanation for e in evaluated if e.verdict == "not checkable"]
    assert any("computes it)" in t for t in texts)
    assert json.dumps([e.as_dict() for e in evaluated])
