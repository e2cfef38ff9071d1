"""Which of the Methods' parameters does each EMA verdict hinge on? Global sensitivity of the EMA
claim numbers of the literal reading to the Methods' material parameter table (issue 23, the EMA
slice).

The literal reading is the ``reference`` outside medium with the Methods' other choices (x the
shell's volume, the BenDaniel-Duke interface, the average Coulomb kernel, the oscillator-strength
depletion). Its only inputs here are the table's entries, each drawn uniformly from the range
declared once in :data:`INPUTS` (with its reason and source). The claim numbers are those of
:mod:`iece.paper.ema_numbers` (one definition), computed for a whole batch of tables at once
(``table=`` of :func:`iece.paper.ema_numbers.numbers`).

Method: Sobol' indices (first order S1 and total order ST) with SALib: the Saltelli design of
``N (D + 2)`` points from a scrambled Sobol' sequence (``SALib.sample.sobol``, no second-order
terms) and the Saltelli/Jansen estimators with bootstrap intervals (``SALib.analyze.sobol``).
Sobol', not Morris: one sample costs about 35 ms of CPU (112 NCs, two carriers, both Coulomb
kernels; measured on the development machine), so N = 128 with D = 10 inputs (1536 samples)
fits the page's 120 s on 2 cores, and unlike Morris' elementary effects Sobol' indices share the
variance out, which is what "which input decides this verdict" asks. The intervals at N = 128 are
wide (a few hundredths to a tenth); the ranking of the leading input is what the page reports.

Verdicts. The ledger's checks are not applied here: ``compute(passes=...)`` takes a function
``table -> {ledger id: pass per sample}`` (the notebook hands it
``iece.pipeline.verdicts.reading_map`` with the ledger), as :mod:`iece.paper.readings` does. Per
ledger entry: whether it holds at the paper's values, the fraction of samples whose verdict
differs from that (the *flip fraction*) and the input with the largest total-order index of the
pass/fail indicator (the input the verdict hinges on most).

The offsets share one frame (:class:`iece.physics.materials.MaterialTable`): ``gap - dEc + dEv``
is the distance between the common levels, 3.70 eV, where the literal reading puts the outside
levels. So per material two of gap, dEc and dEv are free; the inputs are the gap and the
conduction-band offset, and ``dEv = 3.70 eV - gap + dEc`` follows. Moving ``dEc`` at a fixed gap
moves both band edges of that material against the outside levels; moving the gap moves the
valence band only.

Physics: :mod:`iece.physics.materials`, :mod:`iece.physics.ema`; numbers:
:mod:`iece.paper.ema_numbers`. Tests: ``tests/test_sensitivity.py``.
"""

from __future__ import annotations

import functools
import sys
import warnings
from dataclasses import dataclass, field, fields, replace
from importlib import resources

import numpy as np
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .. import physics
from ..physics import ema
from ..physics import materials as mat
from ..pipeline import distribute
from ..pipeline.figure import FAST, FigureResult, ParameterError, Params, integer
from . import ema_numbers, fig2eg

_SELF = sys.modules[__name__]
#: The Sobol' base sample count N of a full run (a power of 2): N (D + 2) EMA evaluations.
N_BASE = 128
#: The base sample count of a ``fast`` run (tests).
FAST_N_BASE = 8
PARAMS = Params(
    integer("n_base", N_BASE, "Sobol base sample count N (a power of 2)", 4, 128),
    FAST,
)
#: Seed of the scrambled Sobol' sequence and of the bootstrap: the same inputs give the same page.
SEED = 20230
#: Bootstrap resamples for the indices' 95 % intervals.
RESAMPLES = 200
#: Tables solved per batch (bounds the memory: 112 NCs per table).
CHUNK = 32
#: The literal reading: the ``reference`` outside medium, the Methods' other choices.
LITERAL = ema_numbers.Reading.of(ema.outside_medium("reference"))

#: The numeric entries of a material.
_FIELDS = tuple(f.name for f in fields(mat.Material) if f.name != "name")
NO_SOURCE = (
    "none: data/literature/materials_sources.csv has no source with a DOI for this parameter"
)


