"""Which reading of the Methods reproduces the paper's EMA? Every EMA claim number under a grid
of the choices the Methods leave open.

A *reading* is one choice of: the electron's and the hole's outside level (eV above the common
level of the offsets, or a hard wall), their outside masses (m0, the outermost layer's own, or
:data:`MASS_VALUE`), the interface condition, the core/shell geometry, the Coulomb kernel and the
depletion measure. Electron and hole are independent given their own medium, so each carrier is
solved once per (level, mass, interface, geometry) with
:func:`iece.physics.ema.carriers.carrier_states`, and every pairing is a sum over a common grid
(:func:`~iece.physics.ema.carriers.pair_integrals`). The claim numbers keep the names of
:mod:`iece.paper.fig2eg`, so the ledger's thresholds apply to each reading as they are.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ..physics import ema, sizing
from ..physics import materials as mat
from ..physics.ema import carriers
from . import quoted
from .base import FAST, FigureResult, Params

#: The page has one parameter: a coarser level grid for the tests.
PARAMS = Params(FAST)

#: Outside levels scanned for each carrier (eV above the common level; inf: hard wall).
LEVELS_EV = (-1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0, np.inf)
FAST_LEVELS_EV = (-1.0, 0.0, 1.0, 3.0, 10.0, np.inf)
#: The third outside-mass convention: a ligand-like medium lighter than m0 (m0).
MASS_VALUE = 0.3
MASSES = {"m0": 1.0, "own": None, f"{MASS_VALUE:g}": MASS_VALUE}
X_GRID = np.round(np.linspace(0.0, quoted.X_RANGE_FIG2.high, 13), 10)
S5_DIAMETERS_NM = (
    quoted.SIZE_SERIES_NM.low,
    quoted.DIAMETER_FIG1G_NM.value,
    quoted.DIAMETER_PROTOTYPE_NM.value,
    quoted.SIZE_SERIES_NM.high,
)
D_FIG2 = quoted.DIAMETER_FIG2_NM.value
#: CdSe sizes (nm) at which a reading's size curve is held against the Jasieniak 2009 curve.
SIZING_NM = np.linspace(2.0, 5.0, 7)


@dataclass
class Batch:
    """The NCs every EMA claim needs, as one two-layer batch, and where each group sits."""

    structure: ema.Structure
    cs: np.ndarray  # (sizes, x) indices of the core/shells
    alloy: np.ndarray  # (x,) indices of the 4 nm alloys
    cdse_33: int
    ends: np.ndarray  # CdSe and HgSe spheres at the two ends of the size series: (2 x, 2 d)
    sizing: np.ndarray  # CdSe spheres over SIZING_NM


def batch(geometry: str) -> Batch:
    """Core/shells over the S5 sizes and x, 4 nm alloys over x, 3.3 nm CdSe, and CdSe and HgSe
    at the ends of the size series, as one batch of two-layer structures (an alloy is two
    layers of the same material)."""
    radii, comps = [], []
    for d in S5_DIAMETERS_NM:
        s = ema.core_shell(d, X_GRID, geometry)
        radii.append(s.radius_nm)
        comps.append(s.x)

    def uniform(d, x):
        radii.append(np.array([[d / 4, d / 2]] * np.size(x)))
        comps.append(np.repeat(np.reshape(x, (-1, 1)), 2, axis=1))

    uniform(D_FIG2, X_GRID)
    uniform(quoted.DIAMETER_PROTOTYPE_NM.value, [0.0])
    for x in (0.0, 1.0):
        for d in quoted.SIZE_SERIES_NM.value:
            uniform(d, [x])
    for d in SIZING_NM:
        uniform(d, [0.0])
    n_cs = len(S5_DIAMETERS_NM) * X_GRID.size
    start = n_cs + X_GRID.size + 1
    idx = np.arange(start + 4 + SIZING_NM.size)
    return Batch(
        ema.Structure(np.concatenate(radii), np.concatenate(comps), "batch"),
        idx[:n_cs].reshape(len(S5_DIAMETERS_NM), X_GRID.size),
        idx[n_cs : n_cs + X_GRID.size],
        int(idx[n_cs + X_GRID.size]),
        idx[start : start + 4].reshape(2, 2),
        idx[start + 4 :],
    )


def _media(levels):
    """(level, mass label) of one carrier: hard walls need no outside mass."""
    return [(v, m) for v in levels for m in MASSES if np.isfinite(v)] + [(np.inf, "-")]


def _one(geometry: str, interface: str, levels) -> dict:
    """Every claim number for every pairing of electron and hole media, one geometry and one
    interface condition: arrays indexed (electron medium, hole medium[, kernel/measure])."""
    b = batch(geometry)
    media = _media(levels)
    states = {
        c: [carriers.carrier_states(b.structure, c, v, MASSES.get(m), interface) for v, m in media]
        for c in "eh"
    }
    r = states["e"][0].r_nm
    greens = {
        "average": ema.green_average(r, b.structure),
        "layered": ema.green_layered(r, b.structure),
    }
    overlap, coulomb = {}, {}
    for k, G in greens.items():
        overlap, coulomb[k] = carriers.pair_integrals(states["e"], states["h"], G)
    Ee = np.stack([s.energy_eV for s in states["e"]])[:, None, :]
    Eh = np.stack([s.energy_eV for s in states["h"]])[None, :, :]
    energy = {k: mat.OUTSIDE_GAP_EV + Ee + Eh - J for k, J in coulomb.items()}
    out = {"media": media, "geometry": geometry, "interface": interface}
    i04 = int(np.argmin(np.abs(X_GRID - quoted.X_OVERLAP_FALLS_TO.value)))
    cs4, al = b.cs[-1], b.alloy
    r_core = b.structure.radius_nm[:, 0]
    pe = np.stack([carriers.shell_probability(s, r_core) for s in states["e"]])[:, cs4[i04]]
    ph = np.stack([carriers.shell_probability(s, r_core) for s in states["h"]])[:, cs4[i04]]
    surf = np.stack([carriers.surface_fraction(s, b.structure) for s in states["e"]])
    out["e_shell_probability"] = np.broadcast_to(pe[:, None], overlap.shape[:2])
    out["h_shell_probability"] = np.broadcast_to(ph[None, :], overlap.shape[:2])
    out["e_minus_h_shell_probability"] = pe[:, None] - ph[None, :]
    out["alloy_min_overlap"] = overlap[..., al].min(-1)
    out["cs_overlap_max_step"] = np.diff(overlap[..., cs4[: i04 + 1]], axis=-1).max(-1)
    for measure in ema.DEPLETION_MEASURES:
        dep_max = ema.depletion(overlap[..., b.cs], measure).max(-1)  # (a, b, sizes)
        out[f"max_depletion[{measure}]"] = dep_max.max(-1)
        out[f"depletion_min_size_step[{measure}]"] = np.diff(dep_max, axis=-1).min(-1)
    ov_nl = ema.nonlinearity(overlap[..., cs4]) - ema.nonlinearity(overlap[..., al])
    out["overlap_nonlinearity_excess"] = ov_nl
    sf = surf[:, cs4[1:]] - surf[:, al[1:]]
    out["surface_fraction_min_excess"] = np.broadcast_to(sf.min(-1)[:, None], overlap.shape[:2])
    for k, E in energy.items():
        cs_nl, al_nl = ema.nonlinearity(E[..., cs4]), ema.nonlinearity(E[..., al])
        out[f"cs_energy_nonlinearity[{k}]"] = cs_nl
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"energy_nonlinearity_ratio[{k}]"] = cs_nl / al_nl
        out[f"energy_nonlinearity_excess[{k}]"] = cs_nl - al_nl
        out[f"cdse_3p3nm_energy_eV[{k}]"] = E[..., b.cdse_33]
        shift = E[..., b.ends[:, 0]] - E[..., b.ends[:, 1]]  # (a, b, CdSe/HgSe)
        out[f"hgse_over_cdse_size_shift[{k}]"] = shift[..., 1] / shift[..., 0]
        miss = E[..., b.sizing] - sizing.JASIENIAK.energy_eV(SIZING_NM)
        out[f"cdse_sizing_rms_eV[{k}]"] = np.sqrt(np.mean(miss**2, axis=-1))
    r = b.structure.radius_nm[cs4[i04]]
    share = 1 - (r[0] / r[1]) ** 3
    out["shell_volume_share"] = np.full(overlap.shape[:2], share)
    return out


def scan(fast: bool = False) -> dict:
    """The claim numbers for every reading, as flat arrays (one entry per reading) with the
    reading's choices as columns; names follow :mod:`iece.paper.fig2eg`."""
    levels = FAST_LEVELS_EV if fast else LEVELS_EV
    cols: dict[str, list] = {}
    for geometry, interface in itertools.product(ema.GEOMETRIES, ema.INTERFACES):
        part = _one(geometry, interface, levels)
        n = len(part["media"])
        for kernel, measure in itertools.product(ema.COULOMB_KERNELS, ema.DEPLETION_MEASURES):
            a, bb = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
            row = {
                "level_e_eV": np.array([part["media"][i][0] for i in a.ravel()]),
                "mass_e": np.array([part["media"][i][1] for i in a.ravel()]),
                "level_h_eV": np.array([part["media"][j][0] for j in bb.ravel()]),
                "mass_h": np.array([part["media"][j][1] for j in bb.ravel()]),
                "interface": np.full(a.size, interface),
                "geometry": np.full(a.size, geometry),
                "coulomb": np.full(a.size, kernel),
                "depletion": np.full(a.size, measure),
            }
            for name, v in part.items():
                if not isinstance(v, np.ndarray):
                    continue
                base, _, sub = name.partition("[")
                sub = sub.rstrip("]")
                if sub and sub not in (kernel, measure):
                    continue
                row[base] = np.asarray(v, float).ravel()
            for k, v in row.items():
                cols.setdefault(k, []).append(v)
    return {k: np.concatenate(v) for k, v in cols.items()}


