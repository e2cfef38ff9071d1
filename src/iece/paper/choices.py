"""Choices the paper leaves open, declared once: their values, the default, and why.

Parameters refer to these tuples, the runner validates against them, the figure functions
compute every claim number under every value (recorded as ``<name>__<value>``), and the ledger
shows a verdict per value. :data:`OPEN` is the list the ledger and the report read.

* ``outside``: the medium outside the NC in the EMA (:func:`outside` resolves a name);
* ``monolayer``: the thickness of one shell monolayer;
* ``ir_edge``: where the infrared starts, for "comprising the entire infrared spectrum";
* ``window``: the PL window of the literature comparison (Fig. 5f-g);
* ``sizing``: the empirical CdSe sizing curve.
"""

from __future__ import annotations

from ..physics import ema, materials, sizing
from ..pipeline.bundle import OpenChoice
from . import quoted

OUTSIDE_MEDIA = (*ema.FIXED, "calibrated")
MONOLAYERS = ("111", "100")
IR_EDGES_NM = ("780", "700")
WINDOWS = ("swir", "caption")
SIZING_CURVES = tuple(sizing.CURVES)
NPL_MU400 = ("cdse", "hgse")


#: CdSe sizes (nm) over which ``calibrated`` is fitted to the Jasieniak 2009 sizing curve.
CALIBRATION_NM = tuple(float(d) for d in (2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0))


