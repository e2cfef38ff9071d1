"""Choices the paper leaves open, declared once. Parameters refer to these tuples, the runner
validates against them, and the notebooks name them.

* :data:`OUTSIDE_MEDIA`: the medium outside the NC in the EMA. ``reference`` (default) is the
  literal reading of the offsets; ``calibrated`` shifts it until the paper's quoted 3.3 nm CdSe
  1S-1S energy (2.24 eV) comes out (:func:`outside`).
* :data:`MONOLAYERS`: the thickness of one shell monolayer, a close-packed (111) layer or a/2.
"""

from __future__ import annotations

from ..physics import ema
from . import quoted

OUTSIDE_MEDIA = (*ema.FIXED, "calibrated")
MONOLAYERS = ("111", "100")


def outside(name: str) -> ema.Outside:
    """The :class:`~iece.physics.ema.Outside` for a name of :data:`OUTSIDE_MEDIA`."""
    if name == "calibrated":
        return ema.calibrated(quoted.DIAMETER_PROTOTYPE_NM.value, quoted.CDSE_1S_EV.value)
    if name not in OUTSIDE_MEDIA:
        raise ValueError(f"outside medium must be one of {OUTSIDE_MEDIA}, got {name!r}")
    return ema.outside_medium(name)


def calibration_shift_eV() -> float:
    """The shift of both ``reference`` levels that the ``calibrated`` medium applies (eV)."""
    return ema.calibration_shift_eV(quoted.DIAMETER_PROTOTYPE_NM.value, quoted.CDSE_1S_EV.value)
