"""Derived physical constants (from ``scipy.constants``) in the units this package uses, and the
unit conversions built on them."""

from scipy import constants as sc

#: h c in eV nm (photon energy E = HC_EV_NM / wavelength).
HC_EV_NM = sc.h * sc.c / sc.e * 1e9


def fwhm_nm_to_meV(fwhm_nm: float, peak_nm: float) -> float:
    """Linewidth in meV of a band of FWHM ``fwhm_nm`` centred at ``peak_nm``:
    ``E(peak - w/2) - E(peak + w/2)`` with ``E = hc / lambda``."""
    if not (0 < fwhm_nm < 2 * peak_nm):
        raise ValueError(f"fwhm_nm must be in (0, 2 peak_nm), got {fwhm_nm} at {peak_nm} nm")
    return 1e3 * (HC_EV_NM / (peak_nm - fwhm_nm / 2) - HC_EV_NM / (peak_nm + fwhm_nm / 2))