OPEN = {
    c.name: c
    for c in (
        OpenChoice(
            "outside",
            "EMA outside medium",
            OUTSIDE_MEDIA,
            "reference",
            {
                "reference": "outside band edges at the common level of the Methods' offsets, m0",
                "vacuum": f"the vacuum level (CdSe electron affinity "
                f"{materials.CDSE_ELECTRON_AFFINITY_EV} eV, an assumption with no public source), "
                "m0",
                "infinite": "hard walls at the NC surface",
                "calibrated": "reference shifted to fit the Jasieniak 2009 CdSe sizing curve, "
                f"{CALIBRATION_NM[0]:g}-{CALIBRATION_NM[-1]:g} nm (independent data, not the "
                "paper's numbers)",
            },
            "the literal reading of the Methods: it adds nothing the paper does not state. It "
            "misses the CdSe sizing curve (the sizing diagnostic says by how much), which the "
            "calibrated medium fits; but "
            "the paper never says it calibrated, and the reading search finds no medium under "
            "which both its numbers and its words hold, so the headline stays with what the "
            "paper states and every EMA claim also shows its verdict under the other media.",
            {
                "infinite": "hard walls, where the Methods model 'concentric layers with finite "
                "potential energy' and Eq. 3 counts the electron density 'starting from "
                "approximately one atomic layer from the surface', outside the NC"
            },
        ),
        OpenChoice(
            "monolayer",
            "shell monolayer thickness",
            MONOLAYERS,
            "111",
            {"111": "one close-packed (111) layer, a/sqrt(3)", "100": "a/2 along (100)"},
            "shells grown layer by layer on zinc-blende spheres are usually counted in (111) "
            "layers; a/2 is the other common convention.",
        ),
        OpenChoice(
            "ir_edge",
            "start of the infrared",
            IR_EDGES_NM,
            "780",
            {"780": "the infrared starts at 780 nm", "700": "the infrared starts at 700 nm"},
            "780 nm is the usual start of the near infrared; 700 nm is the lower end of the "
            "paper's own Fig. 5f-g window.",
        ),
        OpenChoice(
            "window",
            "Fig. 5 PL window",
            WINDOWS,
            "swir",
            {
                "swir": f"the text's SWIR, {quoted.SWIR_NM.low:g}-{quoted.SWIR_NM.high:g} nm",
                "caption": "the Fig. 5f-g caption's "
                f"{quoted.WINDOW_FIG5_NM.low:g}-{quoted.WINDOW_FIG5_NM.high:g} nm",
            },
            "the claims compare 'in the SWIR window', which the Introduction defines.",
        ),
        OpenChoice(
            "npl_mu400",
            "which platelets the NPL absorption coefficient belongs to",
            NPL_MU400,
            "cdse",
            {
                "cdse": "the CdSe platelets' value (the parenthesis follows 'CdSe NPLs')",
                "hgse": "the HgSe platelets' value, the sentence's subject (CdSe's then follows "
                "from the stated fold)",
            },
            "the parenthesis stands right after 'compared with CdSe NPLs', so the grammar "
            "reads it as the CdSe platelets' value; the sentence's subject is the HgSe "
            "platelets, so the other reading is shown beside it.",
        ),
        OpenChoice(
            "sizing",
            "CdSe sizing curve",
            SIZING_CURVES,
            "jasieniak",
            {k: c.name for k, c in sizing.CURVES.items()},
            "Jasieniak 2009 re-examined the earlier curves with more data; Yu 2003 is the "
            "older, most cited alternative.",
        ),
        # The EMA choices the Methods leave to the reader besides the outside medium; the
        # reading search (iece.paper.readings) scans them all, and its columns carry these names.
        OpenChoice(
            "geometry",
            "composition x as the shell's share of",
            ema.GEOMETRIES,
            "volume",
            {
                "volume": "x is the HgSe shell's share of the NC volume",
                "thickness": "x is the HgSe shell's share of the NC radius",
            },
            "the paper calls x the 'total mercury composition', a fraction of the NC's cations, "
            "that is of its volume.",
            {
                "thickness": "x as the shell's share of the *radius*, where the paper calls x the "
                "'total mercury composition' (a fraction of the NC's cations, which the model "
                "takes as the shell's share of the volume)"
            },
        ),
        OpenChoice(
            "depletion",
            "depletion measure",
            ema.DEPLETION_MEASURES,
            "squared",
            {
                "squared": "the oscillator strength, 1 - (phi/phi_0)^2",
                "linear": "the overlap itself, 1 - phi/phi_0",
            },
            "the paper depletes the 'oscillator strength', which goes as the square of the "
            "overlap.",
            {
                "linear": "a depletion of the overlap phi itself, where the paper depletes the "
                "'oscillator strength' (which goes as phi squared)"
            },
        ),
        OpenChoice(
            "interface",
            "the EMA interface condition",
            ema.INTERFACES,
            "bdd",
            {
                "bdd": "BenDaniel-Duke: psi and psi'/m continuous",
                "plain": "psi and psi' continuous",
            },
            "BenDaniel-Duke conserves the current where the effective mass changes and is the "
            "usual condition of the effective-mass method the Methods cite ('by the method of "
            "Haus et al.'); the paper does not state the condition, and we have no publisher's "
            "source for the one Haus et al. use, so plain continuity stays an allowed reading.",
        ),
        OpenChoice(
            "coulomb",
            "the EMA Coulomb kernel",
            ema.COULOMB_KERNELS,
            "average",
            {
                "average": "one volume-averaged dielectric constant",
                "layered": "the layers' own dielectric constants (outside the NC the outermost "
                "layer's; no image charges)",
            },
            "the Methods add 'a Coulombic term as a perturbation' and list each material's own "
            "dielectric constant, interpolated 'for Hg_xCd_{1-x}Se alloy domains'; they do not "
            "say how the layers' constants enter the Coulomb term. One volume-averaged constant "
            "is the literal 'a Coulombic term'; the layers' own constants are as close to the "
            "text, so both are allowed.",
        ),
    )
}
#: How loosely stated inputs are read, once for the whole ledger: "near ~10^n" is within half a
#: decade either way; "near X" and "~X" are within 20 % of X.
NEAR_DECADES = 0.5
NEAR_RELATIVE = 0.2
#: "better than the literature" rests on at least this many literature points in the window;
#: fewer make the comparison "not checkable (insufficient data)": one or two points are
#: anecdotes, not a field's state.
MIN_LITERATURE_POINTS = 3
#: "nearly complete" (the exchange after ~4 h of IE-CE, by elemental analysis) is at least this
#: share of the cations exchanged; the kinetics page's t95 and joint D use it, and the ledger's
#: entries name it (THRESHOLDS), so it is declared here once.
NEARLY_COMPLETE = 0.95
#: A verdict holds (or fails) robustly under the declared uncertainty of the inputs (the
#: Methods' parameter table, the NC size, D) when it does so in at least this share of the
#: samples; in between it is fragile.
ROBUST_PROBABILITY = 0.95
#: The numbers above that a ledger threshold may name.
THRESHOLDS = {
    "NEARLY_COMPLETE": NEARLY_COMPLETE,
    # a verdict is robust when at most this share of the samples flips it
    "ROBUST_FLIP_FRACTION": round(1 - ROBUST_PROBABILITY, 12),
}
READINGS = {
    "near ~10^n": f"within {NEAR_DECADES:g} decade either way (a factor of {10**NEAR_DECADES:.1f})",
    "near X, ~X": f"within {100 * NEAR_RELATIVE:.0f} % of X",
    "nearly complete": f"at least {100 * NEARLY_COMPLETE:.0f} % of the cations exchanged",
    "better than the literature": f"than each of at least {MIN_LITERATURE_POINTS} literature "
    "points in the window; with fewer, not checkable (insufficient data)",
    "a robust verdict": f"the same in at least {100 * ROBUST_PROBABILITY:.0f} % of the samples "
    "of the declared input ranges (iece sensitivity); in between, fragile",
}
#: The Fig. 5f-g comparison windows (nm) by value of ``window``.
WINDOW_NM = {"swir": quoted.SWIR_NM.value, "caption": quoted.WINDOW_FIG5_NM.value}


def outside(name: str) -> ema.Outside:
    """The :class:`~iece.physics.ema.Outside` for a name of :data:`OUTSIDE_MEDIA`."""
    if name == "calibrated":
        curve = sizing.JASIENIAK
        energies = curve.energy_eV(list(CALIBRATION_NM))
        return ema.fitted(CALIBRATION_NM, energies, f"{curve.name}, 2-5 nm")
    if name not in OUTSIDE_MEDIA:
        raise ValueError(f"outside medium must be one of {OUTSIDE_MEDIA}, got {name!r}")
    return ema.outside_medium(name)


def calibration_fit() -> tuple[float, float]:
    """The shift of both ``reference`` levels that the ``calibrated`` medium applies and the RMS
    residual of its fit to the sizing curve (eV)."""
    energies = sizing.JASIENIAK.energy_eV(list(CALIBRATION_NM))
    return ema.fit_shift_eV(CALIBRATION_NM, tuple(float(e) for e in energies))
