"""The literature comparison of Fig. 5f-g: load, validate, convert and compare.

The dataset (``data/literature/ir_nanocrystals.csv``; columns in its README) holds one row per
reported sample or range of samples, each with the URL where it was read and a verbatim snippet.
:func:`load` validates every row (schema, units, ranges, DOI format, duplicates) and names the
line of a bad row. :func:`compare` states how many literature points a comparison rests on, and
returns "not checkable" when there are none.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .io import DataFileError
from .sizing import HC_EV_NM

COLUMNS = (
    "ref",
    "first_author",
    "year",
    "journal",
    "doi",
    "material",
    "structure",
    "pl_low_nm",
    "pl_high_nm",
    "fwhm_reported",
    "fwhm_low_meV",
    "fwhm_high_meV",
    "qy_low_percent",
    "qy_high_percent",
    "source_url",
    "snippet",
    "confidence",
    "provenance",
    "notes",
)
NUMERIC = {
    "pl_low_nm": (200.0, 5000.0),
    "pl_high_nm": (200.0, 5000.0),
    "fwhm_low_meV": (1.0, 1000.0),
    "fwhm_high_meV": (1.0, 1000.0),
    "qy_low_percent": (0.0, 100.0),
    "qy_high_percent": (0.0, 100.0),
}
STRUCTURES = ("core", "core/shell")
PROVENANCES = ("literature", "quoted")
CONFIDENCE = ("high", "medium", "low")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
#: References the paper cites for Fig. 5f-g (Results, last paragraph).
CITED_REFS = (9, 11, 29, 35, *range(50, 76))
#: Shortwave infrared as the paper defines it (Introduction): 1000-1700 nm.
SWIR_NM = (1000.0, 1700.0)
HG_CHALCOGENIDES = ("HgTe", "HgSe", "HgCdTe", "HgCdSe", "HgS")


def fwhm_nm_to_meV(fwhm_nm: float, peak_nm: float) -> float:
    """Linewidth in meV of a band of FWHM ``fwhm_nm`` centred at ``peak_nm``:
    ``E(peak - w/2) - E(peak + w/2)`` with ``E = hc / lambda``."""
    if not (0 < fwhm_nm < 2 * peak_nm):
        raise ValueError(f"fwhm_nm must be in (0, 2 peak_nm), got {fwhm_nm} at {peak_nm} nm")
    return 1e3 * (HC_EV_NM / (peak_nm - fwhm_nm / 2) - HC_EV_NM / (peak_nm + fwhm_nm / 2))


@dataclass(frozen=True)
class Row:
    line: int
    ref: str
    first_author: str
    year: str
    journal: str
    doi: str
    material: str
    structure: str
    pl_low_nm: float
    pl_high_nm: float
    fwhm_reported: str
    fwhm_low_meV: float
    fwhm_high_meV: float
    qy_low_percent: float
    qy_high_percent: float
    source_url: str
    snippet: str
    confidence: str
    provenance: str
    notes: str

    @property
    def this_work(self) -> bool:
        return self.ref == "this work"

    @property
    def pl_mid_nm(self) -> float:
        return 0.5 * (self.pl_low_nm + self.pl_high_nm)

    @property
    def has_peak(self) -> bool:
        return not math.isnan(self.pl_low_nm)

    @property
    def qy_best(self) -> float:
        """Highest reported QY (an 'up to' value, the top of a range, or the single value)."""
        return self.qy_high_percent

    @property
    def fwhm_best(self) -> float:
        """Narrowest reported FWHM (meV)."""
        return self.fwhm_low_meV

    @property
    def hg_chalcogenide(self) -> bool:
        return any(self.material.startswith(m) or m in self.material for m in HG_CHALCOGENIDES)

    def overlaps(self, window) -> bool:
        return self.has_peak and self.pl_low_nm <= window[1] and self.pl_high_nm >= window[0]

    def citation(self) -> str:
        doi = f", doi:{self.doi}" if self.doi else ""
        return f"{self.first_author} {self.year}, {self.journal}{doi}"


def _num(text: str, col: str, lineno: int, path: str) -> float:
    if text.strip() == "":
        return float("nan")
    try:
        v = float(text)
    except ValueError:
        raise DataFileError(
            f"{path}, line {lineno}: column {col} must be a number, got {text!r}"
        ) from None
    lo, hi = NUMERIC[col]
    if not (lo <= v <= hi):
        raise DataFileError(f"{path}, line {lineno}: {col} = {v:g} is outside [{lo:g}, {hi:g}]")
    return v


def load(path) -> list[Row]:
    """Read and validate the dataset; a bad row raises :class:`DataFileError` naming its line."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"literature_path {str(path)!r} does not exist")
    name = path.name
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise DataFileError(f"{name}: empty file")
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise DataFileError(f"{name}, line 1: missing column(s) {', '.join(missing)}")
        rows, seen = [], {}
        for values in reader:
            lineno = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise DataFileError(
                    f"{name}, line {lineno}: {len(values)} fields, the header has {len(header)}"
                )
            rec = dict(zip(header, values))
            nums = {c: _num(rec[c], c, lineno, name) for c in NUMERIC}
            for lo, hi in (
                ("pl_low_nm", "pl_high_nm"),
                ("fwhm_low_meV", "fwhm_high_meV"),
                ("qy_low_percent", "qy_high_percent"),
            ):
                if math.isnan(nums[lo]) != math.isnan(nums[hi]) and lo != "qy_low_percent":
                    raise DataFileError(
                        f"{name}, line {lineno}: give both {lo} and {hi}, or neither"
                    )
                if nums[lo] > nums[hi]:
                    raise DataFileError(f"{name}, line {lineno}: {lo} > {hi}")
            for col, allowed in (
                ("structure", STRUCTURES),
                ("provenance", PROVENANCES),
                ("confidence", CONFIDENCE),
            ):
                if rec[col] not in allowed:
                    raise DataFileError(
                        f"{name}, line {lineno}: {col} must be one of {allowed}, got {rec[col]!r}"
                    )
            if rec["doi"] and not DOI.match(rec["doi"]):
                raise DataFileError(f"{name}, line {lineno}: malformed DOI {rec['doi']!r}")
            if not (rec["source_url"] and rec["snippet"]):
                raise DataFileError(
                    f"{name}, line {lineno}: every row needs source_url and snippet"
                )
            if all(math.isnan(v) for v in nums.values()):
                raise DataFileError(f"{name}, line {lineno}: the row holds no value")
            key = (
                rec["ref"],
                rec["material"],
                rec["structure"],
                *(round(v, 6) if not math.isnan(v) else None for v in nums.values()),
            )
            if key in seen:
                raise DataFileError(f"{name}, line {lineno}: duplicate of line {seen[key]}")
            seen[key] = lineno
            rows.append(
                Row(line=lineno, **{c: rec[c] for c in COLUMNS if c not in NUMERIC}, **nums)
            )
    return rows


