"""Fig. 2j page: the simulated decays and their fits, the rates, the user's decay, the fit and
rate tables, the notes.

Draws and formats a :class:`iece.paper.fig2j.Fig2jResult`; solves nothing.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.legend_handler import HandlerTuple

from ...physics import lifetimes
from ...report.markdown import fields, fill, md_table
from .. import fig2j, quoted
from ..fig2j import PAPER_DECAYS
from .common import MARKERS, PALETTE, SERIES_STYLES, bound_note

#: Each sample of :data:`iece.paper.fig2j.PAPER_DECAYS` as the page names it.
LABELS = {"cs": "CdSe/HgSe (CE)", "alloy": "Hg$_x$Cd$_{1-x}$Se (IE-CE)"}

#: The page's notes: one macro per note; fields are the result's record names, ``params``,
#: its typed fields, the quoted numbers and :data:`CONSTANTS` by name.
NOTES = """
{% macro period() %}
{% if period_short %}
At {{ params.rep_rate_MHz|f("g") }} MHz the laser period ({{ period_ns|f("g") }} ns) is shorter
than {{ PERIOD_PER_TAU|f("g") }} times the longest lifetime ({{ longest_tau_ns|f("g") }} ns):
the decays pile up over pulses and the fits below recover the lifetimes poorly (see their
errors).
{% if boot_skipped %}
No bootstrap intervals are drawn at this rate: each refit of a piled-up decay takes up to a
second, and the errors of the fits already say how poorly they hold.
{% endif %}
{% endif %}
{% endmacro %}

{% macro rates() %}
The alloy's higher QY comes from **both** rates: its non-radiative rate is
{{ knr_ratio|f(".0f") }}x slower, and its radiative rate is at least
{{ kr_ratio_lower_bound|f(".1f") }}x faster. The EMA overlap ratio
$(\\phi_{alloy}/\\phi_{cs})^2$ at equal 1S-1S energy ({{ params.matched_energy_eV }} eV,
{{ DIAMETER_FIG2HJ_NM.value }} nm) is
{% for n, r in overlap2_by_medium.items() -%}
{{ "undefined" if r is string else r|f(".3g") }} ({{ n }}){{ ", " if not loop.last }}
{%- endfor %}:
the overlap alone would need {{ kr_ratio_lower_bound|f(".1f") }}. The text calls
{{ DECAY_ALLOY.value[1] }} ns and {{ DECAY_ALLOY.value[3] }} ns *half-times*, while the caption
defines them as $\\tau$ in $e^{-t/\\tau}$; the half-times would be
{{ alloy_tau1_half_time_ns|f(".1f") }} ns and {{ alloy_tau2_half_time_ns|f(".1f") }} ns.
{% endmacro %}

{% macro user_instrument() %}
{% if user and user.instrument.note %}Note: {{ user.instrument.note }}.{% endif %}
{% endmacro %}
"""
#: Numbers a note names besides the result's and the quoted ones.
CONSTANTS = {"PERIOD_PER_TAU": fig2j.PERIOD_PER_TAU}


def notes(res: fig2j.Fig2jResult) -> dict[str, str]:
    """The page's notes, filled from ``res`` (``rates``; ``period`` when the laser period is
    short for the lifetimes; ``user_instrument`` when reading the user's file needed a word)."""
    return fill(NOTES, fields(res, **quoted.ALL, **CONSTANTS))


def decays(res: fig2j.Fig2jResult):
    """The simulated decays with their fits, and one residual panel per sample."""
    inst = res.instrument
    fig, axes = plt.subplots(
        3, 1, figsize=(5.5, 5.6), sharex=True, height_ratios=[3, 1, 1], layout="constrained"
    )
    handles = []
    for ax_r, key in zip(axes[1:], PAPER_DECAYS):
        style_key = "core/shell" if key == "cs" else "alloy"
        color, fit = PALETTE[style_key], res.fits[key]
        (dots,) = axes[0].semilogy(inst.t_ns, res.counts[key], ".", ms=1.5, color=color, alpha=0.35)
        (line,) = axes[0].semilogy(inst.t_ns, fit.model, color=color, ls=SERIES_STYLES[style_key])
        handles.append(((dots, line), f"{LABELS[key]}: simulated (dots), fit (line)"))
        # one residual panel per sample: two noise bands on one axis cannot be told apart
        ax_r.plot(inst.t_ns, fit.residuals, lw=0.4, color=color)
        ax_r.axhline(0, color="k", lw=0.6)
        ax_r.set_ylabel("residual ($\\sigma$)")
        ax_r.set_title(f"residuals, {LABELS[key]}", loc="left", fontsize=7, color=color, pad=2)
    axes[0].set(
        ylabel="counts per channel",
        ylim=(1, None),
        xlim=(0, min(inst.n_channels * inst.dt_ns, 300)),
        title="simulated from the paper's fit parameters (not measured data)",
    )
    axes[0].legend(
        [h for h, _ in handles],
        [label for _, label in handles],
        handler_map={tuple: HandlerTuple(ndivide=None)},
        frameon=False,
        fontsize=7,
        loc="upper right",
    )
    axes[1].sharey(axes[2])
    axes[-1].set_xlabel("time after excitation (ns)")
    return fig


