"""The checks page: the CdSe sizing plot, the arithmetic, sizing, absorption and amounts tables,
the Methods' material parameters against the literature, and the notes (shell, thiol, HgSe's
hole mass).

Draws and formats a :class:`iece.paper.checks.ChecksResult`; solves nothing.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt

from ...physics import materials as mat
from ...physics import sizing
from ...report.markdown import fields, fill, md_code, md_escape, md_table
from .. import checks, literature, quoted
from .common import LINESTYLES

_UNIT_TEXT = {"m0": " m₀", "eV": " eV", "nm": " nm", "1": ""}


def _value(v: float, unit: str) -> str:
    """A material parameter with its unit (``—`` when there is none)."""
    return "—" if math.isnan(v) else f"{v:g}{_UNIT_TEXT[unit]}"


def _source(row: dict) -> str:
    """The DOI, or the work and the page it was read on (pages render Markdown links as text,
    so addresses are shown, not linked)."""
    if row["doi"]:
        return f"doi:{md_escape(row['doi'])}"
    if row["url"]:
        return f"{md_escape(row['source'] or 'page')}, read at {md_code(row['url'])} (no DOI)"
    if row["source"]:
        return f"{md_escape(row['source'])} (no publisher page stored)"
    return "—"


#: The page's notes: one macro per note; fields are the result's record names, ``params``,
#: its typed fields, the quoted numbers and :data:`CONSTANTS` by name.
NOTES = """
{% macro shell() %}
Monolayer thicknesses ({{ params.monolayer }} convention): CdS {{ layers.CdS|f(".4f") }} nm,
Cd0.5Zn0.5S {{ layers.CdZnS|f(".4f") }} nm, ZnS {{ layers.ZnS|f(".4f") }} nm. Predicted
diameter **{{ shell_diameter_nm|f(".2f") }} nm** (paper: {{ SHELL_FINAL_NM.value }} nm by TEM).
{% endmacro %}

{% macro thiol() %}
Thiol per surface Cd (one (111) layer) at the lower equivalent, {{ THIOL_PER_CD.low|f("g") }}
per Cd:
{% for d, v in thiol_series.items() -%}
{{ v|f(".2f") }} at {{ d|f("g") }} nm
{%- if d == DIAMETER_PROTOTYPE_NM.value %} (the prototype){% endif %}
{{- ", " if not loop.last }}
{%- endfor %}. It reaches one per surface Cd from
{{ thiol_min_covers_surface_from_nm|f(".2f") }} nm up,
{{ thiol_min_covers_surface_share_of_series|f(".0%") }} of the
{{ SIZE_SERIES_NM.low|f(".1f") }}-{{ SIZE_SERIES_NM.high|f(".1f") }} nm series; the upper
equivalent, {{ THIOL_PER_CD.high|f("g") }} per Cd, gives
{{ thiol_per_surface_cation_max_smallest|f(".2f") }} per surface Cd even at
{{ SIZE_SERIES_NM.low|f("g") }} nm.
{% endmacro %}

