"""Independent finite-volume EMA solver, imported only by the tests and the benchmarks.

It checks :mod:`iece.physics.ema.solver` by a second method (cell-centred finite volumes and a
tridiagonal eigenproblem) and is not used to produce any result of the report.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .kane import Kane, check_positive, kane_model
from .media import Outside, outside_medium
from .solver import HB2M_EV_NM2
from .structures import Structure, _layer_params


# ----------------------------------------------------------------------------- FD check
class FDResult(NamedTuple):
    energy_eV: float
    r_nm: np.ndarray
    psi: np.ndarray
    weight_nm3: np.ndarray  # cell volume / (4 pi)


def solve_fd(
    structure: Structure,
    outside: str | Outside = "reference",
    *,
    carrier: str = "e",
    l: int = 0,
    cells_per_nm: int = 1500,
    extrapolate: bool = True,
    kane: Kane | str | bool | None = None,
) -> FDResult:
    """Independent finite-volume solution for ONE structure (for tests and benchmarks).

    Cell-centred finite volumes on spherical shells with interfaces on cell faces (series
    'resistance' of 1/m across a face), a Dirichlet wall far outside (or at the surface for
    infinite barriers), and the symmetric tridiagonal eigenproblem solved by
    ``scipy.linalg.eigh_tridiagonal``. With ``extrapolate``, the energy is Richardson-
    extrapolated from two grids (second order). Returns an :class:`FDResult` (psi normalised
    so that sum 4 pi w psi^2 = 1 over the cell volumes w).

    ``kane`` (electrons only; :mod:`.kane`): every cell's mass is the Kane mass
    ``m_edge (1 + (E - V) / Eg_K)`` at the energy E, and the state is the nonlinear eigenvalue
    ``E = lambda(E)``, where ``lambda(E)`` is the lowest eigenvalue of the finite-volume problem
    with the masses frozen at E. Masses grow with E, so ``lambda`` falls and ``E - lambda(E)``
    has one root, bracketed by ``[V_min, lambda(V_min)]`` and found by ``brentq`` on each grid.
    """
    from scipy.linalg import eigh_tridiagonal
    from scipy.optimize import brentq

    out = outside_medium(outside)
    radii = np.asarray(structure.radius_nm, float).reshape(-1)
    x = np.asarray(structure.x, float).reshape(-1)
    s1 = Structure(radii[None], x[None])
    V, m = (a[0] for a in _layer_params(s1, carrier))
    kmodel = kane_model(kane)
    inv_gap = np.zeros_like(m)
    if kmodel is not None:
        if carrier != "e":
            raise ValueError("the Kane mass (kane=...) is for electrons; holes stay parabolic")
        m, inv_gap = kmodel.layers(x)
        check_positive(V[None], m[None], inv_gap[None])
    V_e, V_h = _layer_params(s1, "e")[0][0], _layer_params(s1, "h")[0][0]
    Vo = out.level(carrier)
    mo = float(out.mass(carrier, m[-1]))
    # the same outer span for both carriers, so their grids coincide
    m_e_out = float(out.mass("e", _layer_params(s1, "e")[1][0][-1]))
    m_h_out = float(out.mass("h", _layer_params(s1, "h")[1][0][-1]))

    def once(density):
        faces = [0.0]
        Vc, mc, gc = [], [], []
        r_prev = 0.0
        for j, rj in enumerate(radii):
            if rj <= r_prev:
                continue
            n = max(8, int(np.ceil((rj - r_prev) * density)))
            faces.extend(np.linspace(r_prev, rj, n + 1)[1:])
            Vc += [V[j]] * n
            mc += [m[j]] * n
            gc += [inv_gap[j]] * n
            r_prev = rj
        if np.isfinite(Vo):
            kap = min(
                np.sqrt(max(out.Ve_eV - V_e.min(), 1e-3) * m_e_out / HB2M_EV_NM2),
                np.sqrt(max(out.Vh_eV - V_h.min(), 1e-3) * m_h_out / HB2M_EV_NM2),
            )
            span = min(25.0 / kap, 8.0)
            n = max(50, int(np.ceil(span * density)))
            faces.extend(np.linspace(r_prev, r_prev + span, n + 1)[1:])
            Vc += [Vo] * n
            mc += [mo] * n
            gc += [0.0] * n  # the outside keeps its configured mass
        f = np.asarray(faces)
        Vc, mc, gc = np.asarray(Vc), np.asarray(mc), np.asarray(gc)
        rc = 0.5 * (f[1:] + f[:-1])
        w = (f[1:] ** 3 - f[:-1] ** 3) / 3
        half_l = rc - f[:-1]
        half_r = f[1:] - rc
        sw = np.sqrt(w)

        def lowest(mcell):
            g = f[1:-1] ** 2 / (mcell[:-1] * half_r[:-1] + mcell[1:] * half_l[1:])
            g_wall = f[-1] ** 2 / (mcell[-1] * half_r[-1])  # Dirichlet wall at the last face
            diag = HB2M_EV_NM2 * (np.r_[0.0, g] + np.r_[g, g_wall]) + w * Vc
            diag += w * HB2M_EV_NM2 * l * (l + 1) / (mcell * rc**2)
            off = -HB2M_EV_NM2 * g
            ev, vec = eigh_tridiagonal(
                diag / w, off / (sw[:-1] * sw[1:]), select="i", select_range=(0, 0)
            )
            return ev[0], vec[:, 0]

        if kmodel is None:
            e, v = lowest(mc)
        else:

            def at(E):
                return lowest(mc * (1.0 + (E - Vc) * gc))

            lo = float(V.min())
            hi = at(lo)[0]
            e = brentq(lambda E: at(E)[0] - E, lo, hi, xtol=1e-13, rtol=1e-15)
            v = at(e)[1]
        R = v / sw
        R = R / np.sqrt(np.sum(4 * np.pi * w * R**2))
        R = R * np.sign(R[np.argmax(np.abs(R))])
        return e, rc, R, w

    e1, rc, R, w = once(cells_per_nm)
    if extrapolate:
        e0, *_ = once(cells_per_nm / 2)
        e1 = e1 + (e1 - e0) / 3
    return FDResult(float(e1), rc, R, w)


def overlap_fd(
    structure: Structure, outside: str | Outside = "reference", *, kane=None, **kw
) -> float:
    """Electron-hole overlap (paper Eq. 2) of ONE structure from :func:`solve_fd` (``kane``:
    the electron's Kane mass, as there)."""
    e = solve_fd(structure, outside, carrier="e", extrapolate=False, kane=kane, **kw)
    h = solve_fd(structure, outside, carrier="h", extrapolate=False, **kw)
    if not np.array_equal(e.r_nm, h.r_nm):
        raise RuntimeError("electron and hole FD grids differ")
    return float(abs(np.sum(e.weight_nm3 * 4 * np.pi * e.psi * h.psi)))