def coverage(rows: list[Row]) -> dict:
    """How many of the paper's cited Fig. 5 references have at least one public value here."""
    with_values = sorted({int(r.ref) for r in rows if r.ref.isdigit() and int(r.ref) in CITED_REFS})
    return {"cited": len(CITED_REFS), "with_values": len(with_values), "refs": with_values}


def compare(
    rows: list[Row],
    metric: str,
    *,
    hg_only: bool = False,
    window=SWIR_NM,
    materials: tuple[str, ...] | None = None,
    structure: str | None = None,
) -> dict:
    """Is this work better than every literature point in ``window`` for ``metric``?

    ``metric`` is ``qy`` (higher is better, compares the best reported values) or ``fwhm`` (lower is
    better). Returns ``{"verdict": True/False/"not checkable", "n": points used, "best": ...}``;
    with no literature point the verdict is "not checkable". ``materials`` keeps only rows
    whose material starts with one of the names; ``structure`` only rows of that structure."""
    if metric not in ("qy", "fwhm"):
        raise ValueError(f"metric must be 'qy' or 'fwhm', got {metric!r}")
    ours = [r for r in rows if r.this_work and r.structure == "core/shell"]
    if not ours:
        raise ValueError("the dataset has no 'this work' core/shell row")
    pick = (lambda r: r.qy_best) if metric == "qy" else (lambda r: r.fwhm_best)
    lit = [
        r
        for r in rows
        if not r.this_work
        and r.overlaps(window)
        and not math.isnan(pick(r))
        and (r.hg_chalcogenide or not hg_only)
        and (materials is None or r.material.startswith(materials))
        and (structure is None or r.structure == structure)
    ]
    mine = max(pick(r) for r in ours) if metric == "qy" else min(pick(r) for r in ours)
    if not lit:
        return {
            "verdict": "not checkable",
            "n": 0,
            "ours": mine,
            "best_literature": None,
            "points": [],
        }
    best = max(pick(r) for r in lit) if metric == "qy" else min(pick(r) for r in lit)
    better = mine > best if metric == "qy" else mine < best
    return {
        "verdict": bool(better),
        "n": len(lit),
        "ours": mine,
        "best_literature": best,
        "points": [r.citation() for r in lit],
    }
