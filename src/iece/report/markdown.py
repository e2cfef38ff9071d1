"""Markdown for the figure pages: one table builder, one escaper for user text, and page notes
filled from a result's numbers by name.

* :func:`md_table` builds every table of every page (header, separator, one row per sequence).
* :func:`md_text` escapes a cell or a name that comes from a user file, as Markdown and as HTML:
  it shows as written and can make no link, image, markup, math or extra cell. (The page renders
  these tables with links, images and raw HTML off as well: :mod:`iece.report.sanitize`.)
* :func:`fill` renders a figure's notes: a Jinja template with one macro per note, whose fields
  are the result's record names, parameters and typed fields (:func:`fields`), so a note holds
  no typed number. :func:`template_fields` lists what a template refers to (tests check each
  one exists).
"""

from __future__ import annotations

import dataclasses
import html
import math
import re
import string
from collections.abc import Iterable, Mapping, Sequence

import jinja2
import jinja2.meta

#: Each ASCII punctuation character as Markdown text: ``&<>"'|`` as HTML entities (``|`` never
#: splits a table cell), every other one backslash-escaped (CommonMark allows it for all).
_MD_TEXT = (
    {c: "\\" + c for c in string.punctuation}
    | {c: html.escape(c) for c in "&<>\"'"}
    | {"|": "&#124;"}
)


def md_escape(text) -> str:
    """``text`` from a user file or path, safe in Markdown: HTML escaped, pipes and backticks
    neutral, so it can neither inject markup nor break out of a table cell or code span."""
    return html.escape(str(text)).replace("|", "&#124;").replace("`", "&#96;")


def md_code(text) -> str:
    """``text`` (a user's file name) as a Markdown code span whose fence is longer than any
    run of backticks inside it (CommonMark), so the name cannot close it; markup inside a
    code span is shown, never interpreted."""
    text = str(text).replace("\n", " ")
    longest = max((len(r) for r in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}" if longest else f"{fence}{text}{fence}"


def md_text(value) -> str:
    """``value`` (a user's cell, file name or path) as Markdown text that renders exactly as
    written, on one line: every Markdown punctuation character escaped (so
    ``[x](javascript:...)`` is no link, ``![](...)`` no image, ``$...$`` no math, ``*`` no
    emphasis, ``<b>`` no tag, ``|`` no new cell)."""
    return "".join(_MD_TEXT.get(c, c) for c in " ".join(str(value).split()))


def md_table(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A GitHub-flavoured Markdown table: ``header``, the separator and one line per row; each
    cell as ``str`` (format numbers and escape user text before). An empty cell is ``| |``."""

    def line(cells) -> str:
        return "|" + "|".join(f" {c} " if str(c) else " " for c in cells) + "|"

    return "\n".join([line(header), "|" + "---|" * len(header), *(line(r) for r in rows)])


def _f(value, spec: str = "") -> str:
    """Jinja filter ``f``: ``value`` in Python's format mini-language (``x|f(".3f")``)."""
    return format(value, spec)


def _each(values, spec: str = "", sep: str = ", ") -> str:
    """Jinja filter ``each``: every item formatted with ``spec``, joined by ``sep``."""
    return sep.join(format(v, spec) for v in values)


_ENV = jinja2.Environment(
    undefined=jinja2.StrictUndefined,
    autoescape=False,  # Markdown, not HTML: the page sanitizes its rendered HTML
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)
_ENV.filters.update(f=_f, each=_each, code=md_code)
_ENV.tests["finite"] = lambda v: isinstance(v, (int, float)) and math.isfinite(v)


def _paragraphs(text: str) -> str:
    """Each paragraph of ``text`` on one line (a template wraps its prose; a page need not)."""
    paras = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paras if p.strip())


def fill(source: str, values: Mapping, only: Iterable[str] | None = None) -> dict[str, str]:
    """Every macro of the Jinja template ``source`` rendered with ``values`` (missing fields
    raise): macro name -> Markdown, each paragraph on one line; an empty note is left out."""
    module = _ENV.from_string(source).make_module(vars=dict(values))
    names = [n for n in dir(module) if not n.startswith("_")] if only is None else list(only)
    out = {}
    for name in names:
        macro = getattr(module, name)
        if isinstance(macro, jinja2.runtime.Macro) and (text := _paragraphs(str(macro()))):
            out[name] = text
    return out


def template_fields(source: str) -> set[str]:
    """The names a template refers to that it does not define itself."""
    return jinja2.meta.find_undeclared_variables(_ENV.parse(source))


def fields(result, **extra) -> dict:
    """What a note may name: the result's recorded numbers (values by record name), ``params``
    (its parameters, by name: ``params.diameter_nm``), its typed fields (a figure's result
    class's own dataclass fields) and ``extra``."""
    base = {"params", "numbers", "notes"}
    own = {}
    if dataclasses.is_dataclass(result):
        own = {
            f.name: getattr(result, f.name)
            for f in dataclasses.fields(result)
            if f.name not in base
        }
    return (
        {name: n.value for name, n in result.numbers.items()}
        | own
        | {"params": result.params}
        | dict(extra)
    )