#: A reading's CdSe size curve counts as consistent with independent sizing data within this RMS
#: (eV) of Jasieniak 2009 over 2-5 nm: twice the spread between published sizing curves.
SIZING_RMS_OK_EV = 0.1
#: "holes are delocalized throughout the NC" read as: at least half of the hole probability that
#: a uniform spread would put in the shell is there (4 nm, x = 0.4).
DELOCALIZED_SHARE = 0.5


def masks(table: dict) -> dict[str, np.ndarray]:
    """Which readings are physically plausible, consistent with sizing data, keep the hole
    delocalized, or are the literal reading."""
    vac = ema.outside_medium("vacuum")
    le, lh = table["level_e_eV"], table["level_h_eV"]
    with np.errstate(invalid="ignore"):
        return {
            "plausible": (le >= 0) & (le <= vac.Ve_eV) & (lh >= 0) & (lh <= vac.Vh_eV),
            "sizing_ok": table["cdse_sizing_rms_eV"] <= SIZING_RMS_OK_EV,
            "hole_delocalized": table["h_shell_probability"]
            >= DELOCALIZED_SHARE * table["shell_volume_share"],
            "literal": (le == 0)
            & (lh == 0)
            & (table["mass_e"] == "m0")
            & (table["mass_h"] == "m0")
            & (table["interface"] == "bdd")
            & (table["geometry"] == "volume")
            & (table["coulomb"] == "average")
            & (table["depletion"] == "squared"),
        }