@dataclass(frozen=True)
class Input:
    """One uncertain entry of the Methods' table: ``name`` as in :mod:`iece.physics.materials`
    and ``data/literature/materials_sources.csv`` (``HGSE.dEc_eV``), drawn uniformly from
    [``low``, ``high``]."""

    name: str
    label: str
    low: float
    high: float
    unit: str
    reason: str
    source: str = NO_SOURCE

    @property
    def key(self) -> str:
        """The name as an identifier part: ``hgse_dEc_eV``."""
        owner, field = self.name.split(".")
        return f"{owner.lower()}_{field}"

    @property
    def paper(self) -> float:
        """The paper's value (from :data:`iece.physics.materials.PAPER`)."""
        owner, field = self.name.split(".")
        return float(getattr(getattr(mat.PAPER, owner.lower()), field))


def _relative(name, frac, label, reason, source=NO_SOURCE) -> Input:
    """An input within ``frac`` of the paper's value (a fraction: 0.2 is +-20 %)."""
    v = Input(name, label, 0, 0, "", reason, source).paper
    lo, hi = sorted((v * (1 - frac), v * (1 + frac)))
    return Input(name, label, lo, hi, "m0" if ".m" in name else "1", reason, source)


def _absolute(name, delta_eV, label, reason, source=NO_SOURCE) -> Input:
    """An input within ``delta_eV`` of the paper's value (eV)."""
    v = Input(name, label, 0, 0, "", reason, source).paper
    return Input(name, label, v - delta_eV, v + delta_eV, "eV", reason, source)


#: Where every uncertain input, its range and why are declared, once: data beside the package's
#: parameter table (:mod:`iece.physics.materials`), not code.
UNCERTAINTIES = "uncertainties.toml"


def read_inputs(text: str, where: str = UNCERTAINTIES) -> tuple[Input, ...]:
    """The inputs declared in ``text`` (``[[inputs]]`` with ``name``, ``relative`` or
    ``absolute``, ``label``, ``reason`` and optionally ``source``); a ValueError naming the
    file, the entry and the field otherwise."""
    try:
        entries = tomllib.loads(text).get("inputs", [])
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{where} is not valid TOML: {exc}") from None
    out = []
    for n, e in enumerate(entries, 1):
        at = f"{where}, input {n} ({e.get('name', 'no name')})"
        keys = set(e) - {"source"}
        spread = keys & {"relative", "absolute"}
        if keys - spread != {"name", "label", "reason"} or len(spread) != 1:
            raise ValueError(
                f"{at}: needs name, label, reason and one of relative or absolute (got "
                f"{', '.join(sorted(e))})"
            )
        (kind,) = spread
        size = e[kind]
        if isinstance(size, bool) or not isinstance(size, (int, float)) or not size > 0:
            raise ValueError(f"{at}: {kind} must be a positive number, got {size!r}")
        owner, _, field_ = e["name"].partition(".")
        if owner not in ("CDSE", "HGSE") or field_ not in _FIELDS:
            raise ValueError(
                f"{at}: name must be CDSE.<field> or HGSE.<field>, a field of {_FIELDS}"
            )
        make = _relative if kind == "relative" else _absolute
        out.append(make(e["name"], size, e["label"], e["reason"], e.get("source", NO_SOURCE)))
    return tuple(out)


#: Every uncertain input, its range and why (:data:`UNCERTAINTIES`).
INPUTS = read_inputs(resources.files(__package__).joinpath(UNCERTAINTIES).read_text("utf-8"))

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
#: What each number is, in words (the fig2eg page's labels).
LABELS = {k: fig2eg.LABELS[k] for k in NUMBERS}
#: How many leading inputs are recorded per number.
TOP = 3


def problem(inputs=INPUTS) -> dict:
    """The SALib problem of ``inputs``: names and uniform bounds."""
    return {
        "num_vars": len(inputs),
        "names": [i.key for i in inputs],
        "bounds": [[i.low, i.high] for i in inputs],
    }


def check_n_base(n_base: int) -> int:
    """``n_base`` if it is a power of 2 (the Sobol' sequence's balance needs it), else
    ParameterError naming it."""
    if not isinstance(n_base, (int, np.integer)) or n_base < 2 or n_base & (n_base - 1):
        raise ParameterError(f"parameter 'n_base' must be a power of 2, got {n_base!r}")
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


