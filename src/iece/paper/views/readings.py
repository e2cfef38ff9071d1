"""The readings page: the map of EMA claims reproduced per pair of outside levels, the radial
densities of the literal and the best reading, and the claim x reading and reading tables.

Draws and formats a :class:`iece.paper.readings.ReadingsResult`; solves nothing (the densities
are solved by :func:`iece.paper.readings.densities`). The kernel shows the scan's own note
(:func:`scan_note`); everything that needs a verdict per reading is :func:`judge`'s, the
paper bundle's judge hook for the page (``JUDGES["readings"]``), which the pipeline calls after
the run with the tables the kernel saved and the ledger.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...physics import ema
from ...pipeline import verdicts
from ...pipeline.judged import Figure, Judged
from ...report import style
from ...report.markdown import fields, fill, md_table
from .. import ema_numbers, quoted, readings
from .common import PALETTE

#: The page's notes: ``scan``, the kernel's (numbers that need no ledger,
#: :func:`iece.paper.readings.scanned`); ``summary``, ``caveats``, ``readings`` and ``kane``,
#: the judge's (:func:`iece.paper.readings.summarize`). Fields: the records by name, the quoted
#: numbers by name and ``value`` (the records, for names built in the template).
NOTES = """
{% macro scan() %}
The scan holds {{ n_readings }} readings of the Methods' open EMA choices; the paper's words allow
{{ n_readings_text_allowed }} of them. Among those, the electron's share of the shell is at most
{{ max_e_shell_enrichment_text_readings|f(".2f") }} times the shell's share of the volume, and
{{ n_text_readings_not_computable }} leave a carrier unbound somewhere in the size series. The
literal reading: {{ literal_reading }}.
{% endmacro %}

{% macro finding() %}
{% if min_energy_3p3nm_depletion_readings_eV is string %}
No reading the text allows reproduces the depletion of Fig. S5 (up to
{{ DEPLETION_MAX.value|f(".0%") }}), so the question whether it could also give the measured
infrared gaps does not arise.
{% elif n_text_readings_depletion_and_infrared == 0 %}
**The depletion of Fig. S5 and the infrared gaps the paper measures cannot both come out of the
Methods as written.** {{ n_text_readings_depletion }} of {{ n_readings_text_allowed }} readings
the text allows reproduce the depletion (up to {{ DEPLETION_MAX.value|f(".0%") }}, growing with
size, as one sentence of the paper says). In them no
{{ DIAMETER_PROTOTYPE_NM.value|f("g") }} nm core/shell of any composition, up to pure HgSe,
comes below {{ min_cs_energy_3p3nm_depletion_readings_eV|f(".2f") }} eV, where the paper
measures {{ CE_1S_1H_EV.value|f(".2f") }} eV after 1 h of CE; the alloys get down to
{{ min_alloy_energy_3p3nm_depletion_readings_eV|f(".2f") }} eV, where it measures
{{ IECE_1S_1H_EV.value|f(".2f") }} eV after 1 h of IE-CE (PL at
{{ IECE_PL_1H_EV.value|f(".2f") }} eV). Within the ledger's tolerance,
{{ n_text_readings_depletion_and_ce }} of them reach the CE gap and
{{ n_text_readings_depletion_and_iece }} the IE-CE gap; none reaches both: the closest stays
{{ infrared_miss_depletion_readings_eV|f(".2f") }} eV above one of the two, so the finding
holds for any tolerance below that. {{ n_text_readings_infrared }} of
{{ n_readings_text_allowed }} readings reach both gaps, and none of those depletes. Taken
without its size trend, the {{ DEPLETION_MAX.value|f(".0%") }} comes with both gaps in
{{ n_text_readings_67_and_infrared }} readings, in none of which does the depletion grow with
size.
{% else %}
{{ n_text_readings_depletion_and_infrared }} readings the text allows reproduce the depletion of
Fig. S5 and also reach the infrared gaps the paper measures
({{ CE_1S_1H_EV.value|f(".2f") }} eV CE and {{ IECE_1S_1H_EV.value|f(".2f") }} eV IE-CE at
{{ DIAMETER_PROTOTYPE_NM.value|f("g") }} nm after 1 h).
{% endif %}
{% endmacro %}