def rates(res: fig2j.Fig2jResult):
    """The radiative and non-radiative rates of both samples, grouped by rate (a seaborn point
    plot, hue and marker by sample). The core/shell QY is an upper bound, so its k_r is an upper
    bound (arrow down) and its k_nr a lower bound (arrow up)."""
    import seaborn as sns  # here, not at the top: only this figure pays its import

    rates = res.rates
    names = {"k_r_per_ns": "radiative $k_r$", "k_nr_per_ns": "non-radiative $k_{nr}$"}
    bound = {("cs", "k_r_per_ns"): "upper", ("cs", "k_nr_per_ns"): "lower"}
    pairs = [(k, r) for r in names for k in ("cs", "alloy")]
    # long-form columns (seaborn reads a dict of lists as a table)
    table = {
        "sample": [LABELS[k] for k, _ in pairs],
        "rate": [names[r] for _, r in pairs],
        "per_us": [1e3 * rates[k][r] for k, r in pairs],
    }
    keys = {LABELS[k]: s for k, s in (("cs", "core/shell"), ("alloy", "alloy"))}
    fig, ax = plt.subplots(figsize=(5.6, 3))
    sns.pointplot(
        table,
        x="rate",
        y="per_us",
        hue="sample",
        hue_order=list(keys),
        palette={k: PALETTE[s] for k, s in keys.items()},
        markers=[MARKERS[s] for s in keys.values()],
        linestyle="none",
        dodge=0.3,
        errorbar=None,
        log_scale=True,
        ax=ax,
    )
    # arrows from the bounds, at the points seaborn placed (matched by value)
    drawn = np.concatenate([ln.get_xydata() for ln in ax.lines])
    for (k, r), per_us in zip(pairs, table["per_us"]):
        if (k, r) not in bound:
            continue
        x_pos, y = drawn[np.argmin(np.abs(np.log(drawn[:, 1] / per_us)))]
        tip = y / 4 if bound[k, r] == "upper" else y * 4
        ax.annotate(
            "",
            xy=(x_pos, tip),
            xytext=(x_pos, y),
            arrowprops={"arrowstyle": "-|>", "color": PALETTE["core/shell"], "lw": 1.2},
        )
    lo, hi = min(table["per_us"]) / 8, max(table["per_us"]) * 8
    ax.set(ylim=(lo, hi), xlabel="", ylabel="rate (1/µs)", xlim=(-0.5, 1.5))
    ax.set_title("rates from the quoted fit parameters and QY")
    handles, labels = ax.get_legend_handles_labels()
    handles.append(
        plt.Line2D([], [], color=PALETTE["core/shell"], marker=r"$\downarrow$", ls="none")
    )
    labels.append(f"arrow: a bound (core/shell QY < {res.params['qy_core_shell']:.0%})")
    ax.legend(
        handles, labels, frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0)
    )
    fig.tight_layout()
    return fig


def user_decay(res: fig2j.Fig2jResult):
    """The user's decay, its fit and the residuals."""
    uinst, counts, ufit = res.user.instrument, res.user.counts, res.user.fit
    fig, (ax, axr) = plt.subplots(2, 1, figsize=(5, 4), sharex=True, height_ratios=[3, 1])
    ax.semilogy(uinst.t_ns, counts, ".", ms=2, color="0.5", label="your data")
    ax.semilogy(uinst.t_ns, ufit.model, color="k", label=f"fit ({res.params['statistic']})")
    ax.set(ylabel="counts", ylim=(max(counts.min(), 0.5), None))
    ax.legend(frameon=False)
    axr.plot(uinst.t_ns, ufit.residuals, lw=0.5, color="k")
    axr.set(xlabel="time (ns)", ylabel="residual ($\\sigma$)")
    return fig


