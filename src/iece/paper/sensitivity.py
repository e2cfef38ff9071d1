"""Which of the paper's inputs does each model verdict hinge on? Global sensitivity of the model
claim numbers of the literal reading to the inputs the paper gives loosely (issue 23).

Four models (:func:`models`), each sampled over the inputs that enter it, each drawn uniformly
from the range declared once in :mod:`iece.paper.uncertain` (with its reason and source):

* ``ema``: the EMA claim numbers of :mod:`iece.paper.ema_numbers` (one definition), over the
  Methods' material table, computed for a whole batch of tables at once (``table=`` of
  :func:`iece.paper.ema_numbers.numbers`);
* ``lifetimes``: Fig. 2j's EMA overlap^2 ratio at equal 1S-1S energy and its ratio to the least
  k_r ratio the quoted decays allow (finding 5's diagnostic), over the table;
* ``exchange``: Fig. 1c's x(4 h), D read as "near ~10^-22", over the NC size and D;
* ``chain``: Fig. 1c's joint reading (:func:`iece.paper.fig1c.joint_D_batch`: the D within
  "near ~10^-22" that decides whether the quoted 1 h energy and a nearly complete exchange
  after 4 h hold at once), over the table and the NC size; D is solved there, so it is no input.

The literal reading is the ``reference`` outside medium with the Methods' other choices (x the
shell's volume, the BenDaniel-Duke interface, the average Coulomb kernel, the oscillator-strength
depletion).

Method: Sobol' indices (first order S1 and total order ST) with SALib: the Saltelli design of
``N (D + 2)`` points from a scrambled Sobol' sequence (``SALib.sample.sobol``, no second-order
terms) and the Saltelli/Jansen estimators with bootstrap intervals (``SALib.analyze.sobol``).
Sobol', not Morris: one EMA sample costs about 35 ms of CPU (112 NCs, two carriers, both Coulomb
kernels) and one chain sample about 22 ms (about 20 graded NCs), so N = 128 (64 for the two
models that solve a root per sample) fits the page's 120 s on 2 cores, and unlike Morris'
elementary effects Sobol' indices share the variance out, which is what "which input decides
this verdict" asks. The intervals at these N are
wide (a few hundredths to a few tenths; a total index above 1 is such noise); the ranking of the
leading input is what the page reports, and ``iece sensitivity --n 4096`` sharpens it.

Verdicts. The ledger is not read here: the kernel saves each model's samples as tables
(:func:`saved_tables`), and after the run the pipeline's judge stage applies the ledger's checks
to them (:mod:`iece.paper.sensitivity_verdicts`). Per ledger entry: whether it holds at the
paper's values, the share of samples in which it holds, the fraction whose verdict differs (the
*flip fraction*) and the input with the largest total-order index of the pass/fail indicator
(the input the verdict hinges on most).

The material table's offsets share one frame (:class:`iece.physics.materials.MaterialTable`):
``gap - dEc + dEv`` is the distance between the common levels, 3.70 eV, where the literal
reading puts the outside levels. So per material two of gap, dEc and dEv are free; the inputs
are the gap and the conduction-band offset, and ``dEv = 3.70 eV - gap + dEc`` follows. Moving
``dEc`` at a fixed gap moves both band edges of that material against the outside levels;
moving the gap moves the valence band only.

Physics: :mod:`iece.physics.materials`, :mod:`iece.physics.ema`, :mod:`iece.physics.exchange`;
numbers: :mod:`iece.paper.ema_numbers`, :mod:`iece.paper.fig1c`. Tests:
``tests/test_sensitivity.py``.
"""

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

from .. import physics
from ..physics import diffusion, ema
from ..physics import materials as mat
from ..pipeline import distribute
from ..pipeline.figure import FAST, FigureResult, ParameterError, Params, integer
from . import choices, ema_numbers, fig1c, fig2eg, fig2j, quoted, uncertain