CHOICE_COLUMNS = (
    "level_e_eV",
    "mass_e",
    "level_h_eV",
    "mass_h",
    "interface",
    "geometry",
    "coulomb",
    "depletion",
)


def describe(table: dict, i: int) -> str:
    """One reading in words."""
    t = {k: table[k][i] for k in CHOICE_COLUMNS}

    def level(v, m):
        return "hard wall" if np.isinf(v) else f"{v:g} eV, mass {m}"

    e, h = level(t["level_e_eV"], t["mass_e"]), level(t["level_h_eV"], t["mass_h"])
    return (
        f"electron {e}; hole {h}; {t['interface']} interface; x as shell {t['geometry']}; "
        f"{t['coulomb']} Coulomb kernel; {t['depletion']} depletion"
    )


def summarize(table: dict, passed: dict[str, np.ndarray]) -> FigureResult:
    """The numbers of the readings page: how many readings reproduce each EMA claim (``passed``:
    claim id -> pass per reading, from the ledger's checks), how many reproduce all at once, and
    whether those are plausible, match sizing data and keep the paper's picture of the hole."""
    res = FigureResult({})
    mk = masks(table)
    n = len(table["level_e_eV"])
    claims = [k for k in passed if not k.startswith("diag")]
    count = np.sum([passed[k] for k in claims], axis=0)
    every = count == len(claims)
    res.add("n_readings", n, "1")
    res.add("n_ema_claims", len(claims), "1")
    for k, v in passed.items():
        res.add(f"readings_reproducing__{k.replace('-', '_')}", int(v.sum()), "1")
    res.add("n_readings_all_claims", int(every.sum()), "1")
    for name in ("plausible", "sizing_ok", "hole_delocalized"):
        res.add(f"n_readings_all_claims_{name}", int((every & mk[name]).sum()), "1")
    res.add(
        "n_readings_all_claims_plausible_sizing_ok",
        int((every & mk["plausible"] & mk["sizing_ok"]).sum()),
        "1",
    )
    literal = int(np.flatnonzero(mk["literal"])[0])
    res.add("literal_reading_claims", int(count[literal]), "1")
    # the best reading: most claims, then plausible, then sizing, then the gentlest barriers
    le, lh = table["level_e_eV"], table["level_h_eV"]
    key = np.lexsort((np.maximum(le, lh), ~mk["sizing_ok"], ~mk["plausible"], -count))
    best = int(key[0])
    res.add("best_reading_claims", int(count[best]), "1")
    res.add("best_reading", describe(table, best), "")
    res.add("best_reading_e_shell_probability", float(table["e_shell_probability"][best]), "1")
    res.add("best_reading_h_shell_probability", float(table["h_shell_probability"][best]), "1")
    res.add("best_reading_shell_volume_share", float(table["shell_volume_share"][best]), "1")
    res.add("best_reading_cdse_sizing_rms_eV", float(table["cdse_sizing_rms_eV"][best]), "eV")
    res.add("literal_reading", describe(table, literal), "")
    every_idx = np.flatnonzero(every)
    share = table["h_shell_probability"][every_idx] / table["shell_volume_share"][every_idx]
    res.add(
        "all_claims_max_hole_shell_share",
        float(share.max()) if share.size else "not checkable",
        "1" if share.size else "",
        note="hole shell probability over the shell's volume share",
    )
    pv = 1 - count[literal] / len(claims)
    res.notes["summary"] = (
        f"**{int(every.sum())} of {n} readings** reproduce all {len(claims)} EMA claims at once; "
        f"{int((every & mk['plausible']).sum())} of them have outside levels between the common "
        f"level and the vacuum level, and {int((every & mk['plausible'] & mk['sizing_ok']).sum())} "
        f"of those also put CdSe within {SIZING_RMS_OK_EV} eV (RMS, 2-5 nm) of the Jasieniak "
        f"sizing curve. The literal reading reproduces {int(count[literal])} ({pv:.0%} fail). "
        f"In every reading that reproduces all claims, the hole sits in the core: at most "
        f"{res['all_claims_max_hole_shell_share']:.0%} of the hole share a uniform spread would "
        f'put in the shell is there, so the paper\'s "holes are delocalized throughout the NC" '
        f"does not hold where its numbers come out."
        if every.any()
        else f"No reading of {n} reproduces all {len(claims)} EMA claims at once."
    )
    res.notes["readings"] = (
        f"Literal reading: {describe(table, literal)}. Best reading ({int(count[best])} claims): "
        f"{describe(table, best)}; {table['e_shell_probability'][best]:.0%} of the electron and "
        f"{table['h_shell_probability'][best]:.1%} of the hole in the shell, which holds "
        f"{table['shell_volume_share'][best]:.0%} of the volume; CdSe sizing RMS "
        f"{table['cdse_sizing_rms_eV'][best]:.2f} eV."
    )
    res.data.update(
        table=table,
        passed=passed,
        count=count,
        every=every,
        masks=mk,
        literal=literal,
        best=best,
        claims=claims,
    )
    return res


def reading_medium(table: dict, i: int) -> tuple[ema.Outside, dict]:
    """The :class:`~iece.physics.ema.Outside` and the solve options of reading ``i``, to redo it
    with :func:`iece.physics.ema.solve` (the figure's wavefunctions, the tests)."""

    def mass(label):
        return MASSES.get(str(label), 1.0)

    out = ema.Outside(
        f"reading {i}",
        float(table["level_e_eV"][i]),
        float(table["level_h_eV"][i]),
        mass(table["mass_e"][i]),
        mass(table["mass_h"][i]),
    )
    opts = {"interface": str(table["interface"][i]), "coulomb": str(table["coulomb"][i])}
    return out, opts
