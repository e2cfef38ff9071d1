"""Hg-for-Cd exchange as diffusion into a sphere (Fig. 1c, Supplementary Note 1).

``x`` is the Hg fraction of the cations, ``C(r, t)`` its radial profile (surface value 1:
complete exchange), ``a`` the NC radius, ``tau = D t / a^2`` the dimensionless time. Crank,
*The Mathematics of Diffusion*, 2nd ed. (1975), sphere solutions:

* constant surface concentration (Crank eq. 6.18, 6.20)::

    x(t) = 1 - (6/pi^2) sum_n exp(-n^2 pi^2 tau) / n^2
    C(r, t) = 1 + (2a / (pi r)) sum_n ((-1)^n / n) sin(n pi r / a) exp(-n^2 pi^2 tau)

* finite surface exchange rate k, ``-D dC/dr = k (C - 1)`` at r = a ("surface evaporation",
  Crank 6.3.4), ``L = a k / D`` and ``beta_n cot beta_n + L - 1 = 0``::

    x(t) = 1 - sum_n 6 L^2 exp(-beta_n^2 tau) / (beta_n^2 (beta_n^2 + L (L - 1)))
    C(r, t) = 1 - (2 L a / r) sum_n exp(-beta_n^2 tau) sin(beta_n r / a)
                                   / ((beta_n^2 + L (L - 1)) sin beta_n)

* a finite-volume solver (method of lines, ``scipy.integrate.solve_ivp``) for a
  concentration-dependent ``D(c) = D_Cd (D_Hg / D_Cd)^c`` and any initial profile, which gives the
  two-regime CE model: the outer monolayer exchanged at once, then slow diffusion.

Fits live in :mod:`iece.physics.diffusion_fit`; the chain profile -> graded NC -> EMA energy in
:mod:`iece.physics.exchange`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from . import materials as mat

N_TERMS = 400
#: One (100) monolayer of zinc-blende CdSe: a/2 (nm), from the materials table.
MONOLAYER_NM = mat.CDSE.a_nm / 2


def _check(t_s, D, a_nm):
    t = np.asarray(t_s, float)
    if np.any(~np.isfinite(t)) or np.any(t < 0):
        raise ValueError("time must be finite and >= 0")
    if not (np.isfinite(D) and D > 0):
        raise ValueError(f"D_m2_per_s must be > 0, got {D}")
    if not (np.isfinite(a_nm) and a_nm > 0):
        raise ValueError(f"radius_nm must be > 0, got {a_nm}")
    return t


def tau(t_s, D_m2_per_s: float, radius_nm: float):
    """Dimensionless time D t / a^2."""
    return D_m2_per_s * np.asarray(t_s, float) / (radius_nm * 1e-9) ** 2


def fraction_of_tau(tau_) -> np.ndarray:
    """Exchanged fraction x at dimensionless times ``tau_`` (any array) for a constant surface
    concentration (Crank 6.20): ``x = 1 - (6/pi^2) sum_n exp(-n^2 pi^2 tau) / n^2``.

    Below tau = 1e-3 the short-time form ``6 sqrt(tau/pi) - 3 tau`` is used (the series needs
    too many terms there; the two agree to 1e-12 at the switch)."""
    th = np.asarray(tau_, float)
    n = np.arange(1, N_TERMS + 1)
    series = 1 - (6 / np.pi**2) * np.sum(
        np.exp(-np.multiply.outer(th, n**2) * np.pi**2) / n**2, axis=-1
    )
    short = 6 * np.sqrt(th / np.pi) - 3 * th
    return np.where(th < 1e-3, short, series)


def fraction_constant_surface(t_s, D_m2_per_s: float, radius_nm: float) -> np.ndarray:
    """Exchanged fraction x(t) for a constant surface concentration: :func:`fraction_of_tau`
    at ``tau = D t / a^2``."""
    t = _check(t_s, D_m2_per_s, radius_nm)
    return fraction_of_tau(tau(t, D_m2_per_s, radius_nm))


def tau_at_fraction(fraction: float) -> float:
    """The dimensionless time ``tau = D t / a^2`` at which :func:`fraction_of_tau` reaches
    ``fraction`` (0 < f < 1), by brentq on tau in [1e-16, 10] (x rises from 0 to
    1 - 6/pi^2 exp(-10 pi^2) there), to 1e-15 absolute."""
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be in (0, 1), got {fraction}")
    return brentq(
        lambda th: float(fraction_of_tau(th)) - fraction, 1e-16, 10.0, xtol=1e-15, rtol=1e-12
    )


def time_to_fraction_constant_surface(
    fraction: float, D_m2_per_s: float, radius_nm: float
) -> float:
    """Time (s) at which :func:`fraction_constant_surface` reaches ``fraction`` (0 < f < 1):
    ``t = tau_f a^2 / D`` (:func:`tau_at_fraction`), so any D works."""
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be in (0, 1), got {fraction}")
    _check(0.0, D_m2_per_s, radius_nm)
    a = radius_nm * 1e-9
    return tau_at_fraction(fraction) * a**2 / D_m2_per_s


#: A series term is dropped once ``n^2 pi^2 tau`` exceeds this at the smallest positive tau: its
#: size is then below 2 exp(-60) ~ 2e-26 in C (absolute; C lies in [0, 1]), far under double
#: precision.
_TAIL_EXPONENT = 60.0


def _terms(th) -> int:
    """How many of the :data:`N_TERMS` series terms matter at the dimensionless times ``th``."""
    pos = np.asarray(th)[np.asarray(th) > 0]
    if pos.size == 0:
        return 1
    need = int(np.ceil(np.sqrt(_TAIL_EXPONENT / (np.pi**2 * pos.min()))))
    return min(N_TERMS, max(need, 1))


def profile_of_tau(rho, tau_) -> np.ndarray:
    """C(rho, tau) for a constant surface concentration (Crank 6.18) at reduced radii
    ``rho = r / a`` (clipped to (0, 1]) and dimensionless times ``tau_`` (any array):
    ``C = 1 + (2 / (pi rho)) sum_n ((-1)^n / n) sin(n pi rho) exp(-n^2 pi^2 tau)``; shape
    ``tau_.shape + rho.shape``. At tau = 0 the exact profile (0 inside, 1 at the surface), not
    the truncated series, which rings there (Gibbs)."""
    rr = np.clip(np.asarray(rho, float), 1e-9, 1.0)[:, None]
    th = np.asarray(tau_, float)[..., None, None]
    n = np.arange(1, _terms(th) + 1)
    terms = ((-1.0) ** n / n) * np.sin(n * np.pi * rr) * np.exp(-(n**2) * np.pi**2 * th)
    C = np.clip(1 + (2 / (np.pi * rr[:, 0])) * terms.sum(-1), 0.0, 1.0)
    return np.where(th[..., 0] == 0, np.where(rr[:, 0] >= 1.0, 1.0, 0.0), C)


def profile_constant_surface(r_nm, t_s, D_m2_per_s: float, radius_nm: float) -> np.ndarray:
    """C(r, t) for a constant surface concentration: :func:`profile_of_tau` at ``r / a`` and
    ``tau = D t / a^2``; shape t.shape + r.shape."""
    t = _check(t_s, D_m2_per_s, radius_nm)
    return profile_of_tau(np.asarray(r_nm, float) / radius_nm, tau(t, D_m2_per_s, radius_nm))


def evaporation_roots(L: float, n: int = N_TERMS) -> np.ndarray:
    """First ``n`` positive roots of beta cot beta + L - 1 = 0 (one in each ((k-1) pi, k pi))."""
    if not (np.isfinite(L) and L > 0):
        raise ValueError(f"L = a k / D must be > 0, got {L}")

    def g(b):
        return b * np.cos(b) + (L - 1) * np.sin(b)

    eps = 1e-12
    return np.array(
        [brentq(g, (k - 1) * np.pi + eps, k * np.pi - eps, xtol=1e-14) for k in range(1, n + 1)]
    )


def fraction_surface_rate(
    t_s, D_m2_per_s: float, radius_nm: float, k_m_per_s: float, n_terms: int = 200
) -> np.ndarray:
    """Exchanged fraction with a finite surface exchange rate k (m/s), Crank 6.3.4."""
    t = _check(t_s, D_m2_per_s, radius_nm)
    L = radius_nm * 1e-9 * k_m_per_s / D_m2_per_s
    b = evaporation_roots(L, n_terms)
    th = tau(t, D_m2_per_s, radius_nm)
    w = 6 * L**2 / (b**2 * (b**2 + L * (L - 1)))
    x = 1 - np.sum(w * np.exp(-np.multiply.outer(th, b**2)), axis=-1)
    return np.where(t == 0, 0.0, x)  # the truncated series does not reach 0 at t = 0


def profile_surface_rate(
    r_nm, t_s, D_m2_per_s: float, radius_nm: float, k_m_per_s: float, n_terms: int = 200
) -> np.ndarray:
    """C(r, t) with a finite surface exchange rate; shape t.shape + r.shape."""
    t = _check(t_s, D_m2_per_s, radius_nm)
    L = radius_nm * 1e-9 * k_m_per_s / D_m2_per_s
    b = evaporation_roots(L, n_terms)
    r = np.clip(np.asarray(r_nm, float), 1e-9 * radius_nm, radius_nm)
    th = np.asarray(tau(t, D_m2_per_s, radius_nm))[..., None, None]
    rr = r[:, None] / radius_nm
    terms = np.exp(-(b**2) * th) * np.sin(b * rr) / ((b**2 + L * (L - 1)) * np.sin(b))
    return np.clip(1 - (2 * L / rr[:, 0]) * terms.sum(-1), 0.0, 1.0)


# ----------------------------------------------------------------------------- finite volumes
@dataclass
class FVResult:
    t_s: np.ndarray
    r_nm: np.ndarray  # cell centres
    C: np.ndarray  # (time, cell)
    x: np.ndarray  # exchanged fraction at each time
    uptake: np.ndarray  # time integral of the surface flux (fraction of the NC), for mass balance


def solve_fv(
    t_s,
    radius_nm: float,
    *,
    D_cd_m2_per_s: float,
    D_hg_m2_per_s: float | None = None,
    k_m_per_s: float | None = None,
    initial=None,
    n_cells: int = 200,
    rtol: float = 1e-8,
) -> FVResult:
    """Finite-volume solution of dC/dt = (1/r^2) d/dr (r^2 D(C) dC/dr) in a sphere.

    ``D(C) = D_cd (D_hg / D_cd)^C`` (log-linear; constant if ``D_hg`` is None). Surface: C = 1
    (half-cell Dirichlet) or, with ``k``, flux ``k (1 - C)``. ``initial(r_nm)`` gives C at t = 0
    (default 0); ``rtol`` is the time integrator's relative tolerance. Returns profiles, x(t)
    and the integrated surface uptake (mass check)."""
    t = _check(t_s, D_cd_m2_per_s, radius_nm)
    if np.any(np.diff(t) <= 0):
        raise ValueError("time points must increase")
    D_hg = D_cd_m2_per_s if D_hg_m2_per_s is None else D_hg_m2_per_s
    a = radius_nm * 1e-9
    faces = np.linspace(0.0, a, n_cells + 1)
    rc = 0.5 * (faces[1:] + faces[:-1])
    vol = (faces[1:] ** 3 - faces[:-1] ** 3) / 3
    area = faces**2
    h = faces[1] - faces[0]
    ratio = D_hg / D_cd_m2_per_s
    C0 = np.zeros(n_cells) if initial is None else np.clip(initial(rc * 1e9), 0, 1)

    def Dc(c):
        return D_cd_m2_per_s * ratio ** np.clip(c, 0, 1)

    def surface_flux(c_last):
        g = Dc(0.5 * (c_last + 1.0)) / (h / 2)  # half-cell conductance to the surface
        if k_m_per_s is None:
            return g * (1.0 - c_last)
        # surface value c_s from flux continuity g (c_s - c_N) = k (1 - c_s): second order
        c_s = (g * c_last + k_m_per_s) / (g + k_m_per_s)
        return k_m_per_s * (1.0 - c_s)

    def rhs(_, y):
        c = y[:n_cells]
        Df = Dc(0.5 * (c[1:] + c[:-1]))
        flux = np.zeros(n_cells + 1)  # inward-positive flux density at faces, times area
        flux[1:-1] = area[1:-1] * Df * (c[1:] - c[:-1]) / h
        fs = surface_flux(c[-1])
        flux[-1] = area[-1] * fs
        dc = (flux[1:] - flux[:-1]) / vol
        return np.concatenate([dc, [3 * area[-1] * fs / a**3]])

    y0 = np.concatenate([C0, [0.0]])
    from scipy.sparse import diags

    jac = diags([1.0, 1.0, 1.0], [-1, 0, 1], shape=(n_cells + 1, n_cells + 1)).tolil()
    jac[:, -1] = 1
    jac[-1, :] = 1
    # a stiff trial step (a fit trying D at its upper bound) may overflow inside BDF, which
    # rejects the step and retries smaller: numpy's warning about it is not the solver's failure
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        sol = solve_ivp(
            rhs,
            (0.0, float(t[-1])),
            y0,
            t_eval=t,
            method="BDF",
            jac_sparsity=jac,
            rtol=rtol,
            atol=rtol * 1e-3,
        )
    if not sol.success or not np.all(np.isfinite(sol.y)):
        raise RuntimeError(f"finite-volume solver failed: {sol.message}")
    C = sol.y[:n_cells].T
    x = (C * vol).sum(1) / (a**3 / 3)
    x0 = (C0 * vol).sum() / (a**3 / 3)
    return FVResult(t, rc * 1e9, C, x, x0 + sol.y[-1])


def two_regime(
    t_s,
    radius_nm: float,
    D_m2_per_s: float,
    *,
    monolayer_nm: float = MONOLAYER_NM,
    D_hg_m2_per_s: float | None = None,
    n_cells: int = 150,
    rtol: float = 1e-8,
) -> FVResult:
    """CE model: the outer ``monolayer_nm`` exchanged instantly at t = 0, then diffusion with
    ``D`` (or D(C) from ``D`` in CdSe to ``D_hg`` in HgSe)."""
    if not 0 < monolayer_nm < radius_nm:
        raise ValueError(f"monolayer_nm must be in (0, radius_nm), got {monolayer_nm}")
    t = np.asarray(t_s, float)
    t_eval = t if t[0] > 0 else t[1:]
    res = solve_fv(
        t_eval,
        radius_nm,
        D_cd_m2_per_s=D_m2_per_s,
        D_hg_m2_per_s=D_hg_m2_per_s,
        initial=lambda r: (r >= radius_nm - monolayer_nm).astype(float),
        n_cells=n_cells,
        rtol=rtol,
    )
    if t[0] == 0:
        c0 = (res.r_nm >= radius_nm - monolayer_nm).astype(float)
        faces = np.linspace(0.0, radius_nm, res.r_nm.size + 1)
        x0 = float((c0 * np.diff(faces**3)).sum() / radius_nm**3)  # same cells as the solver
        res = FVResult(t, res.r_nm, np.vstack([c0, res.C]), np.r_[x0, res.x], np.r_[x0, res.uptake])
    return res
