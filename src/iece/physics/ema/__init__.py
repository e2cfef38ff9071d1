"""Effective-mass approximation (EMA) for radially layered spherical NCs (paper Methods, "EMA
calculations"; Haus et al. 1993), split by job:

* :mod:`.structures`: alloy, core/shell and graded NCs (batched);
* :mod:`.media`: the fixed readings of the outside medium (``reference``, ``vacuum``,
  ``infinite``);
* :mod:`.radial`: the layered radial equation (transfer steps, matching, wavefunctions);
* :mod:`.kane`: the energy-dependent two-band Kane electron mass, an option (``kane=``) of the
  solver for a counterfactual reading (the default is the Methods' parabolic masses);
* :mod:`.solver`: bound states, wavefunctions, overlap (Eq. 2), surface fraction (Eq. 3),
  Coulomb term and 1S-1S energy;
* :mod:`.calibration`: an outside medium calibrated to a target energy (above the solver);
* :mod:`.optics`: transitions and the observables the claims use;
* :mod:`.reference_fd`: an independent finite-volume solver for the tests and benchmarks only.
"""

from .calibration import calibrated, calibration_shift_eV, fit_shift_eV, fitted
from .kane import KANE_MODELS, Kane, kane_model
from .media import FIXED, Outside, outside_medium
from .optics import (
    DEPLETION_MEASURES,
    chord_deviation,
    composition_for_energy,
    compositions_for_energy,
    depletion,
    matched_overlap_ratio,
    matched_overlap_ratios,
    nonlinearity,
    regions,
    shell_probability,
    transitions,
)
from .solver import (
    BRUS_COEFFICIENT,
    COULOMB_EV_NM,
    COULOMB_KERNELS,
    HB2M_EV_NM2,
    INTERFACES,
    NoBoundState,
    Result,
    coulomb_eV,
    green_average,
    green_layered,
    levels,
    solve,
)
from .structures import DIAMETER_RANGE_NM, GEOMETRIES, Structure, alloy, core_shell, graded

__all__ = [
    "DIAMETER_RANGE_NM",
    "BRUS_COEFFICIENT",
    "COULOMB_EV_NM",
    "COULOMB_KERNELS",
    "DEPLETION_MEASURES",
    "GEOMETRIES",
    "INTERFACES",
    "coulomb_eV",
    "green_average",
    "green_layered",
    "FIXED",
    "HB2M_EV_NM2",
    "KANE_MODELS",
    "Kane",
    "NoBoundState",
    "Outside",
    "Result",
    "Structure",
    "alloy",
    "calibrated",
    "chord_deviation",
    "calibration_shift_eV",
    "fit_shift_eV",
    "fitted",
    "composition_for_energy",
    "compositions_for_energy",
    "core_shell",
    "depletion",
    "graded",
    "kane_model",
    "levels",
    "matched_overlap_ratio",
    "matched_overlap_ratios",
    "nonlinearity",
    "outside_medium",
    "regions",
    "shell_probability",
    "solve",
    "transitions",
]
