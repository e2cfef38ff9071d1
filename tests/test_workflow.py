"""The scientist's own workflow (issue 22): a notebook run top to bottom in Jupyter, the
notebooks kept without outputs, and one project root for every caller.

The Jupyter run is imitated as Jupyter Server runs a notebook: a kernel started by
jupyter_client in ``notebooks/`` (not the project root, as papermill is), ``JPY_SESSION_NAME``
naming the notebook, and no runner environment. nbclient executes the cells (through
nbconvert's ExecutePreprocessor, its NotebookClient; nbconvert is a declared dependency);
papermill is not involved. Its records must equal the papermill run's (the session fixture
``figure_run``), and its outputs must land in a user run's folder, never in the paper's
``figures/`` or ``build/results.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from iece.io import ProjectRootError, project_root

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _read_jsonl(path: Path) -> tuple[dict, dict]:
    """Records (the last line of each name wins, as in the runner) and figures, by name."""
    results, figures = {}, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        kind, name = item.pop("kind"), item.pop("name")
        (results if kind == "result" else figures)[name] = item
    return results, figures


def _jupyter_project(tmp_path: Path) -> Path:
    """A project tree whose notebooks/ holds fig2eg's notebook with ``fast = True`` set in its
    parameters cell (as a scientist edits it), and whose data/ is the checkout's."""
    tree = tmp_path / "project"
    (tree / "notebooks").mkdir(parents=True)
    (tree / "data").symlink_to(ROOT / "data", target_is_directory=True)
    nb = nbformat.read(ROOT / "notebooks" / "fig2eg_ema.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "fast = False" in cell.source
    cell.source = cell.source.replace("fast = False", "fast = True")
    nbformat.write(nb, tree / "notebooks" / "fig2eg_ema.ipynb")
    return tree


@pytest.mark.notebooks
def test_jupyter_run_gives_the_papermill_records(figure_run, tmp_path, monkeypatch):
    from nbconvert.preprocessors import ExecutePreprocessor  # an nbclient.NotebookClient

    from iece.pipeline.kernel import worker_env
    from iece.pipeline.runner import Project, ensure_kernel

    _, outcomes, results = figure_run
    assert outcomes["fig2eg"].status == "ok", outcomes["fig2eg"].error
    paper = results.figures["fig2eg"]
    tree = _jupyter_project(tmp_path)
    monkeypatch.setenv("JPY_SESSION_NAME", "fig2eg_ema.ipynb")  # as Jupyter Server names it
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    specs = Project(tree, build=tmp_path / "kernelspec")
    kernel = ensure_kernel(specs)
    for name, value in worker_env(specs).items():  # as a runner's worker finds its kernel
        monkeypatch.setenv(name, value)
    nb = nbformat.read(tree / "notebooks" / "fig2eg_ema.ipynb", as_version=4)
    client = ExecutePreprocessor(kernel_name=kernel, timeout=600)
    client.preprocess(nb, {"metadata": {"path": str(tree / "notebooks")}})  # the kernel's cwd

    runs = sorted((tree / "build" / "runs").glob("fig2eg-jupyter-*"))
    assert len(runs) == 1, runs
    got, figures = _read_jsonl(runs[0] / "records.jsonl")
    # cell numbers differ by papermill's injected-parameters cell; everything else is equal
    want = {k: {f: v for f, v in vars(r).items() if f != "cell"} for k, r in paper.results.items()}
    assert {k: {f: v for f, v in r.items() if f != "cell"} for k, r in got.items()} == want
    assert sorted(figures) == sorted(f.name for f in paper.figures)
    for item in figures.values():
        for file in item["files"]:
            assert (runs[0] / "figures" / file).is_file(), file
    # nothing of the paper's: no results file, no figures/ or report/, nothing in notebooks/
    assert not (tree / "build" / "results.json").exists()
    assert not (tree / "figures").exists() and not (tree / "report").exists()
    assert sorted(p.name for p in (tree / "notebooks").iterdir()) == ["fig2eg_ema.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.outputs or c.execution_count is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} hold outputs; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_build_no_path_from_the_working_folder(path):
    """A path literal such as "data/claims.toml" works under papermill (run in the root) and
    fails in Jupyter (run in notebooks/): paths go through iece.project_root()."""
    import re

    nb = nbformat.read(path, as_version=4)
    for i, c in enumerate(nb.cells):
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", []):
            found = re.findall(r"[\"'](?:\./)?(?:data|build|figures|report|notebooks)/", c.source)
            assert not found, f"{path.name}, cell {i}: {found}; use iece.project_root() / ..."


@pytest.mark.parametrize(
    "session, figure",
    [
        ("fig2eg_ema.ipynb", "fig2eg"),  # relative to the kernel's folder
        (str(ROOT / "notebooks" / "fig2j_lifetimes.ipynb"), "fig2j"),  # JupyterLab 4: absolute
        (str(ROOT / "notebooks") + "/", "notebook"),  # a session without a name: the folder
        ("elsewhere/My Analysis.ipynb", "My_Analysis"),  # not found: its file name
        ("", "notebook"),
    ],
)
def test_an_interactive_run_is_named_after_its_notebook(monkeypatch, session, figure):
    from iece.pipeline.record import _session_figure

    monkeypatch.chdir(ROOT / "notebooks")
    monkeypatch.setenv("JPY_SESSION_NAME", session)
    assert _session_figure() == figure


def test_project_root_is_found_from_the_notebooks_folder():
    assert project_root(ROOT / "notebooks") == ROOT
    assert project_root(ROOT / "src" / "iece") == ROOT


def test_project_root_outside_a_checkout_names_what_it_looked_for(tmp_path):
    (tmp_path / "notebooks").mkdir()  # data/ missing: not a project
    with pytest.raises(ProjectRootError) as err:
        project_root(tmp_path / "notebooks")
    assert "notebooks/ and data/" in str(err.value) and str(tmp_path) in str(err.value)


def test_paper_modules_read_their_data_from_the_root_wherever_they_run(monkeypatch):
    from iece.paper import fig5fg

    monkeypatch.chdir(ROOT / "notebooks")
    here = fig5fg.compute(fast=True)
    monkeypatch.chdir(ROOT)
    assert here.numbers == fig5fg.compute(fast=True).numbers


def test_a_notebook_copied_out_of_the_checkout_says_where_it_looked(tmp_path, monkeypatch):
    from iece.paper import fig5fg

    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectRootError, match="no iece project at or above"):
        fig5fg.compute(fast=True)


def test_lab_environment_is_declared():
    """``tox -e lab`` starts JupyterLab on notebooks/ from the ``lab`` extra."""
    import configparser

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini")
    assert "lab" in tox["testenv:lab"]["extras"]
    assert "jupyter lab" in tox["testenv:lab"]["commands"]
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(d.startswith("jupyterlab") for d in extras["optional-dependencies"]["lab"])


# ----------------------------------------------------------------------------- the CLI reports


def _cli(capsys, *argv):
    from iece.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_version_and_plain_help(capsys):
    from iece import __version__

    with pytest.raises(SystemExit) as done:
        _cli(capsys, "--version")
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"iece {__version__}"
    with pytest.raises(SystemExit):
        _cli(capsys, "--help")
    text = capsys.readouterr().out
    assert "iece run" in text and "iece open" in text
    for markup in ("``", ":func:", ":mod:", ":data:"):
        assert markup not in text, f"{markup} in iece --help"


def test_claims_before_any_run_says_what_to_do(tmp_path, capsys):
    code, out, err = _cli(capsys, "--root", ROOT, "--build-dir", tmp_path / "b", "claims")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "no results yet" in err and "iece" in err and " run" in err


@pytest.mark.notebooks
def test_claims_table_has_its_headline_first_and_a_header_row(figure_run, capsys):
    from iece.pipeline import ledger, verdicts

    proj, _, results = figure_run
    code, out, _ = _cli(capsys, "--root", ROOT, "--build-dir", proj.build, "claims")
    assert code in (0, 1)  # 1: a --fast run is not read as the paper's current results
    lines = out.splitlines()
    headline = verdicts.headline(
        verdicts.summary(verdicts.evaluate(ledger.load(proj.claims_file), results))
    )
    assert lines[0] == headline
    header = next(i for i, line in enumerate(lines) if line.startswith("claim "))
    assert lines[header].split() == ["claim", "evidence", "paper", "ours", "verdict"]
    assert header <= 3


@pytest.mark.notebooks
def test_run_ends_with_the_headline_and_the_verdicts_that_changed(figure_run):
    from iece.cli import _run_verdicts, _verdict_map

    proj, _, _ = figure_run
    now = _verdict_map(proj)
    assert now, "the fast run's claims are evaluated"
    first = _run_verdicts(proj, None).splitlines()
    assert first[0].startswith(f"{first[0].split()[0]} independent checks:")
    assert first[1] == "no earlier run to compare verdicts with"
    assert _run_verdicts(proj, now).splitlines()[1] == "no claim verdict changed since the last run"
    flipped = dict(now)
    some = sorted(flipped)[:2]
    for cid in some:
        flipped[cid] = "an older verdict"
    said = _run_verdicts(proj, flipped).splitlines()[1]
    assert said.startswith("2 claim verdict(s) changed since the last run: ")
    assert all(cid in said for cid in some)


@pytest.mark.notebooks
def test_a_user_run_names_its_page(tmp_path, capsys):
    build = tmp_path / "b"
    code, out, _ = _cli(
        capsys,
        "--root",
        ROOT,
        "--build-dir",
        build,
        "run",
        "checks",
        "--fast",
        "--quiet",
        "-p",
        "diameter_nm",
        "4.0",
    )
    assert code == 0, out
    pages = sorted((build / "report" / "runs").glob("checks-*.html"))
    assert len(pages) == 1
    assert f"your run of checks: {pages[0]}" in out
    # a user run alone leaves the paper's results to a paper run: no verdicts to tell
    assert "claims: not evaluated yet; a run with the paper's parameters" in out
    assert out.rstrip().splitlines()[-1].startswith("report: ")


def _report(tmp_path) -> Path:
    build = tmp_path / "b"
    (build / "report" / "runs").mkdir(parents=True)
    (build / ".iece-build").write_text("")
    for name in ("index.html", "fig2eg.html", "runs/fig2eg-0123abcd.html"):
        (build / "report" / name).write_text("<html></html>")
    return build


@pytest.mark.parametrize(
    "figure, page",
    [
        (None, "index.html"),
        ("fig2eg", "fig2eg.html"),
        ("fig2eg-0123abcd", "runs/fig2eg-0123abcd.html"),
    ],
)
def test_open_prints_the_path_without_a_display(tmp_path, capsys, monkeypatch, figure, page):
    import webbrowser

    build = _report(tmp_path)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    code, out, _ = _cli(
        capsys, "--root", ROOT, "--build-dir", build, "open", *filter(None, [figure])
    )
    assert code == 0 and not opened
    assert Path(out.strip()).resolve() == (build / "report" / page).resolve()


def test_open_uses_the_browser_and_prints_the_path_when_it_refuses(tmp_path, capsys, monkeypatch):
    import webbrowser

    build = _report(tmp_path)
    monkeypatch.setenv("DISPLAY", ":0")
    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    code, out, _ = _cli(capsys, "--root", ROOT, "--build-dir", build, "open")
    assert code == 0 and out == ""
    assert opened == [(build / "report" / "index.html").resolve().as_uri()]
    monkeypatch.setattr(webbrowser, "open", lambda url: False)
    code, out, _ = _cli(capsys, "--root", ROOT, "--build-dir", build, "open", "fig2eg")
    assert code == 0 and Path(out.strip()).name == "fig2eg.html"


def test_open_without_a_report_says_to_run(tmp_path, capsys):
    code, out, err = _cli(capsys, "--root", ROOT, "--build-dir", tmp_path / "b", "open", "fig2eg")
    assert code == 2 and out == "" and "no page for 'fig2eg'" in err and " run" in err