_SELF = sys.modules[__name__]
#: The Sobol' base sample count N of a full run (a power of 2): N (D + 2) EMA evaluations.
N_BASE = 128
#: The base sample count of a ``fast`` run (tests).
FAST_N_BASE = 8
#: The page's base sample count of the models that solve a root per sample (Fig. 1c's joint D:
#: about 20 graded-NC solves a sample, 0.7 s per chunk of 32 on the development machine;
#: Fig. 2j's matched compositions: about 0.6 s per chunk).
N_BASE_SOLVED = 64
PARAMS = Params(
    integer("n_base", N_BASE, "Sobol base sample count N (a power of 2)", 4, 128),
    integer(
        "n_base_solved",
        N_BASE_SOLVED,
        "N of the models that solve a root per sample (power of 2)",
        4,
        128,
    ),
    FAST,
)
#: Seed of the scrambled Sobol' sequence and of the bootstrap: the same inputs give the same page.
SEED = 20230
#: Bootstrap resamples for the indices' 95 % intervals.
RESAMPLES = 200
#: Tables solved per batch (bounds the memory: 112 NCs per table).
CHUNK = 32
#: The literal reading: the ``reference`` outside medium, the Methods' other choices.
LITERAL_MEDIUM = "reference"
LITERAL = ema_numbers.Reading.of(ema.outside_medium(LITERAL_MEDIUM))

#: Every uncertain input (:mod:`iece.paper.uncertain`); the EMA varies the table's entries.
INPUTS = uncertain.INPUTS
TABLE_INPUTS = uncertain.TABLE_INPUTS
_FIELDS = uncertain.TABLE_FIELDS

#: The EMA claim numbers whose verdicts the ledger decides (results and their conditions).
NUMBERS = (
    "e_in_shell",
    "e_shell_enrichment",
    "cs_overlap_max_step",
    "max_depletion",
    "depletion_min_size_step",
    "cs_energy_nonlinearity",
    "oscillator_chord_excess",
    "min_cs_energy_3p3nm_eV",
    "min_alloy_energy_3p3nm_eV",
    "cdse_sizing_rms_eV",
)
#: The Fig. 1c chain's claim numbers (fig1c's records): x(4 h) with D read as "near", and the
#: 1 h energy and x(4 h) at the D of the joint reading (:func:`iece.paper.fig1c.joint_D_batch`).
EXCHANGE_NUMBERS = ("x_iece_4h",)
CHAIN_NUMBERS = ("E_iece_1h_joint_eV", "x_iece_4h_joint")
#: Fig. 2j's EMA numbers (fig2j's records): the overlap^2 ratio of alloy and core/shell at equal
#: 1S-1S energy, and that over the least radiative-rate ratio the quoted decays and QYs allow.
LIFETIME_NUMBERS = ("ema_overlap2_ratio", "overlap2_ratio_over_kr_ratio_qy_low")
#: What each number is, in words (the fig2eg and fig1c pages' labels).
LABELS = {k: fig2eg.LABELS[k] for k in NUMBERS} | {
    "x_iece_4h": "Fig. 1c: x after 4 h, D read as 'near ~10^-22'",
    "E_iece_1h_joint_eV": "Fig. 1c: 1 h energy at the joint reading's D",
    "x_iece_4h_joint": "Fig. 1c: x after 4 h at that D",
    "ema_overlap2_ratio": "Fig. 2j: overlap² ratio, alloy over core/shell, at equal energy",
    "overlap2_ratio_over_kr_ratio_qy_low": "Fig. 2j: that over the least k_r ratio needed",
}
#: Below what spread a claim number does not vary: the joint 1 h energy is the quoted one to
#: the root finder's precision (1e-6 in log10 D, about 1e-6 eV) wherever the D that reaches it
#: also completes the exchange, and moves only where it does not or no D reaches it; if no
#: sample moves, Sobol' indices of the finder's residue would be noise.
RESOLUTION = {"E_iece_1h_joint_eV": 1e-4}
#: How many leading inputs are recorded per number.
TOP = 3


def problem(inputs=TABLE_INPUTS) -> dict:
    """The SALib problem of ``inputs``: names and uniform bounds."""
    return {
        "num_vars": len(inputs),
        "names": [i.key for i in inputs],
        "bounds": [[i.low, i.high] for i in inputs],
    }


