"""Radially layered NC structures for the EMA: a homogeneous alloy, a CdSe/HgSe core/shell
(shell *volume* fraction = total Hg fraction x) and a graded NC of equal-thickness shells.

Lengths in nm; ``x`` is the Hg fraction Hg_xCd_(1-x)Se of each layer. Leading array axes are a
batch, so one call describes many NCs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import materials as mat


@dataclass
class Structure:
    """Concentric layers: ``radius_nm[..., j]`` is the outer radius of layer j (non-decreasing,
    zero-thickness layers allowed), ``x[..., j]`` its Hg fraction. Leading axes are a batch."""

    radius_nm: np.ndarray
    x: np.ndarray
    kind: str = "custom"

    def __post_init__(self):
        self.radius_nm, self.x = np.broadcast_arrays(
            np.asarray(self.radius_nm, float), np.asarray(self.x, float)
        )
        if self.radius_nm.ndim == 0:
            raise ValueError("radius_nm needs a layer axis")
        if np.any(~np.isfinite(self.radius_nm)) or np.any(self.radius_nm[..., -1] <= 0):
            raise ValueError("the outer radius (diameter_nm / 2) must be positive")
        if np.any(np.diff(self.radius_nm, axis=-1) < 0) or np.any(self.radius_nm < 0):
            raise ValueError("layer radii must be non-negative and non-decreasing")
        mat.check_fraction(self.x, "layer Hg fraction x")

    @property
    def shape(self) -> tuple:
        return self.radius_nm.shape[:-1]

    @property
    def outer_radius_nm(self) -> np.ndarray:
        return self.radius_nm[..., -1]

    @property
    def total_x(self) -> np.ndarray:
        """Volume-averaged Hg fraction of the whole NC."""
        r3 = self.radius_nm**3
        vol = np.diff(r3, axis=-1, prepend=0.0)
        return (vol * self.x).sum(-1) / r3[..., -1]


#: Diameters (nm) where the exact solver is validated against the finite-volume reference
#: (tests/test_ema.py::test_solver_valid_at_the_range_edges). Beyond 30 nm the levels crowd
#: below the root finder's bracket spacing; below 1 nm the EMA itself has no meaning.
DIAMETER_RANGE_NM = (1.0, 30.0)


def _diameter(diameter_nm) -> np.ndarray:
    d = np.asarray(diameter_nm, float)
    lo, hi = DIAMETER_RANGE_NM
    if np.any(~np.isfinite(d)) or np.any(d < lo) or np.any(d > hi):
        raise ValueError(
            f"diameter_nm must be in [{lo:g}, {hi:g}] nm, where the solver is validated; "
            f"got {diameter_nm!r}"
        )
    return d


def alloy(diameter_nm, x) -> Structure:
    """Homogeneous Hg_xCd_(1-x)Se sphere (``diameter_nm`` and ``x`` broadcast)."""
    d, x = np.broadcast_arrays(_diameter(diameter_nm), mat.check_fraction(x))
    return Structure((d / 2)[..., None], x[..., None], "alloy")


#: How the Hg fraction x maps to a core/shell: the shell's volume fraction (x is then the total
#: Hg fraction) or its thickness fraction (shell thickness = x R).
GEOMETRIES = ("volume", "thickness")


def core_shell(diameter_nm, x, geometry: str = "volume") -> Structure:
    """CdSe core / HgSe shell: ``x`` is the shell's volume fraction (``geometry="volume"``,
    core radius ``R (1 - x)^(1/3)``) or its thickness fraction (``"thickness"``, ``R (1 - x)``).

    The two ends are the plain spheres: at ``x = 0`` the (empty) shell is CdSe and at ``x = 1``
    the (empty) core is HgSe, so nothing that reads the outermost layer (the outside mass
    ``own``, the layered Coulomb kernel, ``a_c`` of Eq. 3) sees a layer of zero thickness."""
    if geometry not in GEOMETRIES:
        raise ValueError(f"geometry must be one of {GEOMETRIES}, got {geometry!r}")
    d, x = np.broadcast_arrays(_diameter(diameter_nm), mat.check_fraction(x))
    r = d / 2
    core = r * np.cbrt(1 - x) if geometry == "volume" else r * (1 - x)
    radii = np.stack([core, r], axis=-1)
    comp = np.stack([np.where(x >= 1, 1.0, 0.0), np.where(x > 0, 1.0, 0.0)], axis=-1)
    return Structure(radii, comp, "core/shell")


def graded(diameter_nm, x_profile) -> Structure:
    """NC of equal-thickness shells with Hg fractions ``x_profile[..., j]`` (centre outwards),
    e.g. a diffusion profile C(r) sampled at shell mid-radii."""
    xp = mat.check_fraction(x_profile, "x_profile")
    d = _diameter(diameter_nm)
    n = xp.shape[-1]
    frac = np.arange(1, n + 1) / n
    radii = (np.asarray(d)[..., None] / 2) * frac
    radii, xp = np.broadcast_arrays(radii, xp)
    return Structure(radii, xp, "graded")


def _flat(s: Structure) -> tuple[np.ndarray, Structure]:
    """Layer radii as (N, L) and the structure with its batch axes flattened to N."""
    radii = s.radius_nm.reshape(-1, s.radius_nm.shape[-1])
    return radii, Structure(radii, s.x.reshape(radii.shape))


def _layer_params(
    s: Structure, carrier: str, table: mat.MaterialTable | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Band edges and masses of one carrier in every layer, from ``table`` (default the
    paper's): ``(dEc, me)`` for 'e', ``(-dEv, mh)`` for 'h'."""
    p = mat.hgcdse(s.x, table)
    if carrier == "e":
        return p["dEc_eV"], p["me"]
    return -p["dEv_eV"], p["mh"]
