"""The report: a page per executed notebook, and the index.

:func:`build` is what ``iece run`` does: run the notebooks (:func:`iece.pipeline.runner.run`,
rendering each page as it finishes), then write ``report/index.html``. A figure's plots, tables
and notes belong to its paper (``iece.paper.views.<figure>``); what every paper's views share
stays here: the Markdown helpers (:mod:`.markdown`: ``md_table``, ``md_text``, note templates)
and the style (:mod:`.style`).
"""

from __future__ import annotations


def build(project, figure_ids=None, overrides=None, **kw) -> dict:
    """Run the selected figure notebooks, render their pages and the index; return outcomes."""
    from ..pipeline.runner import load_results, run
    from .render import render_index, render_page

    def index():  # under the build lock: two runs cannot interleave their index writes
        render_index(project, load_results(project))

    return run(project, figure_ids, overrides, on_page=render_page, after=index, **kw)