{% macro summary() %}
Of {{ n_readings }} readings of the Methods' open EMA choices, the paper's words allow
**{{ n_readings_text_allowed }}**: x is the shell's volume ("total mercury composition"), the
depletion is of oscillator strength (phi squared), and the barriers are finite.
{{ n_text_readings_all_claims }} of {{ n_readings_text_allowed }} reproduce all
{{ n_ema_claims }} EMA claims at once; the best reproduces {{ best_text_reading_claims }} and
misses {{ best_text_reading_misses }}. {{ finding() }}
{% endmacro %}

{% macro caveats() %}
A reviewer's caveats: a one-band EMA with parabolic masses, as the Methods state, is crude for
HgSe (its conduction band is strongly non-parabolic; see the Kane section); the scan covers
outside levels and masses on a grid, not a continuum; {{ n_text_readings_not_computable }}
readings the text allows leave a carrier unbound somewhere in the size series and count as not
depleting; the 3.3 nm energies are bounds over every composition, so no kinetic model enters
them; a reading counts as reaching a measured gap within the ledger's tolerance. Readings the
text rules out are counterfactuals: the best of all ({{ best_reading_claims }} claims) is
{{ best_reading }}; it needs {{ best_reading_counterfactual }}. Over all readings,
{{ n_readings_all_claims }} reproduce every claim and {{ n_readings_depletion_and_infrared }}
have both the depletion and the infrared gaps.
{% endmacro %}

{% macro readings() %}
Literal reading ({{ literal_reading_claims }} claims): {{ literal_reading }}. Best reading the
text allows ({{ best_text_reading_claims }} claims): {{ best_text_reading }}; CdSe sizing RMS
{{ best_text_reading_cdse_sizing_rms_eV|f(".2f") }} eV.
{% endmacro %}

{% macro kane() %}
{% if kane_models is defined %}
A counterfactual, not the Methods: HgSe's conduction band is strongly non-parabolic, so the
electron's mass is made energy-dependent (two-band Kane, m(E) = m_edge (1 + (E - E_c)/E_g) in
every layer; holes stay parabolic). Over the {{ n_readings_text_allowed }} readings the text
allows:
{% for model in kane_models.split(", ") %}{% set k = "kane_" ~ model.replace("-", "_") %}
**{{ model }}**: {{ value[k ~ "_n_text_readings_depletion"] }} readings deplete and
{{ value[k ~ "_n_text_readings_infrared"] }} reach the measured gaps,
{{ value[k ~ "_n_text_readings_depletion_and_infrared"] }} do both
{%- if value[k ~ "_min_cs_energy_3p3nm_depletion_readings_eV"] is not string -%}
; where the depletion comes out, no 3.3 nm core/shell gets below
{{ value[k ~ "_min_cs_energy_3p3nm_depletion_readings_eV"]|f(".2f") }} eV
{%- endif -%}
{{ "; " if not loop.last else "" }}
{%- endfor -%}
. The Kane mass
{{ "does not let any reading the text allows have both"
   if kane_n_text_readings_depletion_and_infrared == 0
   else "lets some readings the text allows have both" }}: the depletion and the infrared gaps.
{% endif %}
{% endmacro %}
"""
#: What the Kane section says when the run saved no Kane scan (a user's run may not).
NO_KANE = "No Kane scan was saved in this run, so the counterfactual is not shown."
#: The judge's notes, in the page's order.
JUDGED_NOTES = ("summary", "caveats", "readings", "kane")


def notes(res) -> dict[str, str]:
    """The judge's notes (:data:`JUDGED_NOTES`), filled from a
    :class:`iece.paper.readings.ReadingsResult` (``kane`` only with the Kane scans)."""
    values = {name: n.value for name, n in res.numbers.items()}
    return fill(NOTES, fields(res, **quoted.ALL, value=values), only=JUDGED_NOTES)


def scan_note(res) -> str:
    """The kernel's note on the scan, filled from :func:`iece.paper.readings.scanned`."""
    return fill(NOTES, fields(res), only=("scan",))["scan"]


