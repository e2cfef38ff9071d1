"""Bulk parameters of CdSe and HgSe as the paper lists them, and their linear alloy interpolation.

Source of every value: the paper, Methods, "EMA calculations" (effective masses in units of the
free-electron mass m0, high-frequency dielectric constants, conduction/valence band offsets),
the Introduction (bulk gaps 1.74 eV and -0.06 eV; cubic lattice parameters 6.05 and 6.08 Å) and
Methods, "Spectral decomposition" (the same gaps). For Hg_xCd_(1-x)Se every parameter is the
linear interpolation in the Hg fraction x, as the paper states. Literature values beside these,
each with its page and verbatim snippet (or "no public source found"), are in
``data/literature/materials_sources.csv``, which names these constants and holds no copy of them.

Energy frame. The offsets are band edges relative to one common level:
``gap_eV - dEc_eV + dEv_eV = 3.70 eV`` for both materials. So the conduction band edge of a
material sits at ``dEc_eV`` below the common electron level (0 eV) and its valence band edge
``dEv_eV`` above the common hole level, which lies 3.70 eV below the electron level. Electron
potentials in :mod:`iece.ema` are ``V_e = dEc_eV`` and hole potentials (hole energies counted
downward) ``V_h = -dEv_eV``; a transition energy is ``OUTSIDE_GAP_EV + E_e + E_h``.

The table as an input. :data:`PAPER` (a :class:`MaterialTable` of :data:`CDSE` and :data:`HGSE`)
is what every EMA function uses unless it is handed another table (``table=``), e.g. one with a
mass changed for a sensitivity analysis; nothing global changes. A table's entries may be arrays
that broadcast against the Hg fractions they are interpolated at: one table per structure of a
flattened batch has entries of shape (N, 1) (:meth:`MaterialTable.rows` builds them from S
tables of shape (S,)).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np


@dataclass(frozen=True)
class Material:
    """Bulk parameters (masses in m0, energies in eV, lattice parameter in nm)."""

    name: str
    me: float
    mh: float
    eps_inf: float
    gap_eV: float
    dEc_eV: float
    dEv_eV: float
    a_nm: float

    @property
    def outside_gap_eV(self) -> float:
        """Distance between the common electron and hole levels: gap - dEc + dEv."""
        return self.gap_eV - self.dEc_eV + self.dEv_eV


#: Paper, Methods "EMA calculations"; gaps and lattice parameters from the Introduction.
CDSE = Material(
    "CdSe", me=0.112, mh=0.469, eps_inf=6.2, gap_eV=1.74, dEc_eV=-1.36, dEv_eV=0.60, a_nm=0.605
)
HGSE = Material(
    "HgSe", me=0.042, mh=0.019, eps_inf=16.5, gap_eV=-0.06, dEc_eV=-2.69, dEv_eV=1.07, a_nm=0.608
)

_NUMERIC = tuple(f.name for f in fields(Material) if f.name != "name")
#: How far the two materials' ``gap - dEc + dEv`` may differ (eV): roundoff only.
FRAME_TOL_EV = 1e-9


@dataclass(frozen=True)
class MaterialTable:
    """The Methods' parameter table: CdSe and HgSe, each entry a number or an array (see the
    module's docstring for the shapes). Both materials' offsets sit on one frame:
    ``gap - dEc + dEv`` is the same for both (the distance between the common levels, to
    :data:`FRAME_TOL_EV`); masses, dielectric constants and lattice parameters are positive."""

    cdse: Material
    hgse: Material

    def __post_init__(self):
        for m in (self.cdse, self.hgse):
            for k in _NUMERIC:
                v = np.asarray(getattr(m, k), float)
                if not np.all(np.isfinite(v)):
                    raise ValueError(f"material table: {m.name}.{k} must be finite, got {v!r}")
                if k in ("me", "mh", "eps_inf", "a_nm") and np.any(v <= 0):
                    raise ValueError(f"material table: {m.name}.{k} must be > 0, got {v!r}")
        miss = np.abs(np.asarray(self.cdse.outside_gap_eV - self.hgse.outside_gap_eV))
        if np.any(miss > FRAME_TOL_EV):
            raise ValueError(
                "material table: gap_eV - dEc_eV + dEv_eV must be the same for CdSe and HgSe "
                f"(one frame for the offsets); they differ by up to {float(miss.max()):.3g} eV"
            )

    @property
    def outside_gap_eV(self):
        """Distance between the common electron and hole levels (eV): CdSe's gap - dEc + dEv."""
        return self.cdse.outside_gap_eV

    @property
    def n_tables(self) -> int | None:
        """How many tables this is (the common length of its array entries), None if scalar."""
        sizes = {
            np.size(getattr(m, k))
            for m in (self.cdse, self.hgse)
            for k in _NUMERIC
            if np.ndim(getattr(m, k))
        }
        if not sizes:
            return None
        if len(sizes) > 1:
            raise ValueError(f"material table: array entries of different lengths {sorted(sizes)}")
        return sizes.pop()

    def take(self, idx) -> MaterialTable:
        """The tables ``idx`` (indices or a mask over S) of S tables; scalar entries stay."""

        def sub(m: Material) -> Material:
            return replace(
                m,
                **{k: np.asarray(getattr(m, k))[idx] for k in _NUMERIC if np.ndim(getattr(m, k))},
            )

        return MaterialTable(sub(self.cdse), sub(self.hgse))

    def rows(self, n: int) -> MaterialTable:
        """S tables (entries of shape (S,) or scalars) as one table per row of a batch of S * n
        structures in sample-major order (row ``s * n + i`` is structure i under table s):
        entries of shape (S * n, 1)."""

        def rep(m: Material) -> Material:
            return replace(
                m,
                **{
                    k: np.repeat(np.ravel(getattr(m, k)), n)[:, None]
                    for k in _NUMERIC
                    if np.ndim(getattr(m, k))
                },
            )

        return MaterialTable(rep(self.cdse), rep(self.hgse))


