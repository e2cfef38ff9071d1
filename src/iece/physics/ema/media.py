"""The medium outside the NC: fixed readings of the paper's unstated boundary condition.

Energies are eV in the carrier frames of :mod:`iece.physics.materials` (electron levels counted
up from the common electron level, hole levels down from the common hole level); ``inf`` is a
hard wall. The calibrated reading (levels shifted to hit a target energy) needs the solver and
lives above it, in :mod:`iece.physics.ema.calibration`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import materials as mat

#: Readings that need no calibration.
FIXED = ("reference", "vacuum", "infinite")


@dataclass(frozen=True)
class Outside:
    """The medium around the NC, per carrier: outside levels (eV, carrier frames; ``inf`` for a
    hard wall) and masses (m0; ``None`` for the outermost layer's own mass)."""

    name: str
    Ve_eV: float
    Vh_eV: float
    mass_e: float | None = 1.0
    mass_h: float | None = 1.0
    note: str = ""

    def __post_init__(self):
        for carrier, v in (("electron", self.Ve_eV), ("hole", self.Vh_eV)):
            if not isinstance(v, (int, float)) or np.isnan(v) or v == -np.inf:
                raise ValueError(f"{carrier} outside level must be a number or inf, got {v!r}")
        for carrier, m in (("electron", self.mass_e), ("hole", self.mass_h)):
            if m is not None and not (np.isfinite(m) and m > 0):
                raise ValueError(f"{carrier} outside mass must be > 0 or None (own), got {m!r}")

    def level(self, carrier: str) -> float:
        return self.Ve_eV if carrier == "e" else self.Vh_eV

    def mass(self, carrier: str, own):
        """Outside mass of ``carrier`` ('e' or 'h'); ``own`` (the outermost layer's masses,
        shape (N, 1)) where the medium says None."""
        m = self.mass_e if carrier == "e" else self.mass_h
        return own if m is None else m


def outside_medium(preset: str | Outside = "reference", shift_eV: float = 0.0) -> Outside:
    """The outside medium for a fixed reading (an :class:`Outside` passes through).

    ``reference`` (the literal reading): outside band edges at the common level of the paper's
    offsets (electron barrier ``-dEc``, hole barrier ``dEv``), free-electron mass.
    ``vacuum``: electron level at the vacuum level, ``CDSE_ELECTRON_AFFINITY_EV`` above the CdSe
    conduction band, hole level the same vacuum level seen from the valence band, mass m0.
    ``infinite``: hard walls at the NC surface. ``shift_eV`` raises both levels (not for
    ``infinite``).
    """
    if isinstance(preset, Outside):
        return preset
    if preset not in FIXED:
        raise ValueError(
            f"outside medium must be one of {FIXED} (or an Outside; 'calibrated' is resolved "
            f"by iece.paper.choices), got {preset!r}"
        )
    if preset == "infinite":
        return Outside("infinite", np.inf, np.inf, note="hard walls")
    if preset == "vacuum":
        ve = mat.CDSE.dEc_eV + mat.CDSE_ELECTRON_AFFINITY_EV
        vh = -mat.CDSE.dEv_eV + mat.CDSE_ELECTRON_AFFINITY_EV + mat.CDSE.gap_eV
        return Outside("vacuum", ve + shift_eV, vh + shift_eV, note="vacuum level, m0")
    return Outside("reference", shift_eV, shift_eV, note="common level of the offsets, m0")
