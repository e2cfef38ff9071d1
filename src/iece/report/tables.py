"""Markdown tables for the figure pages, built from a :class:`~iece.pipeline.figure.FigureResult`.

Every cell that comes from a user file is escaped with :func:`md_text`, as Markdown and as HTML:
it shows as written and can make no link, image, markup, math or extra cell. (The page renders
these tables with links, images and raw HTML off as well: :mod:`iece.report.sanitize`.)
"""

from __future__ import annotations

import html
import string

#: Each ASCII punctuation character as Markdown text: ``&<>"'|`` as HTML entities (``|`` never
#: splits a table cell), every other one backslash-escaped (CommonMark allows it for all).
_MD_TEXT = (
    {c: "\\" + c for c in string.punctuation}
    | {c: html.escape(c) for c in "&<>\"'"}
    | {"|": "&#124;"}
)


def md_text(value) -> str:
    """``value`` (a user's cell, file name or path) as Markdown text that renders exactly as
    written, on one line: every Markdown punctuation character escaped (so
    ``[x](javascript:...)`` is no link, ``![](...)`` no image, ``$...$`` no math, ``*`` no
    emphasis, ``<b>`` no tag, ``|`` no new cell)."""
    return "".join(_MD_TEXT.get(c, c) for c in " ".join(str(value).split()))


def readings_claims(rows: dict, passed: dict, claims: list) -> str:
    """The claim x reading table of the readings page: for each EMA claim and each diagnostic
    that a reading can address (rows), whether each named reading (columns: ``rows["label"]``)
    passes the ledger's own check."""
    labels = list(rows["label"])
    lines = [
        "| ledger entry | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(labels),
    ]
    for c in claims:
        if c.id not in passed:
            continue
        marks = ["**yes**" if ok else "no" for ok in passed[c.id]]
        kind = "" if c.kind == "claim" else " (diagnostic)"
        lines.append(f"| {c.id}{kind}: {c.quantity} | " + " | ".join(marks) + " |")
    return "\n".join(lines)


def readings_described(rows: dict) -> str:
    """What each named reading assumes and where its carriers sit (4 nm core/shell, x = 0.4),
    with the lowest 1S-1S energy any 3.3 nm NC reaches in it."""
    from ..paper import readings

    lines = [
        "| reading | what it assumes | electron in the shell / outside | hole in the shell "
        "| lowest 3.3 nm core/shell, alloy (eV) |",
        "|---|---|---|---|---|",
    ]
    for i, label in enumerate(rows["label"]):
        what = readings.describe(rows, i)
        cf = readings.counterfactual(rows, i)
        if cf:
            what += f" (counterfactual: {cf})"
        lines.append(
            f"| {label} | {what} | {rows['e_in_shell'][i]:.0%} / {rows['e_outside'][i]:.0%} "
            f"({rows['e_shell_enrichment'][i]:.2f} x uniform) | {rows['h_in_shell'][i]:.0%} "
            f"({rows['h_shell_enrichment'][i]:.2f} x uniform) | "
            f"{rows['min_cs_energy_3p3nm_eV'][i]:.2f}, {rows['min_alloy_energy_3p3nm_eV'][i]:.2f} |"
        )
    return "\n".join(lines)
