"""Markup shared by the report's pages: TeX to MathML (only between tags, never in code),
the ledger's quotes as HTML, and the verdict and provenance colours. The index
(:mod:`.render`) and the annotated paper (:mod:`.paper_page`) both use it, so neither imports
the other."""

from __future__ import annotations

import html
import re
from pathlib import Path

from markupsafe import Markup

from .sanitize import clean_mathml

TEMPLATES = Path(__file__).resolve().parent / "templates"
_BLOCK = re.compile(r"\$\$(.+?)\$\$", re.S)
_TAG = re.compile(r"(<[^>]*>)")
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$")
_CODE = re.compile(r"</?(code|pre)\b")

BADGE_COLOURS = {
    "computed": "#cfe8ff",
    "simulated": "#ffe7b3",
    "quoted": "#e8e8e8",
    "literature": "#dff2d8",
    "user": "#f3d9f7",
}
_PASS, _NEAR, _FAIL = "#1b7837", "#7fbc41", "#c51b7d"
#: Colour of each verdict word (evidence classes share the pass/near/fail colours; a method
#: validation is blue: it is evidence about our method, not about the paper).
VERDICT_COLOURS = {
    "reproduced": _PASS,
    "approximately reproduced": _NEAR,
    "not reproduced": _FAIL,
    "consistent": _PASS,
    "approximately consistent": _NEAR,
    "inconsistent": _FAIL,
    "method validated": "#2166ac",
    "method approximately validated": "#67a9cf",
    "method failed": "#b2182b",
    "holds": "#4d4d4d",
    "nearly holds": "#878787",
    "fails": "#4d4d4d",
    "not checkable": "#777777",
    "missing": "#000000",
}


def _tex(tex: str, display: str = "inline") -> str:
    """One TeX snippet as MathML; a leading sub/superscript (``Hg$_x$``) gets an empty base,
    and anything latex2mathml cannot parse is shown as the TeX source."""
    from latex2mathml.converter import convert

    tex = html.unescape(tex.strip())
    for candidate in (tex, "{}" + tex):
        try:
            return clean_mathml(convert(candidate, display=display))
        except Exception:  # noqa: BLE001 - fall through to the next form
            continue
    return f'<code class="tex">{html.escape(tex)}</code>'


def latex_to_mathml(text: str) -> str:
    """Replace ``$$...$$`` and ``$...$`` in rendered Markdown HTML with MathML, which browsers
    render natively and offline. Only text between tags is touched: a heading's ``id`` holds
    its TeX too, and MathML there had broken the tag open. Text inside ``<code>`` or ``<pre>``
    (a file name, a code block) is shown as written."""
    parts = _TAG.split(text)
    literal = 0  # depth of <code>/<pre> around the current text
    for i in range(0, len(parts), 2):  # even items are text, odd ones tags
        if i:
            tag = parts[i - 1].lower()
            if _CODE.match(tag):
                literal = max(0, literal + (-1 if tag.startswith("</") else 1))
        if literal > 0:
            continue
        parts[i] = _BLOCK.sub(lambda m: _tex(m.group(1), "block"), parts[i])
        parts[i] = _INLINE.sub(lambda m: _tex(m.group(1)), parts[i])
    return "".join(parts)


#: Bare TeX macros that appear in the paper's text outside $...$, and what a reader should see.
_MACROS = {"\\sim": "∼ ", "\\geq": "≥ ", "\\leq": "≤ ", "\\times": "× ", "\\%": "%"}
_SUBSUP = re.compile(r"([_^])(\{([^{}]*)\}|([A-Za-z0-9]))")


def render_quote(text: str) -> Markup:
    """The paper's raw text (as the ledger keeps it for verification) as reader-friendly HTML:
    ``$...$`` to MathML, ``**bold**`` and ``*italic*``, bare macros such as ``\\sim`` to
    symbols, and ``_x``, ``_{1-x}``, ``^{2+}`` to sub- and superscripts."""
    parts = re.split(r"(\$[^$]+\$)", text)
    out = []
    for part in parts:
        if len(part) > 2 and part.startswith("$") and part.endswith("$"):
            out.append(_tex(part[1:-1]))
            continue
        h = html.escape(part)
        for macro, symbol in _MACROS.items():
            tail = r"(?![A-Za-z]) ?" if macro[-1].isalpha() else ""
            h = re.sub(re.escape(macro) + tail, symbol, h)
        h = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", h)
        h = re.sub(r"\*(.+?)\*", r"<em>\1</em>", h)
        h = _SUBSUP.sub(
            lambda m: (
                f"<{'sub' if m.group(1) == '_' else 'sup'}>{m.group(3) or m.group(4)}"
                f"</{'sub' if m.group(1) == '_' else 'sup'}>"
            ),
            h,
        )
        out.append(h)
    return Markup("".join(out))
