"""The paper's own arithmetic: statements that need a computation but belong to no figure.

Each function is one relation, with its constants and their sources:

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
* the paper's Eq. 4, ``mu = ln(10) A / (f_V L)``: a molar absorption coefficient
  ``eps = C d^3`` (cm^-1 uM^-1, d in nm) becomes the size-independent intrinsic coefficient
  ``mu = ln(10) C 1e9 / (N_A pi / 6 * 1e-21)`` cm^-1.
"""

from __future__ import annotations

import math

from scipy import constants as sc

from .sizing import HC_EV_NM

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


def cations_per_nc(diameter_nm: float, a_nm: float = 0.605) -> float:
    """Cations in a zinc-blende sphere: volume / (a^3 / 4)."""
    if diameter_nm <= 0 or a_nm <= 0:
        raise ValueError("diameter_nm and a_nm must be > 0")
    return (math.pi * diameter_nm**3 / 6) / (a_nm**3 / 4)


def surface_cation_fraction(diameter_nm: float, layer_nm: float = 0.605 / math.sqrt(3)) -> float:
    """Fraction of cations in the outermost layer (thickness ``layer_nm``) of a sphere."""
    r = diameter_nm / 2
    if not 0 < layer_nm < r:
        raise ValueError("layer_nm must be between 0 and the radius")
    return 1 - ((r - layer_nm) / r) ** 3


def reaction_amounts(
    diameter_nm: float = 3.3,
    nc_nmol: float = 100.0,
    hg_eq: float = 1.5,
    ag_eq: float = 0.075,
    thiol_eq=(0.6, 1.5),
    hg_molar: float = 0.1,
    ag_molar: float = 0.02,
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
