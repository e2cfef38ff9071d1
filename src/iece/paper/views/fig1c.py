"""Fig. 1c page: the kinetics figure, the user's fit, the demo and per-medium tables, the notes.

Draws and formats a :class:`iece.paper.fig1c.Fig1cResult`; solves nothing.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...report import style
from ...report.markdown import fields, fill, md_table
from .. import choices, fig1c, quoted
from .common import PALETTE

HOUR_S = fig1c.HOUR_S
_LS = ["-", "--", "-.", ":"]

#: The page's notes: one macro per note; fields are the result's record names, ``params``,
#: its typed fields and the quoted numbers by name.
NOTES = """
{% macro iece() %}
With D = {{ params.D_m2_per_s|f(".1e") }} m²/s: x = {{ x_iece_1h|f(".3f") }} after 1 h,
{{ x_iece_4h|f(".4f") }} after {{ IECE_COMPLETE_H.value|f("g") }} h
(95 % at {{ t95_iece_h|f(".3g") }} h). 1S-1S energy after 1 h: {{ E_iece_1h_eV|f(".3f") }} eV
for the graded NC ({{ E_iece_1h_alloy_eV|f(".3f") }} eV for a homogeneous alloy of the same x);
paper: {{ IECE_1S_1H_EV.value }} eV. The paper gives D only as 'near ~10^-22'; over D within
{{ NEAR_DECADES|f("g") }} decade of it the 1 h energy spans
{{ E_iece_1h_range_eV[0]|f(".2f") }}-{{ E_iece_1h_range_eV[1]|f(".2f") }} eV, and
D = {{ D_joint_m2_per_s|f(".1e") }} m²/s gives {{ E_iece_1h_joint_eV|f(".2f") }} eV with
x(4 h) = {{ x_iece_4h_joint|f(".3f") }}.
{% endmacro %}

{% macro ce() %}
{% if ce_problem %}
The CE model cannot be calibrated with outside '{{ params.outside }}': {{ ce_problem }}
{% else %}
CE: calibrated D = {{ D_ce_m2_per_s|f(".2e") }} m²/s ({{ D_iece_over_D_ce|f(".0f") }}x below
the IE-CE value). x = {{ x_ce_1h|f(".3f") }} at 1 h and **{{ x_ce_48h|f(".3f") }} at
{{ CE_INCOMPLETE_H.value|f("g") }} h**. The D(c) variant
(D_HgSe/D_CdSe = {{ params.D_hg_over_D_cd|f("g") }}, same x at 1 h) gives
{{ x_ce_48h_Dc_variant|f(".3f") }} at {{ CE_INCOMPLETE_H.value|f("g") }} h.
{% endif %}
{% endmacro %}