def check_n_base(n_base: int, name: str = "n_base") -> int:
    """``n_base`` if it is a power of 2 (the Sobol' sequence's balance needs it), else
    ParameterError naming the parameter ``name``."""
    if not isinstance(n_base, (int, np.integer)) or n_base < 2 or n_base & (n_base - 1):
        raise ParameterError(f"parameter '{name}' must be a power of 2, got {n_base!r}")
    return int(n_base)


def design(problem_: dict, n_base: int, seed: int = SEED) -> np.ndarray:
    """The Saltelli design (N (D + 2), D) for first- and total-order indices: per base point, the
    rows A, AB_1 ... AB_D, B (SALib's layout)."""
    n_base = check_n_base(n_base)
    return sobol_sample.sample(problem_, n_base, calc_second_order=False, seed=seed)


def base_rows(n_rows: int, n_inputs: int) -> np.ndarray:
    """The rows of a design that are the independent base points A and B (2N of them)."""
    step = n_inputs + 2
    rows = np.arange(n_rows)
    return (rows % step == 0) | (rows % step == step - 1)


def indices(problem_: dict, y, seed: int = SEED, resolution: float = 0.0) -> dict | None:
    """First- and total-order Sobol' indices of the output ``y`` (one value per design row) and
    their 95 % bootstrap half-widths: arrays (D,) keyed S1, S1_conf, ST, ST_conf. None when
    ``y`` varies by no more than ``resolution`` (no variance to share out but the solver's);
    ValueError if it is not finite."""
    y = np.asarray(y, float)
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{np.sum(~np.isfinite(y))} samples are not finite")
    if np.ptp(y) <= resolution:
        return None
    with warnings.catch_warnings():
        # a rarely flipping verdict leaves some bootstrap resamples constant; SALib warns on
        # each, and the interval it gives is then as wide as the resamples make it
        warnings.filterwarnings("ignore", "Constant values encountered", UserWarning)
        si = sobol_analyze.analyze(
            problem_, y, calc_second_order=False, num_resamples=RESAMPLES, seed=seed
        )
    return {k: np.asarray(si[k], float) for k in ("S1", "S1_conf", "ST", "ST_conf")}


def tables(x: np.ndarray, inputs=TABLE_INPUTS) -> mat.MaterialTable:
    """The material tables of the design rows ``x`` (S, D): each input's entry replaced by its
    column, the rest the paper's, and each material's ``dEv = 3.70 eV - gap + dEc`` (the frame
    of the literal reading's outside levels)."""
    x = np.atleast_2d(np.asarray(x, float))
    n = len(x)
    cols = {i.name: x[:, k] for k, i in enumerate(inputs)}

    def material(m: mat.Material, owner: str) -> mat.Material:
        v = {f: cols.get(f"{owner}.{f}", np.full(n, getattr(m, f))) for f in _FIELDS}
        v["dEv_eV"] = mat.OUTSIDE_GAP_EV - v["gap_eV"] + v["dEc_eV"]
        return replace(m, **v)

    return mat.MaterialTable(material(mat.CDSE, "CDSE"), material(mat.HGSE, "HGSE"))


def evaluate(x: np.ndarray, inputs=TABLE_INPUTS, reading=LITERAL, chunk: int = CHUNK) -> dict:
    """Every scalar EMA claim number of ``reading`` (:func:`iece.paper.ema_numbers.pick`) for
    the material tables of the design rows ``x``: arrays (S,), batched ``chunk`` tables at a
    time."""
    r = reading
    xs = ema_numbers.x_grid()
    cols: dict[str, list] = {}
    for start in range(0, len(x), chunk):
        full = ema_numbers.numbers(
            r.geometry,
            r.interface,
            [(r.level_e_eV, r.mass_e)],
            [(r.level_h_eV, r.mass_h)],
            xs,
            table=tables(x[start : start + chunk], inputs),
        )
        for k, v in ema_numbers.pick(full, 0, 0, r.coulomb, r.depletion).items():
            a = np.asarray(v, float) if k != "curves" else None
            if a is not None and a.ndim == 1:
                cols.setdefault(k, []).append(a)
    return {k: np.concatenate(v) for k, v in cols.items()}


