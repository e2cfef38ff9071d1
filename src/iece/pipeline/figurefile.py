"""Figure files: a matplotlib figure written as SVG and PNG, byte-reproducible, for the kernel's
:func:`iece.pipeline.record.save_figure` and the judge stage alike."""

from __future__ import annotations

import os
from pathlib import Path

from .results import PROVENANCES

#: The salt of the SVG ids matplotlib writes: fixed, so the same figure gives the same bytes.
SVG_HASHSALT = "iece"


def write_figure(fig, folder: Path, name: str, provenance: str) -> list[str]:
    """Write ``fig`` as ``<name>.svg`` and ``<name>.png`` into ``folder``, byte-reproducible
    (no dates, no software stamp, a fixed SVG salt whatever the caller's style), each file
    replaced at once; the file names. ValueError for a provenance outside
    :data:`PROVENANCES` (several may be joined by ``+``)."""
    import matplotlib  # noqa: PLC0415 - only a figure's writer needs it

    bad = [p for p in provenance.split("+") if p not in PROVENANCES]
    if bad:
        raise ValueError(f"provenance parts must be among {PROVENANCES}, got {bad}")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT}):
        for ext, meta in (("svg", {"Date": None}), ("png", {"Software": None})):
            target = folder / f"{name}.{ext}"
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            fig.savefig(tmp, format=ext, metadata=meta)
            os.replace(tmp, target)
            written.append(target.name)
    return written
