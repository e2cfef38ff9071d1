"""The engine takes a paper as its input (issue 21): a second, small paper in
``tests/fixtures/minipaper`` (its own bundle, ledger, notebook and text; one open choice; three
claims of three evidence classes) runs through ``iece run``, ``iece claims`` and the report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from iece import cli
from iece.pipeline import bundle, ledger

MINI = Path(__file__).parent / "fixtures" / "minipaper"


def test_the_bundle_is_read_from_the_projects_config():
    paper = bundle.load(MINI)
    assert paper.module == "minipaper" and set(paper.quoted) >= {"PEAK_EV", "LIFETIME_NS"}
    assert list(paper.choices) == ["curve"] and paper.choice_label("curve") == "CdSe sizing curve"
    assert paper.claims_file == MINI / "data" / "claims.toml"
    entries = ledger.load(paper.claims_file)  # its paper found from where the ledger is
    assert {c.evidence for c in entries} == {"independent", "consistency", "method"}
    assert entries[0].paper is paper and entries[0].paper_value == 2.24


def test_a_quoted_name_of_another_paper_is_refused(tmp_path):
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    path = root / "data" / "claims.toml"
    path.write_text(path.read_text().replace('"PEAK_NM"', '"CE_1S_1H_EV"'), encoding="utf-8")
    with pytest.raises(ledger.LedgerError, match="CE_1S_1H_EV.*minipaper's QUOTED"):
        ledger.load(path)


@pytest.mark.parametrize(
    "table,needle",
    [
        ('paper = "minipaper"\nflavour = "x"\n', "unknown key(s) flavour"),
        ('paper = "no_such_paper"\n', "'no_such_paper' cannot be imported"),
        ('path = "."\n', "path needs paper"),
        ("paper = 3\n", "paper must be a non-empty string"),
    ],
)
def test_a_bad_config_is_named(tmp_path, table, needle):
    root = tmp_path / "bad"
    (root / "data").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.iece]\n" + table, encoding="utf-8")
    with pytest.raises(bundle.BundleError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        bundle.load(root)


def test_the_fixture_paper_runs_through_run_claims_and_the_report(tmp_path, capsys):
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    assert cli.main(["--root", str(root), "run", "--quiet"]) == 0, capsys.readouterr()
    capsys.readouterr()
    assert cli.main(["--root", str(root), "claims", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    got = {r["id"]: r["verdict"] for r in (rows["claims"] if isinstance(rows, dict) else rows)}
    assert got == {
        "peak-from-size": "reproduced",
        "peak-in-nm": "consistent",
        "lifetime-recovered": "method validated",
    }
    index = (root / "report" / "index.html").read_text(encoding="utf-8")
    for words in ("peak-from-size", "CdSe sizing curve", "method validated"):
        assert words in index
    assert (root / "report" / "sizes.html").is_file()
    paper = (root / "report" / "paper.html").read_text(encoding="utf-8")
    assert "553 nm" in paper  # its own text, annotated
