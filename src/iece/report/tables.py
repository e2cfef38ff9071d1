"""Markdown tables for the figure pages, built from a :class:`~iece.pipeline.figure.FigureResult`.

Every cell that comes from a user file is escaped with :func:`md_text`, as Markdown and as HTML:
it shows as written and can make no link, image, markup, math or extra cell. (The page renders
these tables with links, images and raw HTML off as well: :mod:`iece.report.sanitize`.)
"""

from __future__ import annotations

import html
import string

#: Each ASCII punctuation character as Markdown text: ``&<>"'|`` as HTML entities (``|`` never
#: splits a table cell), every other one backslash-escaped (CommonMark allows it for all).
_MD_TEXT = (
    {c: "\\" + c for c in string.punctuation}
    | {c: html.escape(c) for c in "&<>\"'"}
    | {"|": "&#124;"}
)


def md_text(value) -> str:
    """``value`` (a user's cell, file name or path) as Markdown text that renders exactly as
    written, on one line: every Markdown punctuation character escaped (so
    ``[x](javascript:...)`` is no link, ``![](...)`` no image, ``$...$`` no math, ``*`` no
    emphasis, ``<b>`` no tag, ``|`` no new cell)."""
    return "".join(_MD_TEXT.get(c, c) for c in " ".join(str(value).split()))


def _fmt(v) -> str:
    return ("yes" if v else "no") if isinstance(v, bool) else f"{v:.3g}"


def checks_arithmetic(res) -> str:
    from ..paper import quoted as q

    rows = [
        (
            "CdSe-HgSe lattice mismatch (6.05 vs 6.08 Å)",
            f"{res['lattice_mismatch_percent']:.3f} %",
            "smaller than 0.5 %",
        ),
        ("SWIR 1000 nm", f"{res['swir_1000nm_eV']:.4f} eV", f"{q.SWIR_EV.low} eV"),
        ("SWIR 1700 nm", f"{res['swir_1700nm_eV']:.4f} eV", f"{q.SWIR_EV.high} eV"),
        ("CE shift", f"{res['ce_shift_eV']:.2f} eV", f"{q.CE_SHIFT_EV.value} eV"),
        ("IE-CE shift", f"{res['iece_shift_eV']:.2f} eV", f"{q.IECE_SHIFT_EV.value} eV"),
        (
            "CdSe gap 1.74 eV as a wavelength",
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
    return _three(rows)


def _three(rows) -> str:
    return "\n".join(
        ["| statement | computed | paper |", "|---|---|---|"]
        + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    )


def checks_absorption(res) -> str:
    eps = res.data["eps400"]
    return _three(
        [
            (f"{k}: {eps[k]} d³ cm⁻¹ µM⁻¹", f"µ₄₀₀ = {v:.3g} cm⁻¹", "")
            for k, v in res.data["mu400"].items()
        ]
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


def checks_amounts(res) -> str:
    p, amt = res.params, res.data["amounts"]
    return _three(
        [
            (f"Cd per {p['diameter_nm']:g} nm NC", f"{amt['cd_per_nc']:.0f}", ""),
            ("Hg per NC (1.5 eq)", f"{amt['hg_per_nc']:.0f}", ""),
            ("Ag per NC (0.075 eq)", f"{amt['ag_per_nc']:.1f}", ""),
            (
                "thiol per NC (0.6-1.5 eq)",
                f"{amt['thiol_per_nc'][0]:.0f}-{amt['thiol_per_nc'][1]:.0f}",
                "",
            ),
            (f"{p['nc_nmol']:g} nmol NCs: Cd", f"{amt['cd_umol']:.1f} µmol", ""),
            ("0.1 M Hg precursor", f"{amt['hg_uL']:.0f} µL", ""),
            ("0.02 M Ag precursor", f"{amt['ag_uL']:.0f} µL", ""),
            (
                "surface cations of 3.3 nm CdSe (one (111) layer)",
                f"{100 * res.data['surface_fraction']:.0f} % of Cd",
                "thiol 0.6-1.5 per Cd exceeds it",
            ),
            (
                "4.5 ML NPL cation:anion planes",
                f"{res['npl_cation_anion_ratio']:.2f}",
                "near 5:4 (1.25)",
            ),
        ]
    )


def checks_shell(res) -> str:
    t = res.data["layers"]
    return (
        f"Monolayer thicknesses ({res.params['monolayer']} convention): CdS {t['CdS']:.4f} nm, "
        f"Cd0.5Zn0.5S {t['CdZnS']:.4f} nm, ZnS {t['ZnS']:.4f} nm. Predicted diameter "
        f"**{res['shell_diameter_nm']:.2f} nm** (paper: 6.0 nm by TEM)."
    )


def checks_sizing(res) -> str:
    from ..paper import quoted as q
    from ..physics import sizing

    rows = [
        (
            f"{c.name} at 3.3 nm",
            f"{res[f'cdse_3p3nm_sizing_eV__{k}']:.3f} eV",
            f"{q.CDSE_1S_EV.value} eV",
        )
        for k, c in sizing.CURVES.items()
    ]
    return _three(rows)


def readings_claims(rows: dict, passed: dict, claims: list) -> str:
    """The claim x reading table of the readings page: for each EMA claim and each diagnostic
    that a reading can address (rows), whether each named reading (columns: ``rows["label"]``)
    passes the ledger's own check."""
    labels = list(rows["label"])
    lines = [
        "| ledger entry | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(labels),
    ]
    for c in claims:
        if c.id not in passed:
            continue
        marks = ["**yes**" if ok else "no" for ok in passed[c.id]]
        kind = "" if c.kind == "claim" else " (diagnostic)"
        lines.append(f"| {c.id}{kind}: {c.quantity} | " + " | ".join(marks) + " |")
    return "\n".join(lines)


def readings_described(rows: dict) -> str:
    """What each named reading assumes and where its carriers sit (4 nm core/shell, x = 0.4),
    with the lowest 1S-1S energy any 3.3 nm NC reaches in it."""
    from ..paper import readings

    lines = [
        "| reading | what it assumes | electron in the shell / outside | hole in the shell "
        "| lowest 3.3 nm core/shell, alloy (eV) |",
        "|---|---|---|---|---|",
    ]
    for i, label in enumerate(rows["label"]):
        what = readings.describe(rows, i)
        cf = readings.counterfactual(rows, i)
        if cf:
            what += f" (counterfactual: {cf})"
        lines.append(
            f"| {label} | {what} | {rows['e_in_shell'][i]:.0%} / {rows['e_outside'][i]:.0%} "
            f"({rows['e_shell_enrichment'][i]:.2f} x uniform) | {rows['h_in_shell'][i]:.0%} "
            f"({rows['h_shell_enrichment'][i]:.2f} x uniform) | "
            f"{rows['min_cs_energy_3p3nm_eV'][i]:.2f}, {rows['min_alloy_energy_3p3nm_eV'][i]:.2f} |"
        )
    return "\n".join(lines)
