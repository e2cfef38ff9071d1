"""Every EMA claim number, defined once.

fig2eg (one outside medium), the reading search (every reading of the Methods' open choices) and
``iece ema`` (one NC) all compute their numbers here, from the same one-carrier solves
(:func:`iece.physics.ema.carriers.carrier_states`) paired on a common grid
(:func:`~iece.physics.ema.carriers.pair_integrals`). A number of one reading is therefore *equal*
in all three, not merely close (``tests/test_ema_numbers.py``).

A carrier's *medium* is ``(level_eV, mass)``: its outside level (eV in its own frame above the
common level of the offsets; ``inf`` a hard wall) and outside mass (m0; ``None`` for the outermost
layer's own mass).

The numbers, for core/shells and alloys of the Fig. 2 size (4 nm) over ``0 <= x <= 0.6`` unless
said (the ledger, ``data/claims.toml``, says which number each claim checks and why, from the
paper's words):

* where the carriers sit (core/shell, x = 0.4), per carrier ``c`` in ``e``, ``h``:
  ``c_in_shell`` (``r_core < r < R``), ``c_outside`` (``r > R``), ``c_beyond_core`` (their sum),
  and ``c_shell_enrichment = c_in_shell / shell_volume_share`` (1 for a uniform density over the
  NC, whatever the geometry);
* ``cs_overlap_max_step``: largest step of the core/shell overlap up to x = 0.4;
* ``max_depletion``, ``depletion_min_size_step``: largest depletion over the S5 sizes and x, and
  the smallest rise of that maximum between sizes (per depletion measure);
* ``cs_energy_nonlinearity`` (largest distance from the chord over the total change),
  ``cs_energy_max_step`` and ``cs_energy_max_rise_fraction`` (the largest rise between two
  compositions, in eV and as a fraction of the total change: "bowing" needs a curve that does
  not turn back),
  ``energy_nonlinearity_ratio`` (core/shell over alloy);
* ``oscillator_chord_excess`` and ``energy_chord_excess_eV``: core/shell minus alloy largest
  distance from the chord of ``phi^2`` and of the 1S-1S energy, in their own units ("more
  linear", meaningful for a nearly flat curve);
* ``surface_fraction_min_excess``: smallest core/shell minus alloy Eq. 3 fraction, x > 0;
* ``alloy_min_overlap``, ``cdse_3p3nm_energy_eV``, ``hgse_over_cdse_size_shift``;
* ``cdse_sizing_rms_eV``: RMS distance of CdSe from the Jasieniak 2009 curve over 2-5 nm;
* ``min_cs_energy_3p3nm_eV``, ``min_alloy_energy_3p3nm_eV``: the lowest 1S-1S energy of any
  3.3 nm core/shell or alloy, ``0 <= x <= 1``: what a reading can reach at the size where the
  paper measures 1.50 eV (CE, 1 h), 1.24 eV (IE-CE, 1 h) and PL at 1.13 eV.

Numbers that depend on the Coulomb kernel or the depletion measure are keyed ``name[kernel]`` or
``name[measure]``; :func:`one` picks one reading.

The Methods' parameter table is an input (``table``, a
:class:`iece.physics.materials.MaterialTable`; default the paper's): a table whose entries are
arrays of S values is S tables, solved as one batch, and every number gains a last axis of S
(:mod:`iece.paper.sensitivity`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ..physics import ema, sizing
from ..physics import materials as mat
from ..physics.ema import carriers
from . import choices, quoted

#: NC diameters of Fig. S5 (nm): the paper's size series 2.3-4.0 nm with the sizes of Figs. 1-2.
S5_DIAMETERS_NM = (
    quoted.SIZE_SERIES_NM.low,
    quoted.DIAMETER_FIG1G_NM.value,
    quoted.DIAMETER_PROTOTYPE_NM.value,
    quoted.SIZE_SERIES_NM.high,
)
D_FIG2 = quoted.DIAMETER_FIG2_NM.value
D_PROTOTYPE = quoted.DIAMETER_PROTOTYPE_NM.value
#: CdSe sizes (nm) at which a reading's size curve is held against the Jasieniak 2009 curve: the
#: sizes the calibrated medium is fitted over.
SIZING_NM = np.array(choices.CALIBRATION_NM)
#: Compositions of the 3.3 nm NCs held against the measured infrared energies (all of 0-1).
X_INFRARED = np.round(np.linspace(0.0, 1.0, 11), 10)


#: Compositions on the fig2eg page and in the reading search (one grid, so one set of numbers).
X_POINTS = 13


def x_grid(n: int = X_POINTS) -> np.ndarray:
    """``n`` compositions over the Fig. 2 range 0 <= x <= 0.6 (the same grid everywhere)."""
    return np.round(np.linspace(0.0, quoted.X_RANGE_FIG2.high, n), 10)


@dataclass(frozen=True)
class Reading:
    """One reading of the Methods' open EMA choices."""

    level_e_eV: float = 0.0
    mass_e: float | None = 1.0
    level_h_eV: float = 0.0
    mass_h: float | None = 1.0
    # the Methods' reading: each open EMA choice at its declared default (choices.OPEN)
    interface: str = choices.OPEN["interface"].default
    geometry: str = choices.OPEN["geometry"].default
    coulomb: str = choices.OPEN["coulomb"].default
    depletion: str = choices.OPEN["depletion"].default

    @classmethod
    def of(cls, outside: ema.Outside, **other) -> Reading:
        """The reading of an outside medium (the rest: the Methods' defaults or ``other``)."""
        return cls(outside.Ve_eV, outside.mass_e, outside.Vh_eV, outside.mass_h, **other)


