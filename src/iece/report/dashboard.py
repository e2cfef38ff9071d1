"""What the index shows of the ledger, in a reader's words: the key findings, the figure x
verdict grid, the open choices with the claims that hang on each, one set of counts, and the
claims table's numbers, units, deviations and labels.

Everything here is derived from the evaluated ledger (:func:`iece.pipeline.verdicts.evaluate`)
and the results; nothing is typed. Numbers get at most :data:`DIGITS` significant digits (no
float noise such as ``2.220e-16``: a deviation below :data:`ZERO` of its scale reads 0), powers
of ten and units as superscripts, and record names are replaced by their labels
(:func:`iece.pipeline.ledger.label`), so no internal name reaches a page.
"""

from __future__ import annotations

import html
import math
import re

from markupsafe import Markup

from ..pipeline import ledger, verdicts

#: Significant digits of a value (a deviation gets :data:`DEV_DIGITS`).
DIGITS = 4
DEV_DIGITS = 3
#: A deviation smaller than this fraction of the numbers it compares is rounding noise: 0.
ZERO = 1e-9
#: The evidence classes in a reader's words.
EVIDENCE_LABELS = {
    "independent": "independent evidence",
    "consistency": "the paper against itself",
    "method": "our method (planted values)",
    "diagnostic": "model diagnostic",
    "none": "nothing public can test it",
}
#: The columns of the counts and of the figure x verdict grid: pass, near, fail (in each
#: evidence class's words), depends on a choice, not checkable, missing.
COLUMNS = ("pass", "near", "fail", verdicts.DEPENDS, "not checkable", "missing")
COLUMN_TITLES = {
    "pass": "reproduced / consistent / validated",
    "near": "approximately",
    "fail": "not reproduced / inconsistent / failed",
    verdicts.DEPENDS: "depends on a choice",
    "not checkable": "not checkable",
    "missing": "missing",
}
DEPENDS_COLOUR = "#b35806"
_CONDITION_FAILED = re.compile(r" is not (at_least|at_most|greater_than|less_than) ")
_SUPERSCRIPT = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")


def column(verdict: str, robustness: str) -> str:
    """The column a claim is counted in (:func:`iece.pipeline.verdicts.category`)."""
    cat = verdicts.category(verdict, robustness)
    if cat in (verdicts.DEPENDS, "not checkable", "missing"):
        return cat
    for words in ledger.VOCABULARY.values():
        if cat in words:
            return COLUMNS[words.index(cat)]
    return "missing"


# --------------------------------------------------------------------------- numbers, units
def unit_text(unit: str) -> str:
    """A unit as a reader writes it: ``m^2/s`` -> m²/s, ``1/cm`` -> cm⁻¹, ``1`` -> nothing."""
    if unit in ("", "1"):
        return ""
    m = re.fullmatch(r"1/(\w+)", unit)
    if m:
        return m.group(1) + "⁻¹"
    return re.sub(r"\^(-?\d+)", lambda m: m.group(1).translate(_SUPERSCRIPT), unit)


def _plain(v: float, digits: int) -> str:
    """``v`` with ``digits`` significant digits; powers of ten as ``× 10ⁿ`` outside
    1e-3 ... 1e5."""
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e5:
        s = f"{v:.{digits}g}"
        return s.replace("-", "−")
    mant, exp = f"{v:.{digits - 1}e}".split("e")
    mant = mant.rstrip("0").rstrip(".")
    return f"{mant.replace('-', '−')} × 10{str(int(exp)).translate(_SUPERSCRIPT)}"


