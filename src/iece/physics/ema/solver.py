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
from scipy.integrate import cumulative_trapezoid, trapezoid
from scipy.optimize.elementwise import find_root

from .. import materials as mat
from .kane import Kane, check_positive, kane_model
from .media import Outside, outside_medium
from .radial import (
    HB2M_EV_NM2,
    _normalized,
    _propagate_l,
    _propagate_s,
    matching,
)
from .structures import Structure, _flat, _layer_params

#: e^2 / (4 pi eps0) in eV nm.
COULOMB_EV_NM = sc.e / (4 * sc.pi * sc.epsilon_0) * 1e9
#: Brus' coefficient for the 1S-1S Coulomb energy of a uniform sphere, infinite barriers.
BRUS_COEFFICIENT = 1.786


#: The interface conditions: BenDaniel-Duke (R and R'/m continuous) or plain (R and R').
INTERFACES = ("bdd", "plain")
#: The Coulomb kernels: one volume-averaged dielectric constant, or a layered eps(r).
COULOMB_KERNELS = ("average", "layered")


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


def _levels(V, m, radii, Vo, mo, l, n_states, n_grid, bdd=True, inv_gap=None):
    """Lowest ``n_states`` eigenvalues (N, n_states) for every structure; NaN if unbound.
    ``mo`` is the outside mass, a number or (N, 1); ``bdd`` the interface condition;
    ``inv_gap`` (N, L) the inverse Kane gaps for an energy-dependent mass (``m`` then the
    band-edge masses; :func:`.radial.matching`), or None (parabolic)."""
    N = V.shape[0]
    vmin = V.min(1)
    if np.isinf(Vo):
        # variational bound: hard-wall sphere with the lightest mass on top of the highest edge
        top = V.max(1) + 1.5 * HB2M_EV_NM2 * (np.pi * (n_states + l + 1)) ** 2 / (
            m.min(1) * radii[:, -1] ** 2
        )
    else:
        top = np.full(N, Vo)
    if inv_gap is None:
        prop = (
            functools.partial(_propagate_s, bdd=bdd)
            if l == 0
            else functools.partial(_propagate_l, l=l, bdd=bdd)
        )
    else:
        check_positive(V, m, inv_gap)
    frac = np.linspace(0.0, 1.0, n_grid + 1)[1:-1]
    grid = vmin[:, None] + (top - vmin)[:, None] * frac[None, :]
    if inv_gap is None:
        F, _ = prop(grid, V, m, radii, Vo, mo)
    else:
        F = matching(grid, V, m, radii, Vo, mo, l, bdd, inv_gap)
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
            mo_i = mo if np.ndim(mo) == 0 else mo[i]
            if inv_gap is not None:
                return matching(e[:, None], V[i], m[i], radii[i], Vo, mo_i, l, bdd, inv_gap[i])[
                    :, 0
                ]
            return prop(e[:, None], V[i], m[i], radii[i], Vo, mo_i)[0][:, 0]

        res = find_root(
            f, (a, b), args=(rows.astype(float),), tolerances={"xatol": 1e-12, "xrtol": 1e-13}
        )
        out[rows, n] = res.x
        sign_change[rows, idx[rows]] = False
    return out


def _carrier_params(
    s: Structure, carrier: str, kmodel: Kane | None, table: mat.MaterialTable | None = None
):
    """Band edges V (N, L), masses m (N, L) and inverse Kane gaps (N, L) of one carrier in the
    flattened structures: the Methods' parabolic masses (from ``table``, default the paper's)
    and None without ``kmodel``, the Kane model's band-edge masses and inverse gaps with it
    (electrons only; the band edges still from ``table``)."""
    V, m = _layer_params(s, carrier, table)
    if kmodel is None:
        return V, m, None
    if carrier != "e":
        raise ValueError("the Kane mass (kane=...) is for electrons; holes stay parabolic")
    m_edge, inv_gap = kmodel.layers(s.x)
    return V, m_edge, inv_gap


#: The widest reach of a wavefunction's grid beyond the NC surface (nm): 14 decay lengths, up to
#: this (a 6 nm cap had cut the tails of weakly bound states).
MAX_SPAN_NM = 40.0


