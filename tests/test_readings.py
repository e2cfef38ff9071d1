"""The reading search: its numbers against direct single-NC solves, the ledger's checks over
readings, and the CLI that redoes any cell of the map."""

from __future__ import annotations

import json

import numpy as np
import pytest

from iece import cli
from iece.paper import fig2eg, readings
from iece.physics import ema
from iece.physics.ema import carriers
from iece.pipeline import ledger, verdicts

from .conftest import ROOT


@pytest.fixture(scope="module")
def table():
    return readings.scan(fast=True)


def _pick(table, **choice):
    m = np.ones(len(table["level_e_eV"]), bool)
    for k, v in choice.items():
        m &= table[k] == v
    return int(np.flatnonzero(m)[0])


READINGS = [
    dict(
        level_e_eV=0.0,
        level_h_eV=0.0,
        mass_e="m0",
        mass_h="m0",
        interface="bdd",
        geometry="volume",
        coulomb="average",
    ),
    dict(
        level_e_eV=1.0,
        level_h_eV=3.0,
        mass_e="0.3",
        mass_h="own",
        interface="bdd",
        geometry="thickness",
        coulomb="layered",
    ),
    dict(
        level_e_eV=10.0,
        level_h_eV=np.inf,
        mass_e="own",
        mass_h="-",
        interface="plain",
        geometry="volume",
        coulomb="average",
    ),
]


@pytest.mark.parametrize("choice", READINGS, ids=["literal", "thickness-layered", "plain-wall"])
def test_search_numbers_match_direct_solves(table, choice):
    """The separable search against ema.solve of the same NCs with the same reading."""
    i = _pick(table, **choice)
    out, opts = readings.reading_medium(table, i)
    x = readings.X_GRID
    cs = ema.solve(ema.core_shell(4.0, x, choice["geometry"]), out, **opts)
    al = ema.solve(ema.alloy(4.0, x), out, **opts)
    cdse = ema.solve(ema.alloy(3.3, 0.0), out, **opts)
    i04 = int(np.argmin(np.abs(x - 0.4)))
    pe, ph = ema.shell_probability(cs)
    assert table["e_shell_probability"][i] == pytest.approx(float(pe[i04]), abs=2e-3)
    assert table["h_shell_probability"][i] == pytest.approx(float(ph[i04]), abs=2e-3)
    assert table["alloy_min_overlap"][i] == pytest.approx(float(al.overlap.min()), abs=2e-3)
    step = np.diff(cs.overlap[: i04 + 1]).max()
    assert table["cs_overlap_max_step"][i] == pytest.approx(float(step), abs=2e-3)
    assert table["cdse_3p3nm_energy_eV"][i] == pytest.approx(float(cdse.energy_eV), abs=2e-3)


def test_literal_reading_is_fig2eg_reference(table):
    i = _pick(table, **READINGS[0], depletion="squared")
    m = fig2eg.metrics("reference", 4.0, readings.X_GRID)
    for name in (
        "e_minus_h_shell_probability",
        "max_depletion",
        "cs_energy_nonlinearity",
        "surface_fraction_min_excess",
        "hgse_over_cdse_size_shift",
    ):
        assert table[name][i] == pytest.approx(m[name], abs=3e-3), name


def test_pair_integrals_equal_one_solve():
    """Pairing one electron with one hole reproduces ema.solve's overlap and Coulomb term."""
    s = ema.core_shell(3.3, 0.3)
    e = carriers.carrier_states(s, "e", 0.0, 1.0)
    h = carriers.carrier_states(s, "h", 0.0, 1.0)
    ov, J = carriers.pair_integrals([e], [h], ema.green_average(e.r_nm, s))
    direct = ema.solve(s, "reference")
    assert float(ov[0, 0, 0]) == pytest.approx(float(direct.overlap), abs=1e-4)
    assert float(J[0, 0, 0]) == pytest.approx(float(direct.coulomb_eV), rel=1e-3)


def test_ledger_checks_apply_to_every_reading(table):
    claims = ledger.load(ROOT / "data" / "claims.toml")
    passed = verdicts.reading_map(claims, table)
    by_id = {c.id: c for c in claims}
    c = by_id["figS5-depletion-67"]
    want = np.abs(table["max_depletion"] - 0.67) <= c.tolerance
    np.testing.assert_array_equal(passed["figS5-depletion-67"], want & np.isfinite(want))
    res = readings.summarize(table, passed)
    assert res["n_readings"] == len(table["level_e_eV"]) >= 2000
    assert res["literal_reading_claims"] < res["n_ema_claims"]
    assert 0 <= res["n_readings_all_claims_hole_delocalized"] <= res["n_readings_all_claims"]


def _ema_json(capsys, *argv):
    assert cli.main(["ema", "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_reproduces_a_cell_of_the_map(table, capsys):
    i = _pick(table, **READINGS[1])
    got = _ema_json(
        capsys,
        "--diameter-nm",
        "3.3",
        "--x",
        "0",
        "--barrier-e",
        "1",
        "--barrier-h",
        "3",
        "--outside-mass-e",
        "0.3",
        "--outside-mass-h",
        "own",
        "--geometry",
        "thickness",
        "--coulomb",
        "layered",
    )
    assert got["energy_eV"] == pytest.approx(table["cdse_3p3nm_energy_eV"][i], abs=2e-3)
    ref = _ema_json(capsys, "--diameter-nm", "4", "--x", "0.4", "--structure", "core-shell")
    explicit = _ema_json(
        capsys,
        "--diameter-nm",
        "4",
        "--x",
        "0.4",
        "--structure",
        "core-shell",
        "--barrier-e",
        "0",
        "--barrier-h",
        "0",
    )
    assert explicit == ref  # 0/0 with m0 is the reference medium
    assert 0 < ref["h_shell_probability"] < ref["e_shell_probability"] < 1
    alloy = _ema_json(capsys, "--diameter-nm", "4", "--x", "0.4")
    assert alloy["e_shell_probability"] == alloy["h_shell_probability"] == 0.0


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["--outside", "vacuum", "--barrier-e", "1"], "cannot be combined with --barrier-e"),
        (["--barrier-h=-inf"], "--barrier-h must be a number of eV or inf"),
        (["--barrier-e", "nan"], "--barrier-e must be a number of eV or inf"),
        (["--outside-mass-e", "0"], "--outside-mass-e must be m0, own or a mass > 0"),
        (["--outside-mass-h", "heavy"], "--outside-mass-h must be m0, own or a mass in m0"),
        (["--barrier-h", "-1"], "no bound hole state"),
    ],
)
def test_cli_bad_choices(capsys, argv, needle):
    assert cli.main(["ema", "--diameter-nm", "4", "--x", "0.4", *argv]) == 2
    assert needle in capsys.readouterr().err