def number(v, unit: str = "", digits: int = DIGITS, sign: bool = False) -> str:
    """A value for a reader: a number with at most ``digits`` significant digits and its unit;
    a range ``lo–hi unit``; yes/no; text as it is."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    u = unit_text(unit)
    if isinstance(v, (list, tuple)):
        return "–".join(number(x, digits=digits) for x in v) + (f" {u}" if u else "")
    if isinstance(v, (int, float)):
        if not math.isfinite(v):
            return "not finite"
        s = _plain(float(v), digits)
        if sign and v > 0:
            s = "+" + s
        return s + (f" {u}" if u else "")
    return str(v)


def deviation(c: dict) -> str:
    """Our value against the paper's (or the bound) in the check's own terms: a relative
    deviation for ``rel``, a distance outside the range for ``range``, the margin to the bound
    for a bound, else the difference, with the unit; float noise reads 0."""
    dev = c.get("deviation")
    if dev is None or isinstance(dev, bool) or not isinstance(dev, (int, float)):
        return "—"
    unit = c.get("unit_shown", "")
    scale = max(
        (abs(float(x)) for x in _numbers(c.get("ours"), c.get("paper_value"), c.get("threshold"))),
        default=1.0,
    )
    if abs(dev) <= ZERO * max(scale, 1.0):
        dev = 0.0
    check = c.get("check")
    if check == "rel" and isinstance(c.get("paper_value"), (int, float)) and c["paper_value"]:
        return number(100 * dev / abs(c["paper_value"]), "%", DEV_DIGITS, sign=True)
    if check == "range" and dev == 0:
        return "inside the range"
    text = number(dev, unit, DEV_DIGITS, sign=True)
    if check in ledger.BOUNDS:
        return f"{text} from the bound"
    if check == "within_stderr" and c.get("stderr"):
        return f"{text} ({abs(dev) / c['stderr']:.1f} σ)"
    return text


def _numbers(*values):
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from _numbers(*v)
        elif isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            yield v


# --------------------------------------------------------------------------- text
_ASCII_MATH = (
    (re.compile(r"<="), "≤"),
    (re.compile(r">="), "≥"),
    (re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)e(-?\d+)(?![\w.])"), None),  # 1e-22 -> 10⁻²²
    (re.compile(r"\^\{?(-?\d+)\}?"), None),  # m^2/s, cm^-1 -> superscripts
    (re.compile(r"\bphi0\b"), "φ₀"),
    (re.compile(r"\bphi\b"), "φ"),
    (re.compile(r"\btau(\d?)\b"), None),
    (re.compile(r"\bmu_(\d+)\b"), None),
)


def _sub(m: re.Match) -> str:
    text = m.group(0)
    if "e" in text and text[0].isdigit():
        mant, exp = m.group(1), m.group(2)
        power = f"10{exp.translate(_SUPERSCRIPT)}"
        return power if mant == "1" else f"{mant} × {power}"
    if text.startswith("^"):
        return m.group(1).translate(_SUPERSCRIPT)
    if text.startswith("tau"):
        return "τ" + m.group(1).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
    if text.startswith("mu_"):
        return "μ" + m.group(1).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
    return text


def pretty(text: str) -> str:
    """The ledger's ASCII math as a reader reads it: ``<=`` ≤, ``1e-22`` 10⁻²², ``m^2/s``
    m²/s, ``phi`` φ, ``tau1`` τ₁, ``mu_400`` μ₄₀₀."""
    for pattern, repl in _ASCII_MATH:
        text = pattern.sub(repl if repl is not None else _sub, text)
    return text


class Labeller:
    """Record names -> labels (:func:`iece.pipeline.ledger.label`) for every record of the
    results, and the check words in a reader's words; :meth:`text` rewrites a message."""

    CHECK_WORDS = {
        "at_least": "at least",
        "at_most": "at most",
        "greater_than": "above",
        "less_than": "below",
        "within_stderr": "within standard errors",
        "not_checkable": "not checkable",
    }

    def __init__(self, entries, results):
        self.entries = list(entries)
        notes = {}
        for fig in results.figures.values():
            for name, rec in fig.results.items():
                notes.setdefault(name, rec.note)
        self.names = sorted(
            {n for n in notes if "_" in n}
            | {n for c in self.entries for n in c.record_names() if n},
            key=len,
            reverse=True,
        )
        self.notes = notes
        self._pattern = (
            re.compile(
                r"(')?(?<![\w.])(" + "|".join(map(re.escape, self.names)) + r")(?![\w])(?(1)')"
            )
            if self.names
            else None
        )

    def label(self, name: str) -> str:
        return ledger.label(name, self.entries, self.notes)

    def text(self, message: str) -> str:
        """A message with every record name replaced by its label (in quotes if it was)."""
        if self._pattern is not None:
            message = self._pattern.sub(lambda m: "“" + self.label(m.group(2)) + "”", message)
        for word, human in self.CHECK_WORDS.items():
            message = re.sub(rf"\b{word}\b", human, message)
        message = re.sub(
            r"(?<![\w.])-?\d+\.\d{5,}(?:e[-+]?\d+)?",
            lambda m: number(float(m.group(0))),
            message,
        )
        return pretty(message)


def check_text(c: dict) -> str:
    """The check in words: ``within 0.05 eV of the paper``, ``at least 0.9``, ..."""
    unit = c.get("unit_shown", "")
    check, tol = c["check"], c.get("tolerance") or 0
    bound = c.get("threshold") if c.get("threshold") is not None else c.get("paper_value")
    if check == "abs":
        return f"within {number(tol, unit)} of the paper"
    if check == "rel":
        return f"within {number(100 * tol, '%')} of the paper"
    if check == "within_stderr":
        return f"within {number(tol)} standard errors of the paper"
    if check == "range":
        return "inside the paper's range" + (f" ± {number(tol, unit)}" if tol else "")
    words = Labeller.CHECK_WORDS.get(check, check.replace("_", " "))
    text = f"{words} {number(bound, unit if c.get('threshold') is None else '')}"
    if tol:
        text += f" (± {number(tol)})"
    return text


