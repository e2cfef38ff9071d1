"""Whether a figure's results in ``build/results.json`` are the current paper results of this
checkout: checked against its cache entry (the checksum of its entry, its inputs, the data
files its run read) and the checkout now (:func:`iece.pipeline.cache.input_parts`)."""

from __future__ import annotations

from dataclasses import dataclass

from . import cache as _cache
from . import judge
from . import params as _params
from . import results as _results
from .layout import Project, discover, relative
from .results import Results


@dataclass(frozen=True)
class Note:
    """Why a figure's results in ``build/results.json`` are not the current paper results of
    this checkout. ``kind``: ``edited`` (the entry differs from what its run wrote),
    ``stale`` (code, data, versions or the notebook changed since its run), ``fast`` (a
    ``--fast`` run) or ``older`` (kept from an older run because the latest run failed)."""

    figure: str
    kind: str
    text: str

    @property
    def blocking(self) -> bool:
        """True when the figure's numbers may not be read as the paper's current results."""
        return self.kind != "older"


def review(project: Project, results: Results) -> dict[str, list[Note]]:
    """What keeps each figure's results from being the current paper results: checked
    against the figure's cache entry (the checksum of its entry, its inputs) and the
    checkout (:func:`input_parts` now). Figures without notes are absent."""
    figs = discover(project)
    common = None
    rel = relative(project.results_file, project.root)
    notes: dict[str, list[Note]] = {}
    for fid, entry in results.figures.items():
        if entry.status != "ok":
            continue
        place = project.place(fid, True, entry.hash)
        cached = _cache.read_cache(place.cache)
        found = notes.setdefault(fid, [])
        if cached.get("entry") != _results.checksum(entry):
            what = "differs from what its run wrote" if cached else "has no checksum to check"
            found.append(
                Note(
                    fid,
                    "edited",
                    f"{fid}: its entry in {rel} {what} "
                    f"({relative(place.cache, project.root)}); `iece run {fid}` rebuilds it",
                )
            )
            continue
        date = cached.get("date") or "an unknown date"
        fig = figs.get(fid)
        if fig is not None:
            common = common or _cache.common_inputs(project)
            try:
                now = _cache.input_parts(project, fig, entry.parameters, common)
            except (OSError, _params.ParameterError):  # a data file gone or unreadable
                now = {}
            reads = _cache.changed_reads(project, cached)
            if not now or _cache.combine(now) != entry.hash or reads:
                then = cached.get("inputs") or {}
                words = _cache.INPUT_WORDS
                changed = [words[k] for k in words if k in then and then.get(k) != now.get(k)]
                named = ", ".join(reads[:3]) + (
                    f" and {len(reads) - 3} more" if len(reads) > 3 else ""
                )
                changed += [f"{words['reads']} ({named})"] if reads else []
                what = ", ".join(changed) if then and now and changed else "its inputs"
                found.append(
                    Note(
                        fid,
                        "stale",
                        f"{fid}: stale, {what} changed since its run ({date}); "
                        f"`iece run {fid}` updates it",
                    )
                )
        if not found and cached.get("judge_key", "") != judge.key(project, fid):
            found.append(
                Note(
                    fid,
                    "stale",
                    f"{fid}: stale, the ledger or its judge's code changed since it was judged "
                    f"({date}); `iece run {fid}` judges it again without running its notebook",
                )
            )
        if entry.parameters.get("fast") is True:
            found.append(
                Note(
                    fid,
                    "fast",
                    f"{fid}: from a --fast run (cheaper settings), not the paper's run; "
                    f"`iece run {fid}` computes the paper's",
                )
            )
        if entry.older_run:
            found.append(
                Note(
                    fid,
                    "older",
                    f"{fid}: results from an older run ({entry.older_run}); the latest run "
                    f"failed: {entry.latest_error}",
                )
            )
    return {k: v for k, v in notes.items() if v}


def current(project: Project, results: Results) -> tuple[Results, dict[str, list[Note]]]:
    """``results`` without the entries that cannot be trusted (edited after their run, so
    their claims read "missing"), and the :func:`review` notes of every figure."""
    notes = review(project, results)
    edited = {fid for fid, ns in notes.items() if any(n.kind == "edited" for n in ns)}
    kept = {k: v for k, v in results.figures.items() if k not in edited}
    return Results(kept, results.run_stamp), notes


def annotate(rows: list[dict], notes: dict[str, list[Note]]) -> list[dict]:
    """Claims rows (``Evaluated.as_dict()``) with their figure's notes first among their
    problems; a claim of an untrusted (edited) entry says only why it reads "missing"."""
    for row in rows:
        ns = notes.get(row["figure"], [])
        if any(n.kind == "edited" for n in ns):
            row["problems"] = [n.text for n in ns]
        elif ns:
            row["problems"] = [n.text for n in ns] + list(row["problems"])
    return rows
