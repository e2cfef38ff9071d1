"""One carrier at a time: the ground state of the electron or the hole for one outside medium,
on a radial grid that depends only on the structure.

Electron and hole are independent given their own outside medium, so a scan over per-carrier
barriers needs only the one-carrier solves; every electron of a structure and every hole of the
same structure live on the same grid, and overlaps, Coulomb terms and energies of any pairing are
sums over that grid (:func:`pair_integrals`). :func:`iece.physics.ema.solve` pairs one electron
with one hole; this module pairs many with many.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import cumulative_trapezoid

from .. import materials as mat
from .kane import Kane, kane_model
from .optics import beyond
from .solver import COULOMB_EV_NM, INTERFACES, _carrier_params, _levels, _normalized
from .structures import Structure, _flat

#: How far the common grid reaches beyond the NC surface (nm). Every electron and hole of a
#: structure shares the grid, so it must hold the most weakly bound state's tail: a 6 nm span had
#: cut such tails and moved a depletion by up to 0.1 (tests/test_ema_numbers.py checks the
#: numbers against a grid twice as wide and twice as fine). Points crowd towards the surface
#: (quadratic spacing), where strongly bound states decay.
SPAN_NM = 40.0


@dataclass
class CarrierStates:
    """Ground states of one carrier in a batch of structures (flattened to N)."""

    energy_eV: np.ndarray  # (N,), NaN where unbound
    r_nm: np.ndarray  # (N, G)
    psi: np.ndarray  # (N, G), normalized; NaN rows where unbound
    weights: np.ndarray  # (N, G): trapezoid weights times 4 pi r^2


def grid(structure: Structure, n_in: int = 201, n_out: int = 160):
    """The common radial grid (N, G) of a structure batch and its integration weights: ``n_in``
    points over the NC, ``n_out`` over ``R + SPAN_NM t^2`` (0 <= t <= 1) outside it."""
    radii, _ = _flat(structure)
    R = radii[:, -1:]
    r_in = R * np.linspace(0.0, 1.0, n_in)[None, :]
    r_out = R + SPAN_NM * np.linspace(0.0, 1.0, n_out)[None, :] ** 2
    r = np.concatenate([r_in, r_out[:, 1:]], 1)
    dr = np.diff(r, axis=1)
    w = np.zeros_like(r)
    w[:, :-1] += dr / 2
    w[:, 1:] += dr / 2
    return r_in, r_out, r, 4 * np.pi * r**2 * w


def carrier_states(
    structure: Structure,
    carrier: str,
    level_eV: float,
    mass,
    interface: str = "bdd",
    *,
    n_grid: int = 300,
    n_in: int = 201,
    n_out: int = 160,
    kane: Kane | str | bool | None = None,
    table: mat.MaterialTable | None = None,
) -> CarrierStates:
    """Ground state (l = 0) of ``carrier`` ('e' or 'h') with the outside ``level_eV`` (eV in the
    carrier's frame, ``inf`` for a hard wall) and outside ``mass`` (m0, or None for the
    outermost layer's own mass, its band-edge mass under ``kane``), with the interface condition
    ``interface``. ``kane``: the electron's energy-dependent two-band Kane mass (a
    counterfactual; see :func:`iece.physics.ema.solve`), ValueError for holes. ``table``: the
    materials' parameters (default the paper's; per-row entries (N, 1) for the flattened
    batch)."""
    if carrier not in ("e", "h"):
        raise ValueError(f"carrier must be 'e' or 'h', got {carrier!r}")
    if interface not in INTERFACES:
        raise ValueError(f"interface must be one of {INTERFACES}, got {interface!r}")
    radii, sflat = _flat(structure)
    V, m, ig = _carrier_params(sflat, carrier, kane_model(kane), table)
    mo = m[:, -1:] if mass is None else float(mass)
    bdd = interface == "bdd"
    E = _levels(V, m, radii, level_eV, mo, 0, 1, n_grid, bdd, ig)[:, 0]
    r_in, r_out, r, w = grid(structure, n_in, n_out)
    Eg = np.where(np.isnan(E), V.min(1), E)
    psi = _normalized(Eg, V, m, radii, level_eV, mo, 0, r_in, r_out, bdd, ig)
    psi = np.where(np.isnan(E)[:, None], np.nan, psi)
    return CarrierStates(E, r, psi, w)


def shell_probability(states: CarrierStates, r_core_nm) -> np.ndarray:
    """Probability beyond ``r_core_nm`` (N,) for every state: (N,)."""
    r = states.r_nm
    return beyond(r, 4 * np.pi * r**2 * states.psi**2, r_core_nm)


def surface_fraction(
    states: CarrierStates, structure: Structure, table: mat.MaterialTable | None = None
) -> np.ndarray:
    """Paper Eq. 3: probability beyond ``r_NC - a_c/4`` (a_c of the outermost layer, from
    ``table``, default the paper's): (N,)."""
    radii, sflat = _flat(structure)
    cut = radii[:, -1] - mat.hgcdse(sflat.x, table)["a_nm"][:, -1] / 4
    return shell_probability(states, cut)


def potential(states: CarrierStates, G: np.ndarray) -> np.ndarray:
    """``Phi(r) = G(r) Q(r) + int_r^inf rho(s) G(s) ds`` of the carrier's radial density, so that
    the Coulomb term with a partner of density rho' is ``int rho'(r) Phi(r) dr``: (N, G)."""
    r = states.r_nm
    rho = 4 * np.pi * r**2 * states.psi**2
    q = cumulative_trapezoid(rho, r, axis=1, initial=0)
    tail = cumulative_trapezoid((rho * G)[:, ::-1], -r[:, ::-1], axis=1, initial=0)[:, ::-1]
    return q * G + tail


def pair_integrals(e: list[CarrierStates], h: list[CarrierStates], G: np.ndarray):
    """Overlap (paper Eq. 2) and Coulomb term (eV) of every electron state in ``e`` with every
    hole state in ``h`` (all on the same structures and grid): arrays (len(e), len(h), N)."""
    w = e[0].weights
    pe = np.stack([s.psi for s in e])  # (Ne, N, G)
    ph = np.stack([s.psi for s in h])
    overlap = np.abs(np.einsum("ang,bng->abn", pe * w, ph))
    phi_e = np.stack([potential(s, G) for s in e])
    rho_h = ph**2 * w  # 4 pi r^2 psi^2 times the trapezoid weight
    coulomb = COULOMB_EV_NM * np.einsum("ang,bng->abn", phi_e, rho_h)
    return overlap, coulomb
