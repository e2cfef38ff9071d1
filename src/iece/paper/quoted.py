"""Every number the paper states that this project uses, once, with its unit and where it is.

A value is a number or a ``(low, high)`` range exactly as printed. ``text`` is a short verbatim
fragment of the paper around it (whitespace aside), so a reader can find it. The ledger refers
to these by name (``quoted = "CE_1S_1H_EV"``) instead of retyping them, and the figure modules
import them.

The EMA material parameters of the Methods (masses, dielectric constants, offsets, gaps,
lattice parameters) are the model's data table and live once in
:mod:`iece.physics.materials`; :data:`MATERIALS` points there.
"""

from __future__ import annotations

from ..physics import materials
from ..pipeline.bundle import Quoted

_R1 = "Results, 'Complete cation exchange with interdiffusion enhancer'"
_R2 = "Results, 'Dependence of absorption spectra on exchange mechanism'"
_R3 = "Results, 'Dependence of photoluminescence on exchange mechanism'"
_R4 = "Results, 'Mechanism of interdiffusion enhancement'"
_R6 = "Results, 'Role of ligands'"
_R7 = "Results, 'Homogeneous alloying across NC phase, shape, and composition'"
_R8 = "Results, 'Infrared emitting core/shell NCs'"
_M = "Methods, 'Mercury cation exchange'"

#: The EMA material table (Methods, "EMA calculations"; gaps and lattice parameters: Introduction).
MATERIALS = (materials.CDSE, materials.HGSE)

# ----------------------------------------------------------------- Introduction and abstract
LATTICE_MISMATCH_MAX_PERCENT = Quoted(
    0.5, "%", "Introduction", "the lattice mismatch between CdSe and HgSe is smaller than 0.5%"
)
SWIR_NM = Quoted((1000.0, 1700.0), "nm", "Introduction", "photon wavelengths 1000–1700 nm")
SWIR_EV = Quoted((1.24, 0.73), "eV", "Introduction", "energies 1.24–0.73 eV")
ALLOYING_TEMPERATURE_C = Quoted(
    (80.0, 250.0),
    "°C",
    "Abstract",
    "reduce the CdSe-HgSe alloying temperature from 250 °C to 80 °C",
)
HGSE_SIZE_RSD_PERCENT = Quoted(
    (10.0, 20.0), "%", "Introduction", "wide size distributions (near $10-20\\%$"
)

# ----------------------------------------------------------------- Fig. 1c: kinetics
DIAMETER_PROTOTYPE_NM = Quoted(3.3, "nm", _R1, "quasi-spherical CdSe NCs with 3.3 nm diameter")
CDSE_1S_EV = Quoted(2.24, "eV", _R1, "from 2.24 eV to 1.50 eV")
CE_1S_1H_EV = Quoted(1.50, "eV", _R1, "from 2.24 eV to 1.50 eV")
CE_SHIFT_EV = Quoted(0.74, "eV", _R1, "reduced in energy by 0.74 eV")
IECE_1S_1H_EV = Quoted(1.24, "eV", _R1, "a larger reduction of 1.00 eV (to 1.24 eV")
IECE_SHIFT_EV = Quoted(1.00, "eV", _R1, "a larger reduction of 1.00 eV")
CDSE_PL_EV = Quoted(2.21, "eV", _R1, "a shift from 2.21 eV in the middle of the visible spectrum")
IECE_PL_1H_EV = Quoted(1.13, "eV", _R1, "to 1.13 eV in the SWIR")
IECE_COMPLETE_H = Quoted(4.0, "h", _R1, "Conversion to HgSe was nearly complete in ~4 hours")
CE_INCOMPLETE_H = Quoted(48.0, "h", _R1, "exchange remained incomplete even after >48 hours")
D_IECE_M2_PER_S = Quoted(
    1e-22, "m^2/s", _R4, "a single Hg²⁺ diffusion coefficient (*D*) near \\sim 10⁻²² m² s⁻¹"
)
RT_D_ORDERS_SMALLER = Quoted(3.0, "orders", _R4, "*D* was 3 orders of magnitude smaller")
AG_D_FOLD = Quoted(4.0, "1", _R4, "a ~4-fold increase in diffusion coefficient")

# ----------------------------------------------------------------- Fig. 1f-j, size series
SIZE_SERIES_NM = Quoted((2.3, 4.0), "nm", _R1, "A size series of CdSe NCs (2.3–4.0 nm)")
DIAMETER_FIG1G_NM = Quoted(
    2.7, "nm", "Figure 1 caption", "Characterizations of 2.7 nm CdSe and HgSe NCs"
)
SIZE_RSD_PERCENT = Quoted(6.0, "%", _R1, "~6% relative standard deviation of diameter")
HGSE_1S_ENHANCEMENT = Quoted(2.6, "1", _R1, "enhanced ~2.6-fold compared with the CdSe NCs")
EPS400_HGSE = Quoted(0.0317, "cm^-1 uM^-1 nm^-3", _R1, "as 0.0317 d^3 cm⁻¹ μ M⁻¹")
EPS400_PBS = Quoted(0.0233, "cm^-1 uM^-1 nm^-3", _R1, "PbS (0.0233 d^3 cm⁻¹ μ M⁻¹)")
EPS400_PBSE = Quoted(0.0277, "cm^-1 uM^-1 nm^-3", _R1, "PbSe $(0.0277 \\ d^3")
EPS400_CDSE = Quoted(0.0119, "cm^-1 uM^-1 nm^-3", _R1, "(0.0119 d^3 cm⁻¹ µM⁻¹ for 3.4 nm CdSe NCs)")