def fit_table(fit, truth: dict | None = None) -> str:
    """One decay fit's parameters with their errors (and the paper's, when ``truth``)."""
    rows = []
    for name, (v, s) in fit.summary().items():
        unit = " ns" if name.startswith("tau") else ""
        row = [name, f"{v:.4g}{unit}", f"{s:.2g}"]
        if truth:
            row.append(f"{truth.get(name, float('nan')):.4g}")
        rows.append(row)
    header = ["parameter", "fitted", "std. error"] + (["paper"] if truth else [])
    return (
        md_table(header, rows)
        + f"\n\nReduced Poisson deviance {fit.reduced_deviance:.3f}."
        + bound_note(fit.at_bounds)
    )


def user_table(res: fig2j.Fig2jResult) -> str:
    """The user's fit, and a word on how their file was read when it needs one."""
    return fit_table(res.user.fit) + "\n\n" + notes(res).get("user_instrument", "")


def fits_table(res: fig2j.Fig2jResult) -> str:
    """Per sample: the fit of its simulated decay against the caption's parameters."""
    p, parts = res.params, []
    for i, (key, d) in enumerate(PAPER_DECAYS.items()):
        truth = {"tau1": d["taus"][0], "tau2": d["taus"][1], "a1": d["amps"][0], "a2": d["amps"][1]}
        truth |= {
            k.replace("_ns", ""): v for k, v in lifetimes.derived(d["taus"], d["amps"]).items()
        }
        parts.append(
            f"**{LABELS[key]}** (simulated from reported parameters, seed "
            f"{p['seed'] + i}, {p['total_counts']:.0e} counts, {p['statistic']} fit)\n\n"
            + fit_table(res.fits[key], truth)
        )
    period = notes(res).get("period")
    return "\n\n".join(parts + ([f"**Note.** {period}"] if period else []))


def rates_table(res: fig2j.Fig2jResult) -> str:
    """Lifetimes and rates of both samples from the quoted parameters and QYs, with the
    bootstrap intervals of the simulated fits when drawn."""
    p, tau, boot = res.params, res.tau, res.boot
    r_cs, r_al = res.rates["cs"], res.rates["alloy"]
    header = (
        "",
        f"CdSe/HgSe (QY < {100 * p['qy_core_shell']:.0f} %)",
        f"alloy (QY {100 * p['qy']:.1f} %)",
    )
    rows = [
        (
            "τ_amp (ns), quoted parameters",
            f"{tau['cs']['tau_amp_ns']:.2f}",
            f"{tau['alloy']['tau_amp_ns']:.2f}",
        ),
        (
            "τ_int (ns), quoted parameters",
            f"{tau['cs']['tau_int_ns']:.2f}",
            f"{tau['alloy']['tau_int_ns']:.2f}",
        ),
        ("k_r (1/µs)", f"< {1e3 * r_cs['k_r_per_ns']:.2f}", f"{1e3 * r_al['k_r_per_ns']:.2f}"),
        ("k_nr (1/µs)", f"> {1e3 * r_cs['k_nr_per_ns']:.1f}", f"{1e3 * r_al['k_nr_per_ns']:.1f}"),
        (
            "τ_amp, alloy over CdSe/HgSe (quoted parameters)",
            "",
            f"{res['tau_amp_ratio_alloy_over_cs']:.2f}",
        ),
    ]
    if boot:
        (c0, c1), (a0, a1) = boot["cs"]["tau_amp_ns"], boot["alloy"]["tau_amp_ns"]
        rows.append(
            ("τ_amp 95 % interval, simulated fit (ns)", f"{c0:.2f}-{c1:.2f}", f"{a0:.2f}-{a1:.2f}")
        )
        k0, k1 = (1e3 * v for v in boot["alloy"]["k_r_per_ns"])
        rows.append(
            (
                "k_r 95 % interval, simulated fit (1/µs)",
                f"< {1e3 * boot['cs']['k_r_per_ns'][1]:.2f}",
                f"{k0:.2f}-{k1:.2f}",
            )
        )
    return md_table(header, rows)