def conditions(c: dict, fig, labeller: Labeller) -> list[dict]:
    """The claim's further conditions with their labels and our values (the default's)."""
    out = []
    for a in c.get("also") or []:
        rec = fig.results.get(a["result"]) if fig is not None else None
        value = rec.value if rec is not None else None
        holds = None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            holds = verdicts.holds(a["check"], float(value), float(a["threshold"]))
        out.append(
            {
                "label": pretty(labeller.label(a["result"])),
                "check": Labeller.CHECK_WORDS.get(a["check"], a["check"]),
                "threshold": number(a["threshold"]),
                "ours": number(value, rec.unit if rec is not None else ""),
                "holds": holds,
            }
        )
    return out


# --------------------------------------------------------------------------- the index
def first_sentence(text: str) -> str:
    m = re.match(r"(.+?[.!?])(\s|$)", text.strip(), re.S)
    return m.group(1) if m else text.strip()


def prepare(rows: list[dict], entries, results, notes: dict) -> dict:
    """Everything the index template needs from the evaluated ledger ``rows``
    (``Evaluated.as_dict()``, annotated with the figures' notes)."""
    labeller = Labeller(entries, results)
    paper = ledger.paper_of(entries)
    note_texts = {n.text for ns in notes.values() for n in ns}
    by_id = {c.id: c for c in entries}
    for c in rows:
        fig = results.figures.get(c["figure"])
        rec = fig.results.get(by_id[c["id"]].result) if fig is not None else None
        claim = by_id[c["id"]]
        quoted_unit = ""
        if claim.quoted:
            name, _, index = claim.quoted.partition("[")
            q = paper.quoted.get(name)
            quoted_unit = getattr(q, "unit", "")
            per_element = [u.strip() for u in quoted_unit.split(",")]
            if index and len(per_element) > 1:  # one element of a tuple with a unit for each
                quoted_unit = per_element[int(index.rstrip("]"))]
        record_unit = rec.unit if rec is not None and rec.unit not in ("", "1") else ""
        c["unit_shown"] = c["unit"] or record_unit or quoted_unit
        c["paper_shown"] = number(c["paper_value"], c["unit"] or quoted_unit)
        c["ours_shown"] = number(c["ours"], c["unit_shown"])
        c["stderr_shown"] = number(c["stderr"], c["unit_shown"], 2) if c["stderr"] else ""
        c["deviation_shown"] = deviation(c)
        c["check_shown"] = check_text(c) if c["check"] != "not_checkable" else "—"
        c["conditions"] = conditions(c, fig, labeller)
        c["across_shown"] = [pretty(labeller.label(n)) for n in c.get("across") or []]
        c["quantity_shown"] = pretty(c["quantity"])
        c["explanation_shown"] = labeller.text(c["explanation"]) if c["explanation"] else ""
        c["rationale_shown"] = labeller.text(c["tolerance_rationale"])
        c["reason_shown"] = labeller.text(c["explanation"] or c["reason"])  # filled in
        c["not_current"] = any(p in note_texts for p in c["problems"])
        # a failed condition shows as ✗ beside it (and per choice in the verdict's table)
        c["problems_shown"] = [
            labeller.text(p)
            for p in c["problems"]
            if p not in note_texts and not _CONDITION_FAILED.search(p)
        ]
        c["evidence_label"] = EVIDENCE_LABELS.get(c["evidence"], c["evidence"])
        c["column"] = column(c["verdict"], c["robustness"])
        c["by_choice_shown"] = {
            v: {
                "ours": number(row["ours"], c["unit_shown"]),
                "verdict": row["verdict"],
                "counterfactual": v in c["counterfactuals"],
                # a failed condition under this value, in words (the row's why)
                "why": "; ".join(
                    labeller.text(p.split(": ", 1)[1])
                    for p in c["problems"]
                    if p.startswith(f"{v}: ") and _CONDITION_FAILED.search(p)
                ),
            }
            for v, row in c["by_choice"].items()
        }
        # the per-value rows grouped by choice (its label, its default first)
        c["by_choice_groups"] = [
            {
                "label": paper.choice_label(name),
                "default": paper.choices[name].default,
                "rows": [
                    (v, c["by_choice_shown"][v])
                    for v in paper.choices[name].values
                    if v in c["by_choice_shown"]
                ],
            }
            for name in c["choice"]
            if name in paper.choices
        ]
        c["choice_label"] = ", ".join(paper.choice_label(n) for n in c["choice"])
        c["uncertainty_shown"] = ""
        if c.get("uncertainty"):
            p, se = c["p_holds"], c["p_holds_stderr"]
            spread = f" ± {number(se, '', 2)}" if se else ""
            if not se and p in (0.0, 1.0):  # no flip: a point estimate with no spread to give
                spread = ", in every sample" if p == 1.0 else ", in no sample"
            c["uncertainty_shown"] = (
                f"{c['uncertainty']} over the declared input ranges "
                f"(P(holds) = {number(p, '', 2)}{spread})"
            )
        c["robustness_shown"] = c["robustness"]
    claims = [c for c in rows if c["kind"] == "claim"]
    return {
        "findings": findings(rows, results),
        "untestable": [c for c in claims if c["evidence"] == "none"],
        "table": counts(claims),
        "choices_view": choices_view(paper, claims + [c for c in rows if c["kind"] != "claim"]),
        "labeller": labeller,
    }


