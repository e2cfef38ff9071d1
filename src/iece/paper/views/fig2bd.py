"""Fig. 2a-d page: the model spectra and their deconvolutions, the user's spectrum, the tables
of transitions and per-medium reductions, the notes.

Draws and formats a :class:`iece.paper.fig2bd.Fig2bdResult`; solves nothing.
"""

from __future__ import annotations

import inspect

import matplotlib.pyplot as plt
from matplotlib.legend_handler import HandlerTuple

from ...physics import spectra
from ...report.markdown import fields, fill, md_table
from .. import fig2bd, quoted
from .common import PALETTE, SERIES_STYLES, bound_note

#: The page's notes: one macro per note; fields are the result's record names, ``params``,
#: its typed fields, the quoted numbers and :data:`CONSTANTS` by name.
NOTES = """
{% macro model() %}
1S-1S area relative to CdSe (per NC): core/shell {{ (1 - reduction_1s_core_shell)|f(".3f") }}
(a reduction of **{{ (100 * reduction_1s_core_shell)|f(".0f") }} %**; paper:
{{ (100 * REDUCTION_1S.value)|f(".0f") }} %), alloy {{ (1 - reduction_1s_alloy)|f(".3f") }}.
From the EMA strengths directly: {{ (100 * reduction_1s_core_shell_ema)|f(".0f") }} %. Shape
similarity to CdSe after aligning the 1S bands (cosine, {{ SHAPE_WINDOW_EV[0]|f("+.1f") }} to
{{ SHAPE_WINDOW_EV[1]|f("+.1f") }} eV): alloy {{ alloy_shape_similarity|f(".3f") }},
core/shell {{ core_shell_shape_similarity|f(".3f") }}. Share of the fitted area in the 1S band:
CdSe {{ a1s_fraction_CdSe|f(".3f") }}, core/shell {{ a1s_fraction_core_shell|f(".3f") }},
alloy {{ a1s_fraction_alloy|f(".3f") }}.
{% endmacro %}

{% macro method() %}
Recovered reduction: **{{ (100 * recovered_reduction_1s)|f(".1f") }} %** with our bounds
(a_i >= 0, dR <= 0.5) and **{{ (100 * recovered_reduction_1s_unbounded)|f(".1f") }} %**
fitted as the Methods describe (a_i and dR unbounded); planted:
{{ (100 * REDUCTION_1S.value)|f(".0f") }} %.
{% endmacro %}
"""
#: Numbers a note names besides the result's and the quoted ones: the window of
#: :func:`iece.physics.spectra.shape_similarity` (its one definition).
CONSTANTS = {
    "SHAPE_WINDOW_EV": inspect.signature(spectra.shape_similarity).parameters["window"].default
}


def notes(res: fig2bd.Fig2bdResult) -> dict[str, str]:
    """The page's notes, filled from ``res`` (``model``, ``method``)."""
    return fill(NOTES, fields(res, **quoted.ALL, **CONSTANTS))


def labels(res: fig2bd.Fig2bdResult) -> dict:
    """Each model NC's name on the page, with its composition."""
    return {
        "CdSe": "CdSe",
        "core/shell": f"CdSe/HgSe (CE), x = {res.model.x_core_shell:.2f}",
        "alloy": f"Hg$_x$Cd$_{{1-x}}$Se (IE-CE), x = {res.params['alloy_x']:.2f}",
    }


def _deconvolution(ax, E, A, d, title, color, near=None):
    ax.plot(E, A, color=color, lw=2.5, alpha=0.45, label="spectrum")
    b1 = d.band_1s(near)
    other = "other Gaussians"
    for i, t in enumerate(d.transitions):
        comp = d.component(E, i)
        if abs(t["center_eV"] - b1["center_eV"]) <= spectra.CENTER_WINDOW_EV:
            first = t["center_eV"] == b1["center_eV"]
            ax.fill_between(
                E, comp, color="#c0392b", alpha=0.6, lw=0, label="1S-1S" if first else None
            )
        else:
            ax.plot(E, comp, color="0.55", lw=1, label=other)
            other = None  # one legend entry for all of them
    ax.plot(E, d.result.best_fit, "k:", lw=1.5, label="sum of Gaussians")
    ax.set(title=title, xlabel="energy (eV)")


