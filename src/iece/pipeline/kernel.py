"""The notebooks' kernel: a kernelspec for *this* interpreter, found without ``JUPYTER_PATH``,
and the code it runs at start-up to tell :mod:`iece.pipeline.record` where records go.

Nothing here changes the caller's environment: the spec lives in the build folder, which a
worker process puts on its own ``JUPYTER_PATH`` (:func:`worker_env`), and the kernel's
matplotlib backend is set in the spec's own ``env``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from .housekeeping import write
from .layout import Project

#: Start-up attempts of a notebook's kernel. Two kernels started at the same moment can pick the
#: same free port (jupyter_client chooses ports by binding to port 0 and releasing them); the
#: kernel then dies before it replies, before any cell has run, and a second start is safe.
KERNEL_START_ATTEMPTS = 3
#: The kernel draws figures inline into the page, whatever backend the runner itself uses.
KERNEL_ENV = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}


def kernel_name() -> str:
    """A kernel name unique to this interpreter, so no other Python can answer to it."""
    return "iece-" + hashlib.sha1(sys.executable.encode()).hexdigest()[:10]


def kernels_dir(project: Project) -> Path:
    """The folder of the project's kernelspecs (``build/jupyter/kernels``)."""
    return project.build / "jupyter" / "kernels"


def ensure_kernel(project: Project) -> str:
    """Register a kernelspec for this interpreter under ``build/jupyter/kernels``; returns its
    name. Notebooks therefore always run in the runner's environment."""
    name = kernel_name()
    spec = {
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--log-level=CRITICAL",
            "--HistoryManager.enabled=False",
        ],
        "display_name": f"iece ({sys.executable})",
        "language": "python",
        "env": KERNEL_ENV,
        "metadata": {"debugger": False},
    }
    target = kernels_dir(project) / name / "kernel.json"
    text = json.dumps(spec, indent=1)
    if not target.is_file() or target.read_text() != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        write(project, target, text)
    return name


def worker_env(project: Project) -> dict[str, str]:
    """The environment a worker process sets for itself before it starts kernels: the build
    folder's kernelspecs first on ``JUPYTER_PATH`` (a stale spec of the same name elsewhere
    cannot win). Only the worker's own environment changes, never its caller's."""
    jp = str(project.build / "jupyter")
    parts = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != jp]
    return {"JUPYTER_PATH": os.pathsep.join([jp, *parts])}


def startup_code(
    records: Path, figures: Path, watch: list[Path], skip: list[Path], path: list[Path] = ()
) -> str:
    """One line the kernel runs before any cell (``IPKernelApp.exec_lines``: no cell number is
    used): the folders ``path`` (the paper package's, ``[tool.iece] path``) first on
    ``sys.path``, then :func:`iece.pipeline.record.configure` with the run's records file and
    figure folder, and the folders whose files the run reads are recorded. JSON strings and
    lists are Python literals."""
    args = {
        "records": str(records),
        "figures": str(figures),
        "watch": [str(p) for p in watch],
        "skip": [str(p) for p in skip],
    }
    call = ", ".join(f"{k}={json.dumps(v)}" for k, v in args.items())
    first = f"__import__('sys').path[:0] = {json.dumps([str(p) for p in path])}; " if path else ""
    return f"{first}__import__('iece.pipeline.record', fromlist=['configure']).configure({call})"


def extra_arguments(code: str) -> list[str]:
    """The kernel's command-line arguments that run ``code`` at start-up."""
    return [f"--IPKernelApp.exec_lines={code}"]
