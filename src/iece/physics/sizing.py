"""Empirical CdSe sizing curve: diameter from the first excitonic absorption peak.

Jasieniak et al., "Re-examination of the size-dependent absorption properties of CdSe quantum
dots", J. Phys. Chem. C 113, 19468 (2009), doi:10.1021/jp906032g, valid for 2-8 nm:

    d (nm) = 59.60816 - 0.54736 L + 1.8873e-3 L^2 - 2.85743e-6 L^3 + 1.62974e-9 L^4,  L in nm.

Where read: the polynomial as typed in a public Igor Pro procedure found with the project's
search tool (verbatim: "CITE:Jasieniak, J., J. Phys. Chem. C, 2009\\r(valid 2 to 8 nm);
FIT:59.60816-0.54736*peakWL+1.8873e-3*peakWL^2-2.85743e-6*peakWL^3+1.62974e-9*peakWL^4"), not
from the article itself. Yu et al., Chem. Mater. 15, 2854 (2003) is not used: no public copy of
its CdSe polynomial was found, and we do not type it from memory.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from .constants import HC_EV_NM

JASIENIAK_COEFFS = (59.60816, -0.54736, 1.8873e-3, -2.85743e-6, 1.62974e-9)
JASIENIAK_SOURCE = {
    "doi": "10.1021/jp906032g",
    "citation": "Jasieniak, Smith, van Embden, Mulvaney, Califano, "
    "J. Phys. Chem. C 113, 19468 (2009)",
    "where_read": "public Igor Pro procedure (search tool, code index)",
    "snippet": "CITE:Jasieniak, J., J. Phys. Chem. C, 2009 (valid 2 to 8 nm);"
    "FIT:59.60816-0.54736*peakWL"
    "+1.8873e-3*peakWL^2-2.85743e-6*peakWL^3+1.62974e-9*peakWL^4",
}
VALID_NM = (2.0, 8.0)


def jasieniak_diameter_nm(wavelength_nm):
    """CdSe diameter (nm) from the 1S-1S absorption peak wavelength (nm), Jasieniak 2009."""
    lam = np.asarray(wavelength_nm, float)
    return sum(c * lam**k for k, c in enumerate(JASIENIAK_COEFFS))


def jasieniak_energy_eV(diameter_nm):
    """Inverse of :func:`jasieniak_diameter_nm`: 1S-1S energy (eV) of CdSe of a given diameter.

    Raises ValueError outside the curve's 2-8 nm validity range.
    """
    d = np.atleast_1d(np.asarray(diameter_nm, float))
    if np.any((d < VALID_NM[0]) | (d > VALID_NM[1])):
        raise ValueError(f"diameter_nm must be within {VALID_NM} nm for the Jasieniak curve")
    lam = [brentq(lambda L, di=di: jasieniak_diameter_nm(L) - di, 400.0, 720.0) for di in d]
    out = HC_EV_NM / np.asarray(lam)
    return out if np.ndim(diameter_nm) else float(out[0])
