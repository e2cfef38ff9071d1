"""The paper's own arithmetic: statements that need a computation but belong to no figure.

:func:`compute` gives every number of the ``checks`` page (tests: ``tests/test_checks.py``).
Each function below is one relation, with its constants and their sources:

* lattice mismatch ``(a_HgSe - a_CdSe) / a_CdSe`` (a from the paper, Introduction);
* photon energy ``E = hc / lambda`` (scipy.constants);
* zinc-blende cation count of a sphere, ``N = (pi d^3 / 6) / (a^3 / 4)`` (4 cations per cubic
  cell), and reaction equivalents per NC (Methods, "Mercury cation exchange");
* shell thickness from monolayers: one monolayer is one close-packed (111) layer,
  ``a / sqrt(3)`` for zinc blende. CdS: 0.334 nm layer spacing (Rempel et al. 2011, "parameters
  of the unit cell a = 0.236 and c =0.334 nm", https://cris.fau.de/converis/portal/publication/
  108699184); ZnS: a = 0.541 nm ("The crystal has a lattice parameter of 0.541 nm",
  https://www.princeton.edu/~maelabs/mae324/glos324/zns.htm); Cd0.5Zn0.5S: the mean of the two
  layer spacings (Vegard's rule, our assumption);
* thiol per surface cation: ``t / f_s(d)`` with ``f_s = 1 - ((r - l) / r)^3`` the share of
  cations in the outer (111) layer ``l``; the lower thiol equivalent ``t`` covers the surface
  from ``d* = 2 l / (1 - (1 - t)^(1/3))`` up;
* the Methods' material parameters against literature values (:mod:`iece.paper.literature`,
  ``data/literature/materials_sources.csv``);
* the paper's Eq. 4, ``mu = ln(10) A / (f_V L)``: a molar absorption coefficient
  ``eps = C d^3`` (cm^-1 uM^-1, d in nm) becomes the size-independent intrinsic coefficient
  ``mu = ln(10) C 1e9 / (N_A pi / 6 * 1e-21)`` cm^-1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import constants as sc

from .. import io
from ..physics import materials as mat
from ..physics import sizing
from ..physics.constants import HC_EV_NM
from ..pipeline.figure import FAST, FigureResult, Params, choice, number, path
from . import choices, literature, quoted

#: Close-packed layer spacing (nm) of CdS (Rempel 2011) and ZnS (a / sqrt 3, a = 0.541 nm).
CDS_LAYER_NM = 0.334
ZNS_A_NM = 0.541
ZNS_LAYER_NM = ZNS_A_NM / math.sqrt(3)
CDZNS_LAYER_NM = 0.5 * (CDS_LAYER_NM + ZNS_LAYER_NM)
SOURCES = {
    "CdS": "https://cris.fau.de/converis/portal/publication/108699184 "
    "('parameters of the unit cell a = 0.236 and c =0.334 nm')",
    "ZnS": "https://www.princeton.edu/~maelabs/mae324/glos324/zns.htm "
    "('The crystal has a lattice parameter of 0.541 nm')",
}


def lattice_mismatch_percent(a1: float, a2: float) -> float:
    """(a2 - a1) / a1 in percent."""
    if a1 <= 0 or a2 <= 0:
        raise ValueError("lattice parameters must be > 0")
    return 100.0 * (a2 - a1) / a1


def photon_energy_eV(wavelength_nm: float) -> float:
    """E = hc / lambda (eV, nm)."""
    if wavelength_nm <= 0:
        raise ValueError(f"wavelength_nm must be > 0, got {wavelength_nm}")
    return HC_EV_NM / wavelength_nm


def cations_per_nc(diameter_nm: float, a_nm: float = mat.CDSE.a_nm) -> float:
    """Cations in a zinc-blende sphere: volume / (a^3 / 4)."""
    if diameter_nm <= 0 or a_nm <= 0:
        raise ValueError("diameter_nm and a_nm must be > 0")
    return (math.pi * diameter_nm**3 / 6) / (a_nm**3 / 4)


def surface_cation_fraction(
    diameter_nm: float, layer_nm: float = mat.CDSE.a_nm / math.sqrt(3)
) -> float:
    """Fraction of cations in the outermost layer (thickness ``layer_nm``) of a sphere."""
    r = diameter_nm / 2
    if not 0 < layer_nm < r:
        raise ValueError("layer_nm must be between 0 and the radius")
    return 1 - ((r - layer_nm) / r) ** 3


def thiol_covers_surface_from_nm(
    thiol_per_cd: float, layer_nm: float = mat.CDSE.a_nm / math.sqrt(3)
) -> float:
    """Smallest diameter (nm) at which ``thiol_per_cd`` thiols per Cd reach one per surface
    cation: ``f_s(d) = thiol_per_cd`` with ``f_s = 1 - ((r - l) / r)^3`` gives
    ``d* = 2 l / (1 - (1 - t)^(1/3))`` (above it the surface share is smaller)."""
    if not 0 < thiol_per_cd < 1:
        raise ValueError(
            f"thiol_per_cd must be in (0, 1) for a finite diameter, got {thiol_per_cd}"
        )
    if layer_nm <= 0:
        raise ValueError("layer_nm must be > 0")
    return 2 * layer_nm / (1 - (1 - thiol_per_cd) ** (1 / 3))


def reaction_amounts(
    diameter_nm: float = quoted.DIAMETER_PROTOTYPE_NM.value,
    nc_nmol: float = quoted.NC_NMOL.value,
    hg_eq: float = quoted.HG_PER_CD.value,
    ag_eq: float = quoted.AG_PER_CD_OPTIMUM.value,
    thiol_eq=quoted.THIOL_PER_CD.value,
    hg_molar: float = quoted.HG_MOLAR.value,
    ag_molar: float = quoted.AG_MOLAR.value,
) -> dict:
    """Reagents of the Methods' typical exchange, per NC and per batch (equivalents per Cd)."""
    n_cd = cations_per_nc(diameter_nm)
    cd_umol = n_cd * nc_nmol * 1e-3
    return {
        "cd_per_nc": n_cd,
        "hg_per_nc": hg_eq * n_cd,
        "ag_per_nc": ag_eq * n_cd,
        "thiol_per_nc": tuple(t * n_cd for t in thiol_eq),
        "cd_umol": cd_umol,
        "hg_uL": hg_eq * cd_umol / hg_molar,  # umol / (mol/L) = uL
        "ag_uL": ag_eq * cd_umol / ag_molar,
    }


