"""Nothing from a user's file, a path or the ledger becomes live in the report (issue 24, item 2).

Fast, no browser: the Markdown escape for table cells, the inert Markdown renderer for page
outputs, the MathML allow-list and the final page sanitizer (nh3). ``tests/test_browser.py``
checks the same in Chromium on a page built by the real pipeline.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from iece.report import sanitize
from iece.report.markdown import md_text
from iece.report.render import badges, latex_to_mathml, render_quote
from iece.report.sanitize import clean_fragment, clean_mathml, clean_page, markdown_to_html

#: Each a way a cell or quote once made, or could make, live content.
HOSTILE = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![](https://example.invalid/pixel.png)",
    "[![x](https://example.invalid/i.png)](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">raw</a>',
    "<svg onload=alert(1)>",
    "<https://example.invalid/auto>",
    "https://example.invalid/bare",
    r"$\href{javascript:alert(1)}{x}$",
    r"$$\href{javascript:alert(1)}{x}$$",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<iframe src=https://example.invalid></iframe>",
]


class Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self, markup: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def live(markup: str) -> list[str]:
    """What in ``markup`` could run, load or link: the test's independent reading."""
    bad = []
    for tag, attrs in Elements(markup).found:
        if tag in ("script", "iframe", "object", "embed", "svg", "link", "base", "img"):
            bad.append(tag)
        for name, value in attrs.items():
            v = "".join((value or "").split()).lower()
            if name.startswith("on") or name in ("href", "src", "srcset", "xlink:href"):
                bad.append(f"{tag} {name}={value}")
            elif "javascript:" in v or "url(" in v:
                bad.append(f"{tag} {name}={value}")
    return bad


# --- Markdown text: a user's cell shows as written ------------------------------------------


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_hostile_cell_makes_no_live_markup_in_a_table(cell):
    table = f"| a | b |\n|---|---|\n| {md_text(cell)} | y |"
    for render in (markdown2html_mistune, markdown_to_html):  # nbconvert's own, and ours
        out = latex_to_mathml(render(table))
        assert live(out) == [], out
        assert out.count("<td>") == 2, out
    assert "<math" not in latex_to_mathml(markdown_to_html(table))  # a "$" in a cell is text


@pytest.mark.parametrize(
    "cell", [*HOSTILE, "a|b", "x_1 *y* **z** `c` \\ & &amp; &#36; ~~s~~ 10.1002/(SICI)<552::AID>"]
)
def test_a_cell_shows_exactly_as_written(cell):
    """What the reader sees is the cell itself (one line): no character is lost or changed."""

    class Text(HTMLParser):
        text = ""

        def handle_data(self, data):
            self.text += data

    out = markdown_to_html(f"| a |\n|---|\n| {md_text(cell)} |")
    td = out[out.index("<td>") : out.index("</td>")]
    seen = Text(convert_charrefs=True)
    seen.feed(td)
    assert seen.text.strip() == " ".join(cell.split())


# --- inert Markdown: what the pages' Markdown outputs go through ----------------------------


@pytest.mark.parametrize("source", HOSTILE)
def test_markdown_outputs_have_no_links_images_or_raw_html(source):
    out = latex_to_mathml(markdown_to_html(source))
    assert live(out) == [], out


def test_markdown_outputs_keep_tables_emphasis_code_and_math():
    out = latex_to_mathml(
        markdown_to_html("**12 rows** from `my$x$.csv`, at $x = 0.4$.\n\n| a |\n|---|\n| *b* |")
    )
    assert "<strong>12 rows</strong>" in out and "<em>b</em>" in out
    assert "<code>my&#36;x&#36;.csv</code>" in out  # a file name is not math
    assert out.count("<math") == 1 and "<mi>x</mi>" in out


def test_a_link_shows_its_text_and_an_image_its_alt():
    out = markdown_to_html("see [the source](https://example.org) and ![a plot](x.png)")
    assert "the source" in out and "a plot" in out and "<a" not in out and "<img" not in out


def test_tex_inside_code_is_shown_not_converted():
    """A file name in a code span (``md_code``) had been converted to MathML, link and all."""
    out = latex_to_mathml(markdown2html_mistune(r"from `$\href{javascript:alert(1)}{x}$.csv`"))
    assert "<math" not in out and "javascript" in out  # shown as text, inside <code>
    assert live(out) == []


# --- MathML ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"\href{javascript:alert(1)}{x}",
        r"\href{https://example.invalid}{x}",
        r"x_{\href{javascript:alert(1)}{1}}",
    ],
)
def test_href_in_tex_makes_no_link(tex):
    for out in (latex_to_mathml(f"<p>${tex}$</p>"), str(render_quote(f"a ${tex}$ b"))):
        assert "<math" in out and "href" not in out and "javascript" not in out, out


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac{1}{x_1} \mathrm{d} \mathbf{E}",
        r"\hat{E}_{1S} \sim 10^{-22}\,\mathrm{m^2/s}",
        r"\sqrt[3]{x} \overline{ab} \underbrace{c}_{d}",
        r"\begin{matrix} a & b \\ c & d \end{matrix}",
        r"\left( \frac{a}{b} \right) \color{red}{x} \operatorname{erf}(x)",
        r"Hg_xCd_{1-x}Se",
        r"10-20\%",
    ],
)
def test_mathml_allow_list_keeps_what_latex2mathml_writes(tex):
    """Every element, attribute and character latex2mathml writes for ordinary TeX survives
    (entities may be written as characters)."""
    from latex2mathml.converter import convert

    class Tree(HTMLParser):
        def __init__(self, markup):
            super().__init__(convert_charrefs=True)
            self.items = []
            self.feed(markup)

        def handle_starttag(self, tag, attrs):
            self.items.append((tag, sorted(attrs)))

        def handle_endtag(self, tag):
            self.items.append(("/" + tag,))

        def handle_data(self, data):
            self.items.append(data)

    for display in ("inline", "block"):
        raw = convert(tex, display=display)
        assert Tree(clean_mathml(raw)).items == Tree(raw).items