def nominal(reading=LITERAL) -> dict:
    """Every scalar claim number of ``reading`` with the paper's table: the numbers fig2eg
    records for the ``reference`` medium (:func:`iece.paper.ema_numbers.one`)."""
    out = ema_numbers.one(reading, ema_numbers.x_grid())
    return {k: v for k, v in out.items() if isinstance(v, float)}


def _chain_inputs(x: np.ndarray, inputs) -> dict:
    """The Fig. 1c parameters of the design rows ``x`` (their values, not log10), the paper's
    where ``inputs`` do not vary them."""
    x = np.atleast_2d(np.asarray(x, float))
    out = {
        f: np.full(len(x), uncertain.paper_value(f"{uncertain.CHAIN}.{f}"))
        for f in uncertain.CHAIN_FIELDS
    }
    for k, i in enumerate(inputs):
        if i.owner == uncertain.CHAIN:
            out[i.field] = i.value(x[:, k])
    return out


def evaluate_exchange(x: np.ndarray, inputs) -> dict:
    """x(4 h) of Fig. 1c's constant-surface exchange (:func:`iece.physics.diffusion.
    fraction_of_tau` at ``tau = D t / a^2``, as fig1c records it) for the design rows ``x``."""
    p = _chain_inputs(x, inputs)
    t_s = quoted.IECE_COMPLETE_H.value * fig1c.HOUR_S
    th = diffusion.tau(t_s, p["D_m2_per_s"], p["diameter_nm"] / 2)
    return {"x_iece_4h": diffusion.fraction_of_tau(th)}


def evaluate_chain(x: np.ndarray, inputs, chunk: int = CHUNK) -> dict:
    """Fig. 1c's joint reading (:func:`iece.paper.fig1c.joint_D_batch`, the literal outside
    medium, D solved within "near ~10^-22" of the paper's D) for the material tables and NC
    diameters of the design rows ``x``."""
    x = np.atleast_2d(np.asarray(x, float))
    cols: dict[str, list] = {k: [] for k in CHAIN_NUMBERS}
    D0 = uncertain.paper_value(f"{uncertain.CHAIN}.D_m2_per_s")
    for start in range(0, len(x), chunk):
        rows = x[start : start + chunk]
        p = _chain_inputs(rows, inputs)
        j = fig1c.joint_D_batch(LITERAL_MEDIUM, p["diameter_nm"], D0, table=tables(rows, inputs))
        cols["E_iece_1h_joint_eV"].append(j["E_1h_eV"])
        cols["x_iece_4h_joint"].append(j["x_4h"])
    return {k: np.concatenate(v) for k, v in cols.items()}


def nominal_exchange() -> dict:
    """x(4 h) with the paper's values: the x_iece_4h fig1c records."""
    return {"x_iece_4h": float(evaluate_exchange(np.zeros((1, 0)), ())["x_iece_4h"][0])}


def nominal_chain() -> dict:
    """The joint reading with the paper's values: the numbers fig1c records for the literal
    medium (:func:`iece.paper.fig1c.joint_D`)."""
    radius_nm = uncertain.paper_value(f"{uncertain.CHAIN}.diameter_nm") / 2
    D0 = uncertain.paper_value(f"{uncertain.CHAIN}.D_m2_per_s")
    j = fig1c.joint_D(LITERAL_MEDIUM, radius_nm, D0)
    return {"E_iece_1h_joint_eV": j["E_1h_eV"], "x_iece_4h_joint": j["x_4h"]}


def _fig2j_setting() -> tuple[float, float, float]:
    """Fig. 2j's comparison with the paper's values: the NC diameter (nm), the matched 1S-1S
    energy (eV) and the least k_r ratio the quoted decays allow at the low end of the alloy
    QY (:func:`iece.paper.fig2j.kr_ratio_lower_bound`), as fig2j records them."""
    p = fig2j.PARAMS.defaults()
    kr_low = fig2j.kr_ratio_lower_bound(quoted.QY_ALLOY_PERCENT.low / 100, p["qy_core_shell"])
    return quoted.DIAMETER_FIG2HJ_NM.value, p["matched_energy_eV"], kr_low