@dataclass
class Batch:
    """The NCs every EMA claim needs, as one two-layer batch, and where each group sits."""

    structure: ema.Structure
    cs: np.ndarray  # (S5 sizes, x) core/shells
    cs_fig: np.ndarray  # (x,) core/shells of the Fig. 2 size
    alloy: np.ndarray  # (x,) alloys of the Fig. 2 size
    cdse_33: int
    ends: np.ndarray  # CdSe and HgSe spheres at the two ends of the size series: (2 x, 2 d)
    sizing: np.ndarray  # CdSe spheres over SIZING_NM
    cs_ir: np.ndarray  # 3.3 nm core/shells over X_INFRARED
    alloy_ir: np.ndarray  # 3.3 nm alloys over X_INFRARED


def batch(geometry: str, x: np.ndarray, diameter_nm: float = D_FIG2) -> Batch:
    """Every NC the claim numbers need, as one batch of two-layer structures (an alloy is two
    layers of one material). Each row is solved on its own grid, so a number does not depend on
    what else is in the batch."""
    radii, comps, idx = [], [], {}

    def add(key, s: ema.Structure):
        start = sum(len(r) for r in radii)
        r = s.radius_nm.reshape(-1, 2)
        radii.append(r)
        comps.append(s.x.reshape(-1, 2))
        idx[key] = np.arange(start, start + len(r)).reshape(s.radius_nm.shape[:-1])

    def uniform(d, xs):
        xs = np.atleast_1d(np.asarray(xs, float))
        d = np.broadcast_to(np.asarray(d, float), xs.shape)
        return ema.Structure(np.stack([d / 4, d / 2], -1), np.stack([xs, xs], -1), "alloy")

    diameters = np.asarray(S5_DIAMETERS_NM)[:, None]
    add("cs", ema.core_shell(np.broadcast_to(diameters, (len(diameters), x.size)), x, geometry))
    add("cs_fig", ema.core_shell(diameter_nm, x, geometry))
    add("alloy", uniform(diameter_nm, x))
    add("cdse_33", uniform(D_PROTOTYPE, [0.0]))
    ends = np.array(quoted.SIZE_SERIES_NM.value)
    add("ends", uniform(np.tile(ends, 2), np.repeat([0.0, 1.0], 2)))
    add("sizing", uniform(SIZING_NM, np.zeros(SIZING_NM.size)))
    add("cs_ir", ema.core_shell(D_PROTOTYPE, X_INFRARED, geometry))
    add("alloy_ir", uniform(D_PROTOTYPE, X_INFRARED))
    return Batch(
        ema.Structure(np.concatenate(radii), np.concatenate(comps), "batch"),
        idx["cs"],
        idx["cs_fig"],
        idx["alloy"],
        int(idx["cdse_33"][0]),
        idx["ends"].reshape(2, 2),
        idx["sizing"],
        idx["cs_ir"],
        idx["alloy_ir"],
    )