{% macro materials_hgse_hole() %}
{% set mh = materials|selectattr("parameter", "equalto", "HGSE.mh")|first %}
{% set me = materials|selectattr("parameter", "equalto", "HGSE.me")|first %}
**HgSe's hole mass.** The Methods give HgSe a hole mass of {{ mass(mh.paper, "m0") }}, lighter
than its electron ({{ mass(me.paper, "m0") }}). We found
{{ "no public source" if mh.status == NO_SOURCE else "a source" }} that states a heavy- or
light-hole mass of HgSe with a DOI. The one HgSe band-structure abstract we found
({{ source(mh) }}{{ "" if mh.url or mh.doi else ", seen only on a page that is not a source" }})
fits the mass of electrons in what it calls the Γ8 conduction band of HgSe: HgSe's bands are
inverted. Our reading: the light Γ8 branch, a light-hole band in CdSe, is HgSe's conduction
band, and the valence band at HgSe's gap is the heavy Γ8 branch. A hole mass of
{{ mass(mh.paper, "m0") }} is light-hole-like; whether it stands for that heavy band is not
stated, and no public value was found to check it.
{% endmacro %}
"""
#: Names a note uses besides the result's and the quoted ones: the material table's formats.
CONSTANTS = {"mass": _value, "source": _source, "NO_SOURCE": literature.NO_SOURCE}


def notes(res: checks.ChecksResult) -> dict[str, str]:
    """The page's notes, filled from ``res``: ``shell``, ``thiol`` and ``materials_hgse_hole``
    (what the sources say about the Methods' HgSe hole mass)."""
    return fill(NOTES, fields(res, **quoted.ALL, **CONSTANTS))


def sizing_plot(res: checks.ChecksResult):
    """The literature CdSe sizing curves, the paper's 3.3 nm point and the user's data."""
    fig, ax = plt.subplots(figsize=(4.2, 3))
    for (name, c), ls in zip(res.sizing.items(), LINESTYLES):
        ax.plot(c.diameter_nm, c.energy_eV, color="k", ls=ls, label=f"{name} (literature)")
    d, e = quoted.DIAMETER_PROTOTYPE_NM.value, quoted.CDSE_1S_EV.value
    ax.plot([d], [e], "k*", ms=12, ls="none", label=f"paper: {d:g} nm, {e:g} eV (quoted)")
    if res.user_sizing is not None:
        u = res.user_sizing
        ax.plot(u.diameter_nm, u.energy_eV, "o", mfc="none", color="0.3", label="your data")
    ax.set(xlabel="CdSe diameter (nm)", ylabel="1S-1S energy (eV)")
    ax.legend(frameon=False, fontsize=7)
    return fig


def _three(rows) -> str:
    """A statement, what we compute and what the paper says."""
    return md_table(["statement", "computed", "paper"], rows)


def arithmetic_table(res: checks.ChecksResult) -> str:
    """The paper's arithmetic: lattice mismatch, SWIR window, shifts, the CdSe gap, FWHMs."""
    q = quoted
    gap = mat.CDSE.gap_eV
    return _three(
        [
            (
                f"CdSe-HgSe lattice mismatch ({10 * mat.CDSE.a_nm:.2f} vs "
                f"{10 * mat.HGSE.a_nm:.2f} Å)",
                f"{res['lattice_mismatch_percent']:.3f} %",
                f"smaller than {q.LATTICE_MISMATCH_MAX_PERCENT.value:g} %",
            ),
            (
                f"SWIR {q.SWIR_NM.low:g} nm",
                f"{res['swir_1000nm_eV']:.4f} eV",
                f"{q.SWIR_EV.low} eV",
            ),
            (
                f"SWIR {q.SWIR_NM.high:g} nm",
                f"{res['swir_1700nm_eV']:.4f} eV",
                f"{q.SWIR_EV.high} eV",
            ),
            ("CE shift", f"{res['ce_shift_eV']:.2f} eV", f"{q.CE_SHIFT_EV.value} eV"),
            ("IE-CE shift", f"{res['iece_shift_eV']:.2f} eV", f"{q.IECE_SHIFT_EV.value} eV"),
            (
                f"CdSe gap {gap:g} eV as a wavelength",
                f"{res['cdse_gap_nm']:.0f} nm",
                "bandgaps comprise the entire infrared",
            ),
            (
                "smallest CE FWHM minus largest IE-CE FWHM",
                f"{res['fwhm_gap_ce_minus_iece_meV']:g} meV",
                "CE consistently broader",
            ),
            (
                "CdSe gap as a wavelength minus the infrared edge (default edge)",
                f"{res['cdse_gap_minus_ir_edge_nm']:.1f} nm",
                "at or inside the infrared edge",
            ),
            (
                "IE-CE PL energy after 1 h (quoted), against the SWIR window above",
                f"{res['iece_pl_1h_eV']:.2f} eV",
                "inside the SWIR",
            ),
        ]
    )


def sizing_table(res: checks.ChecksResult) -> str:
    """Each literature sizing curve at the prototype size against the paper's energy."""
    d, e = quoted.DIAMETER_PROTOTYPE_NM.value, quoted.CDSE_1S_EV.value
    return _three(
        [
            (f"{c.name} at {d:g} nm", f"{res[f'cdse_3p3nm_sizing_eV__{k}']:.3f} eV", f"{e} eV")
            for k, c in sizing.CURVES.items()
        ]
    )


def absorption_table(res: checks.ChecksResult) -> str:
    """Eq. 4: each quoted molar coefficient as an intrinsic coefficient at 400 nm."""
    eps = res.eps400
    return _three(
        [(f"{k}: {eps[k]} d³ cm⁻¹ µM⁻¹", f"µ₄₀₀ = {v:.3g} cm⁻¹", "") for k, v in res.mu400.items()]
        + [
            (
                "HgSe's µ₄₀₀ over the largest of the others",
                f"{res['mu400_hgse_over_best_other']:.3g}",
                "HgSe absorbs most",
            ),
            (
                "the quoted CdSe NPL µ₄₀₀ over the CdSe NC µ₄₀₀ above",
                f"{res['mu400_npl_over_cdse_nc']:.3g}",
                "the same material: near 1",
            ),
        ]
    )


def amounts_table(res: checks.ChecksResult) -> str:
    """The Methods' typical exchange: reagents per NC and per batch, the surface share, the
    NPL's cation-to-anion planes."""
    q, p, amt = quoted, res.params, res.amounts
    lo, hi = q.THIOL_PER_CD.value
    npl = q.NPL_CATION_ANION.value
    return _three(
        [
            (f"Cd per {p['diameter_nm']:g} nm NC", f"{amt['cd_per_nc']:.0f}", ""),
            (f"Hg per NC ({q.HG_PER_CD.value:g} eq)", f"{amt['hg_per_nc']:.0f}", ""),
            (f"Ag per NC ({q.AG_PER_CD_OPTIMUM.value:g} eq)", f"{amt['ag_per_nc']:.1f}", ""),
            (
                f"thiol per NC ({lo:g}-{hi:g} eq)",
                f"{amt['thiol_per_nc'][0]:.0f}-{amt['thiol_per_nc'][1]:.0f}",
                "",
            ),
            (f"{p['nc_nmol']:g} nmol NCs: Cd", f"{amt['cd_umol']:.1f} µmol", ""),
            (f"{q.HG_MOLAR.value:g} M Hg precursor", f"{amt['hg_uL']:.0f} µL", ""),
            (f"{q.AG_MOLAR.value:g} M Ag precursor", f"{amt['ag_uL']:.0f} µL", ""),
            (
                f"surface cations of {q.DIAMETER_PROTOTYPE_NM.value:g} nm CdSe (one (111) layer)",
                f"{100 * res.surface_fraction:.0f} % of Cd",
                f"thiol {lo:g}-{hi:g} per Cd exceeds it",
            ),
            (
                f"{q.NPL_MONOLAYERS.value:g} ML NPL cation:anion planes",
                f"{res['npl_cation_anion_ratio']:.2f}",
                f"near 5:4 ({npl:g})",
            ),
        ]
    )


def materials_table(table: list[dict]) -> str:
    """The Methods' material parameters (``ChecksResult.materials``): the paper's value, the
    literature value, its source (the DOI, or the page read when it shows no DOI), the
    agreement and a note."""
    rows = []
    for r in table:
        agree = "—" if math.isnan(r["rel_diff"]) else f"{r['rel_diff']:+.1%}"
        if r["status"] == "no DOI":
            agree += " (not a DOI source)"
        rows.append(
            [
                md_escape(r["quantity"]),
                _value(r["paper"], r["unit"]),
                _value(r["literature"], r["unit"]),
                _source(r),
                agree,
                md_escape(r["note"]),
            ]
        )
    header = ["parameter", "paper (Methods)", "literature", "source", "paper vs literature"]
    return md_table([*header, "note"], rows)
