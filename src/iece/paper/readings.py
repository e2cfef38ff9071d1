"""Which reading of the Methods reproduces the paper's EMA? Every EMA claim number under a grid
of the choices the Methods leave open.

A *reading* is one choice of: the electron's and the hole's outside level (eV above the common
level of the offsets, or a hard wall), their outside masses (m0, the outermost layer's own, or
:data:`MASS_GRID`), the interface condition, the core/shell geometry, the Coulomb kernel and the
depletion measure. Electron and hole are independent given their own medium, so each carrier is
solved once per (level, mass, interface, geometry) with
:func:`iece.physics.ema.carriers.carrier_states`, and every pairing is a sum over a common grid
(:func:`~iece.physics.ema.carriers.pair_integrals`). The claim numbers are those of
:mod:`iece.paper.ema_numbers`, the one definition fig2eg and ``iece ema`` use too, so the
ledger's thresholds apply to each reading as they are.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ..physics import ema
from ..pipeline.figure import FAST, FigureResult, Params
from . import choices, ema_numbers, quoted

#: The page has one parameter: a coarser level grid for the tests.
PARAMS = Params(FAST)

#: Outside levels scanned for each carrier (eV above the common level; inf: hard wall).
LEVELS_EV = (-1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0, np.inf)
FAST_LEVELS_EV = (-1.0, 0.0, 1.0, 3.0, 10.0, np.inf)
#: Outside masses (m0): the free-electron mass (``m0``), the outermost layer's own (``own``), and
#: a geometric grid between them (ligand shells and matrices lighter than m0), so that no mass
#: between the layers' own masses (0.019-0.469) and m0 goes unscanned.
MASS_GRID = (0.05, 0.1, 0.2, 0.5)
MASSES = {"m0": 1.0, "own": None} | {f"{m:g}": m for m in MASS_GRID}
#: Compositions 0 <= x <= 0.6: the fig2eg page's default grid, so both give the same numbers.
X_GRID = ema_numbers.x_grid(ema_numbers.X_POINTS)


def _media(levels):
    """(level, mass label) of one carrier: hard walls need no outside mass."""
    return [(v, m) for v in levels for m in MASSES if np.isfinite(v)] + [(np.inf, "-")]


def _one(geometry: str, interface: str, levels, kane=None) -> dict:
    """Every claim number for every pairing of electron and hole media, one geometry and one
    interface condition (:func:`iece.paper.ema_numbers.numbers`): arrays indexed (electron
    medium, hole medium), keyed ``name[kernel]`` or ``name[measure]`` where they depend on it."""
    media = _media(levels)
    solved = [(v, MASSES.get(m)) for v, m in media]
    out = ema_numbers.numbers(geometry, interface, solved, solved, X_GRID, kane=kane)
    out.update(media=media, geometry=geometry, interface=interface)
    return out


def scan(fast: bool = False, kane=None) -> dict:
    """The claim numbers for every reading, as flat arrays (one entry per reading) with the
    reading's choices as columns; names follow :mod:`iece.paper.ema_numbers`. With ``kane`` (a
    model of :data:`iece.physics.ema.KANE_MODELS`), the counterfactual of an energy-dependent
    electron mass, over the readings the text allows only (finite levels, x the shell volume,
    the interface conditions the text allows; both depletion measures are kept for the masks)."""
    levels = FAST_LEVELS_EV if fast else LEVELS_EV
    geometries, interfaces = ema.GEOMETRIES, ema.INTERFACES
    if kane is not None:
        levels = [v for v in levels if np.isfinite(v)]
        geometries = choices.OPEN["geometry"].allowed
        interfaces = choices.OPEN["interface"].allowed
    cols: dict[str, list] = {}
    for geometry, interface in itertools.product(geometries, interfaces):
        part = _one(geometry, interface, levels, kane)
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
                if not isinstance(v, np.ndarray) or v.shape != (n, n):
                    continue
                base, _, sub = name.partition("[")
                sub = sub.rstrip("]")
                if sub and sub not in (kernel, measure):
                    continue
                row[base] = np.asarray(v, float).ravel()
            for k, v in row.items():
                cols.setdefault(k, []).append(v)
    return {k: np.concatenate(v) for k, v in cols.items()}


#: The ledger's entry that holds a reading's CdSe size curve to independent sizing data.
SIZING = "diag-ema-cdse-sizing"
#: The ledger's entries that hold a reading to the paper's measured energies (3.3 nm after 1 h of
#: CE and of IE-CE) and to its largest depletion; their checks decide, not code.
INFRARED = ("diag-ema-reaches-ce-1h", "diag-ema-reaches-iece-1h")
#: The depletion of Fig. S5 is one sentence: "An increase in size from 2.3 nm to 4.0 nm enhances
#: this charge separation, depleting up to 67% of the 1S-1S transition oscillator strength", so a
#: reading reproduces it when it passes both of its ledger entries.
DEPLETION = ("figS5-depletion-67", "figS5-size-enhances-separation")
#: The open choices (:data:`iece.paper.choices.OPEN`) that are columns of the reading table;
#: what the paper's words allow of each, and what a counterfactual would have needed, are read
#: from their declarations (``allowed``, ``ruled_out``), and the literal reading from their
#: defaults.
READING_CHOICES = ("interface", "geometry", "coulomb", "depletion")
#: What a hard wall (an infinite outside level) would have needed: the outside medium's
#: ``infinite`` is ruled out in its declaration.
HARD_WALL = choices.OPEN["outside"].ruled_out["infinite"]


def masks(table: dict) -> dict[str, np.ndarray]:
    """Which readings the text allows (every column's value among its choice's ``allowed``, and
    finite barriers), are physically plausible, are consistent with sizing data, or are the
    literal reading (every choice at its default, both levels at the common level, mass m0)."""
    vac = ema.outside_medium("vacuum")
    le, lh = table["level_e_eV"], table["level_h_eV"]
    text = np.isfinite(le) & np.isfinite(lh)
    literal = (le == 0) & (lh == 0) & (table["mass_e"] == "m0") & (table["mass_h"] == "m0")
    for column in READING_CHOICES:
        text &= np.isin(table[column], choices.OPEN[column].allowed)
        literal &= table[column] == choices.OPEN[column].default
    with np.errstate(invalid="ignore"):
        plausible = (le >= 0) & (le <= vac.Ve_eV) & (lh >= 0) & (lh <= vac.Vh_eV)
    return {"text_allowed": text, "plausible": plausible, "literal": literal}


def counterfactual(table: dict, i: int) -> str:
    """What the paper would have had to mean for reading ``i`` ('' if the text allows it)."""
    needs = [
        choices.OPEN[col].ruled_out[table[col][i]]
        for col in READING_CHOICES
        if table[col][i] in choices.OPEN[col].ruled_out
    ]
    if not (np.isfinite(table["level_e_eV"][i]) and np.isfinite(table["level_h_eV"][i])):
        needs.append(HARD_WALL)
    return ("the paper would have had to mean " + " and ".join(needs)) if needs else ""


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
        return "hard wall" if np.isinf(v) else f"{v:.3g} eV, mass {m}"

    e, h = level(t["level_e_eV"], t["mass_e"]), level(t["level_h_eV"], t["mass_h"])
    return (
        f"electron {e}; hole {h}; {t['interface']} interface; x as shell {t['geometry']}; "
        f"{t['coulomb']} Coulomb kernel; {t['depletion']} depletion"
    )


def _best(count, mk, table, among) -> int:
    """The reading with the most claims among ``among``; ties go to one consistent with sizing,
    then a plausible one, then the gentlest barriers."""
    le, lh = table["level_e_eV"], table["level_h_eV"]
    key = np.lexsort((np.maximum(le, lh), ~mk["plausible"], ~mk["sizing_ok"], -count, ~among))
    return int(key[0])


def _lowest(table, rows, structures=("cs", "alloy")) -> float | str:
    """The lowest 1S-1S energy any 3.3 nm NC of ``structures`` (core/shell, alloy; 0 <= x <= 1)
    reaches in the readings ``rows``; 'no such reading' if there are none."""
    if not rows.any():
        return "no such reading"
    e = np.fmin.reduce([table[f"min_{s}_energy_3p3nm_eV"][rows] for s in structures])
    return float(np.nanmin(e))


def _miss(table, rows) -> float | str:
    """How far the readings ``rows`` stay from the measured 3.3 nm gaps at best: the smallest,
    over the readings, of the larger of (lowest core/shell energy - the CE gap) and (lowest alloy
    energy - the IE-CE gap). A tolerance below it leaves every one of them short of a gap."""
    if not rows.any():
        return "no such reading"
    cs = table["min_cs_energy_3p3nm_eV"][rows] - quoted.CE_1S_1H_EV.value
    al = table["min_alloy_energy_3p3nm_eV"][rows] - quoted.IECE_1S_1H_EV.value
    return float(np.nanmin(np.fmax(cs, al)))


@dataclass(frozen=True)
class Densities:
    """One reading's solved carriers for the page's figure: the Fig. 2 core/shell
    (:data:`iece.paper.ema_numbers.D_FIG2`) at x = 0.4, on the radii ``r_nm``, with its core
    radius."""

    r_nm: np.ndarray
    psi_e: np.ndarray
    psi_h: np.ndarray
    core_radius_nm: float


def densities(table: dict, i: int) -> Densities:
    """Reading ``i`` of ``table`` solved again with :func:`iece.physics.ema.solve` (an
    unbound carrier allowed) for the Fig. 2 core/shell at x = 0.4: its wavefunctions."""
    out, opts = reading_medium(table, i)
    s = ema.core_shell(
        ema_numbers.D_FIG2, quoted.X_OVERLAP_FALLS_TO.value, str(table["geometry"][i])
    )
    sol = ema.solve(s, out, allow_unbound=True, **opts)
    return Densities(sol.r_nm, sol.psi_e, sol.psi_h, float(s.radius_nm[0]))


@dataclass(kw_only=True)
class ReadingsResult(FigureResult):
    """The readings page's numbers and what its map, figure and tables show: the scan
    ``table`` (columns of :func:`scan`), ``passed`` (ledger id -> pass per reading), per
    reading the ``count`` of EMA claims it reproduces and whether it reproduces ``every`` one,
    the :func:`masks`, the indices of the ``literal``, the ``best`` text-allowed and the
    ``overall`` best reading, the EMA ``claims`` (ledger ids), and the :class:`Densities` of
    the literal and the best reading (``densities``: ``literal``, ``best``)."""

    table: dict
    passed: dict
    count: np.ndarray
    every: np.ndarray
    masks: dict
    literal: int
    best: int
    overall: int
    claims: list
    densities: dict


def kane_table(model: str) -> str:
    """The name under which the kernel saves the scan with the Kane model ``model``."""
    return "kane_" + model.replace("-", "_")


#: Record notes: what a number is, in words (the page labels a record with its note).
NOTES = {
    "max_e_shell_enrichment_text_readings": "the electron's shell share over the shell's volume "
    "share, at most, where the text allows the reading",
}


def scanned(table: dict, fast: bool = False) -> FigureResult:
    """The numbers of the scan that need no ledger (the kernel records them): how many readings
    there are and how many the text allows, the largest electron enrichment of the shell among
    those, the literal reading in words, and how many readings the text allows leave a carrier
    unbound somewhere in the size series. Every verdict per reading is :func:`summarize`'s,
    made by the pipeline's judge stage after the run (:func:`iece.paper.views.readings.judge`)."""
    res = FigureResult({"fast": fast})
    text = masks(table)["text_allowed"]
    res.add("n_readings", len(table["level_e_eV"]), "1")
    res.add("n_readings_text_allowed", int(text.sum()), "1")
    res.add(
        "max_e_shell_enrichment_text_readings",
        float(np.nanmax(table["e_shell_enrichment"][text])),
        "1",
        note=NOTES["max_e_shell_enrichment_text_readings"],
    )
    literal = int(np.flatnonzero(masks(table)["literal"])[0])
    res.add("literal_reading", describe(table, literal), "")
    unbound = ~np.isfinite(table["max_depletion"]) & text
    res.add("n_text_readings_not_computable", int(unbound.sum()), "1")
    return res