def deconvolution(res: fig2bd.Fig2bdResult):
    """(a) the three model spectra per NC, (b)-(d) each deconvolved into Gaussians."""
    E, m = res.energy_eV, res.model
    names = labels(res)
    fig, axes = plt.subplots(1, 4, figsize=(11, 3.3), sharey=True)
    for k, v in m.nc.items():
        axes[0].plot(E, v.absorbance, color=PALETTE[k], ls=SERIES_STYLES[k], label=names[k])
    axes[0].set(
        title="(a) per NC, simulated from the EMA",
        xlabel="energy (eV)",
        ylabel="absorbance per NC (AU)",
    )
    # the spectra fill every panel: the legends go beneath them
    below = {"frameon": False, "fontsize": 6, "loc": "upper center"}
    axes[0].legend(**below, bbox_to_anchor=(0.5, -0.25))
    for ax, (k, v), letter in zip(axes[1:], m.nc.items(), "bcd"):
        _deconvolution(
            ax,
            E,
            v.absorbance,
            v.fit,
            f"({letter}) {names[k]}",
            PALETTE[k],
            v.transitions[0]["energy_eV"],
        )
    # one legend for (b)-(d), beneath (c): each entry once, the spectrum in its three colours
    entries = {}
    for ax in axes[1:]:
        for h, label in zip(*ax.get_legend_handles_labels()):
            entries.setdefault(label, []).append(h)
    entries["spectrum"] = tuple(entries["spectrum"])
    axes[2].legend(
        [h if isinstance(h, tuple) else h[0] for h in entries.values()],
        list(entries),
        handler_map={tuple: HandlerTuple(ndivide=None, pad=0)},
        ncol=2,
        **below,
        bbox_to_anchor=(0.5, -0.25),
    )
    fig.tight_layout()
    return fig


def user_spectrum(res: fig2bd.Fig2bdResult):
    """The user's spectrum, deconvolved."""
    u = res.user
    fig, ax = plt.subplots(figsize=(5, 3.4))
    _deconvolution(ax, u.energy_eV, u.absorbance, u.fit, "your spectrum", "0.3")
    ax.set_ylabel("absorbance (AU)")
    # beneath: a measured spectrum may fill any corner
    ax.legend(frameon=False, fontsize=7, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    return fig


def transitions_table(d) -> str:
    """Transitions of one :class:`~iece.physics.spectra.Deconvolution`, its dR and the BIC by
    number of transitions."""
    rows = [
        (
            i + 1,
            f"{t['center_eV']:.4f} ± {t['center_stderr']:.1g}",
            f"{t['area']:.4g} ± {t['area_stderr']:.1g}",
        )
        for i, t in enumerate(d.transitions)
    ]
    flag = bound_note(d.at_bounds)
    if not d.errors_determined:
        flag += (
            f" Some errors are undetermined (nan): the {d.n} transitions overlap more than the"
            " data resolve; try fewer (`n_transitions`) or a narrower window."
        )
    bic = ", ".join(f"{n}: {v:.1f}" for n, v in sorted(d.bic_by_n.items()))
    return (
        md_table(("transition", "E_i (eV)", "a_i"), rows)
        + f"\n\ndR = {d.dR[0]:.4f} ± {d.dR[1]:.1g}; BIC by number of transitions: {bic} "
        f"(the lowest is chosen).{flag}"
    )


def user_table(res: fig2bd.Fig2bdResult) -> str:
    """The user's bulk gap and the transitions of their spectrum."""
    return f"E_g = {res.user.Eg_eV:.3f} eV.\n\n" + transitions_table(res.user.fit)


def models_table(res: fig2bd.Fig2bdResult) -> str:
    """Per model NC: its gap, EMA transitions and the transitions its deconvolution finds."""
    names, parts = labels(res), []
    for k, v in res.model.nc.items():
        ts = ", ".join(
            f"{t['label']} {t['energy_eV']:.3f} eV strength {t['strength']:.3f}"
            for t in v.transitions
        )
        parts.append(
            f"**{names[k]}** (E_g = {v.Eg_eV:.3f} eV; EMA transitions: {ts})\n\n"
            + transitions_table(v.fit)
        )
    return "\n\n".join(parts)


def medium_table(res: fig2bd.Fig2bdResult) -> str:
    """The noise-free model under every outside medium."""
    rows = []
    for name, m in res.by_medium.items():
        if isinstance(m, str):
            rows.append((name, f"no core/shell matches the alloy's energy ({m})", "", "", ""))
            continue
        rows.append(
            (
                name,
                f"{m.x_core_shell:.3f}",
                f"{100 * m.reduction_1s_core_shell:.1f} %",
                f"{100 * m.reduction_1s_core_shell_ema:.1f} %",
                f"{m.alloy_shape_similarity:.3f}",
            )
        )
    header = (
        "outside",
        "core/shell x",
        "1S reduction, core/shell (fit)",
        "from EMA strengths",
        "alloy shape similarity",
    )
    return md_table(header, rows)
