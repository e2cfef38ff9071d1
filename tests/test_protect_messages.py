"""Every failure is one line that names the thing (issue 24, items 5 and 6).

Each test is one way an allowed or careless input once gave a traceback, a message that blamed
the wrong thing, or a run that could not finish; each now gets one line that names the
parameter, file, line or option, with a hint that fits the cause.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from iece import cli, io
from iece.paper import fig2bd, fig2j
from iece.pipeline.figure import ParameterError

from .conftest import ROOT


def _file(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name, value", [("qy", 0), ("qy", 1), ("qy_core_shell", 0)])
def test_a_qy_with_no_rate_to_compare_is_refused_by_name(name, value):
    """qy 0, qy 1 and qy_core_shell 0 (inside the declared [0, 1]) raised ZeroDivisionError."""
    with pytest.raises(ParameterError, match=f"parameter '{name}' got {value}; allowed"):
        fig2j.PARAMS.resolve({name: value}, "fig2j")


def test_the_ends_of_the_qy_range_compute():
    lo, hi = fig2j.QY_RANGE
    res = fig2j.compute(fast=True, n_boot=0, qy=hi, qy_core_shell=lo)
    assert np.isfinite(res["knr_ratio"]) and np.isfinite(res["kr_ratio_lower_bound"])


@pytest.mark.parametrize(
    "argv, dest, value",
    [
        (["run", "fig2bd", "-p", "bulk_gap_eV", "-5e-1"], "param", [["bulk_gap_eV", "-5e-1"]]),
        (["ema", "--diameter-nm", "4", "--x", "-1e-9"], "x", -1e-9),
        (
            ["ema", "--diameter-nm", "4", "--x", "0.4", "--barrier-e", "-2.5E+0"],
            "barrier_e",
            "-2.5E+0",
        ),
    ],
)
def test_negative_numbers_in_exponent_form_parse(argv, dest, value):
    """-p bulk_gap_eV -5e-1 and --x -1e-9 had been taken for options."""
    assert getattr(cli.build_parser().parse_args(argv), dest) == value


@pytest.mark.parametrize("name", ["e_min_eV", "e_max_eV", "bulk_gap_eV", "n_transitions"])
def test_a_spectrum_setting_without_a_spectrum_is_refused(name):
    """fig2bd's e_min_eV without spectrum_path had been ignored, and the 'user run' was the
    paper run."""
    with pytest.raises(ParameterError, match=f"{name} is used only with spectrum_path"):
        fig2bd.PARAMS.resolve({name: "2"}, "fig2bd")


@pytest.mark.parametrize(
    ("name", "value", "default"),
    [
        ("baseline", "true", "False"),
        ("axis", "energy_eV", "'auto'"),
        ("composition_x", "0.3", "0.0"),
    ],
)
def test_a_spectrum_setting_with_a_default_is_refused_without_a_spectrum(name, value, default):
    """A parameter whose default is not None (a flag, a choice, a number) had been checked by
    'is not None' and so never refused: fig2bd's baseline, axis and composition_x without
    spectrum_path were ignored and the 'user run' was the paper run."""
    with pytest.raises(ParameterError, match=f"{name} is used only with spectrum_path") as info:
        fig2bd.PARAMS.resolve({name: value}, "fig2bd")
    assert f"or leave {name} at {default}" in str(info.value)
    assert fig2bd.PARAMS.resolve({name: value, "spectrum_path": str(ROOT / "README.md")})
    default_value = fig2bd.PARAMS.by_name[name].default
    assert fig2bd.PARAMS.resolve({name: default_value})[name] == default_value  # its default


def test_a_timeout_below_a_second_is_refused_not_rounded(tmp_path, capsys, monkeypatch):
    """--timeout 0.001 had run with 1 s (the cell limit counts whole seconds)."""
    import iece.report

    def no_run(*args, **kwargs):  # the check comes first; nothing may run, even on old code
        raise AssertionError("iece run started")

    monkeypatch.setattr(iece.report, "build", no_run)
    argv = ["--root", str(ROOT), "--build-dir", str(tmp_path / "b"), "run", "--timeout", "0.001"]
    assert cli.main([*argv, "fig2bd"]) == 2
    assert "--timeout counts whole seconds" in capsys.readouterr().err


# --- notebooks and the command line -------------------------------------------------------------


def test_a_malformed_notebook_is_named_by_list_and_run(tmp_path, capsys):
    """A malformed .ipynb broke list and run with a JSONDecodeError."""
    (tmp_path / "bad.ipynb").write_text('{"cells": [\n', encoding="utf-8")
    where = ["--root", str(ROOT), "--notebooks", str(tmp_path), "--build-dir", str(tmp_path / "b")]
    for argv in (["list"], ["run", "--timeout", "1"]):
        assert cli.main([*where, *argv]) == 2
        err = capsys.readouterr().err
        assert "bad.ipynb, line 2: not valid JSON" in err and "Traceback" not in err


def test_list_shows_notebooks_outside_the_root(tmp_path, capsys):
    """--notebooks outside the root broke list (Path.relative_to)."""
    nb = ROOT / "notebooks" / "fig1c_kinetics.ipynb"
    (tmp_path / nb.name).write_text(nb.read_text(encoding="utf-8"), encoding="utf-8")
    assert cli.main(["--root", str(ROOT), "--notebooks", str(tmp_path), "list"]) == 0
    assert str(tmp_path / nb.name) in capsys.readouterr().out


def test_a_terminal_that_cannot_encode_gets_no_traceback(tmp_path):
    """PYTHONIOENCODING=ascii iece claims raised UnicodeEncodeError."""
    env = os.environ | {"PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "iece",
            "--root",
            str(ROOT),
            "--build-dir",
            str(tmp_path / "b"),
            "ema",
            "--diameter-nm",
            "4",
            "--x",
            "0.4",
        ],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "iece", "--root", str(ROOT), "--build-dir", str(tmp_path), "claims"],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert b"Traceback" not in done.stderr and b"UnicodeEncodeError" not in done.stderr


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC])
def test_a_read_only_or_full_folder_gets_a_hint_that_fits(monkeypatch, capsys, code):
    """A read-only file system had been told to 'delete what is damaged'."""

    def fail(args):
        raise OSError(code, os.strerror(code), str(ROOT / "build" / "results.json"))

    monkeypatch.setattr(cli, "_project", fail)
    assert cli.main(["list"]) == 2
    err = capsys.readouterr().err
    assert "delete what is damaged" not in err
    assert ("full" if code == errno.ENOSPC else "not writable") in err and "--build-dir" in err


def test_a_folder_where_a_file_belongs_is_named_not_its_temporary_twin(tmp_path):
    """A folder where results.json belongs had been reported as '.results.json.<pid>.tmp'
    (os.replace names its source), and the temporary file stayed behind."""
    target = tmp_path / "build" / "results.json"
    target.mkdir(parents=True)
    with pytest.raises(IsADirectoryError) as info:
        io.atomic_write_text(target, "{}")
    assert info.value.filename == str(target) and ".tmp" not in str(info.value)
    assert sorted(p.name for p in target.parent.iterdir()) == ["results.json"]


def test_a_failed_write_names_the_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    def full(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(src), None, str(dst))

    monkeypatch.setattr(io.os, "replace", full)
    with pytest.raises(OSError) as info:
        io.atomic_write_text(tmp_path / "index.html", "x")
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(tmp_path / "index.html")
    assert list(tmp_path.iterdir()) == []


def test_iece_run_names_results_json_when_a_folder_is_there(tmp_path, capsys):
    from iece.pipeline import runner

    from .test_spine import FIXTURE

    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (root / "notebooks" / "bad.ipynb").unlink()
    runner.claim_build(runner.Project(root))  # the folder is iece's: only results.json is odd
    (root / "build" / "results.json").mkdir(parents=True)
    assert cli.main(["--root", str(root), "run", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "build/results.json" in err[0] and ".tmp" not in err[0], err
    assert not list((root / "build").rglob("*.ipynb")), "refused only after running a notebook"


# --- user files ---------------------------------------------------------------------------------


def _spectrum_rows(n):
    E = np.linspace(1.8, 3.4, n)
    A = np.exp(-((E - 2.2) ** 2) / 0.01) + 0.1 * E
    return "".join(f"{e:.6f},{a:.6f}\n" for e, a in zip(E, A))


def test_a_three_row_spectrum_is_blamed_on_the_file_not_the_window(tmp_path):
    """A 3-row spectrum had been blamed on e_min_eV/e_max_eV, which were never set."""
    path = _file(tmp_path, "E,A\n" + _spectrum_rows(3), "short.csv")
    with pytest.raises(io.DataFileError, match="spectrum_path short.csv has 3 points") as exc:
        fig2bd.compute(fast=True, spectrum_path=str(path))
    assert "e_min_eV" not in str(exc.value)
    with pytest.raises(io.DataFileError, match="e_min_eV = 3.3 leaves .* of the 40 points"):
        fig2bd.compute(
            fast=True, spectrum_path=str(_file(tmp_path, _spectrum_rows(40))), e_min_eV=3.3
        )


def test_a_spectrum_too_long_to_fit_is_refused_before_the_fit(tmp_path):
    """A 10^6-row spectrum had run 96 s, then found nothing."""
    path = _file(tmp_path, _spectrum_rows(fig2bd.MAX_POINTS + 1), "long.csv")
    with pytest.raises(io.DataFileError, match="at most 10000 are fitted: average neighbouring"):
        fig2bd.compute(fast=True, spectrum_path=str(path))


def test_a_decay_too_long_to_fit_is_refused(tmp_path):
    """A 10^6-channel decay under the 20 MB limit had run past the 300 s cell limit."""
    n = io.MAX_DECAY_CHANNELS + 1
    t = np.arange(n) * 0.01
    path = _file(tmp_path, "".join(f"{ti:.2f} {int(1e4 * np.exp(-ti / 5))}\n" for ti in t))
    with pytest.raises(io.DataFileError, match=f"{n} time channels; at most 65536 are fitted"):
        io.read_decay(path)


def test_a_literature_cell_too_long_names_the_file_and_line(tmp_path):
    """A literature cell over 131,072 characters had given a csv error without file or line."""
    from iece.paper import fig5fg

    text = (ROOT / fig5fg.DATASET).read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    rows[2][rows[0].index("notes")] = "x" * (csv.field_size_limit() + 1)
    path = tmp_path / "table.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(io.DataFileError, match=r"table.csv, line 3: cannot be read as CSV"):
        io.read_literature_table(path)


def test_composition_comments_may_be_indented_and_columns_not_doubled(tmp_path):
    """An indented '#' comment was refused in composition files only, and a duplicate x column
    silently used the first."""
    ok = _file(tmp_path, "time_min,x\n  # a comment\n10,0.2\n20,0.4\n30,0.5\n", "ok.csv")
    assert io.read_composition(ok)[1].tolist() == [0.2, 0.4, 0.5]
    twice = _file(tmp_path, "time_min,x,x\n10,0.2,0.9\n20,0.4,0.9\n30,0.5,0.9\n", "twice.csv")
    with pytest.raises(io.DataFileError, match="twice.csv, line 1: column.s. x appear more"):
        io.read_composition(twice)


# --- allowed values finish inside the limit (the timings are in benchmarks/run.py) ------------


def test_no_bootstrap_of_decays_piled_up_over_pulses():
    """rep_rate_MHz 100 with n_boot 1000 had run past the 300 s cell limit: a refit of a
    piled-up decay takes up to a second. Below 2 x the longest lifetime no intervals are drawn,
    and the page says why."""
    from iece.paper.views.fig2j import notes

    res = fig2j.compute(fast=True, n_boot=5, rep_rate_MHz=20)
    assert res.boot == {}
    assert "No bootstrap intervals are drawn at this rate" in notes(res)["period"]
    assert fig2j.compute(fast=True, n_boot=2).boot  # at the paper's rate they are
    assert fig2j.PARAMS.by_name["n_boot"].bounds == (0, 500)
    json.dumps(fig2j.PARAMS.defaults())  # the declaration stays plain


# --- the tests' own input: the paper's text -----------------------------------------------------


def _pytest_with_paper(tmp_path, paper) -> subprocess.CompletedProcess:
    """The project's conftest in a project of its own whose paper text is named by IECE_PAPER
    (``[tool.iece] text_env``, as this project declares)."""
    (tmp_path / "pyproject.toml").write_text('[tool.iece]\ntext_env = "IECE_PAPER"\n')
    (tmp_path / "tests").mkdir()
    probe = tmp_path / "tests" / "test_probe.py"
    probe.write_text("def test_probe(paper_text):\n    assert paper_text\n")
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "tests" / "conftest.py")
    env = {**os.environ, "IECE_PAPER": str(paper)}
    env.pop("IECE_REQUIRE_PAPER", None)
    argv = [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", str(probe)]
    return subprocess.run(
        argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("kind", ["missing", "binary", "folder"])
def test_a_paper_that_is_not_there_or_not_text_stops_the_tests(tmp_path, kind):
    """A mistyped IECE_PAPER had silently skipped 130 tests, and a binary one given 130
    errors; now the run stops before any test, with one line naming the variable."""
    paper = tmp_path / "lee-smith-iece.txt"
    if kind == "binary":
        paper.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    elif kind == "folder":
        paper.mkdir()
    run = _pytest_with_paper(tmp_path, paper)
    assert run.returncode == 4, run.stdout + run.stderr  # pytest's usage error
    assert f"IECE_PAPER={paper}" in run.stderr and "passed" not in run.stdout
    assert "skipped" not in run.stdout


def test_a_paper_that_is_text_is_read(tmp_path):
    paper = tmp_path / "paper.txt"
    paper.write_text("Interdiffusion-Enhanced Cation Exchange\n", encoding="utf-8")
    run = _pytest_with_paper(tmp_path, paper)
    assert run.returncode == 0 and "1 passed" in run.stdout, run.stdout + run.stderr


# --- Ctrl-C ---------------------------------------------------------------------------------------


def test_ctrl_c_in_a_worker_stops_a_notebook_or_exits_an_idle_one_quietly(monkeypatch):
    from iece.pipeline import runner

    monkeypatch.setattr(runner, "_BUSY", False)
    with pytest.raises(SystemExit) as info:  # waiting for work: a quiet exit
        runner._on_interrupt(2, None)
    assert info.value.code == 130
    monkeypatch.setattr(runner, "_BUSY", True)
    with pytest.raises(KeyboardInterrupt):  # running a notebook: interrupt it
        runner._on_interrupt(2, None)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals a process group")
def test_ctrl_c_while_a_worker_is_idle_prints_one_line(tmp_path):
    """Ctrl-C while one worker was idle (its notebook done) and another busy had printed a
    KeyboardInterrupt traceback from the idle worker's queue (2 of 3 trials)."""
    import signal
    import time

    from .test_spine import FIXTURE

    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (root / "notebooks" / "bad.ipynb").unlink()
    nb = json.loads((root / "notebooks" / "ok.ipynb").read_text())
    nb["metadata"]["iece"] |= {"id": "quick", "order": 2}
    for cell in nb["cells"]:  # the quick figure never hangs
        cell["source"] = [line.replace("time.sleep(120)", "pass") for line in cell["source"]]
    (root / "notebooks" / "quick.ipynb").write_text(json.dumps(nb))
    argv = [sys.executable, "-m", "iece.cli", "--root", str(root), "run", "--quiet", "--jobs", "2"]
    proc = subprocess.Popen(
        [*argv, "-p", "mode", "hang"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not list(root.glob("build/runs/quick-*/executed.ipynb")):
        time.sleep(0.2)
    assert list(root.glob("build/runs/quick-*/executed.ipynb")), "the quick figure did not finish"
    time.sleep(1.0)  # its worker is waiting for work
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends: the whole foreground group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert [line for line in err.splitlines() if line.strip()] == [
        "iece: interrupted; finished notebooks kept their outputs, the rest run next time"
    ], err
