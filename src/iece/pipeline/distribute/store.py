"""The chunks of a sample, their keys and their files on disk (the resume store).

A chunk is the half-open row range ``[start, stop)`` of the sample ``x`` (n, d); chunk ``i`` is
``[i c, min((i + 1) c, n))`` for a chunk size ``c``. Its key is

    sha256(function name | function token | sha256(x's dtype, shape, bytes) | start | stop)

so a stored chunk is reused only for the same function, the same sample (every row, not just the
chunk's) and the same bounds. A chunk is stored as ``<key>.npz`` holding its output arrays and
its key; it is written to a temporary name in the same folder and moved into place with
:func:`os.replace` (atomic on POSIX and Windows), so a killed run leaves whole chunks or none.
"""

from __future__ import annotations

import functools
import hashlib
import os
import uuid
import zipfile
from pathlib import Path

import dask
import numpy as np
from dask.base import tokenize

#: The entry of a stored chunk that holds its key, and the prefix of its output arrays.
KEY_ENTRY = "__key__"
OUT_PREFIX = "out__"
#: The output name of a function that returns one array (not a dict).
ARRAY = ""


class DistributeError(ValueError):
    """An input the chunked evaluator does not accept; nothing was evaluated."""


def bounds(n_rows: int, chunk: int) -> list[tuple[int, int]]:
    """The chunks ``[(start, stop), ...]`` of ``n_rows`` rows, ``chunk`` rows each (the last one
    shorter)."""
    return [(s, min(s + chunk, n_rows)) for s in range(0, n_rows, chunk)]


def function_name(f) -> str:
    """``module.qualname`` of ``f`` (of the wrapped function for a :func:`functools.partial`)."""
    while isinstance(f, functools.partial):
        f = f.func
    module = getattr(f, "__module__", None) or type(f).__module__
    qual = getattr(f, "__qualname__", None) or type(f).__qualname__
    return f"{module}.{qual}"


def function_token(f, token=None) -> str:
    """What the output depends on besides the name: a partial's bound arguments and the
    caller's ``token`` (dask's deterministic :func:`~dask.base.tokenize`); DistributeError if
    they cannot be tokenized deterministically."""
    parts = [token]
    while isinstance(f, functools.partial):
        parts.append((f.args, f.keywords))
        f = f.func
    try:
        with dask.config.set({"tokenize.ensure-deterministic": True}):
            return tokenize(*parts)
    except Exception as exc:  # dask raises RuntimeError, pickling others
        raise DistributeError(
            f"cannot key the arguments of {function_name(f)} for the store ({exc}); pass "
            "token= with a string that names them"
        ) from None


def code_token(*modules) -> str:
    """sha256 of the source of ``modules`` (of every ``.py`` file under a package), for
    ``token=``: the stored chunks then go stale when the code that computed them changes, which
    the function's name alone does not see (``token=code_token(iece.physics, iece.paper)``)."""
    h = hashlib.sha256()
    for mod in modules:
        roots = [Path(d) for d in getattr(mod, "__path__", [])]
        files = [(r, p) for r in roots for p in sorted(r.rglob("*.py"))]
        for root, p in files or [(Path(mod.__file__).parent, Path(mod.__file__))]:
            h.update(f"{mod.__name__}/{p.relative_to(root).as_posix()}|".encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def sample_hash(x: np.ndarray) -> str:
    """sha256 of the sample's dtype, shape and bytes (C order)."""
    h = hashlib.sha256(f"{x.dtype.str}|{x.shape}|".encode())
    h.update(np.ascontiguousarray(x).tobytes())
    return h.hexdigest()


def chunk_key(name: str, token: str, sample: str, start: int, stop: int) -> str:
    """The key of one chunk (hex sha256)."""
    return hashlib.sha256(f"{name}|{token}|{sample}|{start}|{stop}".encode()).hexdigest()


def path(store: Path, key: str) -> Path:
    return store / f"{key}.npz"


def save(store: Path, key: str, out: dict) -> None:
    """Write one chunk's outputs (name -> array) atomically as ``<key>.npz``."""
    final = path(store, key)
    tmp = store / f".{key}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    arrays = {OUT_PREFIX + k: np.asarray(v) for k, v in out.items()}
    try:
        with open(tmp, "wb") as fh:
            np.savez(fh, **{KEY_ENTRY: np.array(key)}, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


def load(store: Path, key: str, n_rows: int) -> dict | None:
    """The outputs stored under ``key`` if the file holds that key and ``n_rows`` rows in every
    output; None otherwise (missing, another key, damaged: the chunk is evaluated again)."""
    p = path(store, key)
    if not p.is_file():
        return None
    try:
        with np.load(p, allow_pickle=False) as z:
            if KEY_ENTRY not in z.files or str(z[KEY_ENTRY]) != key:
                return None
            out = {k[len(OUT_PREFIX) :]: z[k] for k in z.files if k.startswith(OUT_PREFIX)}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None
    if not out or any(v.ndim == 0 or len(v) != n_rows for v in out.values()):
        return None
    return out


class Plan:
    """The chunks of ``x`` for ``f``, their keys and those ``store`` already holds (``done``:
    chunk index -> outputs); :meth:`finish` stores one, :meth:`result` joins them in row order."""

    def __init__(self, f, x: np.ndarray, chunk: int, store: Path | None, token=None):
        self.f, self.x, self.store = f, x, store
        self.bounds = bounds(len(x), int(chunk))
        self.done: dict[int, dict] = {}
        if store is None:
            self.keys = [None] * len(self.bounds)
            return
        name, tok, sample = function_name(f), function_token(f, token), sample_hash(x)
        self.keys = [chunk_key(name, tok, sample, a, b) for a, b in self.bounds]
        for i, (k, (a, b)) in enumerate(zip(self.keys, self.bounds)):
            got = load(store, k, b - a)
            if got is not None:
                self.done[i] = got

    @property
    def missing(self) -> list[int]:
        return [i for i in range(len(self.bounds)) if i not in self.done]

    def finish(self, i: int, out: dict) -> None:
        if self.store is not None:
            save(self.store, self.keys[i], out)
        self.done[i] = out

    def result(self):
        parts = [self.done[i] for i in range(len(self.bounds))]
        names = set(parts[0])
        for i, p in enumerate(parts):
            if set(p) != names:
                a, b = self.bounds[i]
                raise ValueError(
                    f"{function_name(self.f)} returned outputs {sorted(p)} on rows [{a}, {b})"
                    f" but {sorted(names)} on rows [{self.bounds[0][0]}, {self.bounds[0][1]})"
                )
        out = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        return out[ARRAY] if set(out) == {ARRAY} else out
