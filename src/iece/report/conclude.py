"""A figure page's "What we conclude" section: the page's claims and diagnostics as a small
table (statement, paper, ours, verdict) with links to the claim's row on the index and to the
cell, or the figure, that shows our number.

The verdicts are the pipeline's (:func:`iece.pipeline.verdicts.evaluate` on the figure's
recorded results, with the ledger's own checks); nothing here judges a number. The section is
added to the page by :func:`iece.report.render.render_page` at render time; the ledger is
never read inside a kernel.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..pipeline import ledger, verdicts
from ..pipeline.results import Results

#: The section's anchor on the page.
SECTION_ID = "what-we-conclude"


def _verdict_badge(verdict: str, colours: dict) -> str:
    colour = colours.get(verdict, "#000")
    return (
        f'<span class="iece-verdict" style="background-color:{colour}">'
        f"{html.escape(verdict)}</span>"
    )


def _paper(c: ledger.Claim) -> str:
    """The paper's value, or for a qualitative statement the ledger's bound on ours, marked as
    our reading of the paper's words (the paper states no number there)."""
    if c.paper_value is not None:
        return ledger.fmt_value(c.paper_value, c.unit)
    if c.check in ledger.BOUNDS:
        word = {"at_least": "≥", "at_most": "≤", "greater_than": ">", "less_than": "<"}
        return f"{word[c.check]} {ledger.fmt_value(c.bound, c.unit)} (our reading)"
    return "—"


def figure_anchors(entry) -> dict[int, list[dict]]:
    """The figures (name, caption) by the cell that drew them: on the page each gets
    ``id="figure-<name>"`` and its caption, which names the paper's panel it stands for."""
    out: dict[int, list[dict]] = {}
    for item in entry.figures:
        if item.cell is not None:
            out.setdefault(item.cell, []).append({"name": item.name, "caption": item.caption})
    return out


def rows(figure_id: str, entry, claims_file: Path) -> list[dict]:
    """The page's claims, then its diagnostics, each with its verdict and the cell (and the
    figures of that cell) that show our number."""
    evaluated = verdicts.evaluate(ledger.load(claims_file), Results(figures={figure_id: entry}))
    figures = figure_anchors(entry)
    out = []
    for kind in ("claim", "diagnostic"):
        for e in evaluated:
            c = e.claim
            if c.figure != figure_id or c.kind != kind:
                continue
            cell = e.cell if e.verdict not in ("not checkable", "missing") else None
            out.append(
                {
                    "id": c.id,
                    "kind": kind,
                    "statement": c.quantity,
                    "evidence": c.evidence,
                    "paper": _paper(c),
                    "ours": "—" if cell is None else ledger.fmt_value(e.ours, c.unit),
                    "verdict": e.verdict,
                    "robustness": e.robustness,
                    "cell": cell,
                    "figures": [f["name"] for f in figures.get(cell, [])],
                }
            )
    return out


def _row(r: dict, index: str, colours: dict) -> str:
    links = [f'<a href="{html.escape(index)}#claim-{html.escape(r["id"])}">ledger row</a>']
    if r["cell"] is not None:
        links.append(f'<a href="#cell-{r["cell"]}">our number: cell {r["cell"]}</a>')
        links += [
            f'<a href="#figure-{html.escape(name)}">figure {html.escape(name)}</a>'
            for name in r["figures"]
        ]
    verdict = _verdict_badge(r["verdict"], colours)
    if r["robustness"].startswith("depends"):
        verdict += f"<br><small>{html.escape(r['robustness'])}</small>"
    kind = " <small>(diagnostic)</small>" if r["kind"] == "diagnostic" else ""
    return (
        f'<tr id="conclude-{html.escape(r["id"])}"><td>{html.escape(r["statement"])}{kind}'
        f"<br><small><code>{html.escape(r['id'])}</code> · {html.escape(r['evidence'])}"
        f'</small></td><td class="num">{html.escape(r["paper"])}</td>'
        f'<td class="num">{html.escape(r["ours"])}</td><td>{verdict}</td>'
        f"<td>{' · '.join(links)}</td></tr>"
    )


def section(figure_id: str, entry, claims_file: Path, index: str, colours: dict) -> str:
    """The section as HTML ("" when the ledger has no entry for this figure)."""
    if not Path(claims_file).is_file():
        return ""
    if not entry.paper_defaults:
        return (
            f'<section id="{SECTION_ID}" class="iece-conclude"><h2>What we conclude</h2>'
            "<p>This run used parameters other than the paper's, so its numbers are not held "
            f"against the paper's claims: the verdicts are those of the paper's run, on the <a "
            f'href="{html.escape(index)}#claims">report index</a>.</p></section>'
        )
    items = rows(figure_id, entry, claims_file)
    if not items:
        return ""
    counts: dict[str, int] = {}
    for r in items:
        if r["kind"] == "claim":
            counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    n_claims = sum(counts.values())
    said = ", ".join(f"{n} {html.escape(v)}" for v, n in counts.items())
    n_diag = len(items) - n_claims
    lead = (
        f"{n_claims} claim{'s' if n_claims != 1 else ''} of the paper on this page, with "
        f"their verdicts at the default of each open choice: {said}."
        if n_claims
        else "No claim of the paper is checked on this page."
    )
    if n_diag:
        lead += (
            f" {n_diag} model diagnostic{'s' if n_diag != 1 else ''}: what our models show "
            "where they cannot address a measured statement (lessons about the models, not "
            "verdicts on the paper)."
        )
    checked = [r for r in items if r["verdict"] != "not checkable"]
    untestable = [r for r in items if r["verdict"] == "not checkable"]
    body = [_row(r, index, colours) for r in checked]
    rest = ""
    if untestable:
        rest = (
            f"<details><summary>{len(untestable)} not checkable: nothing public we found can "
            "test them (why, on each ledger row)</summary><ul>"
            + "".join(
                f'<li>{html.escape(r["statement"])} <small>(<a href="{html.escape(index)}'
                f'#claim-{html.escape(r["id"])}"><code>{html.escape(r["id"])}</code></a>, paper '
                f"{html.escape(r['paper'])})</small></li>"
                for r in untestable
            )
            + "</ul></details>"
        )
    return (
        f'<section id="{SECTION_ID}" class="iece-conclude"><h2>What we conclude</h2>'
        f"<p>{lead} Each verdict is the ledger's check on the number recorded below; the last "
        "column links to the claim's row on the index and to the output that shows the "
        "number.</p>"
        '<table class="iece-conclude-table"><thead><tr><th>claim</th><th>paper (or our bound)</th>'
        "<th>ours</th><th>verdict</th><th>evidence</th></tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
        + rest
        + "</section>"
    )