def summarize(
    table: dict, passed: dict[str, np.ndarray], kane: dict | None = None
) -> ReadingsResult:
    """The numbers of the readings page (``passed``: ledger entry id -> pass per reading, from
    the ledger's own checks): how many readings the text allows, how many of those reproduce
    each EMA claim and all at once, and whether any reproduces the depletion of Fig. S5 and
    also reaches the infrared energies the paper measured. Readings the text rules out are
    counted apart, as counterfactuals. ``kane``: model name -> (table, passed) of :func:`scan`
    with that Kane electron mass, the counterfactual of a non-parabolic HgSe conduction band."""
    res = scanned(table)
    mk = masks(table) | {"sizing_ok": passed[SIZING]}
    text = mk["text_allowed"]
    n = len(table["level_e_eV"])
    claims = [k for k in passed if not k.startswith("diag")]
    count = np.sum([passed[k] for k in claims], axis=0)
    every = count == len(claims)
    res.add("n_ema_claims", len(claims), "1")
    for k, v in passed.items():
        res.add(f"readings_reproducing__{k.replace('-', '_')}", int((v & text).sum()), "1")
    res.add("n_text_readings_all_claims", int((every & text).sum()), "1")
    sizing_ok = every & text & mk["sizing_ok"]
    res.add("n_text_readings_all_claims_sizing_ok", int(sizing_ok.sum()), "1")
    literal = int(np.flatnonzero(mk["literal"])[0])
    res.add("literal_reading_claims", int(count[literal]), "1")
    best = _best(count, mk, table, text)
    missed = [k for k in claims if not passed[k][best]]
    res.add("best_text_reading", describe(table, best), "")
    res.add("best_text_reading_claims", int(count[best]), "1")
    res.add("best_text_reading_misses", ", ".join(missed) or "none", "")
    res.add("best_text_reading_cdse_sizing_rms_eV", float(table["cdse_sizing_rms_eV"][best]), "eV")
    # the depletion of Fig. S5 against the infrared the paper measured
    dep = np.logical_and.reduce([passed[k] for k in DEPLETION])
    ir = np.logical_and.reduce([passed[k] for k in INFRARED])
    res.add("n_text_readings_depletion", int((dep & text).sum()), "1")
    res.add("n_text_readings_infrared", int((ir & text).sum()), "1")
    res.add("n_text_readings_depletion_and_infrared", int((dep & ir & text).sum()), "1")
    only67 = passed[DEPLETION[0]] & ir & text
    res.add("n_text_readings_67_and_infrared", int(only67.sum()), "1")
    for key, name in zip(("ce", "iece"), INFRARED):
        res.add(f"n_text_readings_depletion_and_{key}", int((dep & passed[name] & text).sum()), "1")
    res.add("min_energy_3p3nm_depletion_readings_eV", _lowest(table, dep & text), "eV")
    res.add("infrared_miss_depletion_readings_eV", _miss(table, dep & text), "eV")
    for s in ("cs", "alloy"):
        low = _lowest(table, dep & text, [s])
        res.add(f"min_{s}_energy_3p3nm_depletion_readings_eV", low, "eV")
    # counterfactuals: every reading, whatever the text says
    res.add("n_readings_all_claims", int(every.sum()), "1")
    res.add("n_readings_all_claims_sizing_ok", int((every & mk["sizing_ok"]).sum()), "1")
    res.add("n_readings_depletion", int(dep.sum()), "1")
    res.add("n_readings_depletion_and_infrared", int((dep & ir).sum()), "1")
    res.add("min_energy_3p3nm_depletion_all_readings_eV", _lowest(table, dep), "eV")
    overall = _best(count, mk, table, np.ones(n, bool))
    res.add("best_reading", describe(table, overall), "")
    res.add("best_reading_claims", int(count[overall]), "1")
    res.add(
        "best_reading_counterfactual",
        counterfactual(table, overall) or "nothing, the text allows it",
        "",
    )
    if kane:
        _kane(res, kane)
    return ReadingsResult(
        params=res.params,
        numbers=res.numbers,
        table=table,
        passed=passed,
        count=count,
        every=every,
        masks=mk,
        literal=literal,
        best=best,
        overall=overall,
        claims=claims,
        densities={"literal": densities(table, literal), "best": densities(table, best)},
    )


