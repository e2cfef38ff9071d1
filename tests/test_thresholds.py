"""A ledger threshold may name a number the paper bundle declares once (THRESHOLDS: a reading of
loose words that the kernels use too), so the ledger and the code cannot disagree on it."""

from __future__ import annotations

import re

import numpy as np
import pytest

from iece import paper
from iece.paper import choices, quoted, sensitivity
from iece.physics import diffusion, exchange
from iece.pipeline import ledger
from iece.pipeline.claim import LedgerError

from .conftest import ROOT

CLAIMS = {c.id: c for c in ledger.load(ROOT / "data" / "claims.toml")}


def test_named_thresholds_are_the_bundles_numbers():
    """'nearly complete' is one number for the ledger's entries and for fig1c's t95 and joint D."""
    assert paper.THRESHOLDS["NEARLY_COMPLETE"] == choices.NEARLY_COMPLETE
    assert CLAIMS["fig1c-iece-complete-4h"].threshold == choices.NEARLY_COMPLETE
    (cond,) = CLAIMS["fig1c-iece-1h-energy"].conditions
    assert cond.threshold == choices.NEARLY_COMPLETE
    flips = CLAIMS["diag-sensitivity-size-trend"].threshold
    assert flips == pytest.approx(1 - choices.ROBUST_PROBABILITY, abs=1e-12)
    t95 = diffusion.time_to_fraction_constant_surface(choices.NEARLY_COMPLETE, 1e-22, 1.65)
    x = diffusion.fraction_constant_surface([t95], 1e-22, 1.65)[0]
    assert x == pytest.approx(choices.NEARLY_COMPLETE, abs=1e-12)


def test_an_unknown_threshold_name_is_named_with_its_claim_and_line(tmp_path):
    text = (ROOT / "data" / "claims.toml").read_text(encoding="utf-8")
    bad = text.replace('threshold = "NEARLY_COMPLETE"', 'threshold = "NEARLY_DONE"', 1)
    assert bad != text
    path = tmp_path / "claims.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(LedgerError) as info:
        ledger.load(path, paper=CLAIMS["fig1c-iece-complete-4h"].paper)
    message = str(info.value)
    assert "fig1c-iece-complete-4h" in message and "'NEARLY_DONE'" in message
    assert "NEARLY_COMPLETE" in message  # the names the paper declares
    assert re.search(r"line \d+", message), message


def test_the_joint_reading_answers_the_ledgers_question_by_brute_force():
    """fig1c-iece-1h-energy asks: is there a D in the range with the 1 h energy within the
    ledger's tolerance of the quoted one and the exchange nearly complete after 4 h? Where the
    D that hits the quoted energy leaves the exchange short, the joint numbers move to the least
    D that completes it; some of those samples then pass within the tolerance and some do not.
    For such samples and a few others, the ledger's check on the joint numbers equals the
    question answered on a fine D grid (401 points in log10 D, every energy solved), apart from
    samples within one grid step of the tolerance's edge."""
    c = CLAIMS["fig1c-iece-1h-energy"]
    target, tol = quoted.IECE_1S_1H_EV.value, c.tolerance
    m = next(m for m in sensitivity.models() if m.name == "chain")
    x_all = sensitivity.design(sensitivity.problem(m.inputs), 8)
    got = m.evaluate(x_all, m.inputs)
    ours_all = (np.abs(got["E_iece_1h_joint_eV"] - target) <= tol) & (
        got["x_iece_4h_joint"] >= c.conditions[0].threshold
    )
    moved = got["E_iece_1h_joint_eV"] < target - 1e-6
    assert (moved & ours_all).any() and (moved & ~ours_all).any()
    assert np.all(got["x_iece_4h_joint"] >= choices.NEARLY_COMPLETE)
    pick = np.r_[
        np.flatnonzero(moved & ours_all)[:4],
        np.flatnonzero(moved & ~ours_all)[:4],
        np.flatnonzero(~moved)[:3],
    ]
    x, ours = x_all[pick], ours_all[pick]
    tables = sensitivity.tables(x, m.inputs)
    d = x[:, [i.name for i in m.inputs].index("FIG1C.diameter_nm")]
    lg = np.log10(quoted.D_IECE_M2_PER_S.value) + choices.NEAR_DECADES * np.linspace(-1, 1, 401)
    t_1h, t_4h = 3600.0, quoted.IECE_COMPLETE_H.value * 3600.0
    n = len(x)
    rows = np.repeat(np.arange(n), lg.size)
    th = diffusion.tau(t_1h, 10.0 ** np.tile(lg, n), d[rows] / 2)
    e = exchange.energy_at_tau(th, d[rows], table=tables.rows(lg.size)).reshape(n, lg.size)
    xs = diffusion.fraction_of_tau(diffusion.tau(t_4h, 10.0 ** lg[None, :], d[:, None] / 2))
    brute = ((np.abs(e - target) <= tol) & (xs >= choices.NEARLY_COMPLETE)).any(axis=1)
    step = np.abs(np.diff(e, axis=1)).max(axis=1)
    edge = np.abs(np.abs(e - target) - tol).min(axis=1) <= step
    assert np.all((ours == brute) | edge), (ours, brute)
    assert (ours == brute).sum() >= n - 1
