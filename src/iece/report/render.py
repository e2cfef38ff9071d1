"""The self-contained HTML report: one page per figure notebook plus ``index.html``.

Pages are exported by nbconvert with the ``iece`` template (``templates/nbconvert/iece``):
images embedded, code folded, math converted to MathML by ``latex2mathml`` before export so
no MathJax (or any other script or stylesheet) is loaded from the network. The index is a
Jinja2 template (``templates/index.html.j2``): the claims dashboard first, filterable by verdict
with CSS only, then the figure gallery with provenance badges, then the run stamp.

Nothing from a user's file or the ledger becomes live (:mod:`.sanitize`): Markdown outputs, which
carry user data, render with raw HTML, links and images off; MathML is cut to an allow-list; and
every page is written through :func:`~.sanitize.clean_page` (nh3).
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import subprocess
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..io import atomic_write_text
from ..pipeline import bundle, ledger, verdicts
from ..pipeline.layout import relative
from ..pipeline.runner import discover, versions
from . import conclude as conclusions
from . import dashboard
from .markup import (  # noqa: F401  (re-exported: the pages' markup lives in .markup)
    _MACROS,
    _SUBSUP,
    BADGE_COLOURS,
    TEMPLATES,
    VERDICT_COLOURS,
    latex_to_mathml,
    render_quote,
)
from .sanitize import clean_page, markdown_to_html


def badges(provenance: str) -> str:
    parts = [p for p in provenance.split("+") if p]
    return "".join(
        f'<span class="iece-badge" style="background-color:{BADGE_COLOURS.get(p, "#fff")}">'
        f"{html.escape(p)}</span>"
        for p in parts
    )


def render_page(nb_path: Path, out_html: Path, fig, entry, project, judged=None) -> None:
    """Export an executed notebook of ``project`` (the run's, whose ledger its claims come
    from) to one self-contained HTML page. ``judged``: the judge stage's sections (name ->
    notebook outputs, :mod:`iece.pipeline.judge`), each shown as the outputs of the code cell
    marked ``"iece": {"judged": name}``; the executed notebook itself holds only what the
    kernel computed."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(nb_path), as_version=4)
    for cell in nb.cells:
        name = cell.get("metadata", {}).get("iece", {}).get("judged")
        if cell.cell_type == "code" and judged and name in judged:
            cell.outputs = [nbformat.from_dict(o) for o in judged[name]]
    provs = sorted({p for f in entry.figures for p in f.provenance.split("+") if p})
    header = f"<strong>{html.escape(fig.title)}</strong> ({html.escape(fig.id)}) "
    header += badges("+".join(provs))
    if entry.status != "ok":
        header += (
            '<div class="iece-failed">This notebook <strong>failed</strong>: '
            f"{html.escape(entry.error)}. The failing cell and its traceback are "
            "shown below.</div>"
        )
    exporter = HTMLExporter(
        template_name="iece",
        extra_template_basedirs=[str(TEMPLATES / "nbconvert")],
        embed_images=True,
        filters={"mathml": latex_to_mathml, "inert_markdown": markdown_to_html},
    )
    # a user run's page is in report/runs/ (runner.Project.place), one level below the index
    index = "../index.html" if out_html.parent.name == "runs" else "index.html"
    # "What we conclude" after the intro (the first Markdown cell), from the pipeline's verdicts
    claims_file = project.claims_file
    conclude = ""
    if entry.status == "ok":
        conclude = conclusions.section(fig.id, entry, claims_file, index, VERDICT_COLOURS)
    first_md = next((c.get("id") for c in nb.cells if c.cell_type == "markdown"), None)
    body, _ = exporter.from_notebook_node(
        nb,
        resources={
            "iece_header": header,
            "iece_index": index,
            "iece_conclude": Markup(conclude),
            "iece_conclude_after": first_md,
            "iece_figures": conclusions.figure_anchors(entry),
            # a section for the user's data (cell metadata iece.requires) shows only when set
            "iece_unset": [k for k, v in entry.parameters.items() if v in (None, "")],
        },
    )
    atomic_write_text(out_html, clean_page(body))