def evaluate_lifetimes(x: np.ndarray, inputs, chunk: int = CHUNK) -> dict:
    """Fig. 2j's EMA overlap^2 ratio at equal energy (:func:`iece.physics.ema.
    matched_overlap_ratios`, the literal outside medium) and its ratio to the least k_r ratio
    the quoted decays allow, for the material tables of the design rows ``x``."""
    x = np.atleast_2d(np.asarray(x, float))
    d, energy, kr_low = _fig2j_setting()
    out = choices.outside(LITERAL_MEDIUM)
    ratio = np.concatenate(
        [
            ema.matched_overlap_ratios(d, energy, out, table=tables(x[i : i + chunk], inputs))[
                "overlap2_ratio"
            ]
            for i in range(0, len(x), chunk)
        ]
    )
    return {"ema_overlap2_ratio": ratio, "overlap2_ratio_over_kr_ratio_qy_low": ratio / kr_low}


def nominal_lifetimes() -> dict:
    """The two Fig. 2j numbers with the paper's values, as fig2j records them for the literal
    medium."""
    d, energy, kr_low = _fig2j_setting()
    ratio = ema.matched_overlap_ratio(d, energy, choices.outside(LITERAL_MEDIUM))["overlap2_ratio"]
    return {"ema_overlap2_ratio": ratio, "overlap2_ratio_over_kr_ratio_qy_low": ratio / kr_low}


@dataclass(frozen=True)
class Model:
    """One model the analysis samples: its ``inputs`` (each enters it), the claim ``numbers``
    it computes, ``evaluate(x, inputs) -> {number: array}`` over design rows,
    ``nominal() -> {number: value}`` with the paper's values, and the ``code`` its stored
    chunks are keyed on; ``solves``: each sample solves a root (a D or a composition), so the
    page samples it with ``n_base_solved``."""

    name: str
    title: str
    inputs: tuple
    numbers: tuple
    evaluate: Callable
    nominal: Callable
    code: tuple
    solves: bool = False


def models() -> tuple[Model, ...]:
    """The models, in the page's order: the EMA claim numbers and Fig. 2j's EMA overlap ratio
    (the table's entries), Fig. 1c's exchange after 4 h (size and D) and its joint reading (the
    table's entries and size; D is solved, so it is no input there)."""
    size = uncertain.named(f"{uncertain.CHAIN}.diameter_nm")
    D = uncertain.named(f"{uncertain.CHAIN}.D_m2_per_s")
    return (
        Model(
            "ema",
            "EMA claim numbers of Fig. 2e-g, S5, S6 and S8 (the literal reading)",
            TABLE_INPUTS,
            NUMBERS,
            functools.partial(evaluate, reading=LITERAL),
            nominal,
            (physics, ema_numbers, _SELF),
        ),
        Model(
            "lifetimes",
            "Fig. 2j: the EMA overlap at equal energy against the k_r ratio the decays need",
            TABLE_INPUTS,
            LIFETIME_NUMBERS,
            evaluate_lifetimes,
            nominal_lifetimes,
            (physics, fig2j, _SELF),
            solves=True,
        ),
        Model(
            "exchange",
            "Fig. 1c: x after 4 h, D read as 'near ~10^-22' (constant surface)",
            size + D,
            EXCHANGE_NUMBERS,
            evaluate_exchange,
            nominal_exchange,
            (physics, _SELF),
        ),
        Model(
            "chain",
            "Fig. 1c: the 1 h energy and x(4 h) at the D solved for the quoted 1 h energy",
            TABLE_INPUTS + size,
            CHAIN_NUMBERS,
            evaluate_chain,
            nominal_chain,
            (physics, fig1c, _SELF),
            solves=True,
        ),
    )


