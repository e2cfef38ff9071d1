"""What a run will do: the figures chosen and every parameter value of each, checked before
anything runs."""

from __future__ import annotations

import os
from pathlib import Path

from . import params as _params
from .layout import Figure, Project, discover


def plan(
    project: Project,
    figure_ids: list[str] | None,
    overrides: dict[str, str],
    fast: bool = False,
) -> list[tuple[Figure, dict, bool]]:
    """Resolve figure ids and validate ``-p`` overrides for each; raise before anything runs.

    An override must be a parameter of at least one selected notebook; it is passed to every
    selected notebook that has it. ``fast`` sets ``fast=True`` where a notebook has it. Returns
    (figure, every parameter value, whether the run is a paper run) per figure.
    """
    figs = discover(project)
    ids = figure_ids or list(figs)
    unknown = [i for i in ids if i not in figs]
    if unknown:
        raise _params.ParameterError(
            f"unknown figure id(s) {', '.join(unknown)}; known: {', '.join(figs) or '(none)'}"
        )
    chosen = [(figs[i], figs[i].parameters) for i in ids]
    for name in overrides:
        if not any(name in p for _, p in chosen):
            known = sorted({q.name for _, p in chosen for q in p})
            raise _params.ParameterError(
                f"unknown parameter {name!r} for {', '.join(ids)}; known: {', '.join(known)}"
            )
    out = []
    for fig, ps in chosen:
        given = {k: v for k, v in overrides.items() if k in ps}
        if fast and "fast" in ps and "fast" not in given:
            given["fast"] = True
        for k, v in given.items():  # a relative path means from here, not from the project
            if (
                ps.by_name[k].kind == "path"
                and isinstance(v, str)
                and v.strip().lower() not in ("", "none")
            ):
                given[k] = os.path.abspath(Path(v.strip()).expanduser())
        values = ps.resolve(given, fig.id)
        for k, v in values.items():  # inside the project: recorded relative to it (portable)
            if (
                ps.by_name[k].kind == "path"
                and v is not None
                and Path(v).is_relative_to(project.root)
            ):
                values[k] = Path(v).relative_to(project.root).as_posix()
        out.append((fig, values, ps.is_paper_run(values)))
    return out
