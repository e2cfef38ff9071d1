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


# --- the open choices' guard (OpenChoice and the bundle refuse what cannot be read) -----------

_GOOD = dict(
    name="c",
    label="a choice",
    values=("one", "two"),
    default="one",
    meaning={"one": "the first", "two": "the second"},
    why_default="because",
)


@pytest.mark.parametrize(
    "change,needle",
    [
        (dict(default="three"), "default 'three' not a value"),
        (dict(meaning={"one": "the first"}), "give a meaning for every value"),
        (
            dict(ruled_out={"one": "hard walls"}),
            "ruled_out must name values other than the default",
        ),
        (dict(values=("one", "two", "one")), "'one' listed twice in c"),
        (dict(values=("one", "two__x")), "value 'two__x' must be letters and digits"),
        (dict(values=("one", "two-x")), "value 'two-x' must be letters and digits"),
        (dict(values=("one", "two x")), "value 'two x' must be letters and digits"),
    ],
)
def test_a_bad_open_choice_is_refused(change, needle):
    with pytest.raises(bundle.BundleError, match=needle):
        bundle.OpenChoice(**{**_GOOD, **change})


def _bundle(tmp_path, package: str, init: str, tool: str = "") -> Path:
    """A project whose paper package ``package`` (a name no other test imports) is ``init``."""
    root = tmp_path / package
    (root / package).mkdir(parents=True)
    (root / package / "__init__.py").write_text(init, encoding="utf-8")
    table = tool or f'[tool.iece]\npaper = "{package}"\npath = "."\n'
    (root / "pyproject.toml").write_text(table, encoding="utf-8")
    return root


_CHOICES = """from iece.pipeline.bundle import OpenChoice
QUOTED = {{}}
def _c(name, values):
    return OpenChoice(name, name, values, values[0], {{v: v for v in values}}, "because")
CHOICES = {choices}
"""


@pytest.mark.parametrize(
    "choices,needle",
    [
        ('{"a": _c("b", ("x", "y"))}', r"choices_\d+: CHOICES\['a'\] is the open choice named 'b'"),
        ('{"a": _c("a", ("x", "y")), "b": _c("b", ("y", "z"))}', "'y' belongs to both .* a and b"),
    ],
)
def test_a_bundles_choices_are_refused_when_they_cannot_be_read(tmp_path, choices, needle):
    package = f"choices_{abs(hash(choices)) % 10**8}"
    root = _bundle(tmp_path, package, _CHOICES.format(choices=choices))
    with pytest.raises(bundle.BundleError, match=needle):
        bundle.load(root)


@pytest.mark.parametrize(
    "init,needle",
    [
        ("QUOTED = {\n", r"\(syntax_\w+/__init__.py, line 1\) cannot be imported: SyntaxError"),
        ("x = 1\ny = undefined_name\n", r"__init__.py, line 2\) .*NameError: name 'undefined"),
        ("import no_such_dependency_of_it\n", r"line 1\) .*No module named 'no_such_dependency"),
        (
            _CHOICES.format(choices='{"a": _c("a", ("x", "x"))}'),
            r"the paper package \w+ \(\w+/__init__.py, line 4\) .*'x' listed twice in a",
        ),
    ],
    ids=["syntax", "name", "dependency", "choice"],
)
def test_an_error_in_the_bundle_names_the_package_file_and_line(tmp_path, init, needle):
    package = f"syntax_{abs(hash(init)) % 10**8}"
    with pytest.raises(bundle.BundleError, match=needle) as err:
        bundle.load(_bundle(tmp_path, package, init))
    assert package in str(err.value) and str(tmp_path) not in str(err.value)


@pytest.mark.parametrize("tool", ["tool = 3\n", 'tool = "x"\n'])
def test_a_tool_key_that_is_not_a_table_is_named(tmp_path, tool):
    root = _bundle(tmp_path, "unused_pkg", "", tool=tool)
    with pytest.raises(bundle.BundleError, match=r"pyproject.toml: tool must be a table"):
        bundle.load(root)


# --- a user's own project: its package, folders and edits (review R3 D1-D3) -------------------


def _copy(tmp_path, *, src: bool = False, nb: bool = False) -> Path:
    """A copy of the fixture paper; ``src``: its package under ``src/`` (``path = "src"``);
    ``nb``: its notebooks in ``nb/`` and its ledger at the root (``claims.toml``)."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root, ignore=shutil.ignore_patterns("__pycache__"))
    config = root / "pyproject.toml"
    text = config.read_text(encoding="utf-8")
    if src:
        (root / "src").mkdir()
        (root / "minipaper").rename(root / "src" / "minipaper")
        text = text.replace('path = "."', 'path = "src"')
    if nb:
        (root / "notebooks").rename(root / "nb")
        (root / "data" / "claims.toml").rename(root / "claims.toml")
        (root / "data").rmdir()
        text = text.replace('notebooks = "notebooks"', 'notebooks = "nb"')
        text = text.replace('claims = "data/claims.toml"', 'claims = "claims.toml"')
    config.write_text(text, encoding="utf-8")
    return root


def _run(root: Path) -> dict[str, str]:
    from iece.pipeline.runner import Project
    from iece.report import build

    return {k: o.status for k, o in build(Project(root), progress=False).items()}


def _verdicts(root: Path, capsys, code: int = 0) -> dict[str, str]:
    """``iece claims``'s verdicts; ``code`` its exit status (1: a verdict differs from the
    ledger's expectation)."""
    capsys.readouterr()
    assert cli.main(["--root", str(root), "claims", "--format", "json"]) == code
    return {r["id"]: r["verdict"] for r in json.loads(capsys.readouterr().out)["claims"]}