def _kane(res: FigureResult, kane: dict) -> None:
    """Records of the Kane counterfactual: per model, the text-allowed readings that deplete,
    that reach the measured gaps, and both; and the largest 'both' over the models."""
    both = []
    for model, (table, passed) in kane.items():
        key = "kane_" + model.replace("-", "_")
        text = masks(table)["text_allowed"]
        dep = np.logical_and.reduce([passed[k] for k in DEPLETION]) & text
        ir = np.logical_and.reduce([passed[k] for k in INFRARED]) & text
        res.add(f"{key}_n_text_readings_depletion", int(dep.sum()), "1")
        res.add(f"{key}_n_text_readings_infrared", int(ir.sum()), "1")
        res.add(f"{key}_n_text_readings_depletion_and_infrared", int((dep & ir).sum()), "1")
        res.add(f"{key}_infrared_miss_depletion_readings_eV", _miss(table, dep), "eV")
        for s in ("cs", "alloy"):
            low = _lowest(table, dep, [s])
            res.add(f"{key}_min_{s}_energy_3p3nm_depletion_readings_eV", low, "eV")
        both.append(int((dep & ir).sum()))
    res.add("kane_n_text_readings_depletion_and_infrared", max(both), "1")
    res.add("kane_models", ", ".join(kane), "")


