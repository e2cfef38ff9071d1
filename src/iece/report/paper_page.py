"""The annotated paper: ``report/paper.html``, the paper's text with every checked sentence
highlighted in its verdict's colour (issue 20, item 2).

The paper's text is an input the project does not ship: :func:`paper_path` finds it
(:func:`iece.pipeline.bundle.text_path`: the variable the project names as
``[tool.iece] text_env``, else its ``[tool.iece] text``). Without it the page is not written
and the index says how to enable it (:func:`enable_hint`).

How the page is made, from the raw text to HTML:

1. Every ledger quote is found with the ledger's whitespace rule (:func:`find_quote`, the rule
   of :func:`iece.pipeline.ledger.quote_in_paper`), at its first occurrence. Sentences
   (:func:`sentences`) holding a quantity (:func:`is_quantitative`: a number with a unit or
   ``%``) that no quote overlaps are "not in the ledger".
2. Each span's start and end become one private-use character in the text (never in the
   paper, checked), moved out of any ``$...$`` so the TeX stays whole. The text then goes
   through the report's Markdown path (:func:`iece.report.sanitize.markdown_to_html`, raw HTML
   inert) and TeX to MathML (:func:`iece.report.render.latex_to_mathml`).
3. The markers become ``<mark>`` elements around each run of text (or whole ``<math>``)
   between them, so the marks nest properly whatever Markdown made of the sentence; a quote's
   first run carries its id (``q-N``), its end its margin note: each claim's verdict, ours vs
   the paper's value and a link to its row on the index (``index.html#claim-<id>``).

The verdicts are :func:`iece.pipeline.verdicts.evaluate`'s, handed over by
:func:`iece.report.render.render_index` (the index's own rows): nothing here is typed. The page
goes through :func:`~iece.report.sanitize.clean_page` like every page, and holds no path, date
or run stamp, so it is byte-identical for the same paper, ledger and results.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..io import atomic_write_text
from ..pipeline import bundle, ledger
from .markup import _MACROS, _SUBSUP, TEMPLATES, VERDICT_COLOURS, latex_to_mathml, render_quote
from .sanitize import clean_page, markdown_to_html

PAGE = "paper.html"
#: Marks the page as ours (a stale page of ours is removed when the paper is gone).
GENERATOR = "iece annotated paper"


def paper_path(root: Path) -> Path:
    """The paper's text: ``$IECE_PAPER`` if set, else the project's ``[tool.iece] text``
    (:func:`iece.pipeline.bundle.text_path`; ``root`` the checkout). The path may not exist,
    or be ``Path()`` when the project names none; the caller decides what that means."""
    return bundle.text_path(bundle.load(root)) or Path()


# --- finding quotes and quantitative sentences ----------------------------------------------


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """``(start, end)`` of the first occurrence of ``quote`` in ``text`` under the ledger's
    rule (:func:`iece.pipeline.ledger.quote_in_paper`: any run of whitespace matches any run
    of whitespace, ends stripped), or ``None``."""
    spans = quote_spans(quote, text)
    return spans[0] if spans else None


def quote_spans(quote: str, text: str) -> list[tuple[int, int]]:
    """Every occurrence of ``quote`` in ``text`` under the same rule as :func:`find_quote`."""
    words = ledger.normalize(quote).split(" ")
    if words == [""]:
        return []
    return [m.span() for m in re.finditer(r"\s+".join(map(re.escape, words)), text)]


#: Units a quantity may carry (after a number, with or without a space or a hyphen).
UNITS = (
    "%", "nm", "µm", "μm", "mm", "cm", "m", "Å", "eV", "meV", "°C", "K", "ps", "ns", "µs",
    "μs", "ms", "s", "min", "minute", "minutes", "h", "hr", "hour", "hours", "day", "days",
    "week", "weeks", "M", "mM", "µM", "μM", "nM", "L", "mL", "µL", "μL", "g", "mg", "µg",
    "μg", "kg", "mol", "mmol", "µmol", "μmol", "nmol", "ML", "rpm", "W", "mW", "V", "Hz",
    "kHz", "MHz", "fold", "equiv", "equivalent", "equivalents", "monolayer", "monolayers",
    "orders of magnitude",
)  # fmt: skip
_NUMBER = r"\d+(?:[.,]\d+)*"
#: A quantity: a number (not part of a word or name such as ``CdSe0.51`` or ``R01CA227699``),
#: optionally a range, then a unit of :data:`UNITS` that is not the start of a longer word.
QUANTITY = re.compile(
    rf"(?<![\w.]){_NUMBER}(?:\s*[–-]\s*{_NUMBER})?[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]*(?:\s?|-)"
    rf"(?:{'|'.join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))})"
    r"(?![A-Za-zµμ])"
)
#: Pointers to figures, tables and equations ("Figure 1h", "Table S1"): not quantities.
_POINTER = re.compile(
    r"\b(?:Figures?|Figs?\.|Tables?|Eqs?\.|Equations?|Refs?\.)\s*S?\d+[A-Za-z]*"
    r"(?:\s*[,–-]\s*S?\d*[A-Za-z]+)*"
)


def is_quantitative(sentence: str) -> bool:
    """A sentence states a quantity if it holds a number with a unit or ``%``
    (:data:`QUANTITY`), figure and table pointers aside: "shifted by 0.74 eV" and "~98%
    complete" are, "x = 0.4" and "Figure 1h" are not."""
    plain = sentence.replace("\\%", "%").replace("$", "")
    return bool(QUANTITY.search(_POINTER.sub(" ", plain)))


