"""Every reader of a user file, and the atomic text writer.

* :func:`read_two_columns`: two-column CSV or whitespace text, header lines allowed. Leading
  lines that do not parse as numbers are headers; after the first numeric row every line must
  hold exactly two finite numbers (comma, semicolon, tab or spaces between them). Under a
  comma-separated header of column names a row must have as many fields as the header names
  (``30,0,5`` under ``time_min,x`` is refused, with a decimal-comma hint, never read as 30, 0);
* :func:`read_composition` (``composition_path``), :func:`read_spectrum` (``spectrum_path``),
  :func:`read_decay` (``decay_path``, ``irf_path``) and :func:`read_literature_table`
  (``literature_path``) build on it or on :mod:`csv`, and so does
  :func:`read_material_sources` (the literature side of the Methods' parameter table).

A file that cannot be read raises :class:`DataFileError` naming the file and the line. Readers
return plain arrays or rows; turning them into model objects is the paper layer's job.
"""

from __future__ import annotations

import csv
import errno
import io
import math
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# The physics (and scipy with it) is imported where a reader needs it, not here: a notebook's
# ``import iece`` then costs numpy only (about 0.4 s less per kernel start).

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_SPLIT = re.compile(r"[,;\s]+")


class DataFileError(ValueError):
    """A user data file that cannot be read; the message names the file and line."""


#: What marks a project checkout: both folders, side by side, or a ``pyproject.toml`` with a
#: ``[tool.iece]`` table (whose ``notebooks`` and ``claims`` may name other folders).
PROJECT_MARKERS = ("notebooks", "data")


class ProjectRootError(FileNotFoundError):
    """No project checkout at or above the folder searched; the message names it."""


def _has_iece_table(folder: Path) -> bool:
    """Whether ``folder/pyproject.toml`` has a ``[tool.iece]`` table (an unreadable file has
    none here; :mod:`iece.pipeline.bundle` names what is wrong with it)."""
    path = folder / "pyproject.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "iece" in tool