def _mass_label(m) -> str:
    return "own" if m is None else ("m0" if m == 1.0 else f"{m:g}")


def presets() -> dict:
    """The fixed outside media of :mod:`iece.paper.choices` (reference, vacuum, infinite,
    calibrated) as readings with the Methods' other choices (BenDaniel-Duke, x the shell volume,
    average Coulomb kernel, oscillator-strength depletion): a table in the columns of
    :func:`scan`, the numbers from :func:`iece.paper.ema_numbers.one` (the same definition)."""
    cols: dict[str, list] = {"preset": []}
    for name in choices.OUTSIDE_MEDIA:
        out = choices.outside(name)
        r = ema_numbers.Reading.of(out)
        row = {
            "preset": name,
            "level_e_eV": r.level_e_eV,
            "mass_e": "-" if np.isinf(r.level_e_eV) else _mass_label(r.mass_e),
            "level_h_eV": r.level_h_eV,
            "mass_h": "-" if np.isinf(r.level_h_eV) else _mass_label(r.mass_h),
            "interface": r.interface,
            "geometry": r.geometry,
            "coulomb": r.coulomb,
            "depletion": r.depletion,
        }
        nums = ema_numbers.one(r, X_GRID)
        row |= {k: v for k, v in nums.items() if isinstance(v, float)}
        for k, v in row.items():
            cols.setdefault(k, []).append(v)
    return {k: np.array(v) for k, v in cols.items()}


def named(table: dict, res: ReadingsResult, preset_table: dict) -> dict:
    """The readings a referee compares, as one small table in the columns of :func:`scan` with
    a ``label``: the presets (the literal reading is ``reference``), the best reading the text
    allows and the best of all (if it differs)."""
    rows = [("preset: " + str(n), preset_table, i) for i, n in enumerate(preset_table["preset"])]
    rows.append(("best the text allows", table, res.best))
    if res.overall != res.best:
        rows.append(("best of all (counterfactual)", table, res.overall))
    keys = [k for k in table if k in preset_table]
    out = {k: np.array([t[k][i] for _, t, i in rows]) for k in keys}
    out["label"] = np.array([label for label, _, _ in rows])
    return out


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