# ----------------------------------------------------------------- Fig. 2: mechanism
DIAMETER_FIG2_NM = Quoted(
    4.0, "nm", "Figure 2 caption", "of 4 nm NCs with total mercury composition"
)
X_RANGE_FIG2 = Quoted((0.0, 0.6), "1", "Figure 2 caption", "0 ≤ *x* ≤ 0.6")
X_OVERLAP_FALLS_TO = Quoted(0.4, "1", _R2, "for compositions up to $x = 0.4$")
REDUCTION_1S = Quoted(0.67, "1", _R2, "there is a 67% reduction in the intensity of the 1S−1S")
DEPLETION_MAX = Quoted(0.67, "1", _R2, "depleting up to 67% of the 1S−1S transition")
S5_SIZES_NM = Quoted((2.3, 4.0), "nm", _R2, "An increase in size from 2.3 nm to 4.0 nm")
FWHM_CE_MEV = Quoted((167.0, 196.0), "meV", _R3, "broader FWHM (~167–196 meV)")
FWHM_IECE_MEV = Quoted((109.0, 143.0), "meV", _R3, "than those of IE-CE (~109–143 meV)")
QY_ALLOY_PERCENT = Quoted((15.0, 20.0), "%", _R3, "a PL QY near 15–20%")
QY_CORE_SHELL_MAX_PERCENT = Quoted(1.0, "%", _R3, "a PL QY below 1%")
DIAMETER_FIG2HJ_NM = Quoted(3.3, "nm", "Figure 2 caption", "PL decay of 3.3 nm CdSe/HgSe NCs")
DECAY_CORE_SHELL = Quoted(
    (0.835, 3.8, 0.165, 14.2),
    "1, ns, 1, ns",  # per element: A1, tau1, A2, tau2
    "Figure 2 caption",
    "*A*¹ = 83.5%, *τ*1 = 3.8 ns, *A*² = 16.5 %, *τ*² = 14.2 ns for CdSe/HgSe NCs",
)
DECAY_ALLOY = Quoted(
    (0.559, 18.8, 0.441, 67.8),
    "1, ns, 1, ns",  # per element: A1, tau1, A2, tau2
    "Figure 2 caption",
    "*A*¹ = 55.9%, *τ*1 = 18.8 ns, *A*² = 44.1 %, *τ*² = 67.8 ns for Hg*x*Cd1–*x*Se NCs",
)

# ----------------------------------------------------------------- Ag, ligands, reagents
AG_PER_CD_OPTIMUM = Quoted(
    0.075, "1", "Results, 'Role of Ag'", "up to an amount of 0.075 Ag per Cd"
)
THIOL_PER_CD = Quoted((0.6, 1.5), "1", _R6, "~0.6–1.5 thiol per Cd in the NC is optimal")
HG_PER_CD = Quoted(1.5, "1", _R6, "when applying equivalents of 1.5 Hg and 0.075 Ag")
THIOL_QY_FOLD = Quoted(100.0, "1", _R6, "increases the PL QY more than 100-fold")
NC_NMOL = Quoted(100.0, "nmol", _M, "zinc blende CdSe NCs (100 nmol)")
HG_MOLAR = Quoted(0.1, "M", _M, "A mercury precursor solution (0.1 M)")
AG_MOLAR = Quoted(0.02, "M", _M, "A silver precursor solution (0.02 M)")
ICG_QY_PERCENT = Quoted(13.0, "%", "Methods, 'PL QY calculation'", "QY = 13%")

# ----------------------------------------------------------------- other structures
WZ_CE_HALTS_H = Quoted(3.0, "h", _R7, "CE reactions on wurtzite CdSe NCs halted after ~3 hours")
NPL_MONOLAYERS = Quoted(4.5, "ML", _R7, "4.5 ML-thick CdSe NPLs")
NPL_EXCHANGE_PERCENT = Quoted(98.0, "%", _R7, "exchange was ~98% complete")
NPL_CATION_ANION = Quoted(
    1.25, "1", _R7, "the original cation-to-anion ratio was maintained near 5:4"
)
NPL_EXTINCTION_FOLD = Quoted(4.6, "1", _R7, "4.6-fold larger molar extinction coefficients")
NPL_MU400_PER_CM = Quoted(670000.0, "1/cm", _R7, "compared with CdSe NPLs (μ_{400} = 670,000 cm⁻¹)")
WINDOW_FIG5_NM = Quoted(
    (700.0, 1700.0), "nm", "Figure 5 caption", "with PL between 700–1700 nm wavelength"
)

# ----------------------------------------------------------------- Fig. 5: core/shell emitters
SHELL_CORE_NM = Quoted(3.2, "nm", _R8, "the NC size increased from 3.2 nm to 6.0 nm")
SHELL_FINAL_NM = Quoted(6.0, "nm", _R8, "the NC size increased from 3.2 nm to 6.0 nm")
SHELL_MONOLAYERS = Quoted(
    (0.8, 2.4, 0.8),
    "ML",
    "Figure 5 caption",
    "shells are composed of 0.8 ML CdS, 2.4 ML Cd_{0.5}Zn_{0.5}S, and 0.8 ML of ZnS",
)
QY_SHELL_PERCENT = Quoted((80.0, 91.0), "%", _R8, "PL QY increased above 80%, and up to 91%")
FWHM_SHELL_MEV = Quoted((102.0, 139.0), "meV", _R8, "narrowed to 102–139 meV FWHM")
FWHM_NEAR_MEV = Quoted(100.0, "meV", "Abstract", "linewidths near 100 meV")

#: Every quoted number by name: the bundle's ``QUOTED`` (:mod:`iece.pipeline.bundle`).
ALL = {name: q for name, q in globals().items() if isinstance(q, Quoted)}