def test_mathml_allow_list_drops_links_and_events():
    out = clean_mathml(
        '<math><mrow href="javascript:alert(1)" onclick="alert(1)"><mi xlink:href="x" '
        'mathvariant="bold">x</mi></mrow><maction actiontype="statusline"><mi>y</mi></maction>'
        "<semantics><annotation-xml><script>alert(1)</script></annotation-xml></semantics></math>"
    )
    assert out == '<math><mrow><mi mathvariant="bold">x</mi></mrow><mi>y</mi></math>'


# --- the final page -------------------------------------------------------------------------


def page(body: str, head: str = "<title>t</title>") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>{head}</head>\n'
        f'<body class="p">{body}</body>\n</html>'
    )


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href=" java\tscript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "<a>x</a>"),
        ('<a href="vbscript:x">x</a>', "<a>x</a>"),
        ('<a href="file:///etc/passwd">x</a>', "<a>x</a>"),
        ('<a href="//example.invalid/x">x</a>', "<a>x</a>"),
        ('<img src="https://example.invalid/p.png" alt="p">', '<img alt="p">'),
        ('<img src="//example.invalid/p.png">', "<img>"),
        ('<img src="x.png">', "<img>"),
        ('<img src="data:text/html;base64,AAAA">', "<img>"),
        ('<img srcset="https://example.invalid/p.png 1x">', "<img>"),
        ("<img src=x onerror=alert(1)>", "<img>"),
        ("<script>alert(1)</script>", ""),
        ("<style>body{background:url(https://example.invalid)}</style>", ""),
        ('<link rel="stylesheet" href="https://example.invalid/s.css">', ""),
        ("<iframe src=https://example.invalid></iframe>", ""),
        ('<object data="https://example.invalid"></object>', ""),
        ('<form action="https://example.invalid"><button>b</button></form>', "b"),
        ('<p style="background:url(https://example.invalid)">x</p>', "<p>x</p>"),
        ("<p style=\"color:#c00;background-image:image-set('x' 1x)\">x</p>", "<p>x</p>"),
        ('<p style="color:#c00;position:fixed">x</p>', '<p style="color:#c00">x</p>'),
        ('<span onmouseover="alert(1)">x</span>', "<span>x</span>"),
        (
            '<math><mrow href="javascript:alert(1)"><mi>x</mi></mrow></math>',
            "<math><mrow><mi>x</mi></mrow></math>",
        ),
        ("<!-- a comment -->x", "x"),
    ],
)
def test_the_page_sanitizer(body, kept):
    out = clean_page(page(body))
    assert out == page(kept) + "\n", out


@pytest.mark.parametrize(
    "body",
    [
        '<a href="index.html">i</a> <a href="#cell-3">c</a> <a href="runs/f-1a2b.html">r</a>',
        '<a href="https://doi.org/10.1021/x">doi</a>',
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="figure">',
        '<details class="iece-code" open=""><summary>code</summary><pre>x = 1</pre></details>',
        '<span class="verdict" style="background-color:#1b7837">reproduced</span>',
        '<input type="radio" name="vf" id="vf-0" checked=""><label for="vf-0">all</label>',
        '<div class="jp-Cell" data-mime-type="text/markdown" tabindex="0">x</div>',
        '<table class="claims"><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr>'
        "</tbody></table>",
        '<math display="block" xmlns="http://www.w3.org/1998/Math/MathML"><mfrac><mn>1</mn>'
        '<mi mathvariant="normal">x</mi></mfrac></math>',
    ],
)
def test_the_page_sanitizer_keeps_what_the_report_uses(body):
    assert clean_page(page(body)) == page(body) + "\n"


def test_the_head_keeps_charset_viewport_title_and_stylesheets_only():
    head = (
        '<meta charset="utf-8">\n<meta content="width=device-width" name="viewport">\n'
        '<title>iece</title>\n<style type="text/css">a > b { color: #333 }</style>'
    )
    extra = (
        '<script src="https://example.invalid/x.js"></script><link rel="stylesheet" '
        'href="https://example.invalid/s.css"><base href="https://example.invalid/">'
    )
    assert clean_page(page("x", head + extra)) == page("x", head) + "\n"


def test_a_page_without_the_templates_outline_is_refused():
    with pytest.raises(sanitize.PageError):
        clean_page("<p>no head or body</p>")


def test_provenance_badges_survive_the_sanitizer():
    b = badges("computed+user")
    assert clean_fragment(b) == b and b.count("background-color:") == 2


def test_every_report_style_attribute_uses_allowed_properties():
    """The templates' and render.py's inline styles must survive the style filter: a
    'background:' shorthand would be dropped silently and the verdict chips lose their colour."""
    from iece.report import render

    for tpl in [*render.TEMPLATES.rglob("*.j2"), Path(render.__file__)]:
        text = tpl.read_text(encoding="utf-8")
        for chunk in text.split('style="')[1:]:
            props = [d.split(":")[0].strip() for d in chunk.split('"')[0].split(";") if d.strip()]
            assert set(props) <= sanitize.STYLE_PROPERTIES, (tpl.name, props)