def pairs(
    structure: ema.Structure, media_e, media_h, interface: str = "bdd", kane=None, table=None
) -> dict:
    """Every electron medium with every hole medium, for every NC of ``structure``: arrays
    ``(Ne, Nh, N)`` of overlap (Eq. 2) and, per Coulomb kernel, Coulomb term and 1S-1S energy
    (eV); per carrier ``(N_c, N)`` its level and where it sits (:func:`iece.physics.ema.regions`,
    with the innermost layer as the core) and the electron's Eq. 3 surface fraction. ``kane``:
    the electron's two-band Kane mass (a counterfactual; :func:`iece.physics.ema.solve`);
    ``table``: the materials' parameters (default the paper's; per-row entries (N, 1))."""
    states = {
        c: [
            carriers.carrier_states(
                structure, c, v, m, interface, kane=kane if c == "e" else None, table=table
            )
            for v, m in media
        ]
        for c, media in (("e", media_e), ("h", media_h))
    }
    r = states["e"][0].r_nm
    flat = ema.Structure(
        structure.radius_nm.reshape(-1, structure.radius_nm.shape[-1]),
        structure.x.reshape(-1, structure.x.shape[-1]),
    )
    out = {"coulomb_eV": {}, "energy_eV": {}}
    Ee = np.stack([s.energy_eV for s in states["e"]])[:, None, :]
    Eh = np.stack([s.energy_eV for s in states["h"]])[None, :, :]
    for kernel in ema.COULOMB_KERNELS:
        G = (
            ema.green_layered(r, flat, table)
            if kernel == "layered"
            else ema.green_average(r, flat, table)
        )
        out["overlap"], J = carriers.pair_integrals(states["e"], states["h"], G)
        out["coulomb_eV"][kernel] = J
        out["energy_eV"][kernel] = mat.outside_gap_eV(table, J.shape[-1]) + Ee + Eh - J
    radii = flat.radius_nm
    for c, st in states.items():
        out[f"{c}_level_eV"] = np.stack([s.energy_eV for s in st])
        where = [
            ema.regions(s.r_nm, 4 * np.pi * s.r_nm**2 * s.psi**2, radii[:, 0], radii[:, -1])
            for s in st
        ]
        for k in ("in_shell", "outside", "beyond_core"):
            out[f"{c}_{k}"] = np.stack([w[k] for w in where])
    out["surface_fraction_e"] = np.stack(
        [carriers.surface_fraction(s, flat, table) for s in states["e"]]
    )
    return out


def _per_table(structure: ema.Structure, table):
    """``structure`` (N NCs) and ``table`` as one batch: unchanged for a scalar table (or None);
    for S tables, the N NCs once per table (S * N rows, sample-major) with per-row entries."""
    n_tables = None if table is None else table.n_tables
    if n_tables is None:
        return structure, table, None
    radii = np.tile(structure.radius_nm, (n_tables, 1))
    comps = np.tile(structure.x, (n_tables, 1))
    return ema.Structure(radii, comps, "batch"), table.rows(len(structure.radius_nm)), n_tables