def shell_diameter_nm(core_nm: float, layers) -> float:
    """Diameter after adding shells: ``layers`` is a sequence of (monolayers, layer_nm)."""
    return core_nm + 2 * sum(n * t for n, t in layers)


def intrinsic_absorption_per_cm(coefficient: float) -> float:
    """Eq. 4 for eps = C d^3 (cm^-1 uM^-1, d in nm): mu = ln10 * eps / (N_A V), size-independent."""
    eps_per_d3 = coefficient * 1e9  # cm^2 / mol per nm^3: 1/uM = 1e6 L/mol = 1e9 cm^3/mol
    volume_per_d3 = math.pi / 6 * 1e-21  # cm^3 per nm^3 of d^3
    return math.log(10) * eps_per_d3 / (sc.N_A * volume_per_d3)


def npl_cation_anion_ratio(monolayers: float) -> float:
    """Cation to anion planes of a zinc-blende NPL of n.5 monolayers: (n + 1) : n."""
    n = math.floor(monolayers)
    if monolayers - n != 0.5 or n < 1:
        raise ValueError(f"monolayers must be n + 0.5 with n >= 1, got {monolayers}")
    return (n + 1) / n


#: The paper prints lattice constants to 0.01 angstrom (Introduction): 0.001 nm.
PRINTED_A_STEP_NM = 0.001
#: Sizes at which the thiol-per-surface rule is evaluated: the size series and the prototype.
THIOL_SIZES_NM = (
    quoted.SIZE_SERIES_NM.low,
    quoted.DIAMETER_FIG1G_NM.value,
    quoted.DIAMETER_PROTOTYPE_NM.value,
    quoted.SIZE_SERIES_NM.high,
)


def _tag(d: float) -> str:
    """``2.3`` -> ``"2p3nm"`` for record names."""
    return f"{d:g}".replace(".", "p") + "nm"


PARAMS = Params(
    number(
        "diameter_nm",
        quoted.DIAMETER_PROTOTYPE_NM.value,
        "NC diameter for the per-NC amounts (nm)",
        1,
        20,
    ),
    number("nc_nmol", quoted.NC_NMOL.value, "NCs in the typical exchange (nmol)", 1e-3, 1e6),
    choice(
        "monolayer", "111", "shell monolayer: a (111) layer or a/2 along (100)", choices.MONOLAYERS
    ),
    path("sizing_path", "your CdSe sizing data: two columns, diameter (nm), 1S-1S energy (eV)"),
    FAST,
)