#: The paper's table (Methods, Introduction): the default of every EMA function.
PAPER = MaterialTable(CDSE, HGSE)

#: Electron-to-hole common level distance (eV); equal for both materials by construction.
OUTSIDE_GAP_EV = PAPER.outside_gap_eV
assert abs(CDSE.outside_gap_eV - HGSE.outside_gap_eV) < 1e-12

#: Electron affinity of CdSe (eV), for the ``vacuum`` outside medium of :mod:`iece.ema` only.
#: Not from the paper, and no public source found (no stored public page with a DOI states it;
#: see ``data/literature/materials_sources.csv``): a modelling assumption of this project that
#: sets where the ``vacuum`` reading puts the outside levels, labelled as such on the checks page.
CDSE_ELECTRON_AFFINITY_EV = 4.95


def check_fraction(x, name: str = "x") -> np.ndarray:
    """``x`` as an array, or ValueError naming ``name`` unless every value is in [0, 1]."""
    arr = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        raise ValueError(f"{name} must be a Hg fraction in [0, 1], got {x!r}")
    return arr


def table_or_paper(table: MaterialTable | None) -> MaterialTable:
    """``table``, or the paper's (:data:`PAPER`) for None; TypeError for anything else."""
    if table is None:
        return PAPER
    if not isinstance(table, MaterialTable):
        raise TypeError(f"table must be a MaterialTable or None, got {type(table).__name__}")
    return table


def hgcdse(x, table: MaterialTable | None = None) -> dict[str, np.ndarray]:
    """Parameters of Hg_xCd_(1-x)Se by linear interpolation: ``p = (1 - x) p_CdSe + x p_HgSe``,
    from ``table`` (default: the paper's, :data:`PAPER`).

    ``x`` may be any array; each returned value has its shape broadcast with the table's entries.
    """
    x = check_fraction(x)
    t = table_or_paper(table)
    return {k: (1 - x) * getattr(t.cdse, k) + x * getattr(t.hgse, k) for k in _NUMERIC}


def outside_gap_eV(table: MaterialTable | None = None, n: int | None = None):
    """The table's distance between the common levels (eV): a float for a scalar table, else
    its per-row entries flattened to shape (n,) (``n`` rows of a flattened batch)."""
    g = table_or_paper(table).outside_gap_eV
    return g if np.ndim(g) == 0 else np.broadcast_to(np.reshape(g, -1), (n,))


def bulk_gap_eV(x) -> np.ndarray:
    """Bulk gap of Hg_xCd_(1-x)Se (eV), linear in x from 1.74 eV (CdSe) to -0.06 eV (HgSe)."""
    return hgcdse(x)["gap_eV"]
