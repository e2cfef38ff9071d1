"""The EMA claim numbers: one definition (iece.paper.ema_numbers) shared by fig2eg, the reading
search and ``iece ema``; the core/shell ends equal the plain spheres."""

from __future__ import annotations

import numpy as np
import pytest

from iece.physics import ema

MEDIA = [
    "reference",
    "vacuum",
    "infinite",
    ema.Outside("own masses", 0.5, 1.0, None, None),
    ema.Outside("light outside", 2.0, 3.0, 0.3, 0.3),
]


@pytest.mark.parametrize("outside", MEDIA, ids=lambda o: getattr(o, "name", o))
@pytest.mark.parametrize("geometry", ema.GEOMETRIES)
@pytest.mark.parametrize("coulomb", ema.COULOMB_KERNELS)
@pytest.mark.parametrize("interface", ema.INTERFACES)
def test_core_shell_ends_are_the_plain_spheres(outside, geometry, coulomb, interface):
    """x = 0 is the CdSe sphere and x = 1 the HgSe sphere under every outside medium, mass,
    Coulomb kernel and interface (an empty HgSe shell at x = 0 had set the outside mass and the
    layered kernel's eps: +72 meV and overlap 0.864 instead of 0.914 before the fix)."""
    kw = dict(coulomb=coulomb, interface=interface, allow_unbound=True)
    for x in (0.0, 1.0):
        sphere = ema.solve(ema.alloy([3.3, 4.0], x), outside, **kw)
        cs = ema.solve(ema.core_shell([3.3, 4.0], x, geometry), outside, **kw)
        for name in ("energy_eV", "overlap", "surface_fraction_e", "coulomb_eV"):
            a, b = getattr(sphere, name), getattr(cs, name)
            np.testing.assert_allclose(b, a, rtol=0, atol=1e-9, err_msg=f"{name} at x = {x}")