def project_root(start=None) -> Path:
    """The project checkout: the nearest folder at or above ``start`` (default: the current
    folder) that holds both ``notebooks/`` and ``data/``, or a ``pyproject.toml`` with a
    ``[tool.iece]`` table.

    One definition for every caller: ``iece`` on the command line (run from anywhere inside
    the checkout), a notebook in Jupyter (whose kernel runs in ``notebooks/``) and under
    papermill (run in the root), and the paper modules' default data paths. Nothing is
    guessed: without such a folder it raises :class:`ProjectRootError` naming where it looked.
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    for cand in (here, *here.parents):
        if all((cand / m).is_dir() for m in PROJECT_MARKERS) or _has_iece_table(cand):
            return cand
    raise ProjectRootError(
        f"no iece project at or above {here}: looked for a folder holding both "
        f"{' and '.join(m + '/' for m in PROJECT_MARKERS)}, or a pyproject.toml with a "
        "[tool.iece] table (the checkout's root); start Jupyter or iece inside the checkout, "
        "or give the root (iece --root PATH)"
    )


#: A user data file larger than this is refused before it is read (a spectrum, decay or table
#: is kilobytes; a TCSPC histogram of 65536 channels is about 1 MB).
MAX_FILE_MB = 20


def file_problem(path) -> str | None:
    """Why ``path`` is not a readable data file ("does not exist", "is a folder", ...), or None."""
    path = Path(path)
    try:
        if path.is_file():
            return None
        if path.is_dir():
            return "is a folder; give the data file inside it"
        if path.exists():
            return "is not a regular file"
        if os.path.lexists(path):
            return "cannot be opened: it is a broken or looping link"
        return "does not exist"
    except OSError as exc:  # a name too long, a permission on a parent folder
        return f"cannot be opened: {exc.strerror}"


def read_text(path, what: str) -> str:
    """The text of the user file ``path`` (parameter ``what``), or a :class:`DataFileError` that
    names it: missing, a directory or device, unreadable, too large, or not UTF-8/UTF-16 text."""
    path = Path(path)
    problem = file_problem(path)
    if problem:
        raise DataFileError(f"{what} {str(path)!r} {problem}")
    st = path.stat()
    if st.st_size > MAX_FILE_MB * 1e6:
        raise DataFileError(
            f"{what} {path.name} is {st.st_size / 1e6:.0f} MB; data files above {MAX_FILE_MB} MB "
            "are refused (bin or trim it first)"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:  # PermissionError and friends
        raise DataFileError(f"{what} {path.name} cannot be read: {exc.strerror}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        lineno = data[: exc.start].count(b"\n") + 1
        raise DataFileError(
            f"{what} {path.name}, line {lineno}: not UTF-8 text (byte {data[exc.start]:#04x}); "
            "save the file as UTF-8 (in Excel: CSV UTF-8)"
        ) from None


#: The hint for a file saved with decimal commas (a spreadsheet in a German or French locale).
DECIMAL_COMMA_HINT = (
    " (decimal commas? use points: 1.5, not 1,5; in Excel save with a '.' decimal separator, "
    "or put a semicolon between the columns)"
)


def _hint(raw: str, columns: int = 2) -> str:
    """The decimal-comma hint when ``raw`` looks written with decimal commas: a digit, comma,
    digit together with another separator (``0,5;1,2``), two space-separated ``1,5`` numbers,
    or more comma-separated fields than the ``columns`` expected (``30,0,5``)."""
    if not re.search(r"\d,\d", raw):
        return ""
    other = ";" in raw or "\t" in raw
    pairs = re.fullmatch(r"\s*-?\d+,\d+\s+-?\d+,\d+\s*", raw)
    if other or pairs or len(_fields(raw)) > columns:
        return DECIMAL_COMMA_HINT
    return ""


def _fields(line: str) -> list[str]:
    """The comma-separated fields of ``line`` (Excel's quoted cells as one field), without
    trailing empty ones (``1,2,`` is two)."""
    fields = [f.strip() for f in next(csv.reader([line]), [])]
    while fields and not fields[-1]:
        fields.pop()
    return fields


def _column_header(line: str | None) -> list[str] | None:
    """The comma-separated column names of a header line (every field holds a letter, at
    least two fields: ``wavelength (nm),absorbance``), or None for a line that is not one
    (a metadata line such as ``Integration time (ms),100``, or no comma at all)."""
    if not line or "," not in line:
        return None
    fields = _fields(line)
    if len(fields) < 2 or not all(re.search(r"[^\W\d_]", f) for f in fields):
        return None
    return fields


def _parse(line: str) -> list[float] | None:
    parts = [p.strip("\"'") for p in _SPLIT.split(line.strip()) if p]  # Excel quotes cells
    try:
        return [float(p) for p in parts]
    except ValueError:
        return None


def column_ranges(what: str):
    """The physical range of each column of the two-column file of parameter ``what``, as
    ``((label, unit, low, high), (label, unit, low, high), falling)``, or None where the reader
    checks it (a spectrum's axis) or any finite number will do; ``falling``: the second column
    must fall as the first grows. A CdSe sizing file holds diameters the EMA is validated for
    (:data:`iece.physics.ema.DIAMETER_RANGE_NM`) and 1S-1S energies within :data:`SIZING_EV`
    (bulk CdSe is 1.74 eV; a 1 nm cluster about 3.5 eV) that confinement makes fall with size."""
    if what == "sizing_path":
        from .physics.ema import DIAMETER_RANGE_NM

        diameter = ("diameter", "nm", *DIAMETER_RANGE_NM)
        return (diameter, ("1S-1S energy", "eV", *SIZING_EV), True)
    return None


#: The 1S-1S energies a CdSe sizing file may hold (eV).
SIZING_EV = (1.5, 4.0)


def _check_ranges(x, y, linenos, ranges, what, name) -> None:
    """Refuse the first value outside its column's physical range, naming the line, with a
    hint when the columns look swapped or the energies look like wavelengths."""
    from .physics.constants import HC_EV_NM  # noqa: PLC0415 - see the imports

    (xl, xu, xlo, xhi), (yl, yu, ylo, yhi), falling = ranges
    for col, (label, unit, lo, hi) in ((x, ranges[0]), (y, ranges[1])):
        bad = np.flatnonzero(~((col >= lo) & (col <= hi)))
        if not bad.size:
            continue
        v = col[bad[0]]
        hint = ""
        if np.all((x >= ylo) & (x <= yhi)) and np.all((y >= xlo) & (y <= xhi)):
            hint = f"; the columns look swapped: {xl} ({xu}) first, then {yl} ({yu})"
        elif unit == "eV" and np.all((col > 200) & (col < 5000)):
            hint = f"; a wavelength in nm? give the energy in eV ({HC_EV_NM:.2f} / nm)"
        raise DataFileError(
            f"{what} {name}, line {linenos[bad[0]]}: {label} {v:g} {unit} is outside "
            f"[{lo:g}, {hi:g}] {unit}{hint}"
        )
    if falling and np.ptp(x) > 0 and np.corrcoef(x, y)[0, 1] > 0:
        raise DataFileError(
            f"{what} {name}: the {yl} rises with the {xl}, where it must fall; are the columns "
            f"swapped? {xl} ({xu}) first, then {yl} ({yu})"
        )


def read_two_columns(
    path,
    *,
    what: str = "data file",
    monotonic: bool = False,
    y_min: float | None = None,
    positive: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Read ``path`` into two float arrays ``(x, y)``.

    Blank lines and lines starting with ``#`` are skipped anywhere; other non-numeric lines are
    allowed only before the data (headers). With ``monotonic=True`` the first column must be
    strictly increasing or strictly decreasing; the error names the first line that breaks it.
    With ``y_min`` every second-column value must be >= ``y_min``; with ``positive`` both
    columns must be > 0 (diameters, energies). A parameter with :func:`column_ranges` has
    every value checked against them.
    """
    x, y, _ = _read_rows(path, what, monotonic, y_min, positive)
    return x, y


def _read_rows(path, what, monotonic=False, y_min=None, positive=False):
    """:func:`read_two_columns`, also returning each row's line number."""
    path = Path(path)
    text = read_text(path, what)
    rows: list[list[float]] = []
    linenos: list[int] = []
    header: tuple[int, list[str]] | None = None  # the column names above the data
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        values = _parse(line)
        if values is None:
            if rows:
                raise DataFileError(
                    f"{what} {path.name}, line {lineno}: expected two numbers, got {raw!r}"
                    + _hint(raw)
                )
            names = _column_header(line)
            header = (lineno, names) if names else None
            continue  # header line
        if header and "," in line and len(_fields(line)) != len(header[1]):
            raise DataFileError(
                f"{what} {path.name}, line {lineno}: expected {len(header[1])} columns as the "
                f"header (line {header[0]}) names, found {len(_fields(line))} comma-separated "
                f"fields in {raw!r}" + (_hint(raw, len(header[1])) or "; one value per column")
            )
        if len(values) != 2:
            if len(values) == 1:
                hint = (
                    " (one number per line: a histogram or spectrum without its axis? give the "
                    "axis in the first column, e.g. time (ns) and counts)"
                )
            elif header and len(_fields(line)) == len(header[1]):  # as the header names
                hint = (
                    f" (the header, line {header[0]}, names {len(header[1])} columns: "
                    f"{', '.join(header[1])}; keep the two this file is for)"
                )
            else:
                hint = _hint(raw)
            raise DataFileError(
                f"{what} {path.name}, line {lineno}: expected 2 columns, found {len(values)}"
                f" in {raw!r}" + hint
            )
        if not all(np.isfinite(values)):
            raise DataFileError(f"{what} {path.name}, line {lineno}: non-finite value in {raw!r}")
        if y_min is not None and values[1] < y_min:
            raise DataFileError(
                f"{what} {path.name}, line {lineno}: second column must be >= {y_min:g},"
                f" got {values[1]:g}"
            )
        if positive and min(values) <= 0:
            raise DataFileError(
                f"{what} {path.name}, line {lineno}: both columns must be positive, got {raw!r}"
            )
        rows.append(values)
        linenos.append(lineno)
    if len(rows) < 3:
        raise DataFileError(f"{what} {path.name}: needs at least 3 numeric rows, found {len(rows)}")
    data = np.asarray(rows, dtype=float)
    x, y = data[:, 0].copy(), data[:, 1].copy()
    if monotonic:
        d = np.diff(x)
        sign = 1.0 if d[0] > 0 else -1.0
        bad = np.flatnonzero(~(sign * d > 0))
        if bad.size:
            lineno = linenos[bad[0] + 1]
            raise DataFileError(
                f"{what} {path.name}, line {lineno}: first column must be strictly monotonic;"
                f" {x[bad[0] + 1]:g} follows {x[bad[0]]:g}"
            )
    ranges = column_ranges(what)
    if ranges:
        _check_ranges(x, y, linenos, ranges, what, path.name)
    return x, y, linenos


def read_composition(path) -> tuple[np.ndarray, np.ndarray]:
    """Read a user time course: CSV with columns ``time_min,x`` (header required); returns
    (time in s, x). Errors name the line."""
    path = Path(path)
    lines = read_text(path, "composition_path").splitlines()
    rows = [
        (i, ln) for i, ln in enumerate(lines, 1) if ln.strip() and not ln.strip().startswith("#")
    ]
    if not rows:
        raise DataFileError(f"composition_path {path.name}: empty file")
    sep = next((c for c in (",", ";", "\t") if c in rows[0][1]), ",")
    header = [h.strip().strip("\"'").lower() for h in rows[0][1].split(sep)]
    if "time_min" not in header or "x" not in header:
        raise DataFileError(
            f"composition_path {path.name}, line {rows[0][0]}: needs a header with columns "
            f"'time_min' and 'x', got {rows[0][1]!r}"
        )
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        raise DataFileError(
            f"composition_path {path.name}, line {rows[0][0]}: column(s) {', '.join(twice)} "
            "appear more than once; keep one of each"
        )
    it, ix = header.index("time_min"), header.index("x")
    t, x = [], []
    for lineno, ln in rows[1:]:
        parts = [p.strip().strip("\"'") for p in ln.split(sep)]
        while len(parts) > len(header) and not parts[-1]:  # a trailing separator
            parts.pop()
        if len(parts) != len(header):  # 30,0,5 under time_min,x: never read as x = 0
            raise DataFileError(
                f"composition_path {path.name}, line {lineno}: {len(parts)} fields in {ln!r}, "
                f"where the header (line {rows[0][0]}) names {len(header)}"
                + (_hint(ln, len(header)) or "; one value per column")
            )
        try:
            tv, xv = float(parts[it]), float(parts[ix])
        except (ValueError, IndexError):
            raise DataFileError(
                f"composition_path {path.name}, line {lineno}: expected numbers in columns "
                f"time_min and x, got {ln!r}" + _hint(ln)
            ) from None
        if not np.isfinite(tv) or tv < 0:
            raise DataFileError(
                f"composition_path {path.name}, line {lineno}: time_min must be >= 0"
            )
        if not (0 <= xv <= 1):
            raise DataFileError(f"composition_path {path.name}, line {lineno}: x must be in [0, 1]")
        t.append(tv * 60.0)
        x.append(xv)
    if len(set(t)) < 3:  # the two-parameter model needs a degree of freedom
        raise DataFileError(
            f"composition_path {path.name}: needs at least 3 different times, found "
            f"{len(set(t))} in {len(t)} data rows"
        )
    if max(x) == 0:
        raise DataFileError(
            f"composition_path {path.name}: x is 0 at every time, so there is no exchange to fit"
        )
    return np.asarray(t), np.asarray(x)


AXES = ("auto", "wavelength_nm", "energy_eV")
#: Photon energies an absorption spectrum may cover (eV): 124 nm to 12.4 um.
PHOTON_EV = (0.1, 10.0)


def read_spectrum(path, axis: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Read a two-column absorption spectrum; return (energy eV increasing, absorbance).

    ``axis``: ``wavelength_nm``, ``energy_eV`` or ``auto`` (a first column above 20 is taken as
    wavelength in nm). The first column must be strictly monotonic (either direction), and
    every photon energy within :data:`PHOTON_EV`: an axis that does not fit the values (an
    energy file read as nm, 440 eV) is refused with its line and the other axis as a hint."""
    from .physics.constants import HC_EV_NM  # noqa: PLC0415 - see the imports

    if axis not in AXES:
        raise ValueError(f"axis must be one of {AXES}, got {axis!r}")
    x, A, linenos = _read_rows(path, "spectrum_path", monotonic=True)
    if axis == "auto":
        axis = "wavelength_nm" if np.nanmax(x) > 20 else "energy_eV"
    if np.any(x <= 0):
        raise DataFileError(f"spectrum_path {Path(path).name}: the {axis} column must be positive")
    with np.errstate(over="ignore"):
        E = HC_EV_NM / x if axis == "wavelength_nm" else x
    lo, hi = PHOTON_EV
    bad = np.flatnonzero(~((E >= lo) & (E <= hi)))
    if bad.size:
        i = bad[0]
        other = "energy_eV" if axis == "wavelength_nm" else "wavelength_nm"
        value = f"{x[i]:g} nm is {E[i]:.3g} eV" if axis == "wavelength_nm" else f"{E[i]:g} eV"
        raise DataFileError(
            f"spectrum_path {Path(path).name}, line {linenos[i]}: read as {axis}, {value}, "
            f"outside the {lo:g}-{hi:g} eV ({HC_EV_NM / hi:.0f}-{HC_EV_NM / lo:.0f} nm) of an "
            f"absorption spectrum; if the first column is {other.replace('_', ' in ')}, "
            f"give -p axis {other}"
        )
    if not np.nanmax(A) > 0:
        raise DataFileError(
            f"spectrum_path {Path(path).name}: the absorbance is zero or negative everywhere; "
            "there is nothing to deconvolve (is the second column the absorbance?)"
        )
    order = np.argsort(E)
    return E[order], A[order]


#: A TCSPC histogram has 4096-65536 channels; more are refused before fitting.
MAX_DECAY_CHANNELS = 65536


def read_decay(path, irf_path=None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Read a user decay (time in ns, counts) and optionally an IRF on the same time channels;
    return ``(t_ns, counts, irf_counts or None)``.

    Times must be strictly increasing and evenly spaced; counts non-negative with a positive total.
    """
    from .physics.lifetimes import MIN_CHANNELS  # noqa: PLC0415 - see the imports

    name = Path(path).name
    t, counts = read_two_columns(path, what="decay_path", monotonic=True, y_min=0.0)
    dt = np.diff(t)
    if dt[0] < 0:
        raise DataFileError(f"decay_path {name}: time must increase")
    if np.max(np.abs(dt - dt.mean())) > 1e-3 * dt.mean():
        raise DataFileError(f"decay_path {name}: channels must be evenly spaced in time")
    if counts.sum() <= 0:
        raise DataFileError(f"decay_path {name}: all counts are zero")
    if t.size > MAX_DECAY_CHANNELS:
        raise DataFileError(
            f"decay_path {name}: {t.size} time channels; at most {MAX_DECAY_CHANNELS} are fitted "
            "(a 10^6-channel decay had run past the 300 s cell limit): add neighbouring channels "
            "together (bin the histogram) or cut it to the decay"
        )
    if t.size < MIN_CHANNELS:
        raise DataFileError(
            f"decay_path {name}: {t.size} time channels; a decay needs at least {MIN_CHANNELS}"
        )
    irf = None
    if irf_path is not None:
        iname = Path(irf_path).name
        ti, irf = read_two_columns(irf_path, what="irf_path", monotonic=True, y_min=0.0)
        if ti.size != t.size or np.max(np.abs(ti - t)) > 1e-3 * dt.mean():
            raise DataFileError(f"irf_path {iname}: must use the decay's time channels")
        if irf.sum() <= 0:
            raise DataFileError(f"irf_path {iname}: all counts are zero")
    return t, counts, irf


# ----------------------------------------------------------------------------- literature table
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
HG_CHALCOGENIDES = ("HgTe", "HgSe", "HgCdTe", "HgCdSe", "HgS")


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


_FWHM_NM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*nm\b")


def _fwhm_from_nm(rec: dict, nums: dict, lineno: int, name: str) -> None:
    """A FWHM the source states in nm at one peak wavelength fills the meV columns (they must
    then be empty): ``E(L - w/2) - E(L + w/2)``."""
    from .physics.constants import fwhm_nm_to_meV  # noqa: PLC0415 - see the imports

    m = _FWHM_NM.match(rec["fwhm_reported"])
    if not m:
        return
    if not (math.isnan(nums["fwhm_low_meV"]) and math.isnan(nums["fwhm_high_meV"])):
        raise DataFileError(
            f"{name}, line {lineno}: fwhm_reported is in nm, so leave the meV columns empty"
            " (they are computed)"
        )
    lo, hi = nums["pl_low_nm"], nums["pl_high_nm"]
    if math.isnan(lo) or lo != hi:
        raise DataFileError(f"{name}, line {lineno}: a FWHM in nm needs one PL peak wavelength")
    nums["fwhm_low_meV"] = nums["fwhm_high_meV"] = fwhm_nm_to_meV(float(m.group(1)), lo)


def _csv_rows(reader, name):
    """The rows of a :mod:`csv` reader; its errors (a cell over ``csv.field_size_limit()``
    characters, a stray quote) name the file and line."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataFileError(
                f"{name}, line {reader.line_num}: cannot be read as CSV ({exc}); a cell "
                f"holds at most {csv.field_size_limit()} characters, and quotes must pair"
            ) from None


def _csv_records(path: Path, what: str, columns):
    """(line number, {column: cell}) for every non-blank row of a CSV table with a header that
    names at least ``columns``; a missing column or a row of another width raises
    :class:`DataFileError` naming the file and line."""
    name = path.name
    reader = csv.reader(io.StringIO(read_text(path, what), newline=""))
    header = next(reader, None)
    if header is None:
        raise DataFileError(f"{name}: empty file")
    missing = [c for c in columns if c not in header]
    if missing:
        raise DataFileError(f"{name}, line 1: missing column(s) {', '.join(missing)}")
    for values in _csv_rows(reader, name):
        lineno = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise DataFileError(
                f"{name}, line {lineno}: {len(values)} fields, the header has {len(header)}"
            )
        yield lineno, dict(zip(header, values))


def read_literature_table(path) -> list[Row]:
    """Read and validate the dataset; a bad row raises :class:`DataFileError` naming its line."""
    path = Path(path)
    name = path.name
    rows, seen = [], {}
    for lineno, rec in _csv_records(path, "literature_path", COLUMNS):
        nums = {c: _num(rec[c], c, lineno, name) for c in NUMERIC}
        _fwhm_from_nm(rec, nums, lineno, name)
        for lo, hi in (
            ("pl_low_nm", "pl_high_nm"),
            ("fwhm_low_meV", "fwhm_high_meV"),
            ("qy_low_percent", "qy_high_percent"),
        ):
            if math.isnan(nums[lo]) != math.isnan(nums[hi]) and lo != "qy_low_percent":
                raise DataFileError(f"{name}, line {lineno}: give both {lo} and {hi}, or neither")
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
            raise DataFileError(f"{name}, line {lineno}: every row needs source_url and snippet")
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
        rows.append(Row(line=lineno, **{c: rec[c] for c in COLUMNS if c not in NUMERIC}, **nums))
    return rows


# ------------------------------------------------------------------ material parameter sources
MATERIAL_SOURCE_COLUMNS = (
    "parameter",
    "quantity",
    "unit",
    "literature_value",
    "literature_unit",
    "source_doi",
    "source",
    "url",
    "snippet",
    "note",
)
#: Factor from a unit a source prints to the unit of the parameter it is compared with.
UNIT_FACTORS = {
    ("m0", "m0"): 1.0,
    ("1", "1"): 1.0,
    ("eV", "eV"): 1.0,
    ("meV", "eV"): 1e-3,
    ("nm", "nm"): 1.0,
    ("Å", "nm"): 0.1,
}


def material_parameter(name: str) -> tuple[float, str]:
    """The value and unit of a parameter of :mod:`iece.physics.materials`, by name:
    ``CDSE.me`` (a field of a material) or ``CDSE_ELECTRON_AFFINITY_EV`` (a module constant).
    Units follow the names: masses ``m0``, ``*_eV`` ``eV``, ``*_nm`` ``nm``, ``eps_inf`` ``1``.
    KeyError if the name is not a number there."""
    from .physics import materials as _materials  # noqa: PLC0415 - see the imports

    owner, _, field = name.partition(".")
    obj = getattr(_materials, owner, None)
    value = getattr(obj, field, None) if field else obj
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise KeyError(name)
    key = (field or owner).lower()
    unit = (
        "m0"
        if key in ("me", "mh")
        else "eV"
        if key.endswith("_ev")
        else "nm"
        if key.endswith("_nm")
        else "1"
        if key.startswith("eps")
        else None
    )
    if unit is None:
        raise KeyError(name)
    return float(value), unit


@dataclass(frozen=True)
class MaterialSource:
    """One row of ``data/literature/materials_sources.csv``: the literature side only; the
    paper's value is read from :mod:`iece.physics.materials` by ``parameter``."""

    line: int
    parameter: str
    quantity: str
    unit: str
    literature_value: float  # in ``unit``; nan when no public source was found
    literature_text: str  # the number as the snippet prints it
    literature_unit: str
    source_doi: str
    source: str
    url: str
    snippet: str
    note: str

    @property
    def found(self) -> bool:
        return not math.isnan(self.literature_value)

    @property
    def sourced(self) -> bool:
        """A literature value in the project's sense: a publisher DOI and a verbatim snippet."""
        return self.found and bool(self.source_doi)


def read_material_sources(path) -> list[MaterialSource]:
    """Read and validate the material-parameter sources; a bad row raises
    :class:`DataFileError` naming its line. Every ``parameter`` must be a number of
    :mod:`iece.physics.materials` in the row's ``unit``; a literature value needs a URL and a
    snippet that prints it, and a DOI must be well formed."""
    path = Path(path)
    name = path.name
    rows, seen = [], {}
    for lineno, rec in _csv_records(path, "materials sources", MATERIAL_SOURCE_COLUMNS):
        where = f"{name}, line {lineno}"
        try:
            _, unit = material_parameter(rec["parameter"])
        except KeyError:
            raise DataFileError(
                f"{where}: parameter {rec['parameter']!r} is not a number of "
                "iece.physics.materials (write CDSE.me or CDSE_ELECTRON_AFFINITY_EV)"
            ) from None
        if rec["unit"] != unit:
            raise DataFileError(f"{where}: {rec['parameter']} is in {unit}, not {rec['unit']!r}")
        if rec["parameter"] in seen:
            raise DataFileError(f"{where}: duplicate of line {seen[rec['parameter']]}")
        seen[rec["parameter"]] = lineno
        if rec["source_doi"] and not DOI.match(rec["source_doi"]):
            raise DataFileError(f"{where}: malformed DOI {rec['source_doi']!r}")
        text = rec["literature_value"].strip()
        value = math.nan
        if text:
            try:
                value = float(text)
            except ValueError:
                raise DataFileError(
                    f"{where}: literature_value must be a number, got {text!r}"
                ) from None
            factor = UNIT_FACTORS.get((rec["literature_unit"], unit))
            if factor is None:
                raise DataFileError(
                    f"{where}: literature_unit {rec['literature_unit']!r} cannot be compared "
                    f"with {unit}"
                )
            if not (rec["url"] and rec["snippet"]):
                raise DataFileError(f"{where}: a literature value needs url and snippet")
            if text.lstrip("+-") not in rec["snippet"]:
                raise DataFileError(f"{where}: the snippet does not print {text}")
            value *= factor
        elif rec["source_doi"]:
            raise DataFileError(f"{where}: a DOI without a literature value")
        rows.append(
            MaterialSource(
                line=lineno,
                literature_value=value,
                literature_text=text,
                **{c: rec[c] for c in MATERIAL_SOURCE_COLUMNS if c != "literature_value"},
            )
        )
    return rows


def atomic_write_text(path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it into place, so a reader
    (or an interrupted run) never sees a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():  # os.replace would name the temporary file, not the place it belongs
        raise IsADirectoryError(errno.EISDIR, "a folder is where this file belongs", str(path))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:  # the error names the file being written, not its temporary twin
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise type(exc)(exc.errno, exc.strerror, str(path)) from None
