"""Try to break it: each test is one way a hostile or careless user once broke iece (issue 15).

Add a test here for every new way you find, before you fix it. The runner tests use the small
fixture project in ``tests/fixtures/project`` (one notebook that passes, one that fails).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from iece import cli, io
from iece.paper import fig2j, fig5fg
from iece.paper.views.fig5fg import notes as fig5fg_notes
from iece.paper.views.fig5fg import points_table as fig5fg_points
from iece.pipeline import ledger, runner, verdicts
from iece.pipeline.figure import ParameterError
from iece.pipeline.results import Results
from iece.report import build
from iece.report.markdown import md_code, md_escape

from .conftest import ROOT
from .test_spine import FIXTURE

INJECT = "<img src=x onerror=alert(1)>"


# --- escaping: nothing from a user file or path is interpreted as markup ---------------------


@pytest.mark.parametrize("name", ["a`b<i>.csv", "``x``<b>", "`lead", "plain.csv"])
def test_file_name_cannot_close_its_code_span(name):
    html = markdown2html_mistune(f"from {md_code(name)}.")
    assert "<i>" not in html and "<b>" not in html
    assert html.count("<code>") == 1 and html.count("</code>") == 1


def test_tex_in_a_heading_anchor_stays_an_attribute():
    """A heading with TeX ('Hg$_x$Cd...') gets that TeX in its id; MathML put there had broken
    the tag open and printed markup above the fig2j and checks pages."""
    from html.parser import HTMLParser

    from iece.report.render import latex_to_mathml

    html = markdown2html_mistune("# Decays of Hg$_x$Cd$_{1-x}$Se NCs")
    tags = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, dict(attrs)))

    Tags().feed(latex_to_mathml(html))
    h1 = next(attrs for tag, attrs in tags if tag == "h1")
    assert set(h1) == {"id"} and "<" not in h1["id"]
    assert sum(tag == "math" for tag, _ in tags) == 2


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
    for md in (fig5fg_notes(res)["dataset"], fig5fg_points(res)):
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


def test_outputs_rewritten_since_are_rebuilt_not_called_cached(fx):
    """A --fast run into another build folder had rewritten report/ and figures/; the next
    plain run said "cached" and left its pages there. A page is rendered from the executed
    notebook: a rewritten page is rendered again without re-running the notebook (the figure
    stays "cached"); a rewritten figure file, which only the kernel makes, re-runs it."""
    assert runner.run(fx, progress=False)["ok"].status == "cached"
    page = fx.report / "ok.html"
    page.write_text(page.read_text() + "<!-- another run's page -->")
    assert build(fx, progress=False)["ok"].status == "cached"
    assert "another run's page" not in page.read_text()
    svg = next(fx.figures.glob("*.svg"))
    svg.write_bytes(svg.read_bytes() + b"\n")
    assert runner.run(fx, progress=False)["ok"].status == "ok"
    assert runner.run(fx, progress=False)["ok"].status == "cached"


def test_a_build_folder_outside_the_project_is_cached_too(tmp_path):
    """Outputs outside the project root (--build-dir elsewhere) had been keyed by file name
    alone, so every rerun looked changed and ran again."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (root / "notebooks" / "bad.ipynb").unlink()
    out = tmp_path / "elsewhere"
    proj = runner.Project(root, build=out / "b", figures=out / "f", report=out / "r")
    assert build(proj, progress=False)["ok"].status == "ok"
    assert build(proj, progress=False)["ok"].status == "cached"


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


def test_the_index_is_written_under_the_build_lock(fx, monkeypatch):
    """It had been written after the lock was released, so two runs could interleave."""
    import filelock

    from iece.report import render

    held = []
    real = render.render_index

    def spy(project, results):
        try:
            with runner.lock(project):
                held.append(False)
        except filelock.Timeout:
            held.append(True)
        return real(project, results)

    monkeypatch.setattr(render, "render_index", spy)
    build(fx, progress=False)
    assert held == [True]


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


# --- readers: every bad file gets a message that names it (and the line) -----------------------


def _two(tmp_path, text: str | bytes, name="d.txt"):
    f = tmp_path / name
    (f.write_bytes if isinstance(text, bytes) else f.write_text)(text)
    return f