#: Words whose period does not end a sentence.
_ABBREVIATIONS = frozenset("Fig Figs al e.g i.e vs ca Eq Eqs Ref Refs approx cf No".split())
_START = r"(?:[*(\[“\"$]*[A-Z]|(?:\*\*)?\([a-z](?:,[a-z])*\))"  # a capital, or a panel "(b)"
#: A sentence ends at . ! or ?, then a citation (superscripts, ``^{5,6}``, or plain numbers
#: before the next sentence or the paragraph's end), then whitespace and the next sentence's
#: start (a digit too, if it is not a citation), or the end of the paragraph.
_END = re.compile(
    r"[.!?](?:[⁰¹²³⁴⁵⁶⁷⁸⁹,–⁻-]+|\^\{[\d,–-]+\}"
    rf"|\s\d+(?:[,–-]\d+)*(?=\s+{_START}|\s*$))?(?=\s+(?:{_START}|\d)|\s*$)"
)
_BLOCK = re.compile(r"\S(?:.|\n(?!\s*\n))*")  # a paragraph: up to a blank line
_HEADING = re.compile(r"[A-Za-z]+(?: [A-Za-z]+){0,2}")
#: Sections after which the text is the reference list, not statements.
_LAST_SECTION = "references"


@dataclass
class Block:
    start: int
    end: int
    text: str
    kind: str  # "title", "heading", "math", "text"


def blocks(text: str) -> list[Block]:
    """The paper's paragraphs (separated by blank lines): the first is the title; a short
    line of letters only ("ABSTRACT", "Methods") is a heading; ``$$`` opens display math."""
    out = []
    for i, m in enumerate(_BLOCK.finditer(text)):
        t = m.group().rstrip()
        kind = "text"
        if i == 0:
            kind = "title"
        elif _HEADING.fullmatch(t):
            kind = "heading"
        elif t.startswith("$$"):
            kind = "math"
        out.append(Block(m.start(), m.start() + len(t), t, kind))
    return out


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str  # whitespace-folded
    section: str


@dataclass
class _Tagged:
    block: Block
    section: str


def _section_name(heading: str) -> str:
    return heading.strip().capitalize()


def sentences(text: str) -> list[Sentence]:
    """Every sentence of the paper's body (abstract to acknowledgements; the reference list
    is left out), with its section (a figure caption is its own). A paragraph that runs on
    after a page break (it ends without a full stop and the next starts in lower case) is
    read as one with the next."""
    out, section = [], "Front matter"
    runs: list[list[_Tagged]] = []
    for b in blocks(text):
        if b.kind == "heading":
            section = _section_name(b.text)
            if section.lower() == _LAST_SECTION:
                break
            continue
        if b.kind != "text":
            continue
        prev = runs[-1][-1] if runs else None
        if (
            prev is not None
            and prev.section == section
            and not re.search(r"[.!?:]\W*$", prev.block.text)
            and b.text[:1].islower()
        ):
            runs[-1].append(_Tagged(b, section))
        else:
            runs.append([_Tagged(b, section)])
    for run in runs:
        start, end = run[0].block.start, run[-1].block.end
        sec = run[0].section
        caption = re.match(r"Figure (\d+)\.", run[0].block.text)
        if caption:
            sec = f"Figure {caption.group(1)} caption"
        cut, found = start, []
        for m in _END.finditer(text, start, end):
            word = re.search(r"(\S*)$", text[cut : m.start()]).group(1)
            if word.lstrip("(*").rstrip("*") in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", word):
                continue
            found.append(_sentence(text, cut, m.end(), sec))
            cut = m.end()
        if text[cut:end].strip():
            found.append(_sentence(text, cut, end, sec))
        out += found
    return out


