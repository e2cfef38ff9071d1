"""The report in a real browser: Playwright driving the system's Chromium (issue 24, item 2).

One module-scoped build through the real pipeline (``iece.report.build``, as ``iece run``):
fig5fg with the paper's table (the index and a normal figure page: a copy of the session's
fast build of every figure, ``figure_run``) and fig5fg with a hostile literature table
(``javascript:`` links, images, ``\\href``, raw ``<script>``, event attributes, in the cells and
in the file's name). Then, in Chromium: on the hostile page every link is clicked and nothing
runs (no dialog, no navigation to ``javascript:``, no request that leaves ``file://``, no remote
``src``); the normal pages load with no console error at desktop width, at 390 px (without
sideways scrolling) and in print media; and every link on them lands.

Needs Playwright (the ``test`` extra) and Chromium from the OS packages (Debian: ``apt-get
install chromium``); Playwright's own browser download is not used. ``IECE_CHROMIUM`` names the
browser (default: ``chromium`` on the PATH). Without them the tests skip and say so; with
``CI=true`` they fail instead.
"""

from __future__ import annotations

import csv
import importlib
import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import ROOT

#: Hostile values for the literature table's free-text columns. Each payload, if it ran, would
#: open a dialog (alert) or load something from example.invalid.
HOSTILE = {
    "first_author": r"[click](javascript:alert('author')) $\href{javascript:alert('tex')}{x}$",
    "journal": "![](https://example.invalid/pixel.png) <img src=x onerror=alert('img')>",
    "material": "InAs <b onmouseover=alert('b')>[m](javascript:alert('m'))</b>",
    "fwhm_reported": "[![x](https://example.invalid/i.png)](javascript:alert('nested'))",
    "source_url": "javascript:alert('url')",
    "snippet": (
        "<script>alert('script')</script> <a href=\"javascript:alert('raw')\">raw</a> "
        "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) "
        "<https://example.invalid/auto> <svg onload=alert('svg')> "
        "<iframe src=https://example.invalid/frame></iframe> "
        '<div style="background:url(https://example.invalid/bg.png)">s</div> '
        r"$$\href{javascript:alert('block')}{y}$$"
    ),
    "notes": "<img src=https://example.invalid/n.png>",
}
#: The hostile file's name is shown on the page too (in a code span).
HOSTILE_NAME = "hostile [n](javascript:alert('name')) $\\href{javascript:alert('n')}{z}$.csv"


def _required() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _unavailable(why: str):
    if _required():
        pytest.fail(f"{why}; CI=true requires the browser tests")
    pytest.skip(
        f"{why}: install the test extra (pip install -e '.[test]') and Chromium from the OS "
        "packages (Debian: apt-get install chromium), or set IECE_CHROMIUM to a Chromium "
        "binary, to run the browser tests"
    )


def chromium_path() -> str | None:
    """``IECE_CHROMIUM``, else ``chromium`` on the PATH. A named browser that is not there is
    an error, never a skip: a mistyped path must not silently turn the tests off."""
    named = os.environ.get("IECE_CHROMIUM")
    if named:
        if not Path(named).is_file():
            pytest.fail(f"IECE_CHROMIUM={named!r} is not a file: point it at a Chromium binary")
        return named
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    try:
        sync_api = importlib.import_module("playwright.sync_api")
    except ImportError:
        _unavailable("Playwright is not installed")
    path = chromium_path()
    if path is None:
        _unavailable("no Chromium on the PATH")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path)
        yield b
        b.close()


def write_hostile_table(path: Path) -> None:
    """The project's literature table with the first rows' text cells made hostile."""
    with (ROOT / "data" / "literature" / "ir_nanocrystals.csv").open(
        newline="", encoding="utf-8"
    ) as f:
        rows = list(csv.reader(f))
    col = {name: i for i, name in enumerate(rows[0])}
    for r, row in enumerate(rows[1:4], start=1):
        for name, value in HOSTILE.items():
            row[col[name]] = f"{value} {r}"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