@pytest.mark.parametrize(
    "content, needle",
    [
        (b"1 2\n3 4\n5 \xe96\n", "line 3: not UTF-8 text"),
        ("1,5;2,5\n3,5;4,5\n5,5;6,5\n", "decimal commas"),
        ("1 2\n3 0\n5 6\n", "line 2: both columns must be positive"),
        ("1 2\n-3 4\n5 6\n", "line 2: both columns must be positive"),
    ],
)
def test_two_column_reader_names_the_line(tmp_path, content, needle):
    with pytest.raises(io.DataFileError, match=needle):
        io.read_two_columns(_two(tmp_path, content), what="sizing_path", positive=True)


def test_utf16_and_excel_quoted_files_are_read(tmp_path):
    text = '"d","E"\n"2.0","2.1"\n"3.0","1.9"\n"4.0","1.8"\n'
    f = _two(tmp_path, text.encode("utf-16"))
    x, y = io.read_two_columns(f, what="sizing_path")
    assert x.tolist() == [2.0, 3.0, 4.0] and y.tolist() == [2.1, 1.9, 1.8]


def test_folders_devices_links_and_huge_files_are_named(tmp_path, monkeypatch):
    loop = tmp_path / "loop"
    loop.symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(loop)
    for path, needle in (
        (tmp_path, "is a folder"),
        ("/dev/null", "not a regular file"),
        (loop, "cannot be opened"),
        (tmp_path / "none.txt", "does not exist"),
    ):
        with pytest.raises(io.DataFileError, match=needle):
            io.read_text(path, "decay_path")
    monkeypatch.setattr(io, "MAX_FILE_MB", 1e-5)
    with pytest.raises(io.DataFileError, match="MB are refused"):
        io.read_text(_two(tmp_path, "1 2\n" * 10), "decay_path")


def test_a_decay_too_short_to_fit_is_named(tmp_path):
    short = _two(tmp_path, "0 1\n1 2\n2 3\n3 4\n4 5\n", name="short.txt")  # had been a raw
    with pytest.raises(io.DataFileError, match="short.txt: 5 time channels; a decay needs at"):
        io.read_decay(short)


def test_a_spectrum_without_absorbance_is_named(tmp_path):
    from iece.paper import fig2bd

    flat = _two(tmp_path, "".join(f"{400 + 50 * i} 0\n" for i in range(12)), name="zero.txt")
    with pytest.raises(io.DataFileError, match="zero.txt: the absorbance is zero or negative"):
        fig2bd.compute(spectrum_path=str(flat), fast=True)


def _unreadable(monkeypatch, name: str):
    """Make the file called ``name`` unreadable. chmod 000 cannot do it: the tests may run as
    root, which reads any file."""
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == name:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


def test_an_unreadable_file_is_named_by_reader_and_parameter_check(fx, tmp_path, monkeypatch):
    data = _two(tmp_path, "1 2\n3 4\n5 6\n", name="locked.txt")
    _unreadable(monkeypatch, "locked.txt")
    with pytest.raises(io.DataFileError, match="locked.txt cannot be read: Permission denied"):
        io.read_text(data, "decay_path")
    ((fig, values, _),) = runner.plan(fx, ["ok"], {"data_path": str(data)})
    with pytest.raises(ParameterError, match="'data_path': locked.txt cannot be read"):
        runner.input_hash(fx, fig, values)


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_composition_accepts_the_usual_separators(tmp_path, sep):
    rows = ["time_min", "x"], ["0", "0"], ["30", "0.5"], ["60", "0.8"]
    f = _two(tmp_path, "\n".join(sep.join(r) for r in rows) + "\n", "c.csv")
    t_s, x = io.read_composition(f)
    assert t_s.tolist() == [0, 1800, 3600] and x.tolist() == [0, 0.5, 0.8]


@pytest.mark.parametrize(
    "text, needle",
    [
        ("time_min,x\n0,0\n30,0\n60,0\n", "x is 0 at every time"),
        ("time_min,x\n0,0\n30,0.5\n", "at least 3 different times, found 2"),
        ("time_min,x\n10,0.1\n10,0.2\n10,0.3\n", "found 1 in 3 data rows"),  # was a brentq error
    ],
)
def test_composition_that_cannot_be_fitted_is_refused(tmp_path, text, needle):
    with pytest.raises(io.DataFileError, match=needle):
        io.read_composition(_two(tmp_path, text, "c.csv"))


