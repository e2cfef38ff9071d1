"""The EMA solver: effective-mass approximation for spherical, radially layered nanocrystals.

Method of Haus et al., Phys. Rev. B 47, 1359 (1993), as the paper uses it (Methods, "EMA
calculations"): non-interacting electron and hole in concentric layers of piecewise-constant
band edge ``V_j`` and effective mass ``m_j``, inside an outside medium. In each layer the radial
solution of the BenDaniel-Duke equation

    -(hbar^2 / 2) (1/r^2) d/dr (r^2 / m(r) dR/dr) + [l(l+1) hbar^2 / (2 m r^2) + V(r)] R = E R

is a pair of spherical Bessel functions (``j_l, y_l`` above the band edge, ``i_l, k_l`` below);
``R`` and ``(1/m) dR/dr`` are continuous at every interface; outside, the decaying ``k_l``.
Bound states are the zeros of the outer matching function, bracketed on an energy grid and
refined with ``scipy.optimize.elementwise.find_root`` for all structures at once.

Results (paper Eqs. 2-3): overlap ``phi = int 4 pi r^2 psi_e psi_h dr``, surface electron
fraction ``int_{r_NC - a_c/4}^inf 4 pi r^2 psi_e^2 dr``, and the 1S-1S energy
``E = OUTSIDE_GAP + E_e + E_h - J``. The Coulomb term ``J`` is first-order perturbation theory
with the angle-averaged kernel ``e^2 / (4 pi eps0 eps_eff max(r_e, r_h))`` and one dielectric
constant ``eps_eff``, the volume average of eps_inf over the NC (no image charges). For a
uniform sphere with infinite barriers it is Brus' ``1.786 e^2 / (4 pi eps0 eps R)``.

Energies are in eV in the common frame of :mod:`iece.materials` (electron energies counted up
from the common electron level, hole energies counted down from the common hole level), lengths
in nm, masses in m0.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
from scipy import constants as sc
from scipy import special
from scipy.integrate import cumulative_trapezoid, trapezoid
from scipy.optimize.elementwise import find_root

from .. import materials as mat
from .media import Outside, outside_medium
from .structures import Structure, _flat, _layer_params

#: hbar^2 / (2 m0) in eV nm^2 (kinetic energy of k = 1/nm for the free-electron mass).
HB2M_EV_NM2 = sc.hbar**2 / (2 * sc.m_e) / sc.e * 1e18
#: e^2 / (4 pi eps0) in eV nm.
COULOMB_EV_NM = sc.e / (4 * sc.pi * sc.epsilon_0) * 1e9
#: Brus' coefficient for the 1S-1S Coulomb energy of a uniform sphere, infinite barriers.
BRUS_COEFFICIENT = 1.786


class NoBoundState(ValueError):
    """A requested state is not bound in the given NC and outside medium."""


# ----------------------------------------------------------------------------- the solver
@dataclass
class Result:
    """EMA results for a batch of structures (arrays of the batch shape; grids add an axis)."""

    structure: Structure
    outside: Outside
    l: int
    electron_eV: np.ndarray
    hole_eV: np.ndarray
    coulomb_eV: np.ndarray
    energy_eV: np.ndarray
    overlap: np.ndarray
    surface_fraction_e: np.ndarray
    r_nm: np.ndarray
    psi_e: np.ndarray
    psi_h: np.ndarray
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Scalar results as plain floats (for one structure)."""
        return {
            "energy_eV": float(self.energy_eV),
            "electron_eV": float(self.electron_eV),
            "hole_eV": float(self.hole_eV),
            "coulomb_eV": float(self.coulomb_eV),
            "overlap": float(self.overlap),
            "surface_fraction_e": float(self.surface_fraction_e),
        }


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