def _ranked(si: dict, inputs, top: int):
    """The ``top`` inputs by total-order index: (input, S1, S1_conf, ST, ST_conf)."""
    order = np.argsort(-si["ST"], kind="stable")[:top]
    return [
        (inputs[i], *(float(si[k][i]) for k in ("S1", "S1_conf", "ST", "ST_conf"))) for i in order
    ]


def _conf_stderr(half_width: float) -> float:
    """A 95 % interval's half-width as a standard error."""
    return half_width / 1.96


@dataclass(frozen=True)
class Part:
    """One model's samples: its ``inputs``, the design ``x``, the numbers per sample
    (``table``, with the inputs as ``input__<key>``) and with the paper's values
    (``nominal``)."""

    model: str
    title: str
    inputs: tuple
    numbers: tuple
    x: np.ndarray
    table: dict
    nominal: dict


@dataclass(kw_only=True)
class SensitivityResult(FigureResult):
    """The sensitivity page's numbers and what its heatmap and tables show: per model its
    :class:`Part` (``parts``), the Sobol' ``indices`` (``S1``, ``ST``, ``S1_conf``,
    ``ST_conf``: number -> one value per input of its model). The ledger's verdicts over the
    samples are :mod:`iece.paper.sensitivity_verdicts`' (after the run)."""

    parts: dict
    indices: dict

    def inputs_of(self, number: str) -> tuple:
        """The inputs of the model that computes a claim number."""
        for part in self.parts.values():
            if number in part.numbers:
                return part.inputs
        raise KeyError(number)


def compute(**params) -> SensitivityResult:
    """The sensitivity page's numbers: for each claim number of every model (:func:`models`)
    its value with the paper's values, its range over the samples and the first- and
    total-order indices of its :data:`TOP` leading inputs. The page runs in one process
    (:func:`analyse` for a cluster); the ledger's verdicts over its samples come after the run
    (:func:`iece.paper.sensitivity_verdicts.judge`)."""
    p = PARAMS.resolve(params, "sensitivity")
    if p["fast"]:
        n_base = n_solved = FAST_N_BASE
    else:
        n_base, n_solved = (
            check_n_base(p["n_base"]),
            check_n_base(p["n_base_solved"], "n_base_solved"),
        )
    return analyse(n_base, params=p, n_base_solved=n_solved)


def analyse(
    n_base: int,
    *,
    scheduler=distribute.SYNCHRONOUS,
    store=None,
    progress: bool = False,
    n_workers: int | None = None,
    params: dict | None = None,
    n_base_solved: int | None = None,
    only: tuple[str, ...] | None = None,
) -> SensitivityResult:
    """:func:`compute` for any power-of-2 ``n_base`` (``n_base_solved`` for the models that
    solve a root per sample, :attr:`Model.solves`; default ``n_base``), the
    evaluations run chunk by chunk by :func:`iece.pipeline.distribute.evaluate`
    (``scheduler``: ``"synchronous"``, ``"local"`` for a LocalCluster of ``n_workers``, or a
    scheduler's address; ``store``: a folder that keeps each finished chunk, one subfolder per
    model, so a killed run resumes; ``only``: the names of the models to run, default all).
    Each chunk is one batch of :data:`CHUNK` rows, so the numbers do not depend on where they
    ran."""
    n_base = check_n_base(n_base)
    n_solved = n_base if n_base_solved is None else check_n_base(n_base_solved, "n_base_solved")
    p = (
        params
        if params is not None
        else {"n_base": n_base, "n_base_solved": n_solved, "fast": False}
    )
    res = FigureResult(p)
    res.add("n_inputs", len(INPUTS), "1")
    res.add("n_base_used", n_base, "1", note="Sobol' base sample count N")
    res.add(
        "n_base_solved_used", n_solved, "1", note="N of the models that solve a root per sample"
    )
    parts, matrix = {}, {"S1": {}, "ST": {}, "S1_conf": {}, "ST_conf": {}}
    chosen = [m for m in models() if only is None or m.name in only]
    unknown = set(only or ()) - {m.name for m in models()}
    if unknown:
        names = ", ".join(m.name for m in models())
        raise ParameterError(f"no sensitivity model {', '.join(sorted(unknown))} (models: {names})")
    for m in chosen:
        prob = problem(m.inputs)
        x = design(prob, n_solved if m.solves else n_base)
        numbers = distribute.evaluate(
            functools.partial(m.evaluate, inputs=m.inputs),
            x,
            chunk=CHUNK,
            store=None if store is None else store / m.name,
            scheduler=scheduler,
            n_workers=n_workers,
            progress=progress,
            # a stored chunk is stale once the model's code changes
            token=None if store is None else distribute.code_token(*m.code),
        )
        # the numbers per sample, and the inputs themselves (``input__<key>``), for the checks
        table = numbers | {f"input__{i.key}": x[:, k] for k, i in enumerate(m.inputs)}
        ref = m.nominal() | {f"input__{i.key}": i.paper for i in m.inputs}
        parts[m.name] = Part(m.name, m.title, m.inputs, m.numbers, x, table, ref)
        res.add(f"n_samples_{m.name}", len(x), "1", note=f"N (D + 2) evaluations: {m.title}")
        _indices(res, matrix, prob, m, table, ref)
    res.add("n_samples", sum(len(q.x) for q in parts.values()), "1", note="all models")
    bad = sum(
        int((~np.all([np.isfinite(q.table[k]) for k in q.numbers], axis=0)).sum())
        for q in parts.values()
    )
    res.add("n_samples_not_computable", bad, "1", note="a carrier unbound or a root not found")
    return SensitivityResult(params=p, numbers=res.numbers, parts=parts, indices=matrix)


