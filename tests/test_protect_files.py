"""iece deletes only what it made (issue 24, items 1 and 7).

A build folder carries a marker (``.iece-build``) and a manifest of the temporary files its
runs make; the litter sweep deletes only what the manifest lists. A ``--build-dir`` full of
someone else's files is refused before anything is written, and ``iece clean`` removes user
runs and nothing else. The runs use the fixture project (``tests/fixtures/project``); tests that
start from a built project take a copy of one built once for the module (``built``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from iece import cli, io
from iece.pipeline import cache, runner
from iece.report import build

from .test_break import _descendants  # every process below a pid (Linux /proc)
from .test_cache_grain import built_fixture, frozen_package
from .test_spine import FIXTURE

#: Where the old sweep looked, relative to a build folder: ``tmp/**``, ``records/*.jsonl``,
#: ``.*.tmp`` anywhere, ``executed/.*.ipynb`` and ``runs/*/.*.ipynb``.
IN_BUILD = (
    "tmp/thesis.tex",
    "tmp/4242/tmpab12cd.json",
    "records/x.jsonl",
    ".x.tmp",
    "cache/.notes.tmp",
    "executed/.x.ipynb",
    "runs/ok-12345678/.x.ipynb",
)


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (root / "notebooks" / "bad.ipynb").unlink()
    return root


@pytest.fixture(scope="module")
def _built(tmp_path_factory):
    """The fixture project with the paper's run made once for the module (each kernel start
    had been paid again by every test that needed a built project)."""
    return built_fixture(tmp_path_factory.mktemp("protect-files"))


@pytest.fixture
def built(tmp_path, _built, monkeypatch):
    """A copy of the module's built project, current: the cache hashes a frozen copy of the
    package, so edits made meanwhile in the checkout do not make it stale."""
    root = tmp_path / "project"
    shutil.copytree(_built, root, symlinks=True)
    monkeypatch.setattr(cache, "PACKAGE_DIR", frozen_package(tmp_path))
    proj = runner.Project(root)
    assert runner.run(proj, progress=False)["ok"].status == "cached"  # the paper's run is there
    return proj


def _plant(folder: Path, names, text="a user's file, not iece's") -> dict[Path, str]:
    planted = {}
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{text}: {name}")
        planted[path] = path.read_text()
    return planted


def _survivors(planted: dict[Path, str]) -> list[Path]:
    return [p for p, text in planted.items() if p.is_file() and p.read_text() == text]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_build_dir_full_of_user_files_is_refused_and_nothing_is_touched(project, capsys):
    """`iece --build-dir d run` had deleted d/tmp/thesis.tex (and would have emptied ~/tmp
    for --build-dir ~)."""
    d = project.parent / "d"
    planted = _plant(d, IN_BUILD + ("figures/.x.tmp", "report/.x.tmp", "thesis.tex"))
    before = _tree(d)
    assert cli.main(["--root", str(project), "--build-dir", str(d), "run", "--quiet"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert str(d) in line and "not an iece build folder" in line and "Traceback" not in line
    assert _survivors(planted) == list(planted)
    assert _tree(d) == before  # not even a marker or a lock file was written


def test_a_file_given_as_build_dir_is_named(project, capsys):
    f = project.parent / "notes.txt"
    f.write_text("mine")
    assert cli.main(["--root", str(project), "--build-dir", str(f), "run", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert str(f) in err and "is a file, not a folder" in err and "File exists" not in err
    assert f.read_text() == "mine"


def test_user_files_in_a_marked_build_folder_survive_every_run(project):
    d = project.parent / "d"
    args = ["--root", str(project), "--build-dir", str(d), "run", "--quiet"]
    assert cli.main(args) == 0
    assert (d / runner.MARKER).is_file() and (d / "report" / "index.html").is_file()
    planted = _plant(d, IN_BUILD + ("figures/.x.tmp", "report/.x.tmp", "report/runs/.y.tmp"))
    assert cli.main([*args, "--force"]) == 0
    assert cli.main([*args, "-p", "scale", "3"]) == 0  # a user run too
    assert _survivors(planted) == list(planted)
    assert not (d / runner.MANIFEST).exists()  # a finished run leaves nothing listed


def test_the_projects_own_build_folder_is_adopted(project):
    """build/ of a checkout made before the marker existed is iece's: it gets the marker."""
    (project / "build" / "cache").mkdir(parents=True)
    planted = _plant(project / "build", ["tmp/thesis.tex"])
    assert runner.run(runner.Project(project), progress=False)["ok"].status == "ok"
    assert (project / "build" / runner.MARKER).is_file() and _survivors(planted) == list(planted)


def test_only_listed_litter_is_swept(built, tmp_path):
    proj = built
    listed = [
        proj.figures / ".fixture_ok.svg.4242.tmp",
        proj.build / "executed" / ".ok.ab12cd34.ipynb",
        proj.build / "records" / "ok.ab12cd34.jsonl",
        proj.report / ".index.html.4242.tmp",
        proj.build / "tmp" / "kernel-0123456789ab" / "tmpab12cd.json",
    ]
    for p in listed:
        runner._note(proj, p.parent if p.parent.name.startswith("kernel-") else p)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("half")
    outside = tmp_path / "elsewhere.txt"  # listed (a damaged manifest), but not iece's
    outside.write_text("mine")
    runner._note(proj, outside)
    planted = _plant(proj.build, IN_BUILD)
    assert runner.run(proj, progress=False)["ok"].status == "cached"
    assert not [p for p in listed if p.exists()]
    assert outside.read_text() == "mine" and _survivors(planted) == list(planted)


