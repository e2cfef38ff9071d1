"""Shared fixtures: the project root, the paper text (optional), and one fast run of every
notebook.

The paper's text is an input, not a requirement: it is read from ``$IECE_PAPER`` or from
``../shared/paper/lee-smith-iece.txt`` beside the checkout. Without it the tests that check
quotes against it skip and say how to enable them; CI passes it explicitly and sets
``IECE_REQUIRE_PAPER``, which turns the skip into a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iece.pipeline import bundle
from iece.report.paper_page import paper_path

ROOT = Path(__file__).resolve().parents[1]
#: Where the paper's text is: the one definition, :func:`iece.report.paper_page.paper_path`.
PAPER = paper_path(ROOT)
#: The variable that names it: this project's ``[tool.iece] text_env``.
PAPER_ENV = bundle.load(ROOT).text_env

os.environ.setdefault("MPLBACKEND", "agg")


def paper_problem(path: Path) -> str:
    """Why ``path`` is not the paper's text ("" if it is): it does not exist, is not a file,
    or is not UTF-8 text (a binary file had given 130 errors, one per quote test)."""
    if not path.exists():
        return "does not exist"
    if not path.is_file():
        return "is not a file"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return f"is not UTF-8 text (byte {exc.start})"
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if "\x00" in text or not text.strip():
        return "is not text (empty, or it holds NUL bytes)"
    return ""


def pytest_configure(config):
    """A named paper that is not there, or not text, stops the tests at once: a mistyped
    ``IECE_PAPER`` had silently skipped the 130 quote tests."""
    if os.environ.get(PAPER_ENV) and (why := paper_problem(PAPER)):
        raise pytest.UsageError(
            f"{PAPER_ENV}={PAPER} {why}: point it at the paper's text (lee-smith-iece.txt) or "
            "unset it"
        )


@pytest.fixture(scope="session")
def paper_text() -> str:
    if why := paper_problem(PAPER):
        if os.environ.get("IECE_REQUIRE_PAPER"):
            pytest.fail(f"IECE_REQUIRE_PAPER is set but the paper's text at {PAPER} {why}")
        pytest.skip(
            f"the paper's text at {PAPER} {why}: set IECE_PAPER=/path/to/lee-smith-iece.txt "
            "(or put shared/ beside the checkout) to check the quotes against it"
        )
    return PAPER.read_text(encoding="utf-8")


@pytest.fixture(scope="session", autouse=True)
def _warm_notebook_workers():
    """Each notebook run forks its worker processes from this one (Linux), and a worker
    inherits what this process has imported and compiled: papermill, and nbconvert's HTML
    export with the Python lexer and the templates every page is rendered with. Done once here,
    on a notebook made in memory (this file also runs in projects of its own, see
    test_protect_messages), not once per run in every worker (the first page a process renders
    had cost 0.45-0.5 s of CPU, the next 0.1-0.2 s)."""
    import papermill  # noqa: F401 - imported for the workers
    from nbconvert import HTMLExporter
    from nbformat import v4

    code = "import numpy as np\n\nx = np.linspace(0, 1, 3)  # a comment\nprint(f'{x[1]:g}')\n"
    nb = v4.new_notebook(
        cells=[v4.new_markdown_cell("# T\n$E = \\hbar \\omega$"), v4.new_code_cell(code)]
    )
    HTMLExporter(template_name="lab").from_notebook_node(nb)


@pytest.fixture(scope="session")
def figure_run(tmp_path_factory):
    """Run every figure notebook once with --fast into a temporary build; return the project,
    the outcomes and the typed results (what ``build/results.json`` holds).

    Built once per test session and shared by the xdist workers (pytest-xdist's documented
    pattern: the workers' common temporary folder and a file lock): the first worker to ask
    runs the notebooks and leaves its outcomes beside the build; the others wait for the lock
    and read them. Tests read this build; none writes to it."""
    import pickle

    import filelock

    from iece.pipeline.runner import Project, discover, load_results
    from iece.report import build

    base = tmp_path_factory.getbasetemp()  # .../pytest-<n>/popen-gw<k> under xdist
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # this session's
    out = shared / "figures-run"
    proj = Project(ROOT, build=out / "build", figures=out / "figures", report=out / "report")
    if not discover(proj):
        pytest.skip("no figure notebooks yet")
    done = out / "outcomes.pickle"
    with filelock.FileLock(str(shared / "figures-run.lock")):
        if not done.is_file():
            outcomes = build(proj, fast=True, jobs=2, progress=False)
            done.write_bytes(pickle.dumps(outcomes))
    return proj, pickle.loads(done.read_bytes()), load_results(proj)


#: Test files that run notebooks or long computations, longest first (from the test run's
#: ``--durations``; refresh them when a file's cost changes much). xdist hands files out in this
#: order (``--dist loadfile --no-loadscope-reorder``; by default it would start with the files
#: that have the most tests), each to the next worker that is almost out of work: test_claims
#: first, as it starts the session's figure run (``figure_run``) that the pages, workflow and
#: browser tests read; the engine's kernel-heavy files beside it; and the quick files last, so
#: that neither worker is left alone with a long file at the end.
SLOW_FIRST = (
    "test_claims.py",
    "test_protect_results.py",
    "test_spine.py",
    "test_protect_files.py",
    "test_break.py",
    "test_fixture_paper.py",
    "test_cache_grain.py",
    "test_protect_messages.py",
    "test_protect_numbers.py",
    "test_workflow.py",
    "test_browser.py",
    "test_judge.py",
    "test_readings.py",
    "test_paper.py",
    "test_outputs.py",
    "test_pages_conclude.py",
    "test_pages_clean.py",
    "test_index_findings.py",
    "test_lifetimes.py",
    "test_sensitivity.py",
    "test_kinetics.py",
    "test_paper_page.py",
    "test_distribute.py",  # a LocalCluster and a scheduler in subprocesses
    "test_ema.py",
)


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: order within