@pytest.fixture(scope="module")
def report(browser, figure_run, tmp_path_factory):
    """A copy of the session's fast build (fig5fg run with the paper's table, among every
    figure; fig5fg had been run again here for it), then fig5fg run (fast) with the hostile
    table into the copy. Returns the report folder and the hostile run's page."""
    from iece.pipeline.runner import Project
    from iece.report import build

    session, outcomes, _ = figure_run
    assert outcomes["fig5fg"].status == "ok", outcomes["fig5fg"].error
    out = tmp_path_factory.mktemp("browser")
    for folder in ("build", "figures", "report"):  # the session's build is read by other tests
        shutil.copytree(getattr(session, folder), out / folder, symlinks=True)
    table = out / HOSTILE_NAME
    write_hostile_table(table)
    proj = Project(ROOT, build=out / "build", figures=out / "figures", report=out / "report")
    hostile = build(
        proj, ["fig5fg"], {"literature_path": str(table)}, fast=True, jobs=1, progress=False
    )
    assert hostile["fig5fg"].status == "ok", hostile["fig5fg"].error
    (page,) = (proj.report / "runs").glob("fig5fg-*.html")
    return proj.report, page


class Watch:
    """A browser page with everything that would mean something ran or loaded recorded:
    dialogs (dismissed), console errors, uncaught errors, every request and navigation.
    Requests that leave ``file://`` (or ``data:`` images) are aborted and recorded."""

    def __init__(self, browser, **context):
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.dialogs, self.errors, self.requests, self.navigations = [], [], [], []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on(
            "console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}")
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("framenavigated", lambda f: self.navigations.append(f.url))
        self.context.route(
            lambda url: not url.startswith(("file:", "data:")), lambda route: route.abort()
        )

    def remote(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file:", "data:image/"))]

    def close(self):
        self.context.close()


#: In the browser's DOM: every element attribute that could run code or load something.
LIVE_IN_DOM = """() => {
  const bad = [];
  for (const e of document.querySelectorAll('*')) {
    const tag = e.tagName.toLowerCase();
    if (['script', 'iframe', 'object', 'embed', 'frame', 'link', 'base', 'svg'].includes(tag))
      bad.push(tag);
    for (const a of e.attributes) {
      const v = a.value.replace(/[\\s\\x00-\\x20]/g, '').toLowerCase();
      if (a.name.startsWith('on')) bad.push(`${tag} ${a.name}`);
      if (/^(javascript|vbscript|data):/.test(v) &&
          !(tag === 'img' && a.name === 'src' && v.startsWith('data:image/')))
        bad.push(`${tag} ${a.name}=${a.value.slice(0, 40)}`);
      if (['src', 'srcset', 'poster', 'data', 'action', 'formaction', 'background'].includes(a.name)
          && !(tag === 'img' && a.name === 'src' && v.startsWith('data:image/')))
        bad.push(`${tag} ${a.name}=${a.value.slice(0, 40)}`);
      if (a.name === 'href' && tag !== 'a') bad.push(`${tag} href`);
      if (a.name === 'style' && v.includes('url(')) bad.push(`${tag} style url(`);
    }
  }
  for (const s of document.styleSheets)
    for (const r of s.cssRules)
      if (/url\\(\\s*['"]?(https?:|\\/\\/)/i.test(r.cssText))
        bad.push(`css ${r.cssText.slice(0, 60)}`);
  return bad;
}"""


#: The classes of the claim rows the reader sees, and how many rows there are.
SHOWN_ROWS = """() => {
  const rows = [...document.querySelectorAll('tr.claim')];
  return [rows.filter(r => r.getClientRects().length > 0).map(r => r.className), rows.length];
}"""

#: Mouse, focus and load-type events on every element that is not a link (links are clicked).
FIRE_EVERY_EVENT = """() => {
  const types = ['mouseover', 'mouseenter', 'click', 'dblclick', 'focus', 'load', 'error'];
  for (const e of document.querySelectorAll('body *'))
    if (!e.closest('a')) for (const t of types) e.dispatchEvent(new Event(t, {bubbles: true}));
}"""


def test_a_page_from_a_hostile_table_runs_and_loads_nothing(browser, report):
    """Every link on the hostile run's page is clicked; nothing runs, navigates to
    ``javascript:`` or loads from outside ``file://``; the hostile text is shown as text."""
    _, page_file = report
    url = page_file.as_uri()
    w = Watch(browser)
    try:
        w.page.goto(url)
        text = w.page.inner_text("body")
        assert "javascript:alert('author')" in text and "<script>alert('script')</script>" in text
        assert r"\href{javascript:alert('tex')}{x}" in text  # TeX in a cell is shown, not made
        assert w.page.evaluate(LIVE_IN_DOM) == []
        links = w.page.locator("a")
        n = links.count()
        assert n > 0
        for i in range(n):
            if w.page.url.split("#")[0] != url:
                w.page.goto(url)
            link = links.nth(i)
            if link.is_visible():
                link.click()
            else:  # inside a closed <details>: activate it as a script would
                link.dispatch_event("click")
            w.page.wait_for_load_state()
        if w.page.url.split("#")[0] != url:
            w.page.goto(url)
        w.page.evaluate(FIRE_EVERY_EVENT)  # for any event attribute that survived
    finally:
        w.close()
    assert w.dialogs == [], "a payload ran"
    assert not [u for u in w.navigations if not u.startswith("file:")], w.navigations
    assert w.remote() == [], "a request left file://"
    assert w.errors == []


@pytest.mark.parametrize(
    "mode",
    [
        {"viewport": {"width": 1280, "height": 900}},
        {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
        {"viewport": {"width": 1280, "height": 900}, "media": "print"},
    ],
    ids=["desktop", "390px", "print"],
)
def test_report_pages_load_cleanly(browser, report, mode):
    """The index, a figure page and a user run's page: no console error, nothing loaded from
    outside, nothing live in the DOM; at 390 px the page itself does not scroll sideways (wide
    tables scroll in their own box); in print media every claim row is shown."""
    folder, run_page = report
    mode = dict(mode)
    media = mode.pop("media", "screen")
    w = Watch(browser, **mode)
    try:
        w.page.emulate_media(media=media)
        for page in (folder / "index.html", folder / "fig5fg.html", run_page):
            w.page.goto(page.as_uri())
            assert w.page.evaluate(LIVE_IN_DOM) == [], page.name
            width = w.page.evaluate("document.documentElement.scrollWidth")
            assert width <= w.page.viewport_size["width"], (page.name, width)
            if page.name == "index.html":
                shown, total = w.page.evaluate(SHOWN_ROWS)
                assert len(shown) == total > 0, "a claim row is hidden"
        if media == "print":
            w.page.goto((folder / "index.html").as_uri())
            assert w.page.pdf()[:5] == b"%PDF-"  # Chromium lays it out for paper without error
    finally:
        w.close()
    assert w.errors == [] and w.remote() == [] and w.dialogs == []


def test_every_link_on_the_report_pages_lands(browser, report):
    """Every href on the index and the figure pages points at a file that exists and, with a
    fragment, at an element with that id."""
    folder, run_page = report
    w = Watch(browser)
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            w.page.goto(path.as_uri())
            ids[path] = set(
                w.page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
            )
        return ids[path]

    missing = []
    try:
        for page in (folder / "index.html", folder / "fig5fg.html", run_page):
            ids_of(page)
            w.page.goto(page.as_uri())
            hrefs = w.page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
            assert hrefs, page.name
            for href in hrefs:
                parts = urlsplit(href)
                target = Path(unquote(parts.path))
                if parts.scheme != "file" or not target.is_file():
                    missing.append(f"{page.name}: {href}")
                elif parts.fragment and unquote(parts.fragment) not in ids_of(target):
                    missing.append(f"{page.name}: {href}")
    finally:
        w.close()
    assert missing == []
    assert w.errors == [] and w.remote() == []


def test_the_verdict_filter_works_with_javascript_off(browser, report):
    """The dashboard's verdict filter is CSS only: it still works after the sanitizer, with
    JavaScript off."""
    folder, _ = report
    w = Watch(browser, java_script_enabled=False)
    try:
        w.page.goto((folder / "index.html").as_uri())
        labels = w.page.locator(".filter label")
        assert labels.count() >= 2
        labels.nth(1).click()
        verdict = labels.nth(1).inner_text().replace(" ", "-")
        shown, total = w.page.evaluate(SHOWN_ROWS)
        assert 0 < len(shown) < total
        assert all(f"v-{verdict}" in classes.split() for classes in shown)
        labels.nth(0).click()
        shown, total = w.page.evaluate(SHOWN_ROWS)
        assert len(shown) == total
    finally:
        w.close()
    assert w.errors == [] and w.remote() == []