def _sentence(text: str, start: int, end: int, section: str) -> Sentence:
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip())
    return Sentence(start + lead, end, ledger.normalize(raw), section)


# --- the claims on the page -------------------------------------------------------------------

#: Which verdict a sentence checked by several claims shows: the weakest (first here).
WEAKEST_FIRST = (
    "not reproduced", "inconsistent", "method failed", "fails", "missing",
    "approximately reproduced", "approximately consistent", "method approximately validated",
    "nearly holds", "reproduced", "consistent", "method validated", "holds", "not checkable",
)  # fmt: skip


def verdict_class(verdict: str) -> str:
    """The index's class for a verdict (``v-not-reproduced``)."""
    return "v-" + verdict.replace(" ", "-")


@dataclass
class Highlight:
    """One quote of the ledger in the paper: where, and the claims (index rows) it carries."""

    number: int
    quote: str
    start: int
    end: int
    claims: list[dict] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        verdicts = {c["verdict"] for c in self.claims}
        return min(verdicts, key=lambda v: WEAKEST_FIRST.index(v) if v in WEAKEST_FIRST else -1)

    @property
    def anchor(self) -> str:
        return f"q-{self.number}"


def highlights(text: str, claims: list[dict]) -> tuple[list[Highlight], list[dict]]:
    """The ledger's quotes (claims sharing a quote share one highlight) in the order they come
    in the paper, and the claims whose quote is not in the text."""
    by_quote: dict[str, list[dict]] = {}
    for c in claims:
        if c.get("quote"):
            by_quote.setdefault(ledger.normalize(c["quote"]), []).append(c)
    found, missing = [], []
    for quote, rows in by_quote.items():
        span = find_quote(quote, text)
        if span is None:
            missing += rows
            continue
        found.append(Highlight(0, quote, *span, claims=rows))
    found.sort(key=lambda h: (h.start, -h.end))
    for i, h in enumerate(found, start=1):
        h.number = i
    return found, missing


# --- from the marked text to HTML -------------------------------------------------------------

_OPEN, _CLOSE = 0xF0000, 0xF8000  # Supplementary Private Use Area-A: one char per boundary
_MARKER = re.compile("[\U000f0000-\U000fffff]")
_MATH_SPAN = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?!\$).+?(?<![\\$])\$", re.S)
_TOKEN = re.compile(r"(<math\b.*?</math>|<[^>]*>)", re.S)


@dataclass
class _Span:
    start: int
    end: int
    cls: str
    anchor: str = ""
    key: str = ""  # data-q value
    title: str = ""
    note: str = ""


def _outside_math(maths: list[tuple[int, int]], pos: int, forward: bool) -> int:
    """``pos`` moved to the edge of the ``$...$`` (of ``maths``) it falls in, outwards."""
    for start, end in maths:
        if start < pos < end:
            return end if forward else start
    return pos


def _with_markers(text: str, spans: list[_Span]) -> str:
    maths = [m.span() for m in _MATH_SPAN.finditer(text)]
    events: dict[int, list[str]] = {}
    for i, s in enumerate(spans):
        s.start, s.end = _outside_math(maths, s.start, False), _outside_math(maths, s.end, True)
        events.setdefault(s.start, []).append(chr(_OPEN + i))
        events.setdefault(s.end, []).insert(0, chr(_CLOSE + i))
    out, last = [], 0
    for pos in sorted(events):
        out += [text[last:pos], *sorted(events[pos], key=lambda ch: -ord(ch))]
        last = pos
    return "".join(out) + text[last:]