def indices(problem_: dict, y, seed: int = SEED) -> dict | None:
    """First- and total-order Sobol' indices of the output ``y`` (one value per design row) and
    their 95 % bootstrap half-widths: arrays (D,) keyed S1, S1_conf, ST, ST_conf. None when
    ``y`` does not vary (no variance to share out); ValueError if it is not finite."""
    y = np.asarray(y, float)
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{np.sum(~np.isfinite(y))} samples are not finite")
    if np.ptp(y) == 0:
        return None
    with warnings.catch_warnings():
        # a rarely flipping verdict leaves some bootstrap resamples constant; SALib warns on
        # each, and the interval it gives is then as wide as the resamples make it
        warnings.filterwarnings("ignore", "Constant values encountered", UserWarning)
        si = sobol_analyze.analyze(
            problem_, y, calc_second_order=False, num_resamples=RESAMPLES, seed=seed
        )
    return {k: np.asarray(si[k], float) for k in ("S1", "S1_conf", "ST", "ST_conf")}


def tables(x: np.ndarray, inputs=INPUTS) -> mat.MaterialTable:
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


def evaluate(x: np.ndarray, inputs=INPUTS, reading=LITERAL, chunk: int = CHUNK) -> dict:
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


def _ranked(si: dict, inputs, top: int):
    """The ``top`` inputs by total-order index: (input, S1, S1_conf, ST, ST_conf)."""
    order = np.argsort(-si["ST"], kind="stable")[:top]
    return [
        (inputs[i], *(float(si[k][i]) for k in ("S1", "S1_conf", "ST", "ST_conf"))) for i in order
    ]


def _conf_stderr(half_width: float) -> float:
    """A 95 % interval's half-width as a standard error."""
    return half_width / 1.96


#: What ``hinges_on_<id>`` records for a verdict that no sample flips.
NO_HINGE = "none: the same verdict in every sample"


@dataclass(frozen=True)
class Verdict:
    """One ledger entry over the samples: whether it ``held`` at the paper's values, the
    fraction of base points that flip it (``flip_fraction`` with its binomial ``stderr``), the
    input it hinges on most (``hinge``, an input's name or :data:`NO_HINGE`) and that input's
    total-order index ``hinge_ST`` (nan with no hinge)."""

    id: str
    held: bool
    flip_fraction: float
    stderr: float
    hinge: str
    hinge_ST: float


@dataclass(kw_only=True)
class SensitivityResult(FigureResult):
    """The sensitivity page's numbers and what its heatmap and tables show: the Sobol'
    ``indices`` (``S1``, ``ST``, ``S1_conf``, ``ST_conf``: number -> one value per input of
    :data:`INPUTS`), the design ``x`` and the numbers per sample (``table``, with the inputs as
    ``input__<key>``), their values with the paper's table (``nominal``) and, with ``passes``,
    the ``verdicts`` and per ledger id the total-order indices of its pass/fail indicator
    (``verdict_indices``; None when no sample flips it)."""

    indices: dict
    table: dict
    x: np.ndarray
    nominal: dict
    verdicts: list = field(default_factory=list)
    verdict_indices: dict = field(default_factory=dict)


def compute(passes=None, **params) -> SensitivityResult:
    """The sensitivity page's numbers: for each of :data:`NUMBERS` its value with the paper's
    table, its range over the samples and the first- and total-order indices of its
    :data:`TOP` leading inputs; with ``passes`` (``table -> {ledger id: pass per row}``; a
    row holds every scalar claim number and each input as ``input__<key>``), per
    ledger entry its verdict at the paper's values, the fraction of samples that flip it and the
    input it hinges on most. The page runs in one process (:func:`analyse` for a cluster)."""
    p = PARAMS.resolve(params, "sensitivity")
    n_base = FAST_N_BASE if p["fast"] else check_n_base(p["n_base"])
    return analyse(n_base, passes, params=p)


