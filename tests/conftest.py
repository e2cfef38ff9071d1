"""Shared fixtures: the project root, the paper text, and one fast run of every notebook."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT.parent / "shared" / "paper" / "lee-smith-iece.txt"

os.environ.setdefault("MPLBACKEND", "agg")


@pytest.fixture(scope="session")
def paper_text() -> str:
    if not PAPER.is_file():
        pytest.fail(f"paper text not found at {PAPER} (shared/ must sit beside the checkout)")
    return PAPER.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def figure_run(tmp_path_factory):
    """Run every figure notebook once with --fast into a temporary build; return the project
    and the results (what ``build/results.json`` holds)."""
    from iece.runner import Project, discover, run

    out = tmp_path_factory.mktemp("figures-run")
    proj = Project(ROOT, build=out / "build", figures=out / "figures", report=out / "report")
    if not discover(proj):
        pytest.skip("no figure notebooks yet")
    outcomes = run(proj, fast=True, jobs=2, progress=False)
    from iece.runner import load_results

    return proj, outcomes, load_results(proj)