def _markdown_source(text: str) -> str:
    """The marked text as Markdown: the title a ``#`` heading, section lines ``##`` ones."""
    out, last = [], 0
    for b in blocks(text):
        out.append(text[last : b.start])
        prefix = {"title": "# ", "heading": "## "}.get(b.kind, "")
        out.append(prefix + text[b.start : b.end])
        last = b.end
    return "".join(out) + text[last:]


def _text(fragment: str) -> str:
    """Reader-friendly text between tags: bare TeX macros to symbols, ``_x``/``^{2+}`` to
    sub- and superscripts (the rules of :func:`iece.report.render.render_quote`)."""
    for macro, symbol in _MACROS.items():
        tail = r"(?![A-Za-z]) ?" if macro[-1].isalpha() else ""
        fragment = re.sub(re.escape(macro) + tail, symbol, fragment)
    return _SUBSUP.sub(
        lambda m: (
            f"<{'sub' if m.group(1) == '_' else 'sup'}>{m.group(3) or m.group(4)}"
            f"</{'sub' if m.group(1) == '_' else 'sup'}>"
        ),
        fragment,
    )


def _marks(markup: str, spans: list[_Span]) -> str:
    """Replace the boundary markers in rendered HTML with properly nested ``<mark>`` runs."""
    order = {i: (s.start, -s.end, i) for i, s in enumerate(spans)}
    active: list[int] = []
    started: set[int] = set()
    literal = 0  # depth of <code>/<pre>
    out = []

    def run(content: str) -> None:
        if not active:
            out.append(content)
            return
        opened = []
        for i in sorted(active, key=order.get):
            s = spans[i]
            attrs = f' class="{s.cls}"'
            if s.key:
                attrs += f' data-q="{s.key}"'
            if i not in started and s.anchor:
                attrs += f' id="{s.anchor}"'
            if s.title:
                attrs += f' title="{html.escape(s.title)}"'
            started.add(i)
            out.append(f"<mark{attrs}>")
            opened.append(i)
        out.append(content + "</mark>" * len(opened))

    for token in _TOKEN.split(markup):
        if not token:
            continue
        if token.startswith("<math"):
            run(token)
            continue
        if token.startswith("<"):
            if re.match(r"</?(code|pre)\b", token):
                literal = max(0, literal + (-1 if token.startswith("</") else 1))
            out.append(token)
            continue
        piece = []
        for ch_or_text in re.split(f"({_MARKER.pattern})", token):
            if not ch_or_text:
                continue
            if not _MARKER.fullmatch(ch_or_text):
                piece.append(ch_or_text)
                continue
            if piece:
                joined = "".join(piece)
                run(joined if literal else _text(joined))
                piece = []
            code = ord(ch_or_text)
            if code >= _CLOSE:
                i = code - _CLOSE
                active.remove(i)
                out.append(spans[i].note)
            else:
                active.append(code - _OPEN)
        if piece:
            joined = "".join(piece)
            run(joined if literal else _text(joined))
    return "".join(out)


# --- the page ---------------------------------------------------------------------------------

_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


def _mark_free(m: re.Match) -> str:
    """A paragraph without a margin note may scroll sideways on its own (the paper has one
    ``$...$`` that runs over two lines of text); one with notes must not clip them."""
    return m.group() if 'class="note"' in m.group(1) else f'<p class="free">{m.group(1)}</p>'


def _note(h: Highlight, env: jinja2.Environment) -> str:
    return env.get_template("paper_note.html.j2").render(h=h).strip()


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    env.filters["fmt"] = ledger.fmt_value
    env.filters["quote"] = render_quote
    env.filters["vclass"] = verdict_class
    return env


@dataclass
class PaperPage:
    html: str  # as written (after clean_page)
    raw: str  # as the template wrote it
    highlights: list[Highlight]
    not_in_ledger: list[Sentence]
    missing_quotes: list[dict]


