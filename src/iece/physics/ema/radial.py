"""The radial BenDaniel-Duke equation in concentric layers (Haus et al. 1993).

In each layer of constant band edge ``V_j`` and mass ``m_j`` the radial solution is a pair of
spherical Bessel functions (``j_l, y_l`` above the band edge, ``i_l, k_l`` below; for l = 0 an
entire trigonometric form); ``R`` and ``(1/m) dR/dr`` are carried across every interface by a
transfer step (``bdd=False``: ``R'`` instead of ``R'/m``, the plain-derivative condition some codes
use), and outside the NC the decaying ``k_l`` is matched. :mod:`.solver` finds the
zeros of the matching function (the bound states) and uses the wavefunctions built here.
Energies in eV, lengths in nm, masses in m0; arrays are (structure, layer) batches.

With an energy-dependent (Kane) electron mass (``inv_gap`` given, :mod:`.kane`) every layer's
mass is ``m(E) = m (1 + (E - V) inv_gap)`` at the trial energy E: at fixed E the problem is the
parabolic one with those masses, so :func:`matching` evaluates the masses per trial energy and
runs the same transfer steps on the (structure, energy) pairs flattened into one batch.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import constants as sc
from scipy import special
from scipy.integrate import trapezoid

from .kane import masses as kane_masses

#: hbar^2 / (2 m0) in eV nm^2 (kinetic energy of k = 1/nm for the free-electron mass).
HB2M_EV_NM2 = sc.hbar**2 / (2 * sc.m_e) / sc.e * 1e18


def _trig(q, d):
    """cos(sqrt(q) d) and sin(sqrt(q) d)/sqrt(q): entire in q, real for q < 0 (cosh, sinh)."""
    q, d = np.broadcast_arrays(q, d)
    s = np.sqrt(np.abs(q))
    sd = s * d
    pos = q >= 0
    neg = ~pos
    c = np.empty_like(sd)
    sn = np.empty_like(sd)
    c[pos] = np.cos(sd[pos])
    c[neg] = np.cosh(sd[neg])
    small = sd < 1e-8
    big = ~small
    pb, nb = pos & big, neg & big
    sn[pb] = np.sin(sd[pb]) / s[pb]
    sn[nb] = np.sinh(sd[nb]) / s[nb]
    sn[small] = d[small]
    return c, sn


def _weights(m, mo, bdd):
    """The masses in the interface condition: ``m`` and ``mo`` (BenDaniel-Duke) or 1 (plain)."""
    return (m, mo) if bdd else (np.ones_like(m), 1.0)


def _propagate_s(E, V, m, radii, Vo, mo, *, keep=False, bdd=True):
    """l = 0: propagate u = rR from the centre (u=0, u'=1) through every layer.

    Arrays: ``E`` (N, K) trial energies, ``V``, ``m``, ``radii`` (N, L), ``Vo`` scalar, ``mo``
    scalar or (N, 1).
    Returns the matching function F (N, K) (zero at an eigenvalue) and, with ``keep``, the
    state (u, u') just inside the start of each layer, shape (N, K, L, 2).
    """
    N, K = E.shape
    w, wo = _weights(m, mo, bdd)
    u = np.zeros((N, K))
    up = np.ones((N, K))
    r_prev = np.zeros((N, 1))
    states = []
    for j in range(radii.shape[1]):
        rj = radii[:, j : j + 1]
        if j > 0:  # interface at r_prev between layer j-1 and j
            with np.errstate(invalid="ignore", divide="ignore"):
                ur = np.where(r_prev > 0, u / np.where(r_prev > 0, r_prev, 1.0), 0.0)
            up = ur + (w[:, j : j + 1] / w[:, j - 1 : j]) * (up - ur)
        if keep:
            states.append(np.stack([u, up], -1))
        q = (E - V[:, j : j + 1]) * m[:, j : j + 1] / HB2M_EV_NM2
        c, sn = _trig(q, rj - r_prev)
        u, up = c * u + sn * up, -q * sn * u + c * up
        r_prev = rj
    R = radii[:, -1:]
    wN = w[:, -1:]
    if np.isinf(Vo):
        F = u
    else:
        kappa = np.sqrt(np.clip((Vo - E) * mo / HB2M_EV_NM2, 0, None))
        F = (up - u / R) / wN + (kappa + 1 / R) * u / wo
    return F, (np.stack(states, 2) if keep else None)


def _bessel(l, q, r):
    """Regular/irregular radial functions of a layer and their r-derivatives at ``r``.

    q > 0: j_l(kr)/k^l and y_l(kr) k^(l+1); q < 0: i_l(kr)/k^l and k_l(kr) k^(l+1) (k = sqrt|q|).
    The scale factors keep both finite and continuous as q -> 0.
    """
    k = np.sqrt(np.abs(q))
    k = np.where(k == 0, 1e-12, k)
    z = k * r
    pos = q >= 0
    with np.errstate(all="ignore"):
        f = np.where(pos, special.spherical_jn(l, z), special.spherical_in(l, z))
        fp = np.where(pos, special.spherical_jn(l, z, True), special.spherical_in(l, z, True))
        g = np.where(pos, special.spherical_yn(l, z), special.spherical_kn(l, z))
        gp = np.where(pos, special.spherical_yn(l, z, True), special.spherical_kn(l, z, True))
    sf, sg = k ** (-l), k ** (l + 1)
    return f * sf, fp * k * sf, g * sg, gp * k * sg


def _propagate_l(E, V, m, radii, Vo, mo, l, *, keep=False, bdd=True):
    """Any l: propagate (R, R'/m) with spherical Bessel functions, starting in the first layer
    of non-zero thickness. Same shapes and return values as :func:`_propagate_s`, but the kept
    states are the coefficients (A, B) of each layer's (regular, irregular) pair."""
    N, K = E.shape
    w, wo = _weights(m, mo, bdd)
    Rv = np.zeros((N, K))
    P = np.zeros((N, K))
    started = np.zeros((N, 1), bool)
    r_prev = np.zeros((N, 1))
    coefs = []
    for j in range(radii.shape[1]):
        rj = radii[:, j : j + 1]
        mj, wj = m[:, j : j + 1], w[:, j : j + 1]
        q = (E - V[:, j : j + 1]) * mj / HB2M_EV_NM2
        thick = rj > r_prev
        first = thick & ~started
        f1, f1p, g1, g1p = _bessel(l, q, np.where(r_prev > 0, r_prev, 1.0))
        # coefficients from the state at the layer start (Wronskian inverse), or (1, 0) if first
        det = f1 * g1p - f1p * g1
        with np.errstate(all="ignore"):
            A = np.where(first, 1.0, (Rv * g1p - P * wj * g1) / det)
            B = np.where(first, 0.0, (P * wj * f1 - Rv * f1p) / det)
        A = np.where(thick, A, 0.0)
        B = np.where(thick, B, 0.0)
        if keep:
            coefs.append(np.stack([A, B], -1))
        f2, f2p, g2, g2p = _bessel(l, q, rj)
        Rv = np.where(thick, A * f2 + B * g2, Rv)
        P = np.where(thick, (A * f2p + B * g2p) / wj, P)
        started = started | thick
        r_prev = np.where(thick, rj, r_prev)
    R = radii[:, -1:]
    if np.isinf(Vo):
        F = Rv
    else:
        kap = np.sqrt(np.clip((Vo - E) * mo / HB2M_EV_NM2, 1e-300, None))
        kz = kap * R
        ko, kop = special.spherical_kn(l, kz), special.spherical_kn(l, kz, True) * kap
        F = P * ko - Rv * kop / wo
        F = F / np.abs(ko)
    return F, (np.stack(coefs, 2) if keep else None)


def matching(E, V, m, radii, Vo, mo, l, bdd=True, inv_gap=None):
    """The matching function F (N, K) at trial energies ``E`` (N, K): zero at a bound state.

    ``inv_gap`` (N, L) or None: with it, ``m`` are band-edge masses and each layer's mass is
    the Kane mass at each trial energy (the (N, K) pairs run as one batch of N K structures);
    without it the call is the parabolic one, unchanged."""
    prop = _propagate_s if l == 0 else functools.partial(_propagate_l, l=l)
    if inv_gap is None:
        return prop(E, V, m, radii, Vo, mo, bdd=bdd)[0]
    N, K = E.shape
    mE = kane_masses(E, V, m, inv_gap).reshape(N * K, -1)

    def rep(a):
        return np.repeat(a, K, axis=0)

    moK = mo if np.ndim(mo) == 0 else rep(np.broadcast_to(mo, (N, 1)))
    F, _ = prop(E.reshape(N * K, 1), rep(V), mE, rep(radii), Vo, moK, bdd=bdd)
    return F.reshape(N, K)


def _wavefunctions(E, V, m, radii, Vo, mo, l, r_in, r_out, bdd=True):
    """Radial wavefunctions R(r) (unnormalized) on ``r_in`` (N, G, inside) and ``r_out``."""
    N = E.shape[0]
    R_nc = radii[:, -1:]
    layer = (r_in[:, :, None] > radii[:, None, :]).sum(-1).clip(0, radii.shape[1] - 1)
    starts = np.concatenate([np.zeros((N, 1)), radii[:, :-1]], 1)
    r0 = np.take_along_axis(starts, layer, 1)
    Vl = np.take_along_axis(V, layer, 1)
    ml = np.take_along_axis(m, layer, 1)
    q = (E[:, None] - Vl) * ml / HB2M_EV_NM2
    if l == 0:
        _, st = _propagate_s(E[:, None], V, m, radii, Vo, mo, keep=True, bdd=bdd)
        st = st[:, 0]  # (N, L, 2)
        u0 = np.take_along_axis(st[..., 0], layer, 1)
        up0 = np.take_along_axis(st[..., 1], layer, 1)
        c, sn = _trig(q, r_in - r0)
        u = c * u0 + sn * up0
        with np.errstate(invalid="ignore", divide="ignore"):
            Rin = np.where(r_in > 0, u / np.where(r_in > 0, r_in, 1.0), up0)
    else:
        _, co = _propagate_l(E[:, None], V, m, radii, Vo, mo, l, keep=True, bdd=bdd)
        co = co[:, 0]
        A = np.take_along_axis(co[..., 0], layer, 1)
        B = np.take_along_axis(co[..., 1], layer, 1)
        f, _, g, _ = _bessel(l, q, np.where(r_in > 0, r_in, 1e-12))
        Rin = A * f + np.where(B == 0, 0.0, B * g)
    R_surf = Rin[:, -1:]
    if np.isinf(Vo):
        Rout = np.zeros_like(r_out)
        kappa = np.full((N, 1), np.inf)
    else:
        kappa = np.sqrt(np.clip((Vo - E[:, None]) * mo / HB2M_EV_NM2, 1e-300, None))
        if l == 0:
            Rout = R_surf * (R_nc / r_out) * np.exp(-kappa * (r_out - R_nc))
        else:
            ko = special.spherical_kn(l, kappa * r_out)
            Rout = R_surf * ko / special.spherical_kn(l, kappa * R_nc)
    return Rin, Rout, kappa


def _normalized(E, V, m, radii, Vo, mo, l, r_in, r_out, bdd=True, inv_gap=None):
    """Wavefunctions on the joined grid, normalized (int 4 pi r^2 psi^2 dr = 1) and signed so
    that the largest lobe is positive. With ``inv_gap`` (Kane), ``m`` are band-edge masses and
    each layer takes its mass at the state's energy ``E`` (N,)."""
    if inv_gap is not None:
        m = kane_masses(np.asarray(E, float)[:, None], V, m, inv_gap)[:, 0]
    Rin, Rout, _ = _wavefunctions(E, V, m, radii, Vo, mo, l, r_in, r_out, bdd)
    Rr = np.concatenate([Rin, Rout[:, 1:]], 1)
    r = np.concatenate([r_in, r_out[:, 1:]], 1)
    Rr = Rr / np.sqrt(trapezoid(4 * np.pi * r**2 * Rr**2, r, axis=1))[:, None]
    peak = np.take_along_axis(Rr, np.argmax(np.abs(Rr), axis=1)[:, None], 1)
    return Rr * np.sign(peak)
