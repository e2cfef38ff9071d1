"""Tables a kernel hands to the pipeline: a figure's scan, judged after the run.

A table is a dict of equal-length 1-d arrays (numbers, bools or strings), by column name. A
notebook saves one with :func:`save_table` (``iece.save_table``); under ``iece run`` it is
written to the run's staging folder and moved, with the figures, to the figure's build folder
(:attr:`iece.pipeline.layout.Place.tables`), listed in the figure's entry (``tables``) and
keyed by the cache as an output (:func:`iece.pipeline.cache.outputs`). The pipeline's judge
stage (:mod:`iece.pipeline.judge`) reads it back with :func:`read_table`; the ledger is never
read inside a kernel.

The file is a NumPy ``.npz`` (no pickles, deflated at level 1: a quarter of the raw size for
the readings scan in 0.3 s), its members in the table's column order, every zip
entry dated 1980-01-01: the same table gives the same bytes.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import numpy as np

from . import record as _record

#: The suffix of a table's file.
SUFFIX = ".npz"
#: The date of every zip entry (the earliest a zip file can hold): no timestamp.
_EPOCH = (1980, 1, 1, 0, 0, 0)


class TableError(ValueError):
    """A table that cannot be written or read; the message names the table and the column."""


def _columns(table, name: str) -> dict[str, np.ndarray]:
    if not isinstance(table, dict) or not table:
        raise TableError(f"table {name!r} must be a non-empty dict of columns")
    out, length = {}, None
    for col, values in table.items():
        if not isinstance(col, str) or not col.isidentifier():
            raise TableError(f"table {name!r}: column name {col!r} must be an identifier")
        arr = np.asarray(values)
        if arr.ndim != 1:
            raise TableError(f"table {name!r}, column {col!r}: must be 1-d, has shape {arr.shape}")
        if arr.dtype.kind not in "biufUS":
            raise TableError(
                f"table {name!r}, column {col!r}: numbers, bools or strings only, not {arr.dtype}"
            )
        if length is not None and len(arr) != length:
            raise TableError(
                f"table {name!r}, column {col!r}: {len(arr)} rows where the others have {length}"
            )
        length = len(arr)
        out[col] = arr
    return out


def table_bytes(table: dict, name: str = "table") -> bytes:
    """The ``.npz`` bytes of ``table``: byte-identical for the same columns in the same order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for col, arr in _columns(table, name).items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(f"{col}.npy", _EPOCH)
            zf.writestr(info, member.getvalue(), zipfile.ZIP_DEFLATED, compresslevel=1)
    return buf.getvalue()


def write_table(path: Path, table: dict, name: str = "table") -> Path:
    """Write ``table`` to ``path`` (atomically: a temporary file, then renamed)."""
    path = Path(path)
    data = table_bytes(table, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def read_table(path: Path) -> dict[str, np.ndarray]:
    """The table in ``path``, its columns in their saved order."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise TableError(f"table {path.name} cannot be read ({exc}); rerun `iece run`") from None


def save_table(table: dict, name: str) -> Path:
    """Save a figure's ``table`` as ``<name>.npz`` for the pipeline's judge stage: under
    ``iece run`` into the run's staging folder (moved to the figure's build folder when the run
    succeeds), in Jupyter into the interactive run's ``tables/``. Returns the file."""
    if not isinstance(name, str) or not name.isidentifier():
        raise TableError(f"a table's name must be an identifier, got {name!r}")
    if _record.under_runner():
        folder = _record.figures_dir()
    else:
        folder = _record.interactive_dir() / "tables"
    path = write_table(folder / f"{name}{SUFFIX}", table, name)
    _record._append({"kind": "table", "name": name, "file": path.name})
    return path