def monolayer_thicknesses_nm(convention: str) -> dict:
    """One monolayer of CdS, Cd0.5Zn0.5S and ZnS (nm) under a convention of
    :data:`~iece.paper.choices.MONOLAYERS`."""
    if convention == "111":
        return {"CdS": CDS_LAYER_NM, "CdZnS": CDZNS_LAYER_NM, "ZnS": ZNS_LAYER_NM}
    if convention == "100":
        cds, zns = CDS_LAYER_NM * math.sqrt(3) / 2, ZNS_A_NM / 2
        return {"CdS": cds, "CdZnS": 0.5 * (cds + zns), "ZnS": zns}
    raise ValueError(f"monolayer must be one of {choices.MONOLAYERS}, got {convention!r}")


#: Record notes: what each number is, in words (``{...}`` filled from the quoted numbers and
#: the Methods' material parameters).
NOTES = {
    "cdse_gap_nm": "the bulk CdSe gap ({gap_eV:g} eV) as a wavelength: where the alloys' range "
    "starts",
    "cdse_gap_minus_ir_edge_nm": "the CdSe end of the range minus the infrared edge: positive "
    "leaves a gap",
    "shell_diameter_nm": "{core_nm:g} nm core plus the caption's monolayers",
    "thiol_per_surface_cation_min": "{thiol:g} thiol per Cd over the surface share of Cd, "
    "{d_nm:g} nm",
    "thiol_min_covers_surface_from_nm": "smallest diameter at which {thiol:g} thiol per Cd "
    "reaches one per surface Cd",
    "thiol_min_covers_surface_share_of_series": "share of the {lo_nm:.1f}-{hi_nm:.1f} nm size "
    "series (by diameter) where {thiol:g} per Cd covers the surface",
    "thiol_per_surface_cation_max_smallest": "{thiol:g} thiol per Cd over the surface share of "
    "Cd at the smallest size, {lo_nm:g} nm",
    "thiol_per_hg_max": "{thiol:g} thiol per Cd over {hg:g} Hg per Cd (a dithiolate needs 2)",
    "mu400_npl_over_cdse_nc": "the CdSe NPL mu_400 (by the reading of the quoted value) over the "
    "CdSe NC mu_400 of Eq. 4",
    "materials_with_value_n": "with a literature value read verbatim on a stored public page",
}


@dataclass(frozen=True)
class Curve:
    """A CdSe sizing curve, or a user's sizing data: diameters (nm) and 1S-1S energies (eV)."""

    diameter_nm: np.ndarray
    energy_eV: np.ndarray


@dataclass(kw_only=True)
class ChecksResult(FigureResult):
    """The checks page's numbers and what its plot and tables show: the literature ``sizing``
    curves (name -> :class:`Curve`) and the user's, one monolayer of each shell material under
    the run's convention (``layers``, nm), the quoted ``eps400`` coefficients and their
    ``mu400`` (1/cm), the reaction ``amounts`` of :func:`reaction_amounts`, the prototype's
    ``surface_fraction``, the thiol per surface cation by size (``thiol_series``, nm -> ratio)
    and the ``materials`` rows of :func:`iece.paper.literature.materials_comparison`."""

    sizing: dict
    user_sizing: Curve | None
    layers: dict
    eps400: dict
    mu400: dict
    amounts: dict
    surface_fraction: float
    thiol_series: dict
    materials: list