def _propagate_s(E, V, m, radii, Vo, mo, *, keep=False):
    """l = 0: propagate u = rR from the centre (u=0, u'=1) through every layer.

    Arrays: ``E`` (N, K) trial energies, ``V``, ``m``, ``radii`` (N, L), ``Vo`` scalar.
    Returns the matching function F (N, K) (zero at an eigenvalue) and, with ``keep``, the
    state (u, u') just inside the start of each layer, shape (N, K, L, 2).
    """
    N, K = E.shape
    u = np.zeros((N, K))
    up = np.ones((N, K))
    r_prev = np.zeros((N, 1))
    states = []
    for j in range(radii.shape[1]):
        rj = radii[:, j : j + 1]
        if j > 0:  # interface at r_prev between layer j-1 and j
            with np.errstate(invalid="ignore", divide="ignore"):
                ur = np.where(r_prev > 0, u / np.where(r_prev > 0, r_prev, 1.0), 0.0)
            up = ur + (m[:, j : j + 1] / m[:, j - 1 : j]) * (up - ur)
        if keep:
            states.append(np.stack([u, up], -1))
        q = (E - V[:, j : j + 1]) * m[:, j : j + 1] / HB2M_EV_NM2
        c, sn = _trig(q, rj - r_prev)
        u, up = c * u + sn * up, -q * sn * u + c * up
        r_prev = rj
    R = radii[:, -1:]
    mN = m[:, -1:]
    if np.isinf(Vo):
        F = u
    else:
        kappa = np.sqrt(np.clip((Vo - E) * mo / HB2M_EV_NM2, 0, None))
        F = (up - u / R) / mN + (kappa + 1 / R) * u / mo
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


def _propagate_l(E, V, m, radii, Vo, mo, l, *, keep=False):
    """Any l: propagate (R, R'/m) with spherical Bessel functions, starting in the first layer
    of non-zero thickness. Same shapes and return values as :func:`_propagate_s`, but the kept
    states are the coefficients (A, B) of each layer's (regular, irregular) pair."""
    N, K = E.shape
    Rv = np.zeros((N, K))
    P = np.zeros((N, K))
    started = np.zeros((N, 1), bool)
    r_prev = np.zeros((N, 1))
    coefs = []
    for j in range(radii.shape[1]):
        rj = radii[:, j : j + 1]
        mj = m[:, j : j + 1]
        q = (E - V[:, j : j + 1]) * mj / HB2M_EV_NM2
        thick = rj > r_prev
        first = thick & ~started
        f1, f1p, g1, g1p = _bessel(l, q, np.where(r_prev > 0, r_prev, 1.0))
        # coefficients from the state at the layer start (Wronskian inverse), or (1, 0) if first
        det = f1 * g1p - f1p * g1
        with np.errstate(all="ignore"):
            A = np.where(first, 1.0, (Rv * g1p - P * mj * g1) / det)
            B = np.where(first, 0.0, (P * mj * f1 - Rv * f1p) / det)
        A = np.where(thick, A, 0.0)
        B = np.where(thick, B, 0.0)
        if keep:
            coefs.append(np.stack([A, B], -1))
        f2, f2p, g2, g2p = _bessel(l, q, rj)
        Rv = np.where(thick, A * f2 + B * g2, Rv)
        P = np.where(thick, (A * f2p + B * g2p) / mj, P)
        started = started | thick
        r_prev = np.where(thick, rj, r_prev)
    R = radii[:, -1:]
    if np.isinf(Vo):
        F = Rv
    else:
        kap = np.sqrt(np.clip((Vo - E) * mo / HB2M_EV_NM2, 1e-300, None))
        kz = kap * R
        ko, kop = special.spherical_kn(l, kz), special.spherical_kn(l, kz, True) * kap
        F = P * ko - Rv * kop / mo
        F = F / np.abs(ko)
    return F, (np.stack(coefs, 2) if keep else None)


def _levels(V, m, radii, Vo, mo, l, n_states, n_grid):
    """Lowest ``n_states`` eigenvalues (N, n_states) for every structure; NaN if unbound."""
    N = V.shape[0]
    vmin = V.min(1)
    if np.isinf(Vo):
        # variational bound: hard-wall sphere with the lightest mass on top of the highest edge
        top = V.max(1) + 1.5 * HB2M_EV_NM2 * (np.pi * (n_states + l + 1)) ** 2 / (
            m.min(1) * radii[:, -1] ** 2
        )
    else:
        top = np.full(N, Vo)
    prop = _propagate_s if l == 0 else functools.partial(_propagate_l, l=l)
    frac = np.linspace(0.0, 1.0, n_grid + 1)[1:-1]
    grid = vmin[:, None] + (top - vmin)[:, None] * frac[None, :]
    F, _ = prop(grid, V, m, radii, Vo, mo)
    sign_change = np.signbit(F[:, :-1]) != np.signbit(F[:, 1:])
    out = np.full((N, n_states), np.nan)
    for n in range(n_states):
        has = sign_change.any(1)
        idx = np.argmax(sign_change, axis=1)
        if not has.any():
            break
        rows = np.flatnonzero(has)
        a = grid[rows, idx[rows]]
        b = grid[rows, idx[rows] + 1]

        def f(e, idx):
            # find_root drops converged elements: it hands back the matching row indices
            i = idx.astype(np.intp)
            return prop(e[:, None], V[i], m[i], radii[i], Vo, mo)[0][:, 0]

        res = find_root(
            f, (a, b), args=(rows.astype(float),), tolerances={"xatol": 1e-12, "xrtol": 1e-13}
        )
        out[rows, n] = res.x
        sign_change[rows, idx[rows]] = False
    return out