def test_temporary_files_are_listed_under_the_name_io_writes(tmp_path, monkeypatch):
    """The manifest lists what :func:`iece.io.atomic_write_text` will write: the same name."""
    seen = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (seen.append(Path(src)), real(src, dst)))
    target = tmp_path / "page.html"
    io.atomic_write_text(target, "x")
    assert seen == [runner._tmp_of(target)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_runs_litter_is_swept_and_nothing_else(built):
    """Kill a run while its kernel works: what it left is listed, and the next run removes
    exactly that, while user files in the same places stay."""
    proj = built
    planted = _plant(proj.build, IN_BUILD)
    cmd = [sys.executable, "-m", "iece.cli", "--root", str(proj.root), "run", "--quiet"]
    proc = subprocess.Popen([*cmd, "-p", "mode", "hang"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(
        b"ipykernel" in Path(f"/proc/{p}/cmdline").read_bytes() for p in _descendants(proc.pid)
    ):
        time.sleep(0.2)
    proc.kill()
    proc.wait()
    time.sleep(1)  # the worker and its kernel follow their parent (PR_SET_PDEATHSIG)
    listed = [Path(json.loads(x)) for x in (proj.build / runner.MANIFEST).read_text().splitlines()]
    left = [p for p in listed if p.exists()]
    assert left, "the killed run left nothing listed"
    assert runner.run(proj, progress=False)["ok"].status in ("cached", "ok")
    assert not [p for p in left if p.exists()]
    assert _survivors(planted) == list(planted)


# --- iece clean ----------------------------------------------------------------------------


def _paper(proj) -> dict:
    """Every output of the paper's run."""
    out = {d: _tree(d) for d in (proj.figures, proj.build / "executed", proj.build / "cache")}
    out["results"] = proj.results_file.read_bytes()
    return out | {"page": (proj.report / "ok.html").read_bytes()}


def test_clean_removes_user_runs_and_nothing_else(built, capsys):
    proj, project = built, built.root
    assert build(proj, ["ok"], {"scale": "3"}, progress=False)["ok"].status == "ok"
    assert build(proj, ["ok"], {"scale": "4"}, progress=False)["ok"].status == "ok"
    old, new = sorted((proj.build / "runs").iterdir(), key=lambda p: p.stat().st_mtime)
    cache = json.loads((old / "cache.json").read_text())
    (old / "cache.json").write_text(json.dumps(cache | {"date": "2020-01-02 03:04 UTC"}))
    mine = _plant(new, ["notes.txt"]) | _plant(proj.build, ["runs/thesis.tex"])
    paper = _paper(proj)

    root = ["--root", str(project)]
    assert cli.main([*root, "clean", "--before", "2021-01-01"]) == 0
    out = capsys.readouterr().out
    assert f"removed {old.name} (2020-01-02 03:04 UTC)" in out and new.name not in out
    assert not old.exists() and not (proj.report / "runs" / f"{old.name}.html").exists()
    assert (proj.report / "runs" / f"{new.name}.html").is_file()
    index = (proj.report / "index.html").read_text()
    assert old.name not in index and new.name in index

    assert cli.main([*root, "clean"]) == 0
    out = capsys.readouterr().out
    assert f"removed {new.name}" in out and f"kept {new / 'notes.txt'}" in out
    assert not (new / "results.json").exists() and not (new / "figures").exists()
    assert not list((proj.report / "runs").glob("*.html"))
    assert new.name not in (proj.report / "index.html").read_text()
    assert _survivors(mine) == list(mine)
    assert _paper(proj) == paper  # the paper's run is untouched

    assert cli.main([*root, "clean"]) == 0
    assert "0 user run(s) removed" in capsys.readouterr().out


def test_clean_refuses_a_bad_date_by_name(project, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--root", str(project), "clean", "--before", "last week"])
    assert exc.value.code == 2 and "--before must be a date" in capsys.readouterr().err


def test_clean_refuses_a_folder_of_someone_elses(project, capsys):
    d = project.parent / "d"
    planted = _plant(d, ["runs/x/data.csv"])
    planted |= _plant(d, ["runs/ok-1/results.json"], text='{"schema_version": 3, "figures": {}}')
    assert cli.main(["--root", str(project), "--build-dir", str(d), "clean"]) == 2
    assert "not an iece build folder" in capsys.readouterr().err
    assert _survivors(planted) == list(planted) and not (d / runner.MARKER).exists()


def test_dates_are_read_back_as_written():
    when = dt.datetime.strptime(runner._now(), runner.DATE_FORMAT)
    assert abs(when.replace(tzinfo=dt.timezone.utc) - dt.datetime.now(dt.timezone.utc)).days == 0


def test_clean_removes_a_notebook_run_made_in_jupyter_and_nothing_else(project, capsys):
    """A notebook run in Jupyter writes build/runs/<figure>-jupyter-<hash>/ (records.jsonl and
    the figures it lists); `iece clean` removes those files, keeps anything else there."""
    proj = runner.Project(project)
    folder = proj.build / "runs" / "ok-jupyter-0123abcd"
    (folder / "figures").mkdir(parents=True)
    (folder / "figures" / "fixture_ok.svg").write_text("<svg/>")
    line = {"kind": "figure", "name": "fixture_ok", "files": ["fixture_ok.svg"]}
    (folder / "records.jsonl").write_text(json.dumps(line) + "\n")
    mine = _plant(folder, ["figures/sketch.svg"])
    assert cli.main(["--root", str(project), "clean"]) == 0
    out = capsys.readouterr().out
    assert f"removed {folder.name}" in out
    assert not (folder / "records.jsonl").exists()
    assert not (folder / "figures" / "fixture_ok.svg").exists()
    assert _survivors(mine) == list(mine)