def compute(root=None, **params) -> ChecksResult:
    """All numbers of the checks page for the given parameters (defaults: the paper's);
    ``root`` is where the path of the material-sources table starts (default:
    :func:`iece.io.project_root`, so a kernel in ``notebooks/`` finds it too)."""
    p = PARAMS.resolve(params, "checks")
    res = FigureResult(p)
    q = quoted
    a_cd, a_hg = mat.CDSE.a_nm, mat.HGSE.a_nm
    res.add(
        "lattice_mismatch_percent", lattice_mismatch_percent(a_cd, a_hg), "%", provenance="quoted"
    )
    half = PRINTED_A_STEP_NM / 2  # the paper prints a to 0.01 angstrom
    res.add(
        "lattice_mismatch_min_percent",
        lattice_mismatch_percent(a_cd + half, a_hg - half),
        "%",
        provenance="quoted",
        note="smallest mismatch the rounded lattice constants allow",
    )
    res.add(
        "lattice_mismatch_max_percent",
        lattice_mismatch_percent(a_cd - half, a_hg + half),
        "%",
        provenance="quoted",
        note="largest mismatch the rounded lattice constants allow",
    )
    res.add("swir_1000nm_eV", photon_energy_eV(q.SWIR_NM.low), "eV", provenance="quoted")
    res.add("swir_1700nm_eV", photon_energy_eV(q.SWIR_NM.high), "eV", provenance="quoted")
    res.add("ce_shift_eV", q.CDSE_1S_EV.value - q.CE_1S_1H_EV.value, "eV", provenance="quoted")
    res.add("iece_shift_eV", q.CDSE_1S_EV.value - q.IECE_1S_1H_EV.value, "eV", provenance="quoted")
    gap_nm = HC_EV_NM / mat.CDSE.gap_eV
    res.add(
        "cdse_gap_nm",
        gap_nm,
        "nm",
        provenance="quoted",
        note=NOTES["cdse_gap_nm"].format(gap_eV=mat.CDSE.gap_eV),
    )
    res.add_by_choice(
        "cdse_gap_minus_ir_edge_nm",
        {edge: gap_nm - float(edge) for edge in choices.IR_EDGES_NM},
        "nm",
        choices.OPEN["ir_edge"].default,
        provenance="quoted",
        note=NOTES["cdse_gap_minus_ir_edge_nm"],
    )
    res.add("iece_pl_1h_eV", q.IECE_PL_1H_EV.value, "eV", provenance="quoted")
    res.add("hgse_gap_eV", mat.HGSE.gap_eV, "eV", provenance="quoted")
    res.add(
        "fwhm_gap_ce_minus_iece_meV",
        q.FWHM_CE_MEV.low - q.FWHM_IECE_MEV.high,
        "meV",
        provenance="quoted",
        note="smallest CE FWHM minus the largest IE-CE FWHM",
    )

    res.add_by_choice(
        "cdse_3p3nm_sizing_eV",
        {k: float(c.energy_eV(q.DIAMETER_PROTOTYPE_NM.value)) for k, c in sizing.CURVES.items()},
        "eV",
        choices.OPEN["sizing"].default,
        provenance="literature",
        note="; ".join(f"{c.name}, doi:{c.source['doi']}" for c in sizing.CURVES.values()),
    )
    curves = {
        c.name: Curve(d := np.linspace(*c.valid_nm, 61), c.energy_eV(d))
        for c in sizing.CURVES.values()
    }
    user = None
    if p["sizing_path"] is not None:
        ud, ue = io.read_two_columns(p["sizing_path"], what="sizing_path", positive=True)
        rms = np.sqrt(
            np.mean((sizing.jasieniak_energy_eV(np.clip(ud, *sizing.VALID_NM)) - ue) ** 2)
        )
        res.add("user_sizing_rms_eV", float(rms), "eV", provenance="user")
        user = Curve(ud, ue)

    n_cds, n_cdzns, n_zns = q.SHELL_MONOLAYERS.value
    layers = {conv: monolayer_thicknesses_nm(conv) for conv in choices.MONOLAYERS}
    res.add_by_choice(
        "shell_diameter_nm",
        {
            conv: shell_diameter_nm(
                q.SHELL_CORE_NM.value,
                [(n_cds, t["CdS"]), (n_cdzns, t["CdZnS"]), (n_zns, t["ZnS"])],
            )
            for conv, t in layers.items()
        },
        "nm",
        p["monolayer"],
        note=NOTES["shell_diameter_nm"].format(core_nm=q.SHELL_CORE_NM.value),
    )

    eps = {"HgSe": q.EPS400_HGSE, "PbSe": q.EPS400_PBSE, "PbS": q.EPS400_PBS, "CdSe": q.EPS400_CDSE}
    mu = {k: intrinsic_absorption_per_cm(v.value) for k, v in eps.items()}
    for k, v in mu.items():
        res.add(f"mu400_{k}_per_cm", v, "1/cm", provenance="quoted")
    res.add(
        "mu400_hgse_over_best_other",
        mu["HgSe"] / max(v for k, v in mu.items() if k != "HgSe"),
        "1",
        provenance="quoted",
    )

    amt = reaction_amounts(p["diameter_nm"], p["nc_nmol"])
    surf = surface_cation_fraction(q.DIAMETER_PROTOTYPE_NM.value)
    res.add("cd_per_nc", amt["cd_per_nc"], "1", note=f"{p['diameter_nm']:g} nm")
    res.add("ag_per_nc", amt["ag_per_nc"], "1")
    res.add("surface_cation_fraction_3p3nm", surf, "1")
    res.add(
        "thiol_per_surface_cation_min",
        q.THIOL_PER_CD.low / surf,
        "1",
        note=NOTES["thiol_per_surface_cation_min"].format(
            thiol=q.THIOL_PER_CD.low, d_nm=q.DIAMETER_PROTOTYPE_NM.value
        ),
    )
    series = {d: q.THIOL_PER_CD.low / surface_cation_fraction(d) for d in THIOL_SIZES_NM}
    for d, ratio in series.items():
        note = f"{d} nm" + (" (the prototype)" if d == q.DIAMETER_PROTOTYPE_NM.value else "")
        res.add(f"thiol_per_surface_cation_min__{_tag(d)}", ratio, "1", note=note)
    lo_nm, hi_nm = q.SIZE_SERIES_NM.value
    covers_nm = thiol_covers_surface_from_nm(q.THIOL_PER_CD.low)
    res.add(
        "thiol_min_covers_surface_from_nm",
        covers_nm,
        "nm",
        note=NOTES["thiol_min_covers_surface_from_nm"].format(thiol=q.THIOL_PER_CD.low),
    )
    res.add(
        "thiol_min_covers_surface_share_of_series",
        float(np.clip((hi_nm - covers_nm) / (hi_nm - lo_nm), 0.0, 1.0)),
        "1",
        note=NOTES["thiol_min_covers_surface_share_of_series"].format(
            lo_nm=lo_nm, hi_nm=hi_nm, thiol=q.THIOL_PER_CD.low
        ),
    )
    res.add(
        "thiol_per_surface_cation_max_smallest",
        q.THIOL_PER_CD.high / surface_cation_fraction(lo_nm),
        "1",
        note=NOTES["thiol_per_surface_cation_max_smallest"].format(
            thiol=q.THIOL_PER_CD.high, lo_nm=lo_nm
        ),
    )
    res.add(
        "thiol_per_hg_max",
        q.THIOL_PER_CD.high / q.HG_PER_CD.value,
        "1",
        note=NOTES["thiol_per_hg_max"].format(thiol=q.THIOL_PER_CD.high, hg=q.HG_PER_CD.value),
    )
    res.add("npl_cation_anion_ratio", npl_cation_anion_ratio(q.NPL_MONOLAYERS.value), "1")
    cdse_npl = {  # the CdSe platelets' mu_400 under each reading of the parenthesis
        "cdse": q.NPL_MU400_PER_CM.value,
        "hgse": q.NPL_MU400_PER_CM.value / q.NPL_EXTINCTION_FOLD.value,
    }
    res.add_by_choice(
        "mu400_npl_over_cdse_nc",
        {k: v / mu["CdSe"] for k, v in cdse_npl.items()},
        "1",
        choices.OPEN["npl_mu400"].default,
        provenance="quoted",
        note=NOTES["mu400_npl_over_cdse_nc"],
    )
    table = literature.materials_comparison(
        io.read_material_sources(Path(root or io.project_root()) / literature.MATERIALS_SOURCES)
    )
    res.add("materials_parameters_n", len(table), "1", note="material parameters the EMA uses")
    res.add(
        "materials_with_value_n",
        sum(r["status"] != literature.NO_SOURCE for r in table),
        "1",
        note=NOTES["materials_with_value_n"],
    )
    res.add(
        "materials_sourced_n",
        sum(r["status"] == "sourced" for r in table),
        "1",
        note="with a publisher DOI and a verbatim snippet",
    )
    for r in table:  # only a publisher-DOI value is a literature number
        if r["status"] == "sourced":
            res.add(
                "materials_rel_diff__" + r["parameter"].replace(".", "_").lower(),
                r["rel_diff"],
                "1",
                provenance="literature",
                note=f"(paper - literature) / |literature|, doi:{r['doi']}",
            )
    return ChecksResult(
        params=p,
        numbers=res.numbers,
        sizing=curves,
        user_sizing=user,
        layers=layers[p["monolayer"]],
        eps400={k: v.value for k, v in eps.items()},
        mu400=mu,
        amounts=amt,
        surface_fraction=surf,
        thiol_series=series,
        materials=table,
    )