def _wavefunctions(E, V, m, radii, Vo, mo, l, r_in, r_out):
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
        _, st = _propagate_s(E[:, None], V, m, radii, Vo, mo, keep=True)
        st = st[:, 0]  # (N, L, 2)
        u0 = np.take_along_axis(st[..., 0], layer, 1)
        up0 = np.take_along_axis(st[..., 1], layer, 1)
        c, sn = _trig(q, r_in - r0)
        u = c * u0 + sn * up0
        with np.errstate(invalid="ignore", divide="ignore"):
            Rin = np.where(r_in > 0, u / np.where(r_in > 0, r_in, 1.0), up0)
        F, st_end = _propagate_s(E[:, None], V, m, radii, Vo, mo)
    else:
        _, co = _propagate_l(E[:, None], V, m, radii, Vo, mo, l, keep=True)
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


def _normalized(E, V, m, radii, Vo, mo, l, r_in, r_out):
    """Wavefunctions on the joined grid, normalized (int 4 pi r^2 psi^2 dr = 1) and signed so
    that the largest lobe is positive."""
    Rin, Rout, _ = _wavefunctions(E, V, m, radii, Vo, mo, l, r_in, r_out)
    Rr = np.concatenate([Rin, Rout[:, 1:]], 1)
    r = np.concatenate([r_in, r_out[:, 1:]], 1)
    Rr = Rr / np.sqrt(trapezoid(4 * np.pi * r**2 * Rr**2, r, axis=1))[:, None]
    peak = np.take_along_axis(Rr, np.argmax(np.abs(Rr), axis=1)[:, None], 1)
    return Rr * np.sign(peak)


def _grid(radii, kappa_min, n_in, n_out):
    R = radii[:, -1:]
    r_in = R * np.linspace(0.0, 1.0, n_in)[None, :]
    span = np.where(np.isfinite(kappa_min), np.minimum(14.0 / kappa_min, 6.0), 0.0)
    r_out = R + span * np.linspace(0.0, 1.0, n_out)[None, :] ** 1.5
    return r_in, r_out


