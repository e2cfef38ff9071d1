"""Fig. 1c: Hg-for-Cd exchange over time and the 1S-1S band energy it implies.

Physics: :mod:`iece.physics.diffusion` (Crank series, finite volumes), :mod:`.diffusion_fit`
and :mod:`.exchange` (profile -> graded NC -> EMA energy); tests in ``tests/test_kinetics.py``.

IE-CE is one D with a constant surface concentration. CE is the two-regime model (outer
monolayer at once, then slow diffusion) whose one D is calibrated to the quoted 1 h energy: a
one-point calibration, not a fit. Room temperature: D smaller by the quoted orders, Ag ~4-fold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize.elementwise import find_root

from .. import io
from ..physics import diffusion, diffusion_fit, exchange
from ..pipeline.figure import FAST, FigureResult, Params, choice, integer, number, path
from . import choices, quoted

HOUR_S = 3600.0
#: Standard deviation assumed for each x of a user's time course (a file gives no errors).
USER_SIGMA_X = 0.02
PARAMS = Params(
    number("diameter_nm", quoted.DIAMETER_PROTOTYPE_NM.value, "NC diameter (nm)", 1.5, 10),
    number("D_m2_per_s", quoted.D_IECE_M2_PER_S.value, "IE-CE D at 80 C (m^2/s)", 1e-30, 1e-15),
    choice("outside", "reference", "EMA outside medium", choices.OUTSIDE_MEDIA),
    number("hours", quoted.CE_INCOMPLETE_H.value, "end of the time axis (h)", 0.1, 1000),
    integer("n_times", 60, "time points (log-spaced)", 5, 500),
    number("ce_energy_1h_eV", quoted.CE_1S_1H_EV.value, "CE energy at 1 h (calibration)", 0.5, 2.2),
    number("D_hg_over_D_cd", 100.0, "D(c) variant of CE: D in HgSe over D in CdSe", 1, 1e6),
    number(
        "rt_factor", 10**quoted.RT_D_ORDERS_SMALLER.value, "room temperature: D smaller by", 1, 1e6
    ),
    number("ag_factor", quoted.AG_D_FOLD.value, "room temperature: Ag raises D by", 1, 100),
    number("rt_hours", 24.0, "room-temperature run length (h; not stated)", 0.1, 1000),
    path("composition_path", "your time course: CSV with columns time_min,x"),
    integer("seed", 11, "seed of the simulated fitting demo", 0, 2**32 - 1),
    FAST,
)


def joint_D_batch(
    outside, diameter_nm, D0_m2_per_s: float, *, table=None, n_grid: int = 11
) -> dict:
    """IE-CE read as the paper gives it, for S NCs at once (``diameter_nm`` (S,), ``table``: S
    material tables or None for the paper's): D "near ~10^-22" is any D within
    :data:`~iece.paper.choices.NEAR_DECADES` of it, and the question is whether one D in that
    range gives the quoted 1 h energy and a "nearly complete" exchange after 4 h
    (:data:`~iece.paper.choices.NEARLY_COMPLETE`) at once.

    The 1 h energy falls and x(4 h) rises as D grows. So per NC the D that answers the question
    best is ``D* = max(D_hit, D_complete)`` within the range: ``D_hit`` gives the quoted energy
    (the first crossing on an ``n_grid`` grid in log10 D, refined by Chandrupatla's bracketing
    method, :func:`scipy.optimize.elementwise.find_root`, to 1e-6 in log10 D; the grid's D
    closest to it where none does), and ``D_complete`` is the least D that makes the exchange
    nearly complete after 4 h. If ``D_hit`` leaves the exchange short, ``D*`` is the D closest to
    it that does not, and its 1 h energy is the highest any such D gives: the ledger's tolerance
    on that energy then decides. Returns ``D*``, its 1 h energy and x(4 h), ``D_hit``,
    ``D_complete``, and the range of both numbers over the D range. Arrays (S,); D enters only
    through ``tau = D t / a^2`` (:func:`iece.physics.exchange.energy_at_tau`). A root the
    finder does not converge on is NaN."""
    out = choices.outside(outside) if isinstance(outside, str) else outside
    d = np.atleast_1d(np.asarray(diameter_nm, float))
    n = d.size
    a_nm = d / 2
    t_1h, t_done = HOUR_S, quoted.IECE_COMPLETE_H.value * HOUR_S
    target = quoted.IECE_1S_1H_EV.value
    logD = np.log10(D0_m2_per_s) + choices.NEAR_DECADES * np.linspace(-1, 1, n_grid)

    def energy(lg, rows):
        """The 1 h energies at log10 D ``lg`` of the NCs ``rows`` (one value each)."""
        rows = np.asarray(rows, int)
        th = diffusion.tau(t_1h, 10.0**lg, a_nm[rows])
        sub = None if table is None else table.take(rows).rows(1)
        return exchange.energy_at_tau(th, d[rows], outside=out, table=sub)

    grid_rows = np.repeat(np.arange(n), n_grid)
    th_grid = diffusion.tau(t_1h, 10.0 ** np.tile(logD, n), a_nm[grid_rows])
    grid_table = None if table is None else table.rows(n_grid)
    e = exchange.energy_at_tau(th_grid, d[grid_rows], outside=out, table=grid_table)
    e = e.reshape(n, n_grid)
    miss = e - target
    finite = np.isfinite(miss)
    change = (np.sign(miss[:, :-1]) != np.sign(miss[:, 1:])) & finite[:, :-1] & finite[:, 1:]
    crossing = change.any(axis=1)
    nearest = np.argmin(np.where(finite, np.abs(miss), np.inf), axis=1)
    best = logD[nearest]
    e_best = e[np.arange(n), nearest]
    if crossing.any():
        rows = np.flatnonzero(crossing)
        k = np.argmax(change[rows], axis=1)
        root = find_root(
            lambda lg, r: energy(lg, r) - target,
            (logD[k], logD[k + 1]),
            args=(rows,),
            tolerances={"xatol": 1e-6, "xrtol": 0.0, "fatol": 0.0, "frtol": 0.0},
        )
        best[rows] = np.where(root.success, root.x, np.nan)
        e_best[rows] = np.where(root.success, root.f_x + target, np.nan)
    hit = best.copy()
    # the least D that makes the exchange nearly complete after 4 h (1e-9 above, so x reaches it)
    D_complete = diffusion.tau_at_fraction(choices.NEARLY_COMPLETE) * (a_nm * 1e-9) ** 2 / t_done
    lg_c = np.log10(D_complete) + 1e-9
    short = np.flatnonzero(hit < lg_c)
    if short.size:
        best[short] = np.minimum(lg_c[short], logD[-1])
        e_best[short] = energy(best[short], short)
    x_grid = diffusion.fraction_of_tau(diffusion.tau(t_done, 10.0 ** logD[None, :], a_nm[:, None]))
    return {
        "D": 10.0**best,
        "E_1h_eV": e_best,
        "x_4h": diffusion.fraction_of_tau(diffusion.tau(t_done, 10.0**best, a_nm)),
        "D_hit": 10.0**hit,
        "D_complete": D_complete,
        "E_1h_range_eV": np.stack([e.min(axis=1), e.max(axis=1)], axis=1),
        "x_4h_range": np.stack([x_grid.min(axis=1), x_grid.max(axis=1)], axis=1),
        "D_range": [float(10 ** logD[0]), float(10 ** logD[-1])],
    }


def joint_D(outside: str, radius_nm: float, D0_m2_per_s: float, n_grid: int = 11) -> dict:
    """:func:`joint_D_batch` for one NC of radius ``radius_nm`` with the paper's table:
    numbers and [low, high] lists."""
    b = joint_D_batch(outside, 2 * radius_nm, D0_m2_per_s, n_grid=n_grid)
    return {
        k: v if k == "D_range" else (v[0].tolist() if np.ndim(v) == 2 else float(v[0]))
        for k, v in b.items()
    }


#: Record notes: what each number is, in words (the page labels a record with its note).
NOTES = {
    "E_iece_1h_alloy_eV": "a homogeneous alloy of the same x",
    "t95_iece_h": "nearly complete (solved in dimensionless time: any D, any time axis)",
    "E_iece_1h_joint_eV": "1 h energy at the D of the range that gives the quoted 1 h energy "
    "or, where that D leaves the exchange short after 4 h, at the least D that does not",
    "x_iece_4h_joint": "x(4 h) at that D",
    "D_joint_m2_per_s": "that D",
    "D_hit_m2_per_s": "the D of the range that gives the quoted 1 h energy (or comes closest)",
    "D_complete_m2_per_s": "the least D that makes the exchange nearly complete after 4 h",
    "share_of_D_range_complete": "share of the D range (log-uniform) at or above that D",
    "D_ce_m2_per_s": "calibrated to the quoted 1 h energy",
    "D_iece_over_D_ce": "how much faster the quoted IE-CE D is than the calibrated CE D",
    "user_undetermined": "undetermined: x does not change over your times",
    "t95_rt_Ag_days": "time to a nearly complete exchange at room temperature with Ag "
    "(D = {D:.1e} m^2/s)",
}
#: The joint-D numbers: key of :func:`joint_D` -> (record name, unit).
JOINT = {
    "E_1h_eV": ("E_iece_1h_joint_eV", "eV"),
    "x_4h": ("x_iece_4h_joint", "1"),
    "D": ("D_joint_m2_per_s", "m^2/s"),
    "D_hit": ("D_hit_m2_per_s", "m^2/s"),
    "E_1h_range_eV": ("E_iece_1h_range_eV", "eV"),
    "x_4h_range": ("x_iece_4h_range", "1"),
}
#: Times (h) of the radial profiles the page draws.
PROFILE_HOURS = (0.05, 0.25, 1.0, 4.0)


@dataclass(frozen=True)
class DemoFit:
    """One fit of the simulated fitting demo: which data, which model, the fit."""

    data: str
    model: str
    fit: diffusion_fit.KineticFit


@dataclass(frozen=True)
class UserFit:
    """A user's time course and its fits: the single-D fit's D, the best model by AIC, whether
    the data determine D at all, and each model's curve on ``curve_time_s`` for the plot."""

    time_s: np.ndarray
    x: np.ndarray
    fits: dict
    curve_time_s: np.ndarray
    curves_x: dict
    D_m2_per_s: float
    D_stderr_m2_per_s: float
    best_model: str
    determined: bool
    at_bounds: list
    x_spread: float
    p_no_change: float
    sigma_x: float


@dataclass(frozen=True)
class MediumRow:
    """The fig1c predictions under one outside medium; ``problem`` says why the CE model could
    not be calibrated (then ``D_ce_m2_per_s`` and ``x_ce_48h`` are None)."""

    E_iece_1h_eV: float
    D_ce_m2_per_s: float | None
    x_ce_48h: float | None
    problem: str = ""


@dataclass(kw_only=True)
class Fig1cResult(FigureResult):
    """fig1c's numbers and what its plots and tables draw (times in s, radii in nm)."""

    time_s: np.ndarray
    iece: exchange.EnergyCourse
    ce: exchange.EnergyCourse | None
    ce_problem: str
    x_ce_1h: float | None
    profile_hours: tuple
    time_rt_s: np.ndarray
    x_rt_with_ag: np.ndarray
    x_rt_without_ag: np.ndarray
    D_rt_m2_per_s: float
    demo: list
    user: UserFit | None
    by_medium: dict


def _user_fit(path_, radius_nm: float) -> tuple[UserFit, dict]:
    tu, xu = io.read_composition(path_)
    fits = {
        m: diffusion_fit.fit(tu, xu, radius_nm, model=m, sigma=USER_SIGMA_X)
        for m in ("constant_surface", "surface_rate")
    }
    single = fits["constant_surface"]
    Du, Du_err = single.D_m2_per_s
    if not single.determined:  # recorded as null: a D the data do not hold is no number
        Du, Du_err = float("nan"), float("nan")
    tt = np.linspace(0, tu.max(), 200)
    return UserFit(
        time_s=tu,
        x=xu,
        fits=fits,
        curve_time_s=tt,
        curves_x={
            m: diffusion_fit.predict(m, tt, radius_nm, fm.result.params.valuesdict())
            for m, fm in fits.items()
        },
        D_m2_per_s=Du,
        D_stderr_m2_per_s=Du_err,
        best_model=min(fits, key=lambda m: fits[m].stats["aic"]),
        determined=single.determined,
        at_bounds=single.at_bounds,
        x_spread=float(np.ptp(xu)),
        p_no_change=single.p_no_change,
        sigma_x=USER_SIGMA_X,
    ), fits


def compute(**params) -> Fig1cResult:
    """All numbers of the fig1c page for the given parameters (defaults: the paper's)."""
    p = PARAMS.resolve(params, "fig1c")
    res = FigureResult(p)
    out = choices.outside(p["outside"])
    radius_nm = p["diameter_nm"] / 2
    n_t = min(p["n_times"], 25) if p["fast"] else p["n_times"]
    t = np.r_[0.0, np.logspace(0, np.log10(p["hours"] * HOUR_S), n_t)]
    t = np.unique(np.r_[t, HOUR_S, 4 * HOUR_S, min(48.0, p["hours"]) * HOUR_S])

    def at(arr, hours):
        """``arr`` at a time of the grid (never interpolated, never clamped to its end)."""
        i = int(np.argmin(np.abs(t - hours * HOUR_S)))
        if not np.isclose(t[i], hours * HOUR_S, rtol=1e-9, atol=0):
            raise ValueError(f"{hours:g} h is not a point of the time grid")
        return float(arr[i])

    # IE-CE: one D, constant surface
    ie = exchange.energy_course(t, radius_nm, p["D_m2_per_s"], outside=out)
    res.add("x_iece_1h", at(ie.x, 1), "1")
    res.add("x_iece_4h", at(ie.x, quoted.IECE_COMPLETE_H.value), "1")
    res.add("E_iece_1h_eV", at(ie.energy_graded_eV, 1), "eV")
    note = NOTES["E_iece_1h_alloy_eV"]
    res.add("E_iece_1h_alloy_eV", at(ie.energy_alloy_eV, 1), "eV", note=note)
    res.add("E_t0_eV", float(ie.energy_graded_eV[0]), "eV")
    t95_s = diffusion.time_to_fraction_constant_surface(
        choices.NEARLY_COMPLETE, p["D_m2_per_s"], radius_nm
    )
    res.add("t95_iece_h", t95_s / HOUR_S, "h", note=NOTES["t95_iece_h"])
    # IE-CE with D read as a range: do the quoted 1 h energy and the ~4 h completion hold together?
    joint = {name: joint_D(name, radius_nm, p["D_m2_per_s"]) for name in choices.OUTSIDE_MEDIA}
    span = next(iter(joint.values()))["D_range"]
    # the least D that completes the exchange in the quoted time (the same in every medium), and
    # the share of the D range (log-uniform) above it: what the sensitivity page's P(holds) measures
    D_c = next(iter(joint.values()))["D_complete"]
    res.add("D_complete_m2_per_s", D_c, "m^2/s", note=NOTES["D_complete_m2_per_s"])
    lo, hi, lc = np.log10(span[0]), np.log10(span[1]), np.log10(D_c)
    share = float(np.clip((hi - lc) / (hi - lo), 0.0, 1.0))
    res.add("share_of_D_range_complete", share, "1", note=NOTES["share_of_D_range_complete"])
    over = f"over D = {span[0]:.2e}-{span[1]:.2e} m^2/s"
    for key, (name, unit) in JOINT.items():
        note = NOTES.get(name, over)
        by = {m: j[key] for m, j in joint.items()}
        res.add_by_choice(name, by, unit, p["outside"], note=note)

    # CE: two regimes, D calibrated to the quoted 1 h energy
    ce, ce_problem, x_ce_1h = None, "", None
    try:
        D_ce = exchange.calibrate_two_regime(p["ce_energy_1h_eV"], HOUR_S, radius_nm, outside=out)
    except ValueError as exc:
        ce_problem = str(exc)
    else:
        ce = exchange.energy_course(t, radius_nm, D_ce, model="two_regime", outside=out)
        x_ce_1h = at(ce.x, 1)
        D_cd = exchange.calibrate_dc_variant(x_ce_1h, HOUR_S, radius_nm, p["D_hg_over_D_cd"])
        x48_dc = diffusion.two_regime(
            np.array([HOUR_S, 48 * HOUR_S]),
            radius_nm,
            D_cd,
            D_hg_m2_per_s=D_cd * p["D_hg_over_D_cd"],
            n_cells=60,
        ).x[1]
        res.add("D_ce_m2_per_s", D_ce, "m^2/s", note=NOTES["D_ce_m2_per_s"])
        ratio = p["D_m2_per_s"] / D_ce
        res.add("D_iece_over_D_ce", ratio, "1", note=NOTES["D_iece_over_D_ce"])
        t_ce_s = quoted.CE_INCOMPLETE_H.value * HOUR_S
        x_ce = (  # the same solver on its own when the time axis ends before 48 h
            at(ce.x, quoted.CE_INCOMPLETE_H.value)
            if t[-1] >= t_ce_s
            else float(
                diffusion.two_regime(np.array([0.0, t_ce_s]), radius_nm, D_ce, n_cells=100).x[-1]
            )
        )
        res.add("x_ce_48h", x_ce, "1")
        dc = f"D(c) from {D_cd:.2e} (CdSe) to {D_cd * p['D_hg_over_D_cd']:.2e} m^2/s"
        res.add("x_ce_48h_Dc_variant", float(x48_dc), "1", note=dc)

    # room temperature, no thiols
    t_rt = np.linspace(0, p["rt_hours"] * HOUR_S, 200)
    D_rt = p["D_m2_per_s"] / p["rt_factor"]
    x_rt_ag = diffusion.fraction_constant_surface(t_rt, D_rt, radius_nm)
    x_rt = diffusion.fraction_constant_surface(t_rt, D_rt / p["ag_factor"], radius_nm)
    after = f"after {p['rt_hours']:g} h"
    res.add("x_rt_Ag_end", float(x_rt_ag[-1]), "1", note=after)
    t95_rt_d = (
        diffusion.time_to_fraction_constant_surface(choices.NEARLY_COMPLETE, D_rt, radius_nm)
        / 86400
    )
    rt_note = NOTES["t95_rt_Ag_days"].format(D=D_rt)
    res.add("t95_rt_Ag_days", t95_rt_d, "d", note=rt_note)
    res.add("x_rt_noAg_end", float(x_rt[-1]), "1", note=after)

    # fitting demo: simulated IE-CE points refitted (validates the method, not the paper)
    rng = np.random.default_rng(p["seed"])
    t_demo = np.linspace(60, 6 * HOUR_S, 50)
    D0 = quoted.D_IECE_M2_PER_S.value
    x_demo = diffusion.fraction_constant_surface(t_demo, D0, radius_nm) + rng.normal(0, 0.01, 50)
    f_demo = diffusion_fit.fit(t_demo, np.clip(x_demo, 0, 1), radius_nm, sigma=0.01)
    D_demo, D_demo_err = f_demo.D_m2_per_s
    res.add("demo_D_recovered_m2_per_s", D_demo, "m^2/s", stderr=D_demo_err, provenance="simulated")
    demo = [DemoFit("IE-CE-like (simulated)", "constant_surface", f_demo)]
    if ce is not None and not p["fast"]:
        logD = np.log10(D_ce)
        x_ce_demo = diffusion_fit.predict("two_regime", t_demo * 8, radius_nm, {"log10D": logD})
        x_ce_demo = np.clip(x_ce_demo + rng.normal(0, 0.01, 50), 0, 1)
        for model in ("constant_surface", "two_regime"):
            fm = diffusion_fit.fit(
                t_demo * 8, x_ce_demo, radius_nm, model=model, sigma=0.01, log10D0=logD
            )
            demo.append(DemoFit("CE-like (simulated)", model, fm))

    user = None
    if p["composition_path"] is not None:
        user, fits = _user_fit(p["composition_path"], radius_nm)
        res.add(
            "D_m2_per_s",
            user.D_m2_per_s,
            "m^2/s",
            stderr=user.D_stderr_m2_per_s,
            provenance="user",
            note="" if user.determined else NOTES["user_undetermined"],
        )
        res.add("best_model", user.best_model, "", provenance="user")
        for m, fm in fits.items():
            res.add(f"aic_{m}", fm.stats["aic"], "1", provenance="user")

    # the same predictions under every other outside medium
    by_medium = {}
    if not p["fast"]:
        for name in choices.OUTSIDE_MEDIA:
            o = choices.outside(name)
            e1 = (
                res["E_iece_1h_eV"]
                if name == p["outside"]
                else float(
                    exchange.energy_course(
                        np.array([HOUR_S]), radius_nm, p["D_m2_per_s"], outside=o
                    ).energy_graded_eV[0]
                )
            )
            res.add(f"E_iece_1h_eV__{name}", e1, "eV")
            try:
                dce = (
                    D_ce
                    if (name == p["outside"] and ce is not None)
                    else exchange.calibrate_two_regime(
                        p["ce_energy_1h_eV"], HOUR_S, radius_nm, outside=o
                    )
                )
            except ValueError as exc:
                by_medium[name] = MediumRow(e1, None, None, str(exc))
                continue
            xc = float(
                diffusion.two_regime(np.array([0.0, 48 * HOUR_S]), radius_nm, dce, n_cells=100).x[
                    -1
                ]
            )
            res.add(f"x_ce_48h__{name}", xc, "1")
            by_medium[name] = MediumRow(e1, dce, xc)
    return Fig1cResult(
        params=p,
        numbers=res.numbers,
        time_s=t,
        iece=ie,
        ce=ce,
        ce_problem=ce_problem,
        x_ce_1h=x_ce_1h,
        profile_hours=PROFILE_HOURS,
        time_rt_s=t_rt,
        x_rt_with_ag=x_rt_ag,
        x_rt_without_ag=x_rt,
        D_rt_m2_per_s=D_rt,
        demo=demo,
        user=user,
        by_medium=by_medium,
    )


#: The paper's quoted points drawn on the figure: (time h, energy eV, kind).
QUOTED_POINTS = {
    "CdSe, t = 0": (0.0, quoted.CDSE_1S_EV.value, "Abs"),
    "CE 1 h": (1.0, quoted.CE_1S_1H_EV.value, "Abs"),
    "IE-CE 1 h": (1.0, quoted.IECE_1S_1H_EV.value, "Abs"),
    "CdSe PL": (0.0, quoted.CDSE_PL_EV.value, "PL"),
    "IE-CE PL": (1.0, quoted.IECE_PL_1H_EV.value, "PL"),
}
