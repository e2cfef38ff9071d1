"""The functions tests/test_distribute.py sends to Dask workers. They live here, not in the test
module, so a worker that unpickles one imports numpy and SALib only (not the test suite's
conftest, which costs a worker seconds)."""

from __future__ import annotations

import time

import numpy as np
from SALib.test_functions import Ishigami

#: The row counts of the calls of :func:`model` in this process.
CALLS: list[int] = []
#: Raise on the call after this many (a planted crash); None: never.
FAIL_AFTER: int | None = None
#: Seconds each call of :func:`model` sleeps (the SIGKILL test's subprocess sets it).
DELAY_S = 0.0


def model(x):
    """Ishigami, recording its calls (with a planted crash and delay for the resume tests)."""
    if FAIL_AFTER is not None and len(CALLS) >= FAIL_AFTER:
        raise RuntimeError("planted crash")
    CALLS.append(len(x))
    time.sleep(DELAY_S)
    return Ishigami.evaluate(x)


def ishigami_parts(x):
    """Ishigami and its three terms: a dict with a 1-D and a 2-D output."""
    s1 = np.sin(x[:, 0])
    terms = np.stack([s1, 7 * np.sin(x[:, 1]) ** 2, 0.1 * x[:, 2] ** 4 * s1], axis=1)
    return {"y": Ishigami.evaluate(x), "terms": terms}


def exp_first(x):
    """exp of the first input."""
    return np.exp(x[:, 0])


def short_rows(x):
    """One row too few from the second chunk on."""
    return exp_first(x)[: len(x) - (x[0, 0] > 1)]


def malloc_trim(x):
    """The worker's MALLOC_TRIM_THRESHOLD_ per row (-1: not set)."""
    import os

    return np.full(len(x), float(os.environ.get("MALLOC_TRIM_THRESHOLD_", -1)))