def solve(
    structure: Structure,
    outside: str | Outside = "reference",
    *,
    l: int = 0,
    n_grid: int = 400,
    n_in: int = 401,
    n_out: int = 150,
    allow_unbound: bool = False,
) -> Result:
    """Ground electron and hole states (radial quantum number 1, angular momentum ``l``) of
    every structure in the batch, with overlap, surface fraction, Coulomb and 1S-1S energies.

    For excited states use :func:`levels`. ``n_grid`` energies bracket the roots; ``n_in`` and
    ``n_out`` points sample the wavefunctions inside and outside the NC. Raises
    :class:`NoBoundState` unless ``allow_unbound`` (then NaN).
    """
    if not isinstance(l, (int, np.integer)) or l < 0:
        raise ValueError(f"l must be a non-negative integer, got {l!r}")
    out = outside_medium(outside)
    s = structure
    shape = s.shape
    radii, sflat = _flat(s)
    carriers = {}
    for c, Vo in (("e", out.Ve_eV), ("h", out.Vh_eV)):
        V, m = _layer_params(sflat, c)
        E = _levels(V, m, radii, Vo, out.mass, l, 1, n_grid)[:, 0]
        carriers[c] = (E, V, m, Vo)
    unbound = np.isnan(carriers["e"][0]) | np.isnan(carriers["h"][0])
    if unbound.any() and not allow_unbound:
        i = int(np.flatnonzero(unbound)[0])
        raise NoBoundState(
            f"no bound {'electron' if np.isnan(carriers['e'][0][i]) else 'hole'} state (l={l})"
            f" for outer radius {radii[i, -1]:g} nm, total x {float(sflat.total_x[i]):.3g},"
            f" outside medium {out.name!r}"
        )
    kap = []
    for c in "eh":
        E, V, m, Vo = carriers[c]
        k = np.sqrt(
            np.clip((Vo - np.nan_to_num(E, nan=Vo - 1)) * out.mass / HB2M_EV_NM2, 1e-6, None)
        )
        kap.append(k)
    kappa_min = (
        np.minimum(*kap)[:, None] if np.isfinite(out.Ve_eV) else np.full((len(radii), 1), np.inf)
    )
    r_in, r_out = _grid(radii, kappa_min, n_in, n_out)
    r = np.concatenate([r_in, r_out[:, 1:]], 1)
    psi = {}
    for c in "eh":
        E, V, m, Vo = carriers[c]
        Eg = np.where(np.isnan(E), V.min(1), E)
        Rr = _normalized(Eg, V, m, radii, Vo, out.mass, l, r_in, r_out)
        psi[c] = np.where(unbound[:, None], np.nan, Rr)
    pe, ph = psi["e"], psi["h"]
    rho_e = 4 * np.pi * r**2 * pe**2
    rho_h = 4 * np.pi * r**2 * ph**2
    overlap = np.abs(trapezoid(4 * np.pi * r**2 * pe * ph, r, axis=1))
    R = radii[:, -1]
    a_c = mat.hgcdse(sflat.x[:, -1])["a_nm"]
    cum = cumulative_trapezoid(rho_e, r, axis=1, initial=0)
    r_cut = R - a_c / 4
    inside_cut = np.array([np.interp(rc, rr, cc) for rc, rr, cc in zip(r_cut, r, cum)])
    surface = cum[:, -1] - inside_cut
    coulomb = _coulomb_eV(r, rho_e, rho_h, _eps_eff(sflat))
    Ee, Eh = carriers["e"][0], carriers["h"][0]
    energy = mat.OUTSIDE_GAP_EV + Ee + Eh - coulomb

    def shaped(a):
        return a.reshape(shape)

    return Result(
        structure=s,
        outside=out,
        l=l,
        electron_eV=shaped(Ee),
        hole_eV=shaped(Eh),
        coulomb_eV=shaped(coulomb),
        energy_eV=shaped(energy),
        overlap=shaped(overlap),
        surface_fraction_e=shaped(surface),
        r_nm=r.reshape(*shape, -1),
        psi_e=pe.reshape(*shape, -1),
        psi_h=ph.reshape(*shape, -1),
    )


def _eps_eff(s: Structure) -> np.ndarray:
    """Volume average of eps_inf over the NC's layers."""
    r3 = s.radius_nm**3
    vol = np.diff(r3, axis=-1, prepend=0.0)
    eps = mat.hgcdse(s.x)["eps_inf"]
    return (vol * eps).sum(-1) / r3[..., -1]


def _coulomb_eV(r, rho_e, rho_h, eps):
    """J = e^2/(4 pi eps0 eps) int int rho_e(r1) rho_h(r2) / max(r1, r2) (radial densities)."""
    q_e = cumulative_trapezoid(rho_e, r, axis=1, initial=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        inv = np.where(r > 0, 1.0 / np.where(r > 0, r, 1.0), 0.0)
    tail = cumulative_trapezoid((rho_e * inv)[:, ::-1], -r[:, ::-1], axis=1, initial=0)[:, ::-1]
    kernel = q_e * inv + tail
    return COULOMB_EV_NM / eps * trapezoid(rho_h * kernel, r, axis=1)


def levels(
    structure: Structure,
    outside: str | Outside = "reference",
    *,
    carrier: str = "e",
    l: int = 0,
    n_states: int = 3,
    n_grid: int = 800,
) -> np.ndarray:
    """Lowest ``n_states`` levels (eV) of angular momentum ``l`` for one carrier ('e' or 'h');
    shape ``structure.shape + (n_states,)``, NaN where a state is not bound."""
    if carrier not in ("e", "h"):
        raise ValueError(f"carrier must be 'e' or 'h', got {carrier!r}")
    out = outside_medium(outside)
    radii, sflat = _flat(structure)
    V, m = _layer_params(sflat, carrier)
    Vo = out.Ve_eV if carrier == "e" else out.Vh_eV
    E = _levels(V, m, radii, Vo, out.mass, l, n_states, n_grid)
    return E.reshape(*structure.shape, n_states)
