"""Bulk parameters of CdSe and HgSe as the paper lists them, and their linear alloy interpolation.

Source of every value: the paper, Methods, "EMA calculations" (effective masses in units of the
free-electron mass m0, high-frequency dielectric constants, conduction/valence band offsets),
the Introduction (bulk gaps 1.74 eV and -0.06 eV; cubic lattice parameters 6.05 and 6.08 Å) and
Methods, "Spectral decomposition" (the same gaps). For Hg_xCd_(1-x)Se every parameter is the
linear interpolation in the Hg fraction x, as the paper states. Literature values beside these,
each with its page and verbatim snippet (or "no public source found"), are in
``data/literature/materials_sources.csv``, which names these constants and holds no copy of them.

Energy frame. The offsets are band edges relative to one common level:
``gap_eV - dEc_eV + dEv_eV = 3.70 eV`` for both materials. So the conduction band edge of a
material sits at ``dEc_eV`` below the common electron level (0 eV) and its valence band edge
``dEv_eV`` above the common hole level, which lies 3.70 eV below the electron level. Electron
potentials in :mod:`iece.ema` are ``V_e = dEc_eV`` and hole potentials (hole energies counted
downward) ``V_h = -dEv_eV``; a transition energy is ``OUTSIDE_GAP_EV + E_e + E_h``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass(frozen=True)
class Material:
    """Bulk parameters (masses in m0, energies in eV, lattice parameter in nm)."""

    name: str
    me: float
    mh: float
    eps_inf: float
    gap_eV: float
    dEc_eV: float
    dEv_eV: float
    a_nm: float

    @property
    def outside_gap_eV(self) -> float:
        """Distance between the common electron and hole levels: gap - dEc + dEv."""
        return self.gap_eV - self.dEc_eV + self.dEv_eV


#: Paper, Methods "EMA calculations"; gaps and lattice parameters from the Introduction.
CDSE = Material(
    "CdSe", me=0.112, mh=0.469, eps_inf=6.2, gap_eV=1.74, dEc_eV=-1.36, dEv_eV=0.60, a_nm=0.605
)
HGSE = Material(
    "HgSe", me=0.042, mh=0.019, eps_inf=16.5, gap_eV=-0.06, dEc_eV=-2.69, dEv_eV=1.07, a_nm=0.608
)

#: Electron-to-hole common level distance (eV); equal for both materials by construction.
OUTSIDE_GAP_EV = CDSE.outside_gap_eV
assert abs(CDSE.outside_gap_eV - HGSE.outside_gap_eV) < 1e-12

#: Electron affinity of CdSe (eV), for the ``vacuum`` outside medium of :mod:`iece.ema` only.
#: Not from the paper, and no public source found (no stored public page with a DOI states it;
#: see ``data/literature/materials_sources.csv``): a modelling assumption of this project that
#: sets where the ``vacuum`` reading puts the outside levels, labelled as such on the checks page.
CDSE_ELECTRON_AFFINITY_EV = 4.95

_NUMERIC = tuple(f.name for f in fields(Material) if f.name != "name")


def check_fraction(x, name: str = "x") -> np.ndarray:
    """``x`` as an array, or ValueError naming ``name`` unless every value is in [0, 1]."""
    arr = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        raise ValueError(f"{name} must be a Hg fraction in [0, 1], got {x!r}")
    return arr


def hgcdse(x) -> dict[str, np.ndarray]:
    """Parameters of Hg_xCd_(1-x)Se by linear interpolation: ``p = (1 - x) p_CdSe + x p_HgSe``.

    ``x`` may be any array; each returned value has its shape.
    """
    x = check_fraction(x)
    return {k: (1 - x) * getattr(CDSE, k) + x * getattr(HGSE, k) for k in _NUMERIC}


def bulk_gap_eV(x) -> np.ndarray:
    """Bulk gap of Hg_xCd_(1-x)Se (eV), linear in x from 1.74 eV (CdSe) to -0.06 eV (HgSe)."""
    return hgcdse(x)["gap_eV"]