def test_literature_table_without_this_work_values_is_named(tmp_path):
    lines = (ROOT / fig5fg.DATASET).read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    only_lit = [ln for ln in lines if not ln.startswith("this work")]
    f = _two(tmp_path, "\n".join(only_lit) + "\n", "lit.csv")
    with pytest.raises(io.DataFileError, match="no 'this work' core/shell row"):
        fig5fg.compute(root=ROOT, literature_path=str(f))
    with pytest.raises(io.DataFileError, match="no 'this work' core/shell row"):
        fig5fg.compute(root=ROOT, literature_path=str(_two(tmp_path, lines[0] + "\n", "e.csv")))
    rows = list(csv.reader(lines))
    ours = next(i for i, r in enumerate(rows) if r[0] == "this work" and r[6] == "core/shell")
    rows[ours][header.index("qy_low_percent")] = rows[ours][header.index("qy_high_percent")] = ""
    g = tmp_path / "noqy.csv"
    with g.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(io.DataFileError, match=rf"line {ours + 1}: .* needs qy_low_percent"):
        fig5fg.compute(root=ROOT, literature_path=str(g))


# --- parameters and the command line ------------------------------------------------------------


#: Tests written for the old sweep of every temporary-looking file. The sweep now removes only
#: what the build manifest lists (issue 24 item 1, tests/test_protect_files.py).
_OLD_SWEEP = "written for the old sweep; the manifest sweep is tested in test_protect_files.py"


def test_a_window_upside_down_is_refused_before_any_notebook_runs():
    """fig5fg had refused it inside its kernel, fig2bd not at all (without a spectrum)."""
    from iece.pipeline.runner import Project

    root = Project(ROOT)
    for fig, given, why in (
        ("fig2bd", {"e_min_eV": "3", "e_max_eV": "2"}, "used only with spectrum_path"),
        ("fig5fg", {"window_low_nm": "1700", "window_high_nm": "1000"}, "must be below"),
    ):
        with pytest.raises(ParameterError, match=why):
            runner.plan(root, [fig], given)


def test_list_shows_the_rules_between_parameters(capsys):
    assert cli.main(["--root", str(ROOT), "list"]) == 0
    out = capsys.readouterr().out
    assert "(window_low_nm must be below window_high_nm)" in out
    assert "(irf_path is used only with decay_path)" in out


def test_irf_without_decay_is_refused():
    with pytest.raises(ParameterError, match="irf_path is used only with decay_path"):
        fig2j.PARAMS.resolve({"irf_path": str(fig5fg.DATASET)}, "fig2j")


