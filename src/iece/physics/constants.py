"""Derived physical constants (from ``scipy.constants``) in the units this package uses."""

from scipy import constants as sc

#: h c in eV nm (photon energy E = HC_EV_NM / wavelength).
HC_EV_NM = sc.h * sc.c / sc.e * 1e9