{% macro user_fit() %}
{% if user and not user.determined %}
Your data: **D is undetermined**: x changes by at most {{ user.x_spread|f(".3g") }} over your
times, which its noise ({{ user.sigma_x|f("g") }}) explains
(p = {{ user.p_no_change|f(".2g") }} for no change), so no rate can be taken from it and the
error of D is undetermined too. Times that cover the rise of x constrain D.
{% elif user %}
Your data: D = {{ user.D_m2_per_s|f(".3e") }} ± {{ user.D_stderr_m2_per_s|f(".1e") }} m²/s
(single D); best model by AIC: {{ user.best_model }}.
{% if user.at_bounds %}
**log10 D ended on its bound**: the value is set by the bound, not by your data.
{% elif user.D_stderr_m2_per_s is not finite %}
**The error of D is undetermined**: your data do not constrain D (for example, x is already
complete, or constant, at every time).
{% endif %}
{% endif %}
{% endmacro %}
"""


#: Numbers a note names besides the result's and the quoted ones.
CONSTANTS = {"NEAR_DECADES": choices.NEAR_DECADES}


def notes(res: fig1c.Fig1cResult) -> dict[str, str]:
    """The page's notes, filled from ``res`` (``iece``, ``ce``, and ``user_fit`` with a user
    file)."""
    return fill(NOTES, fields(res, **quoted.ALL, **CONSTANTS))


def kinetics(res: fig1c.Fig1cResult):
    """Band energy, exchanged fraction, radial profiles and the room-temperature course."""
    p, ie, ce, t = res.params, res.iece, res.ce, res.time_s
    fig, axes = plt.subplots(2, 2, figsize=(8, 6))
    ax = axes[0, 0]
    th = np.maximum(t / HOUR_S, 1e-3)
    c_al, c_cs = PALETTE["alloy"], PALETTE["core/shell"]
    ax.plot(th, ie.energy_graded_eV, color=c_al, label="IE-CE model (graded NC)")
    ax.plot(th, ie.energy_alloy_eV, color=c_al, ls=":", label="IE-CE, as homogeneous alloy")
    if ce is not None:
        ax.plot(th, ce.energy_graded_eV, color=c_cs, ls="--", label="CE two-regime model")
    for hh, e, kind in fig1c.QUOTED_POINTS.values():
        absorption = kind == "Abs"
        ax.plot(
            max(hh, 1e-3),
            e,
            ls="none",
            marker="*" if absorption else "v",
            ms=9 if absorption else 6,
            mfc="k" if absorption else "white",
            mec="k",
        )
    ax.plot([], [], "k*", ls="none", label="quoted, absorption")
    ax.plot([], [], "v", mfc="white", mec="k", ls="none", label="quoted, PL")
    ax.set(
        xscale="log",
        xlabel="time (h)",
        ylabel="1S-1S energy (eV)",
        title=f"(c) band energy, {p['diameter_nm']:g} nm, outside '{p['outside']}'",
    )
    # lower left: the curves start near 2 eV and fall only after 0.1 h, so the corner is empty
    ax.legend(frameon=False, fontsize=6, loc="lower left")
    ax = axes[0, 1]
    ax.plot(th, ie.x, color=c_al, label="IE-CE")
    if ce is not None:
        ax.plot(th, ce.x, color=c_cs, ls="--", label="CE")
    ax.axhline(0.95, color="0.5", lw=0.8, ls=":")
    ax.set(xscale="log", xlabel="time (h)", ylabel="Hg fraction x", title="exchanged fraction")
    ax.legend(frameon=False, fontsize=7)
    ax = axes[1, 0]
    cols = style.ramp(len(res.profile_hours))
    for k, hh in enumerate(res.profile_hours):
        i = int(np.argmin(np.abs(t - hh * HOUR_S)))
        ax.step(ie.shell_r_nm, ie.profiles[i], where="mid", color=cols[k], label=f"IE-CE {hh:g} h")
        if ce is not None:
            ax.step(ce.shell_r_nm, ce.profiles[i], where="mid", color=cols[k], ls="--")
    ax.plot([], [], "k--", label="CE (same times)")
    ax.set(xlabel="radius (nm)", ylabel="Hg fraction C(r)", title="radial profiles")
    # the profiles fill the panel from 0 to 1: the legend goes beneath it
    ax.legend(frameon=False, fontsize=6, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.22))
    ax = axes[1, 1]
    trt = res.time_rt_s / HOUR_S
    ax.plot(trt, res.x_rt_with_ag, color="k", label=f"with Ag (D = {res.D_rt_m2_per_s:.0e} m²/s)")
    ax.plot(
        trt, res.x_rt_without_ag, color="k", ls="--", label=f"without Ag (D/{p['ag_factor']:g})"
    )
    ax.set(
        xlabel="time (h)", ylabel="Hg fraction x", title="room temperature, no thiols", ylim=(0, 1)
    )
    ax.legend(frameon=False, fontsize=7)
    fig.tight_layout()
    return fig


def user_fit(res: fig1c.Fig1cResult):
    """The user's time course and each model's fitted curve."""
    u = res.user
    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot(u.time_s / 60, u.x, "ko", mfc="none", label="your data")
    for (m, curve), ls in zip(u.curves_x.items(), _LS):
        ax.plot(u.curve_time_s / 60, curve, ls=ls, color="k", label=m)
    ax.set(xlabel="time (min)", ylabel="Hg fraction x")
    ax.legend(frameon=False, fontsize=7)
    return fig


def demo_table(res: fig1c.Fig1cResult) -> str:
    """The fitting demo: per data set and model, D with its error, reduced χ² and AIC."""
    rows = []
    for d in res.demo:
        D, err = d.fit.D_m2_per_s
        s = d.fit.stats
        rows.append(
            (d.data, d.model, f"{D:.3e} ± {err:.1e}", f"{s['redchi']:.2f}", f"{s['aic']:.1f}")
        )
    return md_table(("data", "model", "D (m²/s)", "reduced χ²", "AIC"), rows)


def medium_table(res: fig1c.Fig1cResult) -> str:
    """The predictions under every outside medium (a medium the CE cannot be calibrated in
    says why in the D column)."""
    rows = [
        (name, f"{r.E_iece_1h_eV:.3f}", r.problem, "")
        if r.problem
        else (name, f"{r.E_iece_1h_eV:.3f}", f"{r.D_ce_m2_per_s:.2e}", f"{r.x_ce_48h:.3f}")
        for name, r in res.by_medium.items()
    ]
    header = ("outside", "E(IE-CE, 1 h) (eV)", "CE calibrated D (m²/s)", "x(CE, 48 h)")
    return md_table(header, rows)
