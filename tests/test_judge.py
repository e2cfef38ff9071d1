"""The judge stage (issue 21 item 2): a figure's tables, saved by its kernel, are held against
the ledger by the pipeline after the run; the ledger is never read inside a kernel.

The table file (:mod:`iece.pipeline.tables`), the hook's contract (:mod:`iece.pipeline.judge`),
and the stage on the test paper (``tests/fixtures/minipaper``, whose ``sizes`` figure saves a
table of peaks by sizing curve): a ledger edit changes the judged record and the page, and runs
no notebook.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from iece import cli
from iece.pipeline import bundle, judge, tables
from iece.pipeline.layout import Project
from iece.pipeline.results import FigureRun, Results

MINI = Path(__file__).parent / "fixtures" / "minipaper"


def _table():
    return {
        "x": np.array([0.0, 0.5, np.inf]),
        "n": np.array([1, 2, 3]),
        "ok": np.array([True, False, True]),
        "name": np.array(["a", "bb", "m0"]),
    }


def test_a_table_round_trips_and_gives_the_same_bytes_twice(tmp_path):
    a = tables.write_table(tmp_path / "a.npz", _table())
    b = tables.write_table(tmp_path / "b.npz", _table())
    assert a.read_bytes() == b.read_bytes()  # no timestamp, fixed order
    back = tables.read_table(a)
    assert list(back) == ["x", "n", "ok", "name"]
    for k, v in _table().items():
        np.testing.assert_array_equal(back[k], v)
        assert back[k].dtype == v.dtype
    many = {"level": np.repeat([0.0, 1.0, np.inf], 1000), "mass": np.repeat(["m0", "own"], 1500)}
    raw = sum(v.nbytes for v in many.values())
    assert len(tables.table_bytes(many)) < raw / 10  # deflated: a scan repeats its choices
    swapped = dict(reversed(list(_table().items())))
    assert tables.table_bytes(swapped) != a.read_bytes()  # the order is the table's own


@pytest.mark.parametrize(
    "table,needle",
    [
        ({}, "non-empty dict"),
        ({"a": np.zeros(2), "b": np.zeros(3)}, "column 'b': 3 rows where the others have 2"),
        ({"a": np.zeros((2, 2))}, "column 'a': must be 1-d"),
        ({"a": np.array([{}, {}])}, "column 'a': numbers, bools or strings only"),
        ({"not a name": np.zeros(2)}, "column name 'not a name' must be an identifier"),
    ],
)
def test_a_table_that_cannot_be_saved_is_named(tmp_path, table, needle):
    with pytest.raises(tables.TableError, match=re.escape(needle)):
        tables.write_table(tmp_path / "t.npz", table, "scan")


def _project(tmp_path, judges: str) -> Project:
    """A project whose paper package ``judgepkg_<n>`` declares ``judges``, with one notebook
    ``f`` whose second code cell is the placeholder of the section ``s``."""
    name = f"judgepkg_{tmp_path.name.replace('-', '_')}"
    root = tmp_path / "p"
    (root / name).mkdir(parents=True)
    init = "from iece.pipeline.judged import Judged\nQUOTED = {}\nCHOICES = {}\n" + judges
    (root / name / "__init__.py").write_text(init, encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f'[tool.iece]\npaper = "{name}"\npath = "."\n', encoding="utf-8"
    )
    (root / "notebooks").mkdir()
    cells = [
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "", "outputs": []},
        {
            "cell_type": "code",
            "metadata": {"iece": {"judged": "s"}},
            "execution_count": 2,
            "source": "# judged",
            "outputs": [],
        },
    ]
    nb = {"cells": cells, "metadata": {"iece": {"id": "f"}}, "nbformat": 4, "nbformat_minor": 5}
    (root / "notebooks" / "f.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    tables.write_table(root / "t" / "scan.npz", {"v": np.array([1.0, 2.0, 3.0])})
    return Project(root)


def _entry(**results) -> FigureRun:
    return FigureRun("F", "notebooks/f.ipynb", {}, True, "ok", tables=["scan.npz"], **results)


def _judge(project: Project, entry: FigureRun) -> dict:
    nb = project.notebooks / "f.ipynb"
    return judge.run(project, "f", entry, nb, project.root / "t", project.root / "figs")


def test_a_hook_that_is_not_a_function_is_named_with_the_bundles_file(tmp_path):
    with pytest.raises(bundle.BundleError, match=r"__init__\.py: .*JUDGES\['f'\] must be a func"):
        bundle.load(_project(tmp_path, 'JUDGES = {"f": 3}\n').root)


def test_a_hook_of_the_wrong_type_is_named_with_the_bundles_file(tmp_path):
    project = _project(tmp_path, 'JUDGES = {"f": lambda tables, claims: 42}\n')
    with pytest.raises(judge.JudgeError, match=r"__init__\.py: JUDGES hook .* returned int"):
        _judge(project, _entry())


def test_a_section_without_its_cell_and_a_record_the_kernel_made_are_refused(tmp_path):
    hook = (
        "def j(tables, claims):\n"
        "    out = Judged(params={}, sections={'elsewhere': ['x']})\n"
        "    return out\n"
        "def k(tables, claims):\n"
        "    out = Judged(params={}, sections={'s': ['the sum is 6']})\n"
        "    out.add('total', float(tables['scan']['v'].sum()), '1')\n"
        "    return out\n"
        'JUDGES = {"f": j, "g": k}\n'
    )
    project = _project(tmp_path, hook)
    with pytest.raises(judge.JudgeError, match="no code cell of notebooks/f.ipynb .*'elsewhere'"):
        _judge(project, _entry())
    from iece.pipeline.results import Record

    mine = Record(1.0, "1", "computed")
    nb = project.notebooks / "f.ipynb"
    with pytest.raises(judge.JudgeError, match="record 'total' is one of the kernel's"):
        judge.run(project, "g", _entry(results={"total": mine}), nb, project.root / "t", nb)
    entry = _entry()
    done = judge.run(project, "g", entry, nb, project.root / "t", project.root / "figs")
    assert entry.results["total"].value == 6.0 and entry.results["total"].cell == 2
    assert done["records"] == ["total"]
    assert done["sections"]["s"][0]["data"]["text/markdown"] == "the sum is 6"
    # judged again: the earlier judgement's records leave first (no clash with itself)
    judge.run(project, "g", entry, nb, project.root / "t", project.root / "figs", done)
    assert list(entry.results) == ["total"]


def _run(root: Path, capsys) -> dict:
    capsys.readouterr()
    assert cli.main(["--root", str(root), "run", "--quiet"]) == 0, capsys.readouterr()
    return json.loads((root / "build" / "results.json").read_text())["figures"]["sizes"]


def _judged_cell(page: str) -> str:
    """The page's HTML from the judged cell's code to the next section."""
    start = page.index("judged after the run: the peak by sizing curve")
    return page[start : page.index("The simulated decay and its fit", start)]


def test_a_ledger_edit_rejudges_the_table_and_the_page_without_running_the_notebook(
    tmp_path, capsys
):
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    first = _run(root, capsys)
    assert first["tables"] == ["curves.npz"]
    assert first["results"]["n_curves_reproducing_peak"]["value"] == 2
    executed = (root / "build" / "executed" / "sizes.ipynb").read_text()
    ran = json.loads((root / "build" / "cache" / "sizes.json").read_text())["inputs"]
    assert "curves pass" not in executed  # the executed notebook holds only the kernel's
    page = _judged_cell((root / "report" / "sizes.html").read_text())
    assert "2 of 2 curves pass" in page and "jasieniak" in page
    # a tolerance no published curve meets: the judged record and the page change
    ledger = root / "data" / "claims.toml"
    text = ledger.read_text()
    assert "tolerance = 0.05\n" in text
    ledger.write_text(text.replace("tolerance = 0.05\n", "tolerance = 0.0001\n", 1))
    capsys.readouterr()
    cli.main(["--root", str(root), "claims"])
    assert "the ledger or its judge's code changed" in capsys.readouterr().out
    again = _run(root, capsys)
    assert again["results"]["n_curves_reproducing_peak"]["value"] == 0
    assert (root / "build" / "executed" / "sizes.ipynb").read_text() == executed  # not re-run
    cache = json.loads((root / "build" / "cache" / "sizes.json").read_text())
    assert cache["inputs"] == ran and "sizes" not in again.get("latest_error", "")
    page = _judged_cell((root / "report" / "sizes.html").read_text())
    assert "0 of 2 curves pass" in page
    kernel = {k: v for k, v in first["results"].items() if k != "n_curves_reproducing_peak"}
    assert {k: again["results"][k] for k in kernel} == kernel  # the kernel's records stand
    out = cli.main(["--root", str(root), "run", "sizes"])
    assert out == 0 and "cached" in capsys.readouterr().out


def test_the_judged_file_is_an_output_the_cache_checks(tmp_path, capsys):
    """A judged file deleted after the run is not trusted: the figure runs again."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    _run(root, capsys)
    (root / "build" / "judged" / "sizes.json").unlink()
    capsys.readouterr()
    assert cli.main(["--root", str(root), "run", "sizes"]) == 0
    assert "sizes ok" in " ".join(capsys.readouterr().out.split())
    assert Results.load(root / "build" / "results.json").figures["sizes"].status == "ok"


def test_a_hook_that_raises_is_named_with_the_bundles_file_and_the_saved_tables(tmp_path):
    """A hook that fails (here: it reads a table its kernel never saved) is named by the
    bundle's file and the hook, with the tables the kernel did save and what to do."""
    project = _project(tmp_path, 'JUDGES = {"f": lambda tables, claims: tables["other"]}\n')
    with pytest.raises(judge.JudgeError) as info:
        _judge(project, _entry())
    message = str(info.value)
    assert re.search(r"__init__\.py: JUDGES hook .* of f failed: KeyError: 'other'", message)
    assert "tables saved by its kernel: scan" in message and "iece run f" in message
