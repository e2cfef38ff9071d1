"""Empirical CdSe sizing curves: diameter from the first excitonic (1S-1S) absorption peak.

Jasieniak et al., "Re-examination of the size-dependent absorption properties of CdSe quantum
dots", J. Phys. Chem. C 113, 19468 (2009), doi:10.1021/jp906032g, valid for 2-8 nm:

    d (nm) = 59.60816 - 0.54736 L + 1.8873e-3 L^2 - 2.85743e-6 L^3 + 1.62974e-9 L^4,  L in nm.

Where read: the polynomial as typed in a public Igor Pro procedure found with the project's
search tool (verbatim: "CITE:Jasieniak, J., J. Phys. Chem. C, 2009\\r(valid 2 to 8 nm);
FIT:59.60816-0.54736*peakWL+1.8873e-3*peakWL^2-2.85743e-6*peakWL^3+1.62974e-9*peakWL^4"), not
from the article itself.

Yu, Qu, Guo, Peng, "Experimental determination of the extinction coefficient of CdTe, CdSe, and
CdS nanocrystals", Chem. Mater. 15, 2854 (2003), doi:10.1021/cm034081k:

    D (nm) = 1.6122e-9 L^4 - 2.6575e-6 L^3 + 1.6242e-3 L^2 - 0.4277 L + 41.57,  L in nm.

Where read: quoted verbatim from the article's PDF in a public repository's review note (search
tool, code index; see :data:`CURVES`). The same repository's data file
``data/quantum_dots/qd-0001-yu-2003-absorption.yaml`` (commit 08e52fe9) lists diameters it
computed from this polynomial at 480, 530, 580 and 630 nm (4 decimals); those are check values
of the polynomial, not numbers Yu et al. print (their paper has no table of sizes, only the
points of its Figure 2), and ``tests/test_sizing.py`` reproduces them. Yu et al. warn that the
fit may not hold outside the fitted sizes; we use it between 480 and 630 nm only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .constants import HC_EV_NM


@dataclass(frozen=True)
class SizingCurve:
    """A polynomial sizing curve ``d = sum_k c_k L^k`` (d and L in nm) for peak wavelengths in
    ``bracket_nm``, with where it was read. ``stated_valid_nm`` is the diameter range its source
    states; without one, the curve is used over the diameters its bracket spans."""

    name: str
    coeffs: tuple[float, ...]
    bracket_nm: tuple[float, float]
    source: dict
    stated_valid_nm: tuple[float, float] | None = None

    @property
    def valid_nm(self) -> tuple[float, float]:
        if self.stated_valid_nm is not None:
            return self.stated_valid_nm
        return tuple(float(self.diameter_nm(L)) for L in self.bracket_nm)

    def diameter_nm(self, wavelength_nm):
        """CdSe diameter (nm) from the 1S-1S absorption peak wavelength (nm)."""
        lam = np.asarray(wavelength_nm, float)
        return sum(c * lam**k for k, c in enumerate(self.coeffs))

    def energy_eV(self, diameter_nm):
        """Inverse of :meth:`diameter_nm`: 1S-1S energy (eV) of CdSe of a given diameter;
        ValueError outside ``valid_nm``."""
        d = np.atleast_1d(np.asarray(diameter_nm, float))
        lo, hi = self.valid_nm
        if np.any((d < lo) | (d > hi)):
            raise ValueError(
                f"diameter_nm must be within {self.valid_nm} nm for the {self.name} curve"
            )
        lam = [brentq(lambda L, di=di: self.diameter_nm(L) - di, *self.bracket_nm) for di in d]
        out = HC_EV_NM / np.asarray(lam)
        return out if np.ndim(diameter_nm) else float(out[0])


CURVES = {
    "jasieniak": SizingCurve(
        "Jasieniak 2009",
        (59.60816, -0.54736, 1.8873e-3, -2.85743e-6, 1.62974e-9),
        (400.0, 720.0),
        {
            "doi": "10.1021/jp906032g",
            "citation": "Jasieniak, Smith, van Embden, Mulvaney, Califano, "
            "J. Phys. Chem. C 113, 19468 (2009)",
            "where_read": "public Igor Pro procedure (search tool, code index)",
            "snippet": "CITE:Jasieniak, J., J. Phys. Chem. C, 2009 (valid 2 to 8 nm);"
            "FIT:59.60816-0.54736*peakWL"
            "+1.8873e-3*peakWL^2-2.85743e-6*peakWL^3+1.62974e-9*peakWL^4",
        },
        stated_valid_nm=(2.0, 8.0),
    ),
    "yu": SizingCurve(
        "Yu 2003",
        (41.57, -0.4277, 1.6242e-3, -2.6575e-6, 1.6122e-9),
        (480.0, 630.0),
        {
            "doi": "10.1021/cm034081k",
            "citation": "Yu, Qu, Guo, Peng, Chem. Mater. 15, 2854 (2003)",
            "where_read": "open-agent-science/autonomous-physics-lab, "
            "docs/reviews/quantum-size-direct-absorption-seed-review.md (commit 01d00ec5), "
            "quoting the article's PDF",
            "snippet": "CdSe: `D = 1.6122e-9·λ⁴ − 2.6575e-6·λ³ + 1.6242e-3·λ² − 0.4277·λ + 41.57`",
        },
    ),
}
#: The default curve and its names kept for the pages.
JASIENIAK = CURVES["jasieniak"]
JASIENIAK_SOURCE = JASIENIAK.source
VALID_NM = JASIENIAK.valid_nm
jasieniak_diameter_nm = JASIENIAK.diameter_nm
jasieniak_energy_eV = JASIENIAK.energy_eV