def _grid(radii, kappa_min, n_in, n_out):
    R = radii[:, -1:]
    r_in = R * np.linspace(0.0, 1.0, n_in)[None, :]
    span = np.where(np.isfinite(kappa_min), np.minimum(14.0 / kappa_min, MAX_SPAN_NM), 0.0)
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
    interface: str = "bdd",
    coulomb: str = "average",
    kane: Kane | str | bool | None = None,
    table: mat.MaterialTable | None = None,
) -> Result:
    """Ground electron and hole states (radial quantum number 1, angular momentum ``l``) of
    every structure in the batch, with overlap, surface fraction, Coulomb and 1S-1S energies.

    For excited states use :func:`levels`. ``n_grid`` energies bracket the roots; ``n_in`` and
    ``n_out`` points sample the wavefunctions inside and outside the NC. ``interface`` is one
    of :data:`INTERFACES` (``bdd``: R and R'/m continuous; ``plain``: R and R'), ``coulomb``
    one of :data:`COULOMB_KERNELS`. ``kane`` (a counterfactual, default None: the Methods'
    parabolic masses) gives the electron the energy-dependent two-band Kane mass of
    :mod:`.kane` (True, a name of :data:`.kane.KANE_MODELS` or a :class:`.kane.Kane`); holes
    stay parabolic. ``table``: the materials' parameters (:class:`iece.physics.materials.
    MaterialTable`, default the paper's; per-row entries (N, 1) for the flattened batch).
    Raises :class:`NoBoundState` unless ``allow_unbound`` (then NaN).
    """
    if not isinstance(l, (int, np.integer)) or l < 0:
        raise ValueError(f"l must be a non-negative integer, got {l!r}")
    if interface not in INTERFACES:
        raise ValueError(f"interface must be one of {INTERFACES}, got {interface!r}")
    if coulomb not in COULOMB_KERNELS:
        raise ValueError(f"coulomb must be one of {COULOMB_KERNELS}, got {coulomb!r}")
    bdd = interface == "bdd"
    kmodel = kane_model(kane)
    out = outside_medium(outside)
    s = structure
    shape = s.shape
    radii, sflat = _flat(s)
    carriers = {}
    for c in "eh":
        V, m, ig = _carrier_params(sflat, c, kmodel if c == "e" else None, table)
        Vo, mo = out.level(c), out.mass(c, m[:, -1:])
        E = _levels(V, m, radii, Vo, mo, l, 1, n_grid, bdd, ig)[:, 0]
        carriers[c] = (E, V, m, Vo, mo, ig)
    unbound = np.isnan(carriers["e"][0]) | np.isnan(carriers["h"][0])
    if unbound.any() and not allow_unbound:
        i = int(np.flatnonzero(unbound)[0])
        raise NoBoundState(
            f"no bound {'electron' if np.isnan(carriers['e'][0][i]) else 'hole'} state (l={l})"
            f" for outer radius {radii[i, -1]:g} nm, total x {float(sflat.total_x[i]):.3g},"
            f" outside medium {out.name!r}"
        )
    kap = []  # decay constants outside (inf for a hard wall): they set the outer grid
    for c in "eh":
        E, V, m, Vo, mo, _ = carriers[c]
        if np.isinf(Vo):
            kap.append(np.full(E.shape, np.inf))
            continue
        mo = np.broadcast_to(np.ravel(mo) if np.ndim(mo) else mo, E.shape)
        depth = Vo - np.nan_to_num(E, nan=Vo - 1)
        kap.append(np.sqrt(np.clip(depth * mo / HB2M_EV_NM2, 1e-6, None)))
    kappa_min = np.minimum(*kap)[:, None]
    r_in, r_out = _grid(radii, kappa_min, n_in, n_out)
    r = np.concatenate([r_in, r_out[:, 1:]], 1)
    psi = {}
    for c in "eh":
        E, V, m, Vo, mo, ig = carriers[c]
        Eg = np.where(np.isnan(E), V.min(1), E)
        Rr = _normalized(Eg, V, m, radii, Vo, mo, l, r_in, r_out, bdd, ig)
        psi[c] = np.where(unbound[:, None], np.nan, Rr)
    pe, ph = psi["e"], psi["h"]
    rho_e = 4 * np.pi * r**2 * pe**2
    rho_h = 4 * np.pi * r**2 * ph**2
    overlap = np.abs(trapezoid(4 * np.pi * r**2 * pe * ph, r, axis=1))
    R = radii[:, -1]
    a_c = mat.hgcdse(sflat.x, table)["a_nm"][:, -1]
    cum = cumulative_trapezoid(rho_e, r, axis=1, initial=0)
    r_cut = R - a_c / 4
    inside_cut = np.array([np.interp(rc, rr, cc) for rc, rr, cc in zip(r_cut, r, cum)])
    surface = cum[:, -1] - inside_cut
    G = green_layered(r, sflat, table) if coulomb == "layered" else green_average(r, sflat, table)
    coulomb = coulomb_eV(r, rho_e, rho_h, G)
    Ee, Eh = carriers["e"][0], carriers["h"][0]
    energy = mat.outside_gap_eV(table, len(Ee)) + Ee + Eh - coulomb

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
        extra={} if kmodel is None else {"kane": kmodel.name},
    )