def _git(root: Path, *args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
    except Exception:  # noqa: BLE001
        return ""


def lock_differences(project, found: dict) -> list[str]:
    """Installed versions that differ from the project's ``constraints.txt`` (the pinned
    environment), as ``name installed (lock pinned)``."""
    lock = project.root / "constraints.txt"
    if not lock.is_file():
        return []
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and not name.startswith("#"):
            pins[name.lower().replace("_", "-")] = version
    return [
        f"{k} {v} (lock {pins[k.lower()]})"
        for k, v in found.items()
        if k.lower() in pins and pins[k.lower()] != v
    ]


def run_stamp(project) -> dict:
    commit = _git(project.root, "rev-parse", "--short", "HEAD") or "unknown"
    dirty = bool(_git(project.root, "status", "--porcelain", "--untracked-files=no"))
    return {
        "commit": commit,
        "dirty": dirty,
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "versions": (found := versions()),
        "lock_differences": lock_differences(project, found),
    }


def _thumb(p: Path) -> str:
    if not p.is_file():
        return ""
    return "data:image/png;base64," + base64.b64encode(p.read_bytes()).decode()


#: How a figure card says that its results are not current (:class:`iece.pipeline.runner.Note`).
_MARKS = {
    "older": "results from an older run, {entry.older_run}",
    "stale": "stale: its inputs changed since its run",
    "fast": "from a --fast run",
    "edited": "results edited after their run: not used",
}


def render_index(project, results) -> Path:
    """Write ``report/index.html`` from ``results`` (:class:`~iece.pipeline.results.Results`)
    and the ledger (if there is one). Figures whose results are not current (stale, edited,
    from a --fast run, or kept from an older run) say so in the headline, in their claims and
    on their card; an edited entry is not evaluated."""
    from ..pipeline.runner import annotate, current

    results, notes = current(project, results)
    paper = bundle.load(project.root)
    claims, summary, entries = [], {}, []
    if paper.claims_file.is_file():
        entries = ledger.load(paper.claims_file, paper=paper)
        evaluated = verdicts.evaluate(entries, results)
        claims = annotate([e.as_dict() for e in evaluated], notes)
        summary = verdicts.summary(evaluated)
    view = dashboard.prepare(claims, entries, results, notes)
    # the figures whose results are not current, by why (one line; the details folded)
    not_current: dict[str, list[str]] = {}
    for fid, ns in notes.items():
        for n in ns:
            not_current.setdefault(_MARKS[n.kind].split(",")[0].split(":")[0], []).append(fid)
    figs = discover(project)
    user_runs = []
    for run_id, rr in project.user_runs().items():
        for fid, entry in rr.figures.items():
            fig = figs.get(fid)
            defaults = fig.parameters.defaults() if fig else {}
            changed = {k: v for k, v in entry.parameters.items() if defaults.get(k, v) != v}
            user_runs.append({"run_id": run_id, "figure": fid, "entry": entry, "changed": changed})
    gallery = []
    for fid, fig in figs.items():
        entry = results.figures.get(fid)
        pngs = [
            {
                "src": _thumb(project.figures / f),
                "name": item.name,
                "caption": item.caption,
                "badges": badges(item.provenance),
            }
            for item in (entry.figures if entry else [])
            for f in item.files
            if f.endswith(".png")
        ]
        marks = [_MARKS[n.kind].format(entry=entry) for n in notes.get(fid, [])]
        title = fig.title + "".join(f" ({m})" for m in marks)
        gallery.append({"id": fid, "title": title, "entry": entry, "images": pngs})
    diagnostics = [c for c in claims if c["kind"] == "diagnostic"]
    claims = [c for c in claims if c["kind"] == "claim"]
    counts = {v: sum(c["verdict"] == v for c in claims) for v in (*ledger.VERDICTS, "missing")}
    order = {fid: i for i, fid in enumerate(figs)}
    by_figure: dict[str, list] = {}
    for c in sorted(claims, key=lambda c: order.get(c["figure"], len(order))):
        if c["evidence"] != "none":  # statements nothing public can test: one folded group
            by_figure.setdefault(c["figure"], []).append(c)
    titles = {fid: f.title for fid, f in figs.items()}
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    env.filters["fmt"] = dashboard.number
    env.filters["quote"] = render_quote
    env.filters["pretty"] = dashboard.pretty
    page = env.get_template("index.html.j2").render(
        claims=claims,
        by_figure=by_figure,
        titles=titles,
        counts=counts,
        verdicts=list(ledger.VERDICTS) + ["missing"],
        verdict_colours=VERDICT_COLOURS,
        badge_colours=BADGE_COLOURS,
        gallery=gallery,
        stamp=run_stamp(project),
        results=results.figures,
        runtimes=results.run_stamp.get("runtime_s", {}),
        user_runs=user_runs,
        mismatches=summary.get("mismatches", 0),
        summary=summary,
        headline=dashboard.sentence(view["table"]) if claims else "",
        diagnostics=diagnostics,
        cite=paper.cite,
        cite_full=paper.cite_full,
        data_note=paper.data_note,
        claims_name=relative(paper.claims_file, project.root),
        open_choices=paper.choices,
        readings=paper.readings,
        findings=view["findings"],
        untestable=view["untestable"],
        table=view["table"],
        grid=dashboard.grid(claims, titles),
        choices_view=view["choices_view"],
        columns=dashboard.COLUMN_TITLES,
        column_colour={c: dashboard.colour_cell(c, VERDICT_COLOURS) for c in dashboard.COLUMNS},
        not_current=not_current,
        notes=[n.text for ns in notes.values() for n in ns],
        choice_label=paper.choice_label,
    )
    from .paper_page import with_paper_page  # it imports this module

    page = with_paper_page(
        project, claims, page, paper.cite
    )  # report/paper.html, and its line here
    out = project.report / "index.html"
    atomic_write_text(out, clean_page(page))
    return out