def _split(p: dict, n_tables: int) -> dict:
    """The pair arrays of :func:`_per_table`'s batch with the last axis (S * N) split to (S, N)."""
    out = {}
    for k, v in p.items():
        if isinstance(v, dict):
            out[k] = _split(v, n_tables)
        else:
            out[k] = v.reshape(*v.shape[:-1], n_tables, v.shape[-1] // n_tables)
    return out


def numbers(
    geometry: str,
    interface: str,
    media_e,
    media_h,
    x: np.ndarray,
    diameter_nm: float = D_FIG2,
    kane=None,
    table=None,
) -> dict:
    """Every claim number for every pairing of the electron and hole media, for one geometry
    and interface: arrays ``(Ne, Nh)``, keyed ``name[kernel]`` or ``name[measure]`` where they
    depend on those, and the curves the pages draw under ``curves``. ``table``: the materials'
    parameters (default the paper's); S tables (entries of shape (S,)) add a last axis of S to
    every number (and an axis after the media axes to every curve)."""
    x = np.asarray(x, float)
    b = batch(geometry, x, diameter_nm)
    structure, rows, n_tables = _per_table(b.structure, table)
    p = pairs(structure, media_e, media_h, interface, kane, rows)
    if n_tables is not None:
        p = _split(p, n_tables)
    ne, nh = len(media_e), len(media_h)
    i04 = int(np.argmin(np.abs(x - quoted.X_OVERLAP_FALLS_TO.value)))
    cs4, al = b.cs_fig, b.alloy
    overlap = p["overlap"]
    r = b.structure.radius_nm[cs4[i04]]
    share = 1 - (r[0] / r[1]) ** 3

    def per(c, v):  # a carrier's (N_c,) number as (Ne, Nh)
        return np.broadcast_to(v[:, None] if c == "e" else v[None, :], (ne, nh, *v.shape[1:]))

    tables = () if n_tables is None else (n_tables,)
    out: dict = {"shell_volume_share": np.full((ne, nh, *tables), share)}
    for c in "eh":
        for k in ("in_shell", "outside", "beyond_core"):
            out[f"{c}_{k}"] = per(c, p[f"{c}_{k}"][..., cs4[i04]])
        out[f"{c}_shell_enrichment"] = out[f"{c}_in_shell"] / share
    out["alloy_min_overlap"] = overlap[..., al].min(-1)
    out["cs_overlap_max_step"] = np.diff(overlap[..., cs4[: i04 + 1]], axis=-1).max(-1)
    for measure in ema.DEPLETION_MEASURES:
        dep = ema.depletion(overlap[..., b.cs], measure)  # (Ne, Nh, sizes, x)
        dep_max = dep.max(-1)
        out[f"max_depletion[{measure}]"] = dep_max.max(-1)
        out[f"depletion_min_size_step[{measure}]"] = np.diff(dep_max, axis=-1).min(-1)
        out[f"max_depletion_by_size[{measure}]"] = dep_max
    osc = overlap**2
    out["oscillator_chord_excess"] = ema.chord_deviation(osc[..., cs4]) - ema.chord_deviation(
        osc[..., al]
    )
    surf = p["surface_fraction_e"]
    out["surface_fraction_min_excess"] = per("e", (surf[..., cs4[1:]] - surf[..., al[1:]]).min(-1))
    for k, E in p["energy_eV"].items():
        cs_nl, al_nl = ema.nonlinearity(E[..., cs4]), ema.nonlinearity(E[..., al])
        out[f"cs_energy_nonlinearity[{k}]"] = cs_nl
        out[f"alloy_energy_nonlinearity[{k}]"] = al_nl
        out[f"cs_energy_max_step[{k}]"] = np.diff(E[..., cs4], axis=-1).max(-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"cs_energy_max_rise_fraction[{k}]"] = np.maximum(
                out[f"cs_energy_max_step[{k}]"], 0.0
            ) / np.abs(E[..., cs4[-1]] - E[..., cs4[0]])
            out[f"energy_nonlinearity_ratio[{k}]"] = cs_nl / al_nl
        out[f"energy_chord_excess_eV[{k}]"] = ema.chord_deviation(
            E[..., cs4]
        ) - ema.chord_deviation(E[..., al])
        out[f"cdse_3p3nm_energy_eV[{k}]"] = E[..., b.cdse_33]
        shift = E[..., b.ends[:, 0]] - E[..., b.ends[:, 1]]  # (Ne, Nh, CdSe/HgSe)
        out[f"cdse_size_shift_eV[{k}]"] = shift[..., 0]
        out[f"hgse_size_shift_eV[{k}]"] = shift[..., 1]
        out[f"hgse_over_cdse_size_shift[{k}]"] = shift[..., 1] / shift[..., 0]
        miss = E[..., b.sizing] - sizing.JASIENIAK.energy_eV(SIZING_NM)
        out[f"cdse_sizing_rms_eV[{k}]"] = np.sqrt(np.mean(miss**2, axis=-1))
        with np.errstate(invalid="ignore"):
            out[f"min_cs_energy_3p3nm_eV[{k}]"] = np.fmin.reduce(E[..., b.cs_ir], axis=-1)
            out[f"min_alloy_energy_3p3nm_eV[{k}]"] = np.fmin.reduce(E[..., b.alloy_ir], axis=-1)
    out["curves"] = {
        "x": x,
        "cs_overlap": overlap[..., cs4],
        "alloy_overlap": overlap[..., al],
        "cs_energy_eV": {k: E[..., cs4] for k, E in p["energy_eV"].items()},
        "alloy_energy_eV": {k: E[..., al] for k, E in p["energy_eV"].items()},
        "cs_surface_fraction": surf[..., cs4],
        "alloy_surface_fraction": surf[..., al],
        "e_in_shell": p["e_in_shell"][..., cs4],
        "h_in_shell": p["h_in_shell"][..., cs4],
        "depletion": {m: ema.depletion(overlap[..., b.cs], m) for m in ema.DEPLETION_MEASURES},
        "x_infrared": X_INFRARED,
        "cs_energy_3p3nm_eV": {k: E[..., b.cs_ir] for k, E in p["energy_eV"].items()},
        "alloy_energy_3p3nm_eV": {k: E[..., b.alloy_ir] for k, E in p["energy_eV"].items()},
    }
    return out


def one(reading: Reading, x: np.ndarray, diameter_nm: float = D_FIG2) -> dict:
    """Every claim number of one reading as floats (and its curves as arrays): the same values
    the reading search holds for that reading."""
    r = reading
    full = numbers(
        r.geometry,
        r.interface,
        [(r.level_e_eV, r.mass_e)],
        [(r.level_h_eV, r.mass_h)],
        x,
        diameter_nm,
    )
    return pick(full, 0, 0, r.coulomb, r.depletion)


def pick(full: dict, i: int, j: int, coulomb: str, depletion: str) -> dict:
    """The numbers of electron medium ``i`` and hole medium ``j`` under one Coulomb kernel and
    one depletion measure, named without the ``[...]`` keys."""
    out = {}
    for name, v in full.items():
        if name == "curves":
            continue
        base, _, sub = name.partition("[")
        sub = sub.rstrip("]")
        if sub and sub not in (coulomb, depletion):
            continue
        a = np.asarray(v)[i, j]
        out[base] = float(a) if a.ndim == 0 else a.tolist()

    c = full["curves"]
    out["curves"] = {
        "x": c["x"],
        "x_infrared": c["x_infrared"],
        "cs_overlap": c["cs_overlap"][i, j],
        "alloy_overlap": c["alloy_overlap"][i, j],
        "cs_energy_eV": c["cs_energy_eV"][coulomb][i, j],
        "alloy_energy_eV": c["alloy_energy_eV"][coulomb][i, j],
        "cs_surface_fraction": c["cs_surface_fraction"][i],
        "alloy_surface_fraction": c["alloy_surface_fraction"][i],
        "e_in_shell": c["e_in_shell"][i],
        "h_in_shell": c["h_in_shell"][j],
        "depletion": c["depletion"][depletion][i, j],
        "cs_energy_3p3nm_eV": c["cs_energy_3p3nm_eV"][coulomb][i, j],
        "alloy_energy_3p3nm_eV": c["alloy_energy_3p3nm_eV"][coulomb][i, j],
    }
    return out


#: What each number of :func:`nc` is, for ``iece ema``.
NC_LABELS = {
    "energy_eV": "1S-1S energy (eV)",
    "electron_eV": "electron level (eV, common frame)",
    "hole_eV": "hole level (eV, common frame)",
    "coulomb_eV": "Coulomb term (eV)",
    "overlap": "overlap (Eq. 2)",
    "surface_fraction_e": "surface electron fraction (Eq. 3)",
    "e_in_shell": "electron in the HgSe shell",
    "e_outside": "electron outside the NC",
    "e_beyond_core": "electron beyond the core (shell + outside)",
    "h_in_shell": "hole in the HgSe shell",
    "h_outside": "hole outside the NC",
    "h_beyond_core": "hole beyond the core (shell + outside)",
}


def nc(structure: ema.Structure, outside: ema.Outside, interface="bdd", coulomb="average"):
    """The numbers of one NC (``iece ema``): 1S-1S energy and its parts, overlap, Eq. 3 surface
    fraction, and where each carrier sits (the innermost layer is the core; an alloy has no
    shell). Raises :class:`~iece.physics.ema.NoBoundState` if a carrier is not bound."""
    if structure.shape not in ((), (1,)):
        raise ValueError("nc() takes one structure, not a batch")
    p = pairs(
        structure,
        [(outside.Ve_eV, outside.mass_e)],
        [(outside.Vh_eV, outside.mass_h)],
        interface,
    )
    for c, name in (("e", "electron"), ("h", "hole")):
        if np.isnan(p[f"{c}_level_eV"][0, 0]):
            raise ema.NoBoundState(
                f"no bound {name} state for outer radius "
                f"{float(structure.outer_radius_nm.ravel()[0]):g} nm, total x "
                f"{float(structure.total_x.ravel()[0]):.3g}, outside medium {outside.name!r}"
            )
    out = {
        "energy_eV": p["energy_eV"][coulomb][0, 0, 0],
        "electron_eV": p["e_level_eV"][0, 0],
        "hole_eV": p["h_level_eV"][0, 0],
        "coulomb_eV": p["coulomb_eV"][coulomb][0, 0, 0],
        "overlap": p["overlap"][0, 0, 0],
        "surface_fraction_e": p["surface_fraction_e"][0, 0],
    }
    for c, k in itertools.product("eh", ("in_shell", "outside", "beyond_core")):
        out[f"{c}_{k}"] = p[f"{c}_{k}"][0, 0]
    return {k: float(v) for k, v in out.items()}