def _eps_eff(s: Structure, table: mat.MaterialTable | None = None) -> np.ndarray:
    """Volume average of eps_inf (from ``table``, default the paper's) over the NC's layers."""
    r3 = s.radius_nm**3
    vol = np.diff(r3, axis=-1, prepend=0.0)
    eps = mat.hgcdse(s.x, table)["eps_inf"]
    return (vol * eps).sum(-1) / r3[..., -1]


def _inverse(r):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(r > 0, 1.0 / np.where(r > 0, r, 1.0), 0.0)


def green_average(r, s: Structure, table: mat.MaterialTable | None = None) -> np.ndarray:
    """``G(r) = 1 / (eps_eff r)`` with one dielectric constant, the volume average of eps_inf
    over the NC (0 at r = 0, where every radial density vanishes); eps_inf from ``table``
    (default the paper's; per-row entries need the flattened structure)."""
    return _inverse(r) / np.reshape(_eps_eff(s, table), (-1, 1))


def green_layered(r, s: Structure, table: mat.MaterialTable | None = None) -> np.ndarray:
    """The monopole Green's function of a radially layered eps(r), no image terms:
    ``G(r) = int_r^inf ds / (eps(s) s^2)`` with eps outside the NC equal to the outermost
    layer's. Piecewise exactly: ``1 / (eps(r) r) + sum_i (1/eps_(i+1) - 1/eps_i) / r_i`` over the
    inner interfaces ``r_i > r`` (structure batch flattened: ``r`` (N, G)); eps_inf from
    ``table`` (default the paper's)."""
    radii = s.radius_nm.reshape(-1, s.radius_nm.shape[-1])
    eps = mat.hgcdse(s.x.reshape(radii.shape), table)["eps_inf"]
    layer = (r[:, :, None] >= radii[:, None, :]).sum(-1).clip(0, radii.shape[1] - 1)
    eps_r = np.take_along_axis(eps, layer, 1)
    jumps = (1 / eps[:, 1:] - 1 / eps[:, :-1]) * _inverse(radii[:, :-1])  # (N, L-1)
    inside = r[:, :, None] < radii[:, None, :-1]
    return _inverse(r) / eps_r + (inside * jumps[:, None, :]).sum(-1)


def coulomb_eV(r, rho_e, rho_h, G):
    """First-order Coulomb term ``J = e^2/(4 pi eps0) int int rho_e(r1) rho_h(r2)
    G(max(r1, r2))`` for radial densities on the grid ``r`` (N, G) and a Green's function
    ``G`` on the same grid (:func:`green_average` or :func:`green_layered`)."""
    q_e = cumulative_trapezoid(rho_e, r, axis=1, initial=0)
    tail = cumulative_trapezoid((rho_e * G)[:, ::-1], -r[:, ::-1], axis=1, initial=0)[:, ::-1]
    return COULOMB_EV_NM * trapezoid(rho_h * (q_e * G + tail), r, axis=1)


def levels(
    structure: Structure,
    outside: str | Outside = "reference",
    *,
    carrier: str = "e",
    l: int = 0,
    n_states: int = 3,
    n_grid: int = 800,
    kane: Kane | str | bool | None = None,
    table: mat.MaterialTable | None = None,
) -> np.ndarray:
    """Lowest ``n_states`` levels (eV) of angular momentum ``l`` for one carrier ('e' or 'h');
    shape ``structure.shape + (n_states,)``, NaN where a state is not bound. ``kane``: the
    electron's energy-dependent mass, as in :func:`solve` (ValueError for holes); ``table``:
    the materials' parameters, as in :func:`solve`."""
    if carrier not in ("e", "h"):
        raise ValueError(f"carrier must be 'e' or 'h', got {carrier!r}")
    out = outside_medium(outside)
    radii, sflat = _flat(structure)
    V, m, ig = _carrier_params(sflat, carrier, kane_model(kane), table)
    Vo, mo = out.level(carrier), out.mass(carrier, m[:, -1:])
    E = _levels(V, m, radii, Vo, mo, l, n_states, n_grid, True, ig)
    return E.reshape(*structure.shape, n_states)