def _mark_readings(ax, res: readings.ReadingsResult, levels):
    """On the text-allowed panel: the plausible region (outside levels between the common level
    and the vacuum level), the literal reading (both levels 0) and the best reading's levels."""
    from matplotlib.patches import Rectangle

    vac = ema.outside_medium("vacuum")
    lv = np.asarray(levels)
    ie = np.flatnonzero((lv >= 0) & (lv <= vac.Ve_eV))
    ih = np.flatnonzero((lv >= 0) & (lv <= vac.Vh_eV))
    ax.add_patch(
        Rectangle(
            (ie[0], ih[0]),
            ie[-1] - ie[0] + 1,
            ih[-1] - ih[0] + 1,
            fill=False,
            ec=PALETTE["literature"],
            lw=1.5,
            ls="--",
            label=f"plausible: up to the vacuum level ({vac.Ve_eV:.2f}, {vac.Vh_eV:.2f} eV)",
        )
    )
    i0 = int(np.flatnonzero(lv == 0)[0])
    ax.add_patch(Rectangle((i0, i0), 1, 1, fill=False, ec="k", lw=2, label="literal reading"))
    t, b = res.table, res.best
    ib = int(np.flatnonzero(lv == t["level_e_eV"][b])[0])
    jb = int(np.flatnonzero(lv == t["level_h_eV"][b])[0])
    ax.plot(ib + 0.8, jb + 0.8, "*", color="k", ms=7, label="best reading the text allows")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.18), fontsize=6, frameon=False)


def claims_map(res: readings.ReadingsResult):
    """Per pair of outside levels: the most EMA claims a reading reproduces, among the readings
    the text allows (left) and among those it rules out (right, counterfactual). A seaborn
    heatmap with the counts written in."""
    import seaborn as sns  # here, not at the top: only this figure pays its import

    t, count, text = res.table, res.count, res.masks["text_allowed"]
    everywhere = sorted(set(t["level_e_eV"]))
    n_claims = len(res.claims)
    fig, axes = plt.subplots(1, 2, figsize=(9.5, 5.2))
    panels = (
        (text, "what the text allows: x = shell volume,\nphi$^2$ depletion, finite barriers"),
        (~text, "counterfactual: what the text rules out\n(shell thickness, phi depletion, walls)"),
    )
    for ax, (sel, title) in zip(axes, panels):
        levels = [v for v in everywhere if np.isfinite(v)] if sel is text else everywhere
        labels = ["wall" if np.isinf(v) else f"{v:g}" for v in levels]
        grid = np.full((len(levels), len(levels)), np.nan)
        for i, le in enumerate(levels):
            for j, lh in enumerate(levels):
                m = sel & (t["level_e_eV"] == le) & (t["level_h_eV"] == lh)
                grid[j, i] = count[m].max() if m.any() else np.nan
        sns.heatmap(
            grid,
            ax=ax,
            vmin=0,
            vmax=n_claims,
            cmap="Greys",
            annot=True,
            fmt=".0f",
            annot_kws={"fontsize": 6},
            cbar=ax is axes[-1],
            cbar_kws={"label": f"EMA claims reproduced (of {n_claims})"},
            xticklabels=labels,
            yticklabels=labels,
            square=True,
            linewidths=0.3,
            linecolor="white",
        )
        ax.invert_yaxis()
        if sel is text:
            _mark_readings(ax, res, levels)
        ax.set_title(title, fontsize=8)
        ax.set_xlabel("electron outside level (eV)", fontsize=8)
        ax.set_ylabel("hole outside level (eV)", fontsize=8)
        ax.tick_params(labelsize=6)
    fig.tight_layout()
    return fig


