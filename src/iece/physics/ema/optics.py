"""Optical observables built on the EMA solver (paper Eqs. 2-3 and what follows from them).

* :func:`transitions`: electron-hole transitions of equal (n, l), energy and strength
  ``(2l + 1) phi^2``, for model absorption spectra;
* :func:`regions`: a carrier's probability in the shell, outside the NC and beyond the core;
* :func:`shell_probability`: probability beyond the core radius;
* :func:`depletion`: oscillator-strength depletion ``1 - (phi / phi_0)^2``;
* :func:`nonlinearity`: largest distance of a curve from its chord / total change;
* :func:`chord_deviation`: that largest distance in the curve's own units;
* :func:`composition_for_energy` and :func:`matched_overlap_ratio` (batched over material tables:
  :func:`compositions_for_energy`, :func:`matched_overlap_ratios`): NCs of equal 1S-1S energy.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import cumulative_trapezoid, trapezoid

from .. import materials as mat
from .media import Outside, outside_medium
from .solver import Result, _grid, _levels, _normalized, solve
from .structures import Structure, _flat, _layer_params, alloy, core_shell


def transitions(
    structure: Structure,
    outside: str | Outside = "reference",
    *,
    l_max: int = 2,
    n_max: int = 2,
) -> list[dict]:
    """Optical transitions of ONE structure between electron and hole states of equal (n, l),
    as a model absorption spectrum needs: energy ``OUTSIDE_GAP + E_e + E_h - J_1S`` (the 1S-1S
    Coulomb term applied to every transition, first order), overlap of the two radial functions,
    and strength ``(2l + 1) * overlap^2``. Unbound states are skipped."""
    if structure.shape not in ((), (1,)):
        raise ValueError("transitions() takes one structure, not a batch")
    out = outside_medium(outside)
    radii, sflat = _flat(structure)
    j1s = float(solve(sflat, out).coulomb_eV[0])
    r_in, r_out = _grid(radii, np.full((1, 1), 2.0), 1201, 300)
    r = np.concatenate([r_in, r_out[:, 1:]], 1)
    found = []
    for l in range(l_max + 1):
        lev, psi = {}, {}
        for c in "eh":
            V, m = _layer_params(sflat, c)
            Vo, mo = out.level(c), out.mass(c, m[:, -1:])
            lev[c] = _levels(V, m, radii, Vo, mo, l, n_max, 800)[0]
            psi[c] = [
                None
                if np.isnan(E)
                else _normalized(np.array([E]), V, m, radii, Vo, mo, l, r_in, r_out)[0]
                for E in lev[c]
            ]
        for n in range(n_max):
            if psi["e"][n] is None or psi["h"][n] is None:
                continue
            ov = abs(float(trapezoid(4 * np.pi * r[0] ** 2 * psi["e"][n] * psi["h"][n], r[0])))
            found.append(
                {
                    "label": f"{n + 1}{'SPDFGH'[l]}",
                    "n": n + 1,
                    "l": l,
                    "energy_eV": mat.OUTSIDE_GAP_EV + lev["e"][n] + lev["h"][n] - j1s,
                    "overlap": ov,
                    "strength": (2 * l + 1) * ov**2,
                }
            )
    return sorted(found, key=lambda t: t["energy_eV"])


def beyond(r, density, r_cut) -> np.ndarray:
    """``int_{r_cut}^inf density dr`` along the last axis: the cumulative trapezoid integral
    interpolated at ``r_cut`` (one per row), so the cut need not fall on a grid point."""
    r, density = np.asarray(r, float), np.asarray(density, float)
    cum = cumulative_trapezoid(density, r, axis=-1, initial=0)
    cut = np.broadcast_to(np.asarray(r_cut, float), r.shape[:-1])[..., None]
    k = np.clip((r < cut).sum(-1, keepdims=True) - 1, 0, r.shape[-1] - 2)
    r0, r1 = np.take_along_axis(r, k, -1), np.take_along_axis(r, k + 1, -1)
    c0, c1 = np.take_along_axis(cum, k, -1), np.take_along_axis(cum, k + 1, -1)
    at = c0 + (c1 - c0) * np.clip((cut - r0) / (r1 - r0), 0, 1)
    return (cum[..., -1:] - at)[..., 0]


def regions(r, density, r_core, r_nc) -> dict[str, np.ndarray]:
    """Where a carrier's radial density ``4 pi r^2 psi^2`` sits, along the last axis:

    * ``in_shell = int_{r_core}^{r_nc}`` (the HgSe shell of a core/shell),
    * ``outside = int_{r_nc}^inf`` (beyond the NC surface),
    * ``beyond_core = in_shell + outside`` (everything past the core).
    """
    beyond_core = beyond(r, density, r_core)
    outside = beyond(r, density, r_nc)
    return {"in_shell": beyond_core - outside, "outside": outside, "beyond_core": beyond_core}


def shell_probability(res: Result) -> tuple[np.ndarray, np.ndarray]:
    """Probability of electron and hole beyond the core radius (innermost layer's outer radius)
    of two-layer structures: ``int_{r_core}^inf 4 pi r^2 psi^2 dr``."""
    r = res.r_nm
    r_core = res.structure.radius_nm[..., 0]
    return tuple(beyond(r, 4 * np.pi * r**2 * psi**2, r_core) for psi in (res.psi_e, res.psi_h))


#: Depletion measures: of the oscillator strength ``1 - (phi/phi_0)^2`` or of the overlap itself.
DEPLETION_MEASURES = ("squared", "linear")


def depletion(overlap: np.ndarray, measure: str = "squared") -> np.ndarray:
    """Depletion along the last (x) axis: ``1 - (phi / phi[..., 0])^2`` (oscillator strength,
    ``squared``) or ``1 - phi / phi[..., 0]`` (``linear``)."""
    if measure not in DEPLETION_MEASURES:
        raise ValueError(f"measure must be one of {DEPLETION_MEASURES}, got {measure!r}")
    ratio = np.asarray(overlap, float)
    ratio = ratio / ratio[..., :1]
    return 1.0 - (ratio**2 if measure == "squared" else ratio)


def nonlinearity(y: np.ndarray, rtol: float = 1e-9) -> np.ndarray:
    """``max |y - chord| / |y[-1] - y[0]|`` along the last axis (uniform x grid).

    Changes below ``rtol`` times the curve's magnitude are roundoff and count as zero: a flat
    curve is linear (0); one that deviates but ends where it starts has no scale (``inf``).
    """
    y = np.asarray(y, float)
    t = np.linspace(0.0, 1.0, y.shape[-1])
    chord = y[..., :1] + (y[..., -1:] - y[..., :1]) * t
    tol = rtol * np.abs(y).max(-1)
    dev = np.abs(y - chord).max(-1)
    dev = np.where(dev > tol, dev, 0.0)
    span = np.abs(y[..., -1] - y[..., 0])
    flat = span <= tol
    return np.where(flat, np.where(dev > 0, np.inf, 0.0), dev / np.where(flat, 1.0, span))


def chord_deviation(y: np.ndarray) -> np.ndarray:
    """``max |y - chord|`` along the last axis (uniform x grid), in the units of ``y``: how far a
    curve strays from the straight line between its ends. Unlike :func:`nonlinearity` it stays
    meaningful for a nearly flat curve (a flat curve is 0, not a ratio of roundoff)."""
    y = np.asarray(y, float)
    t = np.linspace(0.0, 1.0, y.shape[-1])
    return np.abs(y - (y[..., :1] + (y[..., -1:] - y[..., :1]) * t)).max(-1)


def _rows(table, rows):
    """The tables ``rows`` of S tables, one per structure of a batch (None: the paper's)."""
    return None if table is None else table.take(rows).rows(1)


def compositions_for_energy(
    build, diameter_nm: float, energy_eV: float, outside="reference", table=None
) -> dict:
    """Total Hg fraction x at which ``build(diameter_nm, x)`` (``alloy`` or ``core_shell``) has
    the given 1S-1S energy, for each of S material tables at once (``table``: S tables, or
    None for the paper's, S = 1): x (S,) by Chandrupatla's bracketing method on [0, 1]
    (:func:`scipy.optimize.elementwise.find_root`, to 1e-10 in x), NaN where no x in [0, 1]
    reaches the energy; and the energies at x = 0 and x = 1 (``at_0_eV``, ``at_1_eV``)."""
    from scipy.optimize.elementwise import find_root  # only the matched-energy pages pay it

    n = 1 if table is None else (table.n_tables or 1)
    ends = {
        x: solve(
            build(diameter_nm, np.full(n, x)), outside, table=_rows(table, np.arange(n))
        ).energy_eV.reshape(n)
        for x in (0.0, 1.0)
    }
    lo, hi = ends[0.0] - energy_eV, ends[1.0] - energy_eV
    x = np.full(n, np.nan)
    ok = np.flatnonzero(lo * hi <= 0)
    x[ok[lo[ok] == 0]] = 0.0
    x[ok[hi[ok] == 0]] = 1.0
    inner = ok[(lo[ok] != 0) & (hi[ok] != 0)]
    if inner.size:

        def f(xs, rows):
            rows = np.asarray(rows, int)
            s = build(diameter_nm, xs)
            return solve(s, outside, table=_rows(table, rows)).energy_eV - energy_eV

        root = find_root(
            f,
            (np.zeros(inner.size), np.ones(inner.size)),
            args=(inner,),
            tolerances={"xatol": 1e-10, "xrtol": 0.0, "fatol": 0.0, "frtol": 0.0},
        )
        x[inner] = root.x
    return {"x": x, "at_0_eV": ends[0.0], "at_1_eV": ends[1.0]}


def composition_for_energy(build, diameter_nm: float, energy_eV: float, outside="reference"):
    """Total Hg fraction x at which ``build(diameter_nm, x)`` (``alloy`` or
    ``core_shell``) has the given 1S-1S energy (:func:`compositions_for_energy` with the
    paper's table); ValueError if no x in [0, 1] reaches it."""
    c = compositions_for_energy(build, diameter_nm, energy_eV, outside)
    if np.isnan(c["x"][0]):
        lo, hi = float(c["at_0_eV"][0]), float(c["at_1_eV"][0])
        raise ValueError(
            f"energy_eV {energy_eV} is outside the range {hi:.3f}-{lo:.3f}"
            f" eV of {build.__name__} NCs of {diameter_nm} nm"
        )
    return float(c["x"][0])


def matched_overlap_ratios(
    diameter_nm: float, energy_eV: float, outside="reference", table=None
) -> dict:
    """Alloy and core/shell NCs of one size with the same 1S-1S energy (as in Fig. 2h-j), for
    each of S material tables (``table``; None: the paper's): their compositions, overlaps and
    the oscillator-strength ratio (phi_alloy / phi_cs)^2, arrays (S,), NaN where a structure
    cannot reach the energy (:func:`compositions_for_energy`)."""
    out = {}
    for key, build in (("alloy", alloy), ("core_shell", core_shell)):
        x = compositions_for_energy(build, diameter_nm, energy_eV, outside, table)["x"]
        ov = np.full(x.shape, np.nan)
        ok = np.flatnonzero(np.isfinite(x))
        if ok.size:
            s = build(diameter_nm, x[ok])
            ov[ok] = solve(s, outside, table=_rows(table, ok)).overlap
        out[f"x_{key}"], out[f"overlap_{key}"] = x, ov
    out["overlap2_ratio"] = (out["overlap_alloy"] / out["overlap_core_shell"]) ** 2
    return out


def matched_overlap_ratio(diameter_nm: float, energy_eV: float, outside="reference") -> dict:
    """:func:`matched_overlap_ratios` with the paper's table: numbers; ValueError (naming the
    structure and its energy range) if an alloy or a core/shell of this size cannot reach the
    energy."""
    m = matched_overlap_ratios(diameter_nm, energy_eV, outside)
    for key, build in (("alloy", alloy), ("core_shell", core_shell)):
        if np.isnan(m[f"x_{key}"][0]):
            composition_for_energy(build, diameter_nm, energy_eV, outside)  # raises, naming it
    return {k: float(v[0]) for k, v in m.items()}