def findings(rows: list[dict], results) -> list[dict]:
    """The ledger's key findings (``finding = 1, 2, ...``) in order: one sentence each (its
    ``headline``, else its explanation's first sentence), the verdict, the evidence class, and
    links to its row and its figure's page."""
    out = []
    for c in sorted((c for c in rows if c.get("finding")), key=lambda c: c["finding"]):
        sentence = c["headline"] or first_sentence(c["explanation"]) or c["quantity"]
        fig = results.figures.get(c["figure"])
        out.append(
            {
                "id": c["id"],
                "sentence": pretty(sentence),
                "verdict": c["verdict"],
                "evidence": EVIDENCE_LABELS.get(c["evidence"], c["evidence"]),
                "figure": c["figure"],
                "page": f"{c['figure']}.html" if fig is not None else "",
                "depends": c["robustness"].startswith("depends"),
            }
        )
    return out


def counts(claims: list[dict]) -> dict:
    """One set of counts: rows the evidence classes, columns :data:`COLUMNS` (each claim once,
    by :func:`iece.pipeline.verdicts.category`), with totals."""
    classes = [e for e in ("independent", "consistency", "method", "none")]
    rows = {
        e: {col: sum(c["evidence"] == e and c["column"] == col for c in claims) for col in COLUMNS}
        for e in classes
    }
    rows = {e: r for e, r in rows.items() if any(r.values())}
    totals = {col: sum(r[col] for r in rows.values()) for col in COLUMNS}
    shown = [col for col in COLUMNS if totals[col]]
    return {
        "rows": rows,
        "totals": totals,
        "columns": shown,
        "n": len(claims),
        "labels": EVIDENCE_LABELS,
    }


def sentence(table: dict) -> str:
    """The headline in one sentence, from :func:`counts` (the same numbers, the same rule)."""
    ind = table["rows"].get("independent", {})
    n_ind = sum(v for k, v in ind.items() if k != "not checkable")
    return verdicts.independent_sentence(
        n_ind,
        *(ind.get(k, 0) for k in ("pass", "near", "fail", verdicts.DEPENDS, "missing")),
    )


def grid(claims: list[dict], figures: dict) -> list[dict]:
    """One row per figure: per column of :data:`COLUMNS`, how many of its claims and a link to
    the first of them (the not-checkable group for statements nothing public can test)."""
    out = []
    for fid, title in figures.items():
        mine = [c for c in claims if c["figure"] == fid]
        if not mine:
            continue
        cells = {}
        for col in COLUMNS:
            these = [c for c in mine if c["column"] == col]
            if not these:
                continue
            first = these[0]
            anchor = "not-checkable" if first["evidence"] == "none" else f"claim-{first['id']}"
            cells[col] = {"n": len(these), "href": f"#{anchor}", "ids": [c["id"] for c in these]}
        out.append({"id": fid, "title": title, "cells": cells})
    return out


def choices_view(paper, rows: list[dict]) -> list[dict]:
    """Every open choice: its default and values in words, and the claims (and diagnostics)
    whose verdict hangs on it, with their verdict under each value."""
    out = []
    for name, choice in paper.choices.items():
        hanging = [c for c in rows if name in c["choice"]]
        depends = [c for c in hanging if name in c["depends_on"]]
        out.append(
            {
                "name": name,
                "label": choice.label,
                "default": choice.default,
                "meaning": choice.meaning,
                "values": choice.values,
                "why_default": choice.why_default,
                "ruled_out": choice.ruled_out,
                "depends": depends,
                "robust": [c for c in hanging if c not in depends],
            }
        )
    return out


def colour_cell(col: str, colours: dict) -> str:
    return {
        "pass": colours["reproduced"],
        "near": colours["approximately reproduced"],
        "fail": colours["not reproduced"],
        verdicts.DEPENDS: DEPENDS_COLOUR,
        "not checkable": colours["not checkable"],
        "missing": colours["missing"],
    }[col]


def escape(text: str) -> Markup:
    return Markup(html.escape(text))