def annotate(text: str, claims: list[dict], cite: str = "the paper") -> PaperPage:
    """The annotated paper for ``text`` and the index's claim rows (``Evaluated.as_dict()``);
    ``cite`` names the paper in a few words (its authors)."""
    if _MARKER.search(text):
        raise ValueError("the paper's text holds private-use characters the page uses as marks")
    env = _environment()
    found, missing = highlights(text, claims)
    # a sentence is in the ledger if any occurrence of a quote overlaps it (a quote the paper
    # repeats is highlighted once, at its first place, but covers both)
    quoted = [span for h in found for span in quote_spans(h.quote, text)]
    uncovered = [
        s
        for s in sentences(text)
        if is_quantitative(s.text) and not any(a < s.end and s.start < b for a, b in quoted)
    ]
    spans = [
        _Span(
            h.start,
            h.end,
            f"hl {verdict_class(h.verdict)}",
            h.anchor,
            str(h.number),
            note=_note(h, env),
        )
        for h in found
    ]
    spans += [
        _Span(s.start, s.end, "nl", f"nl-{i}", title="quantitative, not in the ledger")
        for i, s in enumerate(uncovered, start=1)
    ]
    body = latex_to_mathml(markdown_to_html(_markdown_source(_with_markers(text, spans))))
    body = _PARAGRAPH.sub(_mark_free, _marks(body, spans))
    groups: dict[str, list[tuple[int, Sentence]]] = {}
    for i, s in enumerate(uncovered, start=1):
        groups.setdefault(s.section, []).append((i, s))
    rows = [c for h in found for c in h.claims]
    counts = {
        v: sum(c["verdict"] == v for c in rows)
        for v in (*ledger.VERDICTS, "missing")
        if any(c["verdict"] == v for c in rows)
    }
    page = env.get_template("paper.html.j2").render(
        cite=cite,
        body=Markup(body),
        highlights=found,
        claims=rows,
        counts=counts,
        groups=groups,
        not_in_ledger=uncovered,
        missing=missing,
        colours=VERDICT_COLOURS,
        legend=[*ledger.VERDICTS, "missing"],
        generator=GENERATOR,
        sha=hashlib.sha256(text.encode("utf-8")).hexdigest()[:12],
        units=" ".join(dict.fromkeys(u.replace("μ", "µ") for u in UNITS if u != "%")),
    )
    return PaperPage(clean_page(page), page, found, uncovered, missing)


def write(project, claims: list[dict], cite: str = "the paper") -> PaperPage | None:
    """Write ``report/paper.html`` if the paper's text is there (else remove a page of ours
    left from an earlier build, whose verdicts would be stale); return it, or ``None``."""
    out = project.report / PAGE
    path = paper_path(project.root)
    if not path.is_file():
        if out.is_file() and GENERATOR in out.read_text(encoding="utf-8", errors="replace"):
            out.unlink()
        return None
    page = annotate(path.read_text(encoding="utf-8"), claims, cite)
    atomic_write_text(out, page.html)
    return page


_FIGURES_HEADING = re.compile(r'<h2 id="figures">.*?</h2>\n?', re.S)


def enable_hint(paper: bundle.Paper) -> str:
    """How to enable the page (and the quote checks) for ``paper``; no machine path."""
    where = "name it as [tool.iece] text in pyproject.toml"
    if paper.text_env:
        return f"set {paper.text_env}=/path/to/the paper's text (or {where}) and run iece again"
    return f"{where} and run iece again"


def index_line(page: PaperPage | None, paper: bundle.Paper) -> str:
    """The index's line about the annotated paper: a link, or how to enable it."""
    if page is None:
        return (
            '<p class="why" id="paper-page">The annotated paper is not built: the paper\'s text '
            f"was not found. To build it, {html.escape(enable_hint(paper))}.</p>\n"
        )
    n, k = len(page.highlights), len(page.not_in_ledger)
    return (
        f'<p class="why" id="paper-page"><a href="{PAGE}">The paper, annotated</a>: its '
        f"{n} checked passages highlighted in their verdict's colour, each linked to its claim, "
        f"and {k} quantitative sentences not in the ledger.</p>\n"
    )


def with_paper_page(project, claims: list[dict], index_html: str, cite: str = "the paper") -> str:
    """Write the annotated paper (:func:`write`) and put its line at the head of the index's
    list of pages (after the "Figures" heading; without one, at the end of the index)."""
    line = index_line(write(project, claims, cite), bundle.load(project.root))
    m = _FIGURES_HEADING.search(index_html)
    at = m.end() if m else index_html.rindex("</body>")
    return index_html[:at] + line + index_html[at:]