def test_ctrl_c_prints_one_line_not_a_traceback(fx, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run", interrupted)
    assert cli.main(["--root", str(fx.root), "run", "--quiet"]) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_reader_that_leaves_early_gets_no_traceback():
    """`iece list | head` had ended in BrokenPipeError: here the reader has left before iece
    writes anything (a pipe whose read end is closed)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        out = subprocess.run(
            [sys.executable, "-m", "iece.cli", "--root", str(ROOT), "list"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert out.stderr == "" and out.returncode == 0


def test_negative_jobs_are_refused_and_integer_ranges_read_as_integers(fx, capsys):
    assert cli.main(["--root", str(fx.root), "run", "--jobs", "-3", "--quiet"]) == 2
    assert "--jobs must be >= 0" in capsys.readouterr().err
    seed = fig2j.PARAMS.by_name["seed"]
    assert seed.allowed() == "int in [0, 4294967295]"  # had read 4.29497e+09


def test_a_damaged_ledger_or_build_folder_is_named_not_a_traceback(tmp_path, capsys):
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    ledger_file = root / "data" / "claims.toml"
    good = ledger_file.read_text()
    ledger_file.write_text(good + '\nid = "unclosed\n')
    assert cli.main(["--root", str(root), "claims"]) == 2
    err = capsys.readouterr().err
    assert "claims.toml is not valid TOML" in err and "line" in err and "Traceback" not in err
    ledger_file.write_text(good)
    (root / "build").mkdir()
    (root / "build" / "cache").write_text("a file where a folder belongs")
    assert cli.main(["--root", str(root), "run", "ok", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "build/cache" in err and "delete what is damaged" in err and "Traceback" not in err
    assert not list((root / "build").rglob("*.ipynb")), "refused only after running a notebook"


def test_missing_root_is_refused_not_created(tmp_path, capsys):
    missing = tmp_path / "nothing"
    with pytest.raises(SystemExit) as exc:
        cli.main(["--root", str(missing), "run"])
    assert exc.value.code == 2 and not missing.exists()
    assert "is not a folder" in capsys.readouterr().err


def test_relative_paths_mean_from_the_current_folder(fx, tmp_path, monkeypatch):
    data = tmp_path / "mine.txt"
    data.write_text("1\n")
    monkeypatch.chdir(tmp_path)
    ((_, values, paper),) = runner.plan(fx, ["ok"], {"data_path": "mine.txt"})
    assert values["data_path"] == str(data) and not paper


def test_a_cell_past_the_time_limit_fails_its_notebook_clearly(fx):
    out = runner.run(fx, ["ok"], {"mode": "slow"}, progress=False, timeout_s=1)["ok"]
    assert out.status == "failed" and "ran longer than 1 s" in out.error
    assert runner.run(fx, progress=False)["ok"].status == "cached"  # the paper run untouched


@pytest.mark.skip(reason=_OLD_SWEEP)
def test_a_killed_runs_litter_is_swept_by_the_next_run(fx):
    litter = [
        fx.figures / ".fixture_ok.svg.4242.tmp",
        fx.build / "executed" / ".ok.4242.ipynb",
        fx.build / "records" / "ok.4242.jsonl",
        fx.report / ".index.html.4242.tmp",
        fx.build / "tmp" / "4242" / "tmpab12cd.json",  # a killed kernel's connection file
    ]
    for p in litter:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("half")
    assert runner.run(fx, progress=False)["ok"].status == "cached"
    assert not [p for p in litter if p.exists()]


@pytest.mark.skip(reason=_OLD_SWEEP)
def test_kernel_connection_files_stay_in_the_build_folder(fx, monkeypatch):
    """They had been left in the system temp folder by killed kernels; now they are written
    under build/tmp (swept by the next run) and removed when the notebook ends."""
    made = []
    real = tempfile.mkstemp  # what jupyter_client.connect.write_connection_file calls

    def spy(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        made.append(name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    assert runner.run(fx, force=True, jobs=1, progress=False)["ok"].status == "ok"
    assert made and all(Path(m).is_relative_to(fx.build / "tmp") for m in made), made
    assert not any(Path(m).exists() for m in made) and not any((fx.build / "tmp").iterdir())


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc)."""
    kids: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        kids.setdefault(ppid, []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in kids.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""  # exited (a zombie has an empty cmdline too)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_run_leaves_no_workers_or_kernels(tmp_path):
    """SIGKILL of `iece run` had left two workers running for more than 70 s."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    cmd = [sys.executable, "-m", "iece.cli", "--root", str(root), "run", "--quiet", "--jobs", "2"]
    proc = subprocess.Popen([*cmd, "-p", "mode", "hang"])  # ok hangs, bad fails: 2 workers
    deadline = time.monotonic() + 60
    below: list[int] = []
    while time.monotonic() < deadline and not any("ipykernel" in _cmdline(p) for p in below):
        time.sleep(0.2)
        below = _descendants(proc.pid)
    assert any("ipykernel" in _cmdline(p) for p in below), "no kernel started"
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_cmdline(p) for p in below):
        time.sleep(0.2)
    assert not [_cmdline(p) for p in below if _cmdline(p)]


def test_a_data_file_inside_the_project_is_hashed_wherever_iece_runs(fx, tmp_path, monkeypatch):
    data = fx.root / "mine.txt"
    data.write_text("1 2\n")
    monkeypatch.chdir(tmp_path)  # elsewhere: the value is recorded relative to the project
    ((fig, values, _),) = runner.plan(fx, ["ok"], {"data_path": str(data)})
    assert values["data_path"] == "mine.txt"
    before = runner.input_hash(fx, fig, values)
    data.write_text("1 3\n")
    assert runner.input_hash(fx, fig, values) != before
    monkeypatch.setattr(runner, "MAX_FILE_MB", 1e-6)
    with pytest.raises(ParameterError, match="larger than"):
        runner.input_hash(fx, fig, values)
    data.unlink()


def test_a_user_table_run_labels_its_figure_user():
    paper = fig5fg.compute(root=ROOT, fast=True)
    assert paper.figure_provenance("literature+quoted", user_replaces=True) == "literature+quoted"
    user = fig5fg.compute(root=ROOT, literature_path=str(ROOT / fig5fg.DATASET), fast=True)
    assert user.figure_provenance("literature+quoted", user_replaces=True) == "user"
    assert user.figure_provenance("literature+quoted") == "literature+quoted+user"
    assert all(n.provenance == "user" for k, n in user.numbers.items() if k.startswith("this_"))


# --- allowed values that hung ------------------------------------------------------------------


def test_a_noisy_spectrum_starts_from_a_bounded_number_of_transitions():
    """noise 0.1 had offered 31-83 second-derivative minima; backward elimination from all of
    them ran for more than 10 minutes. The most prominent MAX_GUESSES are kept."""
    from iece.physics import spectra

    E = np.linspace(1.8, 3.4, 800)
    true_eV = (2.1, 2.6)
    clean = spectra.spectrum(E, [1.0, 1.5], true_eV, 0.03, 1.74)
    noisy = clean + np.random.default_rng(1).normal(0, 0.1 * clean.max(), E.size)
    assert spectra.second_derivative_minima(E, noisy, max_n=None).size > spectra.MAX_GUESSES
    g = spectra.second_derivative_minima(E, noisy)
    assert g.size == spectra.MAX_GUESSES and np.all(np.diff(g) > 0)
    # the cap keeps the strongest minima: the true bands of the noise-free spectrum survive it
    g2 = spectra.second_derivative_minima(E, clean + 0.02 * (noisy - clean), max_n=2)
    assert np.allclose(g2, true_eV, atol=0.03)


def test_transitions_the_data_cannot_resolve_give_undetermined_errors_not_warnings():
    """dR 0.2 had printed 'invalid value encountered in sqrt' on the page: three guesses on one
    band give an indefinite covariance. The errors are nan, and the table says why."""
    from iece.paper.views.fig2bd import transitions_table as deconvolution
    from iece.physics import spectra

    E = np.linspace(1.8, 3.0, 300)
    A = spectra.spectrum(E, [1.0], [2.2], 0.06, 1.74)
    d = spectra.fit(E, A, 1.74, guesses=[2.19, 2.2, 2.21], n_transitions=3)  # warnings are errors
    assert not d.errors_determined
    assert "undetermined" in deconvolution(d)
    assert spectra.fit(E, A, 1.74, guesses=[2.2], n_transitions=1).errors_determined


# --- fits whose numbers are set by a bound or undetermined are said to be --------------------


def test_a_fit_parameter_on_its_bound_is_flagged(tmp_path):
    """A one-exponential decay fitted with two components had shown tau1 = 0.025 ns (the
    bound dt/4) as an ordinary result."""
    from iece.paper.views.fig2j import fit_table as decay_fit

    t = np.arange(200) * 0.1
    decay = _two(tmp_path, "".join(f"{ti:.1f} {1e6 * np.exp(-ti / 5):.0f}\n" for ti in t))
    res = fig2j.compute(decay_path=str(decay), rep_rate_MHz=10, n_boot=0, fast=True)
    fit = res.user.fit
    assert "tau1" in fit.at_bounds
    assert "On a bound: tau1" in decay_fit(fit)


def test_a_time_course_that_does_not_constrain_D_says_so(tmp_path):
    """x = 1 at every time had given 'D = 1.438e-20 ± nan' and nothing more."""
    from iece.paper import fig1c
    from iece.paper.views import fig1c as view

    done = _two(tmp_path, "time_min,x\n10,1\n20,1\n30,1\n", name="done.csv")
    res = fig1c.compute(composition_path=str(done), fast=True)
    assert "error of D is undetermined" in view.notes(res)["user_fit"]


def test_a_period_too_short_for_the_lifetimes_is_said_on_the_page():
    """At 20 MHz the caption's 67.8 ns component came out 210 ± 1700 ns with no word why."""
    from iece.paper.views.fig2j import fits_table as fig2j_fits
    from iece.paper.views.fig2j import notes

    assert "period" not in notes(fig2j.compute(fast=True, n_boot=0))
    res = fig2j.compute(fast=True, n_boot=0, rep_rate_MHz=20)
    assert "the decays pile up over pulses" in fig2j_fits(res)