def wavefunctions(res: readings.ReadingsResult):
    """Radial densities at 4 nm, x = 0.4: the literal reading and the best one the text allows
    (:attr:`~iece.paper.readings.ReadingsResult.densities`)."""
    t, radius = res.table, ema_numbers.D_FIG2 / 2
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), sharey=True)
    for ax, key, i, title in (
        (axes[0], "literal", res.literal, "literal reading"),
        (axes[1], "best", res.best, "best reading the text allows"),
    ):
        d = res.densities[key]
        r = d.r_nm
        for psi, label, ls in ((d.psi_e, "electron", "-"), (d.psi_h, "hole", "--")):
            ax.plot(r, 4 * np.pi * r**2 * psi**2, color="k", ls=ls, label=label)
        ax.axvline(d.core_radius_nm, color="0.5", ls=":", lw=0.8)
        ax.axvline(radius, color="k", lw=0.8)
        ax.set(xlabel="radius r (nm)", title=title, xlim=(0, radius + 1))
        ax.text(
            0.02,
            0.97,
            readings.describe(t, i).replace("; ", "\n"),
            transform=ax.transAxes,
            fontsize=5.5,
            va="top",
        )
    axes[0].set_ylabel("$4\\pi r^2|\\psi|^2$ (nm$^{-1}$)")
    axes[1].legend(frameon=False, loc="upper right")
    fig.tight_layout()
    return fig


def claims_table(rows: dict, passed: dict, claims: list) -> str:
    """The claim x reading table: for each EMA claim and each diagnostic that a reading can
    address (rows), whether each named reading (columns: ``rows["label"]``, from
    :func:`iece.paper.readings.named`) passes the ledger's own check."""
    body = []
    for c in claims:
        if c.id not in passed:
            continue
        kind = "" if c.kind == "claim" else " (diagnostic)"
        marks = ["**yes**" if ok else "no" for ok in passed[c.id]]
        body.append([f"{c.id}{kind}: {c.quantity}", *marks])
    return md_table(["ledger entry", *rows["label"]], body)


def described_table(rows: dict) -> str:
    """What each named reading assumes and where its carriers sit (4 nm core/shell, x = 0.4),
    with the lowest 1S-1S energy any 3.3 nm NC reaches in it."""
    body = []
    for i, label in enumerate(rows["label"]):
        what = readings.describe(rows, i)
        cf = readings.counterfactual(rows, i)
        if cf:
            what += f" (counterfactual: {cf})"
        body.append(
            [
                label,
                what,
                f"{rows['e_in_shell'][i]:.0%} / {rows['e_outside'][i]:.0%} "
                f"({rows['e_shell_enrichment'][i]:.2f} x uniform)",
                f"{rows['h_in_shell'][i]:.0%} ({rows['h_shell_enrichment'][i]:.2f} x uniform)",
                f"{rows['min_cs_energy_3p3nm_eV'][i]:.2f}, "
                f"{rows['min_alloy_energy_3p3nm_eV'][i]:.2f}",
            ]
        )
    header = ["reading", "what it assumes", "electron in the shell / outside", "hole in the shell"]
    return md_table([*header, "lowest 3.3 nm core/shell, alloy (eV)"], body)


def judge(tables: dict, claims: list) -> Judged:
    """The judge hook of the readings page: the ledger's own checks over every reading of the
    kernel's tables (``readings``, the Kane scans ``kane_<model>`` and ``presets``), the
    records of :func:`iece.paper.readings.summarize` that the kernel did not record, and the
    page's sections: ``summary``, ``map``, ``wavefunctions``, ``named`` and ``kane``."""
    style.use()  # the figures are saved with the project's style, as the kernel's are
    table = tables["readings"]
    kane = {
        model: (t, verdicts.reading_map(claims, t))
        for model in ema.KANE_MODELS
        if (t := tables.get(readings.kane_table(model))) is not None
    }
    res = readings.summarize(table, verdicts.reading_map(claims, table), kane=kane or None)
    kernel = readings.scanned(table).numbers
    out = Judged(params={}, numbers={k: n for k, n in res.numbers.items() if k not in kernel})
    named = readings.named(table, res, tables["presets"])
    text = notes(res)
    caption_map = "no panel of the paper: EMA claims of Fig. 2e-g, S5, S6, S8 per reading"
    out.sections = {
        "summary": [text["summary"], text["caveats"]],
        "map": [Figure(claims_map(res), "readings_map", "computed", caption_map)],
        "wavefunctions": [
            Figure(
                wavefunctions(res),
                "readings_wavefunctions",
                "computed",
                "Fig. 2f under the literal and the best reading",
            ),
            text["readings"],
        ],
        "named": [
            claims_table(named, verdicts.reading_map(claims, named), claims),
            described_table(named),
        ],
        "kane": [text["kane"]] if "kane" in text else [NO_KANE],
    }
    return out
