"""Readers for user data: two-column CSV or whitespace text, header lines allowed.

Leading lines that do not parse as numbers are headers. After the first numeric row every
line must hold exactly two finite numbers (comma, semicolon, tab or spaces between them);
otherwise :class:`DataFileError` names the file and the line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

_SPLIT = re.compile(r"[,;\s]+")


class DataFileError(ValueError):
    """A user data file that cannot be read; the message names the file and line."""


def _parse(line: str) -> list[float] | None:
    parts = [p for p in _SPLIT.split(line.strip()) if p]
    try:
        return [float(p) for p in parts]
    except ValueError:
        return None


def read_two_columns(
    path, *, what: str = "data file", monotonic: bool = False, y_min: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Read ``path`` into two float arrays ``(x, y)``.

    Blank lines and lines starting with ``#`` are skipped anywhere; other non-numeric lines are
    allowed only before the data (headers). With ``monotonic=True`` the first column must be
    strictly increasing or strictly decreasing; the error names the first line that breaks it.
    With ``y_min`` every second-column value must be >= ``y_min``.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{what} {str(path)!r} does not exist")
    rows: list[list[float]] = []
    linenos: list[int] = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        values = _parse(line)
        if values is None:
            if rows:
                raise DataFileError(
                    f"{what} {path.name}, line {lineno}: expected two numbers, got {raw!r}"
                )
            continue  # header line
        if len(values) != 2:
            raise DataFileError(
                f"{what} {path.name}, line {lineno}: expected 2 columns, found {len(values)}"
                f" in {raw!r}"
            )
        if not all(np.isfinite(values)):
            raise DataFileError(f"{what} {path.name}, line {lineno}: non-finite value in {raw!r}")
        if y_min is not None and values[1] < y_min:
            raise DataFileError(
                f"{what} {path.name}, line {lineno}: second column must be >= {y_min:g},"
                f" got {values[1]:g}"
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
    return x, y


def atomic_write_text(path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it into place, so a reader
    (or an interrupted run) never sees a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
