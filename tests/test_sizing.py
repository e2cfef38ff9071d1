"""iece.physics.sizing against what its sources print: each curve's coefficients parsed from the
verbatim snippet it records, the check values a third party computed from the Yu 2003
polynomial, the stated validity range, and the two independent calibrations against each other.
(The inverse, energy from diameter, is round-tripped in ``tests/test_checks.py``.)"""

from __future__ import annotations

import re

import numpy as np
import pytest

from iece.physics import materials as mat
from iece.physics import sizing

#: Yu 2003 CdSe check values (peak nm -> diameter nm), 4 decimals, computed from the printed
#: polynomial by open-agent-science/autonomous-physics-lab, data/quantum_dots/
#: qd-0001-yu-2003-absorption.yaml (commit 08e52fe9), entries yu-2003-cdse-480nm ... -630nm,
#: verbatim "diameter_nm: 2.1737" ... "diameter_nm: 6.2333", each with the note "diameter
#: computed from the published CdSe D(lambda) polynomial". Not printed by Yu et al., whose
#: paper has no table of sizes (same repository, docs/reviews/
#: quantum-size-direct-absorption-seed-review.md, finding F1).
YU_CHECK_NM = {480.0: 2.1737, 530.0: 2.6965, 580.0: 3.8193, 630.0: 6.2333}

_SUPERSCRIPT = str.maketrans({"²": "^2", "³": "^3", "⁴": "^4", "−": "-", "·": "*", " ": ""})


def _printed_coefficients(formula: str, variable: str) -> tuple[float, ...]:
    """Coefficients c_0..c_n of a polynomial as printed, e.g. ``59.6-0.547*peakWL+1.9e-3*
    peakWL^2`` or ``1.6e-9·λ⁴ − 2.7e-6·λ³ + 41.57``, read term by term."""
    text = formula.translate(_SUPERSCRIPT)
    term = re.compile(
        rf"([+-]?)(\d+(?:\.\d*)?(?:e[+-]?\d+)?)(\*{re.escape(variable)}(?:\^(\d+))?)?"
    )
    coeffs: dict[int, float] = {}
    pos = 0
    for m in term.finditer(text):
        assert m.start() == pos, f"unparsed text {text[pos : m.start()]!r} in {formula!r}"
        power = 0 if not m.group(3) else int(m.group(4) or 1)
        assert power not in coeffs, f"power {power} twice in {formula!r}"
        coeffs[power] = float(m.group(1) + m.group(2))
        pos = m.end()
    assert pos == len(text), f"unparsed text {text[pos:]!r} in {formula!r}"
    return tuple(coeffs.get(k, 0.0) for k in range(max(coeffs) + 1))


def test_jasieniak_curve_is_the_printed_formula():
    """The coefficients and the "valid 2 to 8 nm" are those of the recorded verbatim snippet
    (the Igor procedure's ``FIT:`` field; re-read with the search tool for this test)."""
    snippet = sizing.JASIENIAK.source["snippet"]
    fit = re.search(r"FIT:([^;]+)", snippet).group(1)
    assert sizing.JASIENIAK.coeffs == _printed_coefficients(fit, "peakWL")
    lo, hi = map(float, re.search(r"valid (\d+) to (\d+) nm", snippet).groups())
    assert sizing.JASIENIAK.valid_nm == (lo, hi)
    # the printed expression, evaluated as printed, at a few peak wavelengths
    for lam in (450.0, 520.0, 580.0, 650.0):
        printed = eval(fit.replace("^", "**"), {"peakWL": lam})  # noqa: S307 (our own snippet)
        assert float(sizing.JASIENIAK.diameter_nm(lam)) == pytest.approx(printed, rel=1e-12)


def test_jasieniak_validity_range_lies_inside_its_bracket():
    """2-8 nm is reached inside the wavelength bracket, on a rising branch (one root each), and
    8 nm still lies above CdSe's bulk gap, as a confined exciton must."""
    curve = sizing.JASIENIAK
    lam = np.linspace(*curve.bracket_nm, 641)
    d = curve.diameter_nm(lam)
    assert np.all(np.diff(d) > 0)
    assert d[0] < curve.valid_nm[0] and d[-1] > curve.valid_nm[1]
    e = curve.energy_eV(np.array(curve.valid_nm))
    assert e[0] > e[1] > mat.CDSE.gap_eV


def test_yu_curve_is_the_printed_formula():
    snippet = sizing.CURVES["yu"].source["snippet"]
    fit = re.search(r"D = ([^`]+)`", snippet).group(1)
    assert sizing.CURVES["yu"].coeffs == _printed_coefficients(fit, "λ")


def test_yu_check_values():
    """The check values the module docstring promises, to their 4 printed decimals."""
    lam = np.array(list(YU_CHECK_NM))
    got = sizing.CURVES["yu"].diameter_nm(lam)
    np.testing.assert_allclose(got, list(YU_CHECK_NM.values()), rtol=0, atol=5e-5)
    # and the curve's stated range is the diameters between its end check wavelengths
    assert sizing.CURVES["yu"].valid_nm == pytest.approx((2.1737, 6.2333), abs=5e-5)


def test_the_two_calibrations_agree_within_their_known_spread():
    """Two groups' calibrations of the same CdSe data differ by at most 5.0 % over 480-630 nm
    (Yu's sizes are smaller from 480 to 600 nm, larger above). A digit wrong in any
    coefficient moves a curve by tens of percent here: bound 6 %."""
    lam = np.linspace(480.0, 630.0, 151)
    ratio = sizing.CURVES["yu"].diameter_nm(lam) / sizing.JASIENIAK.diameter_nm(lam)
    assert np.max(np.abs(ratio - 1)) < 0.06
    assert ratio[0] < 1 < ratio[-1]


def test_the_parser_reads_what_it_is_given():
    assert _printed_coefficients("1.5-2*x+3e-1*x^3", "x") == (1.5, -2.0, 0.0, 0.3)
    assert _printed_coefficients("2·λ² − 0.5·λ + 4", "λ") == (4.0, -0.5, 2.0)
    with pytest.raises(AssertionError, match="unparsed"):
        _printed_coefficients("2*y", "x")
