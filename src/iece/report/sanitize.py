"""Safe HTML for the report: nothing from a user's file, a path or the ledger becomes live.

Three layers, each enough for what it covers:

1. Markdown that carries user data (a figure page's Markdown *outputs*: the tables and notes
   that the paper's views (:mod:`iece.paper.views`) write) is rendered by
   :func:`markdown_to_html`: raw HTML is escaped, a link is shown as its text and an image as
   its alt text, and a ``$`` that Markdown reads as text stays text (``&#36;``), so the MathML
   step never reads it as TeX. Table cells from user files are escaped as Markdown as well
   (:func:`iece.report.markdown.md_text`). The notebooks' own Markdown cells render as usual.
2. MathML made from TeX (the pages, the ledger's quotes) is cut to an allow-list of
   presentation elements and attributes (:func:`clean_mathml`): ``\\href`` makes no link.
3. The final HTML of every page passes :func:`clean_page` (nh3, the Python binding of the Rust
   sanitizer ammonia): only allow-listed elements and attributes; ``href`` only relative,
   ``http(s):`` or ``mailto:``; ``src`` only the ``data:image/...;base64`` images the report
   embeds itself (its figures), so no remote load; an inline ``style`` only with colour and
   layout properties and no CSS function (no ``url(...)``). No ``<script>``, no event
   attribute, no ``javascript:`` or other ``data:`` URL survives.
"""

from __future__ import annotations

import html

import nh3
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

# --- 1. Markdown with user data ------------------------------------------------------------


class _InertRenderer(IPythonRenderer):
    """nbconvert's renderer with raw HTML shown as text, links and images shown as their text,
    and every literal ``$`` written as ``&#36;`` (math that Markdown parsed as math keeps its
    ``$`` and becomes MathML, which :func:`clean_mathml` filters)."""

    def __init__(self):
        super().__init__(escape=False, allow_harmful_protocols=False)

    def text(self, text: str) -> str:
        return super().text(text).replace("$", "&#36;")

    def codespan(self, text: str) -> str:
        return super().codespan(text).replace("$", "&#36;")

    def inline_html(self, html_: str) -> str:
        return html.escape(html_, quote=False).replace("$", "&#36;")

    def block_html(self, html_: str) -> str:
        return "<p>" + self.inline_html(html_.strip()) + "</p>\n"

    def block_code(self, code: str, info=None) -> str:
        # no lexer and no mermaid block (nbconvert writes a mermaid block's source unescaped)
        return (
            "<pre><code>" + html.escape(code, quote=False).replace("$", "&#36;") + "</code></pre>\n"
        )

    def link(self, text: str, url: str, title=None) -> str:
        return text

    def image(self, text: str, url: str, title=None) -> str:
        return text


def markdown_to_html(source: str) -> str:
    """Markdown that may hold user data as inert HTML (GFM tables and ``$...$`` math kept)."""
    return MarkdownWithMath(renderer=_InertRenderer()).render(source)


# --- 2. MathML -----------------------------------------------------------------------------

#: MathML Core presentation elements; no ``maction``, ``semantics``/``annotation-xml`` (which
#: can carry HTML) or anything that links.
MATHML_TAGS = frozenset(
    "math mrow mi mn mo ms mtext mspace msub msup msubsup mfrac msqrt mroot mover munder "
    "munderover mtable mtr mtd mstyle mpadded mphantom menclose mfenced merror "
    "mmultiscripts mprescripts none".split()
)
#: Layout attributes only: no ``href``, ``xlink:href``, ``src``, ``actiontype`` or events.
MATHML_ATTRIBUTES = frozenset(
    "display xmlns mathvariant mathsize mathcolor mathbackground dir displaystyle "
    "scriptlevel stretchy fence separator form lspace rspace largeop movablelimits symmetric "
    "minsize maxsize accent accentunder linethickness numalign denomalign bevelled align "
    "columnalign rowalign columnspacing rowspacing columnlines rowlines frame framespacing "
    "equalrows equalcolumns rowspan columnspan width height depth voffset notation open close "
    "separators class".split()
)
_MATHML_ATTRS = {tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS}


def clean_mathml(markup: str) -> str:
    """MathML (from latex2mathml) cut to :data:`MATHML_TAGS` and :data:`MATHML_ATTRIBUTES`."""
    return nh3.clean(
        markup,
        tags=set(MATHML_TAGS),
        attributes=_MATHML_ATTRS,
        clean_content_tags={"script", "style"},
        link_rel=None,
    )