def _indices(res, matrix: dict, prob: dict, m: Model, table: dict, ref: dict) -> None:
    """Per claim number of ``m``: its value with the paper's values, its range over the
    samples, and its indices (``matrix``) with the :data:`TOP` leading inputs as records."""
    for k in m.numbers:
        y = table[k]
        unit = "eV" if k.endswith("_eV") else "1"
        res.add(f"{k}_paper", ref[k], unit, note="with the paper's values")
        res.add(f"{k}_low", float(np.nanmin(y)), unit, note="lowest over the samples")
        res.add(f"{k}_high", float(np.nanmax(y)), unit, note="highest over the samples")
        bad = int((~np.isfinite(y)).sum())
        if bad:  # a carrier unbound or a root not found: no variance to share out honestly
            res.add(f"{k}_n_not_computable", bad, "1", note="samples without a value: no indices")
            continue
        si = indices(prob, y, resolution=RESOLUTION.get(k, 0.0))
        if si is None:
            continue
        for name in matrix:
            matrix[name][k] = si[name].tolist()
        for rank, (inp, s1, s1c, st, stc) in enumerate(_ranked(si, m.inputs, TOP), 1):
            res.add(f"{k}_top{rank}_input", inp.name, "")
            res.add(f"{k}_top{rank}_S1", s1, "1", stderr=_conf_stderr(s1c))
            res.add(f"{k}_top{rank}_ST", st, "1", stderr=_conf_stderr(stc))


def saved_tables(res: SensitivityResult) -> dict[str, dict]:
    """The tables the kernel saves for the judge stage: per model its samples (``samples_<model>``:
    the claim numbers and each input as ``input__<key>``) and its paper's values (``paper_<model>``,
    one row)."""
    out = {}
    for name, q in res.parts.items():
        out[f"samples_{name}"] = q.table
        out[f"paper_{name}"] = {k: np.array([v]) for k, v in q.nominal.items()}
    return out


def parts_of(tables: dict) -> dict[str, Part]:
    """The models' :class:`Part` s back from :func:`saved_tables`' tables (the models the tables
    hold), the design read from the ``input__`` columns."""
    parts = {}
    for m in models():
        t = tables.get(f"samples_{m.name}")
        if t is None:
            continue
        x = np.column_stack([np.asarray(t[f"input__{i.key}"], float) for i in m.inputs])
        ref = {k: float(np.asarray(v)[0]) for k, v in tables[f"paper_{m.name}"].items()}
        parts[m.name] = Part(m.name, m.title, m.inputs, m.numbers, x, dict(t), ref)
    return parts