def analyse(
    n_base: int,
    passes=None,
    *,
    scheduler=distribute.SYNCHRONOUS,
    store=None,
    progress: bool = False,
    n_workers: int | None = None,
    params: dict | None = None,
) -> SensitivityResult:
    """:func:`compute` for any power-of-2 ``n_base``, the evaluations run chunk by chunk by
    :func:`iece.pipeline.distribute.evaluate` (``scheduler``: ``"synchronous"``, ``"local"``
    for a LocalCluster of ``n_workers``, or a scheduler's address; ``store``: a folder that
    keeps each finished chunk, so a killed run resumes). Each chunk is one batch of
    :data:`CHUNK` tables, so the numbers do not depend on where they ran."""
    n_base = check_n_base(n_base)
    prob = problem(INPUTS)
    x = design(prob, n_base)
    model = functools.partial(evaluate, inputs=INPUTS, reading=LITERAL)
    numbers = distribute.evaluate(
        model,
        x,
        chunk=CHUNK,
        store=store,
        scheduler=scheduler,
        n_workers=n_workers,
        progress=progress,
        # a stored chunk is stale once the model's code changes
        token=None if store is None else distribute.code_token(physics, ema_numbers, _SELF),
    )
    # the numbers per sample, and the inputs themselves (``input__<key>``), for the checks
    table = numbers | {f"input__{i.key}": x[:, k] for k, i in enumerate(INPUTS)}
    p = params if params is not None else {"n_base": n_base, "fast": False}
    ref = nominal() | {f"input__{i.key}": i.paper for i in INPUTS}
    res = FigureResult(p)
    res.add("n_inputs", len(INPUTS), "1")
    res.add("n_base_used", n_base, "1", note="Sobol' base sample count N")
    res.add("n_samples", len(x), "1", note="EMA evaluations: N (D + 2)")
    finite = np.all([np.isfinite(table[k]) for k in NUMBERS], axis=0)
    res.add("n_samples_not_computable", int((~finite).sum()), "1", note="a carrier unbound")
    matrix = {"S1": {}, "ST": {}, "S1_conf": {}, "ST_conf": {}}
    for k in NUMBERS:
        y = table[k]
        unit = "eV" if k.endswith("_eV") else "1"
        res.add(f"{k}_paper", ref[k], unit, note="with the paper's table")
        res.add(f"{k}_low", float(np.min(y)), unit, note="lowest over the samples")
        res.add(f"{k}_high", float(np.max(y)), unit, note="highest over the samples")
        si = indices(prob, y)
        if si is None:
            continue
        for name in matrix:
            matrix[name][k] = si[name].tolist()
        for rank, (inp, s1, s1c, st, stc) in enumerate(_ranked(si, INPUTS, TOP), 1):
            res.add(f"{k}_top{rank}_input", inp.name, "")
            res.add(f"{k}_top{rank}_S1", s1, "1", stderr=_conf_stderr(s1c))
            res.add(f"{k}_top{rank}_ST", st, "1", stderr=_conf_stderr(stc))
    out = SensitivityResult(
        params=p, numbers=res.numbers, indices=matrix, table=table, x=x, nominal=ref
    )
    if passes is not None:
        _verdicts(out, prob, table, ref, passes)
    return out


def _verdicts(res: SensitivityResult, prob: dict, table: dict, ref: dict, passes) -> None:
    """Per ledger entry the table can address: its verdict at the paper's values, the fraction
    of the base points whose verdict differs (binomial standard error) and the input whose
    total-order index of the pass/fail indicator is largest."""
    at_paper = passes({k: np.array([v]) for k, v in ref.items()})
    per_row = passes(table)
    base = base_rows(len(next(iter(table.values()))), len(INPUTS))
    for cid in sorted(per_row):
        key = cid.replace("-", "_")
        held = bool(at_paper[cid][0])
        ok = np.asarray(per_row[cid], bool)
        flips = ok[base] != held
        frac = float(flips.mean())
        stderr = float(np.sqrt(frac * (1 - frac) / flips.size))
        res.add(f"holds_at_paper_values_{key}", held, "")
        res.add(f"flip_fraction_{key}", frac, "1", stderr=stderr)
        p_holds = float(ok[base].mean())
        p_stderr = float(np.sqrt(p_holds * (1 - p_holds) / flips.size))
        res.add(f"p_holds_{key}", p_holds, "1", stderr=p_stderr)
        si = indices(prob, ok.astype(float))
        res.verdict_indices[cid] = None if si is None else si["ST"].tolist()
        if si is None:
            hinge, st, stc = NO_HINGE, float("nan"), 0.0
        else:
            (inp, _, _, st, stc) = _ranked(si, INPUTS, 1)[0]
            hinge = inp.name
        res.add(f"hinges_on_{key}", hinge, "")
        if si is not None:
            res.add(f"hinges_on_ST_{key}", st, "1", stderr=_conf_stderr(stc))
        res.verdicts.append(Verdict(cid, held, frac, stderr, hinge, st))