# --- 3. The final page ----------------------------------------------------------------------

HTML_TAGS = frozenset(
    "a abbr article aside b blockquote br caption cite code col colgroup dd del details dfn "
    "div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header hr i img input ins kbd "
    "label li main mark nav ol p pre q s samp section small span strong sub summary sup table "
    "tbody td tfoot th thead time tr u ul var wbr".split()
)
_HTML_ATTRS = {
    "*": {"class", "id", "title", "lang", "dir", "style", "tabindex", "role"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "input": {"type", "name", "checked", "disabled", "value"},
    "label": {"for"},
    "details": {"open"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type"},
    "time": {"datetime"},
}
_PAGE_ATTRS = {**_HTML_ATTRS, **_MATHML_ATTRS}
#: Inline ``style`` properties kept (values with a CSS function or escape are dropped whole).
STYLE_PROPERTIES = frozenset(
    "color background-color text-align vertical-align white-space font-weight font-style "
    "font-size display width max-width height margin padding border".split()
)
#: The only ``src`` a page may have: an image the report embeds itself.
EMBEDDED_IMAGES = tuple(
    f"data:image/{kind};base64," for kind in ("png", "jpeg", "gif", "svg+xml", "webp")
)


def _squeeze(value: str) -> str:
    """A URL as a browser reads its scheme: ASCII whitespace and controls removed, lower case."""
    return "".join(ch for ch in value if ord(ch) > 0x20).lower()


def _attribute(tag: str, attr: str, value: str) -> str | None:
    """nh3's per-attribute hook: ``None`` drops the attribute."""
    if attr == "src":
        return value if tag == "img" and value.startswith(EMBEDDED_IMAGES) else None
    if attr == "href":
        url = _squeeze(value)
        if url.startswith(("data:", "//", "\\\\", "/\\", "\\/")):
            return None
    if attr == "style" and any(c in value for c in "(\\@<"):
        return None
    return value


def clean_fragment(markup: str) -> str:
    """An HTML fragment (a page's body) through nh3 with the page allow-list."""
    return nh3.clean(
        markup,
        tags=set(HTML_TAGS | MATHML_TAGS),
        attributes=_PAGE_ATTRS,
        generic_attribute_prefixes={"data-", "aria-"},
        url_schemes={"http", "https", "mailto", "data"},  # data: only for img src (_attribute)
        attribute_filter=_attribute,
        filter_style_properties=set(STYLE_PROPERTIES),
        clean_content_tags={"script", "style", "template", "noscript", "textarea", "title"},
        link_rel=None,
        strip_comments=True,
    )


def _clean_head(markup: str) -> str:
    """The page's head: charset, viewport, title and the template's stylesheets, nothing else
    (no ``<script>``, ``<link>`` or ``<base>``)."""
    return nh3.clean(
        markup,
        tags={"meta", "title", "style"},
        attributes={"meta": {"charset", "name", "content"}, "style": {"type"}},
        clean_content_tags={"script"},
        link_rel=None,
        strip_comments=True,
    )


class PageError(ValueError):
    """A page whose outline (head, body) the report's templates did not write."""


def clean_page(document: str) -> str:
    """A whole page written by the report's templates, sanitized: the ``<head>`` and the
    ``<body>`` are cleaned apart (nh3 works on fragments) and put back in the templates'
    outline. The head and the ``<body>`` tag come from our templates only; user data can only
    be in the body, whose last ``</body>`` is the template's."""
    before, sep, rest = document.partition("<head>")
    head, sep2, rest = rest.partition("</head>")
    body_tag, sep3, rest = rest.partition(">")
    body, sep4, _ = rest.rpartition("</body>")
    if not (sep and sep2 and sep3 and sep4) or not body_tag.strip().startswith("<body"):
        raise PageError("the page has no <head>...</head><body>...</body> outline")
    lang = ' lang="en"' if 'lang="en"' in before else ""
    body_attrs = clean_fragment(f"<div{body_tag.strip()[len('<body') :]}></div>")
    body_attrs = body_attrs[len("<div") : -len("></div>")]
    return (
        f"<!DOCTYPE html>\n<html{lang}>\n<head>{_clean_head(head)}</head>\n"
        f"<body{body_attrs}>{clean_fragment(body)}</body>\n</html>\n"
    )