EXPECTED = {
    "peak-from-size": "reproduced",
    "peak-in-nm": "consistent",
    "lifetime-recovered": "method validated",
}


def test_the_bundles_own_modules_key_its_figure(tmp_path):
    """The figure's key covers the paper package's files its notebook imports, as it covers
    iece's (no run: the key alone)."""
    from iece.pipeline import cache
    from iece.pipeline.runner import Project, discover

    root = _copy(tmp_path)
    project = Project(root)
    (fig,) = discover(project).values()
    files = cache.code_files(fig, project)
    names = {str(f.relative_to(root)) for f in files if f.is_relative_to(root)}
    assert names == {"minipaper/__init__.py", "minipaper/sizes.py"}
    assert cache.PACKAGE_DIR / "physics" / "sizing.py" in files
    before = cache.input_parts(project, fig, fig.parameters.defaults())
    module = root / "minipaper" / "sizes.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = cache.input_parts(project, fig, fig.parameters.defaults())
    assert {k for k in before if before[k] != after[k]} == {"code"}


def test_an_edit_of_the_bundles_figure_module_reruns_it_and_changes_its_verdict(tmp_path, capsys):
    root = _copy(tmp_path)
    assert _run(root) == {"sizes": "ok"}
    assert _verdicts(root, capsys) == EXPECTED
    assert _run(root) == {"sizes": "cached"}
    module = root / "minipaper" / "sizes.py"
    text = module.read_text(encoding="utf-8")
    assert 'res.add("peak_nm", HC_EV_NM /' in text
    module.write_text(text.replace('("peak_nm", HC_EV_NM', '("peak_nm", 2 * HC_EV_NM'), "utf-8")
    capsys.readouterr()  # before the run, `iece claims` calls the figure stale
    assert cli.main(["--root", str(root), "claims", "--format", "json"]) == 1
    notes = json.loads(capsys.readouterr().out)["notes"]["sizes"]
    assert any("the paper package's or the iece code it imports changed" in n for n in notes)
    assert _run(root) == {"sizes": "ok"}  # not "cached": its module is in its key
    assert _verdicts(root, capsys, code=1)["peak-in-nm"] == "inconsistent"


def test_a_project_of_its_own_layout(tmp_path, capsys, monkeypatch):
    """``path = "src"`` (the kernel finds the package there, as the engine does),
    ``notebooks = "nb"`` and ``claims = "claims.toml"`` (no ``notebooks/``, no ``data/``): the
    run, the pages, ``iece claims`` and ``iece list`` without ``--root`` follow them. One project
    for the three, so one kernel start."""
    from iece.io import project_root

    root = _copy(tmp_path, src=True, nb=True)
    assert not (root / "minipaper").exists()
    assert bundle.load(root).package_dir == root / "src" / "minipaper"
    assert project_root(root / "nb") == root  # found by its [tool.iece] table
    assert _run(root) == {"sizes": "ok"}
    assert "Traceback" not in (root / "report" / "sizes.html").read_text(encoding="utf-8")
    assert _verdicts(root, capsys) == EXPECTED
    index = (root / "report" / "index.html").read_text(encoding="utf-8")
    assert "<code>claims.toml</code>" in index and "data/claims.toml" not in index
    assert "publishes no raw decay" in index  # the bundle's DATA_NOTE
    monkeypatch.chdir(root / "nb")
    capsys.readouterr()
    assert cli.main(["list"]) == 0 and "sizes" in capsys.readouterr().out
    ledger_file = root / "claims.toml"  # its figures are the notebooks of nb/
    ledger_file.write_text(
        ledger_file.read_text(encoding="utf-8").replace('figure = "sizes"', 'figure = "nosuch"', 1),
        encoding="utf-8",
    )
    with pytest.raises(ledger.LedgerError, match="nosuch"):
        ledger.load(ledger_file)


def test_another_papers_text_variable_never_replaces_this_papers_text(monkeypatch, tmp_path):
    """``IECE_PAPER`` is this project's variable (``[tool.iece] text_env``): set, as CI sets it
    for Lee & Smith, it does not replace the test paper's own text."""
    other = tmp_path / "other.txt"
    other.write_text("another paper\n", encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    monkeypatch.setenv(bundle.load(root).text_env, str(other))
    assert bundle.text_path(bundle.load(MINI)) == MINI / "paper.txt"
    assert bundle.text_path(bundle.load(root)) == other  # the main project's own variable


def test_iece_claims_checks_each_quote_against_the_papers_text(tmp_path, capsys):
    """The ledger is the user's test: with the paper's text at hand, ``iece claims`` also
    says which quote is not the paper's words, and exits 1."""
    root = _copy(tmp_path)
    assert _run(root) == {"sizes": "ok"}
    capsys.readouterr()
    assert cli.main(["--root", str(root), "claims"]) == 0
    ledger_file = root / "data" / "claims.toml"
    text = ledger_file.read_text(encoding="utf-8")
    ledger_file.write_text(text.replace("that is at 553 nm", "that is at 554 nm"), "utf-8")
    capsys.readouterr()
    assert cli.main(["--root", str(root), "claims"]) == 1
    assert "peak-in-nm: its quote is not in the paper's text" in capsys.readouterr().err
