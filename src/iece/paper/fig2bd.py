"""Fig. 2a-d: absorption spectra deconvolved into Gaussian transitions (Methods, Eq. 1).

Physics: :mod:`iece.physics.spectra` (Eq. 1 with the corrected exponent, second-derivative
guesses, BIC) and :mod:`iece.physics.ema` for the model spectra; tests in
``tests/test_spectra.py``. The measured spectra are not public, so the three NCs of Fig. 2a are
*simulated from the EMA* (every equal-(n, l) transition, strength ``(2l+1) phi^2``, Eq. 1
broadening, seeded noise) and then deconvolved like real data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import io
from ..physics import ema, spectra
from ..pipeline.figure import (
    FAST,
    FigureResult,
    Params,
    choice,
    flag,
    integer,
    number,
    optional,
    path,
)
from . import choices, quoted

PARAMS = Params(
    path("spectrum_path", "your absorption spectrum: wavelength (nm) or energy (eV), absorbance"),
    choice("axis", "auto", "first column of your file", io.AXES),
    number("composition_x", 0.0, "total Hg fraction of your NCs, sets Eg", 0, 1),
    optional("bulk_gap_eV", "overrides Eg from composition_x (e.g. CdS 2.42, PbS 0.41)", -1, 5),
    optional("e_min_eV", "lower end of the fitted window (default: whole spectrum)", *io.PHOTON_EV),
    optional("e_max_eV", "upper end of the fitted window", *io.PHOTON_EV),
    optional("n_transitions", "number of transitions (None: chosen by BIC)", 1, 20, integer=True),
    flag("baseline", False, "add a Rayleigh scattering term s E^4"),
    number("diameter_nm", quoted.DIAMETER_FIG2_NM.value, "NC diameter of the model spectra", 2, 8),
    number(
        "alloy_x",
        0.3,
        "Hg fraction of the IE-CE alloy (core/shell matched in energy)",
        0.05,
        quoted.X_RANGE_FIG2.high,
    ),
    number("dR", 0.06, "relative standard deviation of the radius in the model spectra", 0.01, 0.2),
    number("noise", 0.005, "noise of the model spectra, fraction of their maximum", 0, 0.1),
    choice("outside", "reference", "EMA outside medium", choices.OUTSIDE_MEDIA),
    integer("seed", 7, "seed of the model-spectrum noise", 0, 2**32 - 1),
    FAST,
    below={"e_min_eV": "e_max_eV"},
    requires={
        name: "spectrum_path"
        for name in (
            "axis",
            "composition_x",
            "bulk_gap_eV",
            "e_min_eV",
            "e_max_eV",
            "n_transitions",
            "baseline",
        )
    },
)

#: A user spectrum is fitted with at most this many points in its window: a spectrum in 1 nm
#: steps has about 1000, and a noisy 20000-point one takes 30 s to deconvolve (a 10^6-point one
#: had run for 96 s).
MAX_POINTS = 10_000
#: Fewer points than this cannot hold the transitions of a deconvolution.
MIN_POINTS = 10

#: Energy grid of the model spectra (eV).
E_GRID_EV = np.linspace(1.0, 3.6, 1000)
NCS = ("CdSe", "core/shell", "alloy")


@dataclass(frozen=True)
class NCSpectrum:
    """One model NC of Fig. 2a: its spectrum on :data:`E_GRID_EV`, its EMA transitions (dicts
    of :func:`iece.physics.spectra.ema_spectrum`), bulk gap, deconvolution and 1S band."""

    absorbance: np.ndarray
    transitions: list
    Eg_eV: float
    fit: spectra.Deconvolution
    band_1s: dict
    a1s_fraction: float


@dataclass(frozen=True)
class ModelSpectra:
    """The three NCs of Fig. 2a (by :data:`NCS` name) and what their fits give."""

    nc: dict
    x_core_shell: float
    reduction_1s_core_shell: float
    reduction_1s_alloy: float
    reduction_1s_core_shell_ema: float
    alloy_shape_similarity: float
    core_shell_shape_similarity: float


def model_spectra(outside: str, diameter_nm, alloy_x, dR, noise, seed) -> ModelSpectra:
    """The three NCs of Fig. 2a simulated from the EMA and deconvolved: per NC the spectrum,
    its EMA transitions, Eg and fit; plus the 1S-1S reductions and shape similarities."""
    out = choices.outside(outside)
    E = E_GRID_EV
    e_alloy = float(ema.solve(ema.alloy(diameter_nm, alloy_x), out).energy_eV)
    x_cs = ema.composition_for_energy(ema.core_shell, diameter_nm, e_alloy, out)
    structures = dict(
        zip(
            NCS,
            (
                ema.alloy(diameter_nm, 0.0),
                ema.core_shell(diameter_nm, x_cs),
                ema.alloy(diameter_nm, alloy_x),
            ),
        )
    )
    nc = {}
    for i, (k, s) in enumerate(structures.items()):
        A, ts, Eg = spectra.ema_spectrum(s, E, outside=out, dR=dR, noise=noise, seed=seed + i)
        fit = spectra.fit(E, A, Eg, sigma=noise * A.max() if noise else None)
        b1 = fit.band_1s(ts[0]["energy_eV"])
        share = b1["area"] / sum(t["area"] for t in fit.transitions)
        nc[k] = NCSpectrum(A, ts, Eg, fit, b1, share)
    a1 = {k: v.band_1s["area"] for k, v in nc.items()}
    e1 = {k: v.band_1s["center_eV"] for k, v in nc.items()}
    strength = {k: v.transitions[0]["strength"] for k, v in nc.items()}
    cdse = nc["CdSe"]
    return ModelSpectra(
        nc=nc,
        x_core_shell=x_cs,
        reduction_1s_core_shell=1 - a1["core/shell"] / a1["CdSe"],
        reduction_1s_alloy=1 - a1["alloy"] / a1["CdSe"],
        reduction_1s_core_shell_ema=1 - strength["core/shell"] / strength["CdSe"],
        alloy_shape_similarity=spectra.shape_similarity(
            E, cdse.absorbance, e1["CdSe"], nc["alloy"].absorbance, e1["alloy"]
        ),
        core_shell_shape_similarity=spectra.shape_similarity(
            E, cdse.absorbance, e1["CdSe"], nc["core/shell"].absorbance, e1["core/shell"]
        ),
    )


def ema_reduction(outside: str, diameter_nm: float, alloy_x: float):
    """1 - (phi_cs / phi_CdSe)^2 of the core/shell with the alloy's 1S-1S energy, straight from
    the EMA overlaps (no spectra); "not checkable" if no core/shell reaches that energy."""
    out = choices.outside(outside)
    e_alloy = float(ema.solve(ema.alloy(diameter_nm, alloy_x), out).energy_eV)
    try:
        x_cs = ema.composition_for_energy(ema.core_shell, diameter_nm, e_alloy, out)
    except ValueError:
        return "not checkable"
    cs = float(ema.solve(ema.core_shell(diameter_nm, x_cs), out).overlap)
    cdse = float(ema.solve(ema.alloy(diameter_nm, 0.0), out).overlap)
    return 1 - (cs / cdse) ** 2


def recover_reduction(
    model: ModelSpectra, reduction: float, dR, noise, seed, bounded=True
) -> float:
    """Method check: scale the CdSe 1S-1S transition by ``1 - reduction``, add noise, fit both
    spectra, and return the reduction the fit recovers (simulated data: validates the method
    only). ``bounded=False`` fits as the Methods describe: a_i and dR unbounded."""
    cdse = model.nc["CdSe"]
    strengths = [t["strength"] for t in cdse.transitions]
    centers = [t["energy_eV"] for t in cdse.transitions]
    A = spectra.spectrum(
        E_GRID_EV, [(1 - reduction) * strengths[0]] + strengths[1:], centers, dR, cdse.Eg_eV
    )
    if noise:
        rng = np.random.default_rng(seed + 100)
        A = A + rng.normal(0, noise * cdse.absorbance.max(), E_GRID_EV.size)
    sigma = noise * cdse.absorbance.max() if noise else None
    fit = spectra.fit(E_GRID_EV, A, cdse.Eg_eV, sigma=sigma, bounded=bounded)
    ref = (
        cdse.fit
        if bounded
        else spectra.fit(E_GRID_EV, cdse.absorbance, cdse.Eg_eV, sigma=sigma, bounded=False)
    )
    return 1 - fit.band_1s(centers[0])["area"] / ref.band_1s(centers[0])["area"]


def _window(E, A, lo, hi, name):
    """The points of the user spectrum ``name`` inside [lo, hi] (None: open), or a
    :class:`~iece.io.DataFileError` that names what is wrong: the window or the file."""
    keep = np.ones_like(E, bool)
    if lo is not None:
        keep &= E >= lo
    if hi is not None:
        keep &= E <= hi
    n = int(keep.sum())
    if lo is None and hi is None:
        where = f"spectrum_path {name} has {n} points"
    else:
        set_ = " and ".join(
            f"{k} = {v:g}" for k, v in (("e_min_eV", lo), ("e_max_eV", hi)) if v is not None
        )
        where = (
            f"{set_} leave{'s' if ' and ' not in set_ else ''} {n} of the {E.size} points of "
            f"spectrum_path {name} (it covers {E.min():.3g}-{E.max():.3g} eV)"
        )
    if n < MIN_POINTS:
        raise io.DataFileError(f"{where}; a deconvolution needs at least {MIN_POINTS}")
    if n > MAX_POINTS:
        raise io.DataFileError(
            f"{where}; at most {MAX_POINTS} are fitted: average neighbouring points (bin the "
            "spectrum) or fit a narrower window (e_min_eV, e_max_eV)"
        )
    return E[keep], A[keep]


#: Record notes: what each number is, in words (the page labels a record with its note).
NOTES = {
    "a1": "fitted to absorbance / its maximum ({A_max:.4g})",
    "a1s_fraction": "1S area / total fitted area",
    "recovered_reduction_1s": "a {planted:.0%} reduction planted in a simulated spectrum, "
    "recovered by the fit",
    "recovered_reduction_1s_unbounded": "the same, fitted as the Methods describe: a_i and dR "
    "unbounded",
    "reduction_1s_ema": "1 - (phi_cs/phi_CdSe)^2 at the alloy's 1S-1S energy",
}
#: The model's numbers recorded as they are.
MODEL_NUMBERS = (
    "x_core_shell",
    "reduction_1s_core_shell",
    "reduction_1s_alloy",
    "reduction_1s_core_shell_ema",
    "alloy_shape_similarity",
    "core_shell_shape_similarity",
)


@dataclass(frozen=True)
class UserSpectrum:
    """A user's spectrum in its fitted window (absorbance over its maximum) and its fit."""

    energy_eV: np.ndarray
    absorbance: np.ndarray
    fit: spectra.Deconvolution
    Eg_eV: float


@dataclass(kw_only=True)
class Fig2bdResult(FigureResult):
    """fig2bd's numbers and what its plots and tables draw. ``by_medium`` holds the noise-free
    model of every outside medium, or why none could be made (a string)."""

    energy_eV: np.ndarray
    model: ModelSpectra
    user: UserSpectrum | None
    by_medium: dict


def compute(**params) -> Fig2bdResult:
    """All numbers of the fig2bd page for the given parameters (defaults: the paper's)."""
    p = PARAMS.resolve(params, "fig2bd")
    res = FigureResult(p)
    user = None
    if p["spectrum_path"] is not None:
        name = Path(p["spectrum_path"]).name
        E_u, A_u = _window(
            *io.read_spectrum(p["spectrum_path"], p["axis"]), p["e_min_eV"], p["e_max_eV"], name
        )
        # the fit works on absorbance / its maximum, so no scale (1e-9 had moved E1 from 2.24 to
        # 2.80 eV; 1e300 overflowed): areas are in units of the maximum, recorded as such
        A_max = float(np.max(np.abs(A_u)))
        A_u = A_u / A_max
        Eg_u = (
            p["bulk_gap_eV"]
            if p["bulk_gap_eV"] is not None
            else spectra.bulk_gap(p["composition_x"])
        )
        d_u = spectra.fit(E_u, A_u, Eg_u, n_transitions=p["n_transitions"], baseline=p["baseline"])
        b1 = d_u.band_1s()
        res.add("E1_eV", b1["center_eV"], "eV", stderr=b1["center_stderr"], provenance="user")
        per_max = NOTES["a1"].format(A_max=A_max)
        res.add("a1", b1["area"], "1", stderr=b1["area_stderr"], provenance="user", note=per_max)
        res.add("dR", d_u.dR[0], "1", stderr=d_u.dR[1], provenance="user")
        res.add("E_i_eV", [t["center_eV"] for t in d_u.transitions], "eV", provenance="user")
        res.add("a_i", [t["area"] for t in d_u.transitions], "1", provenance="user", note=per_max)
        user = UserSpectrum(E_u, A_u, d_u, Eg_u)

    args = (p["diameter_nm"], p["alloy_x"], p["dR"], p["noise"], p["seed"])
    m = model_spectra(p["outside"], *args)
    for k in MODEL_NUMBERS:
        res.add(k, getattr(m, k), "1")
    for k, v in m.nc.items():
        share = NOTES["a1s_fraction"]
        res.add(f"a1s_fraction_{k.replace('/', '_')}", v.a1s_fraction, "1", note=share)
    planted = quoted.REDUCTION_1S.value
    res.add(
        "recovered_reduction_1s",
        recover_reduction(m, planted, *args[2:]),
        "1",
        provenance="simulated",
        note=NOTES["recovered_reduction_1s"].format(planted=planted),
    )
    res.add(
        "recovered_reduction_1s_unbounded",
        recover_reduction(m, planted, *args[2:], bounded=False),
        "1",
        provenance="simulated",
        note=NOTES["recovered_reduction_1s_unbounded"],
    )
    res.add_by_choice(
        "reduction_1s_ema",
        {m_: ema_reduction(m_, p["diameter_nm"], p["alloy_x"]) for m_ in choices.OUTSIDE_MEDIA},
        "1",
        p["outside"],
        note=NOTES["reduction_1s_ema"],
    )
    # every medium on noise-free model spectra: the table is about the medium, not the noise
    by_medium = {}
    if not p["fast"]:
        clean = (p["diameter_nm"], p["alloy_x"], p["dR"], 0.0, p["seed"])
        for name in choices.OUTSIDE_MEDIA:
            try:
                by_medium[name] = model_spectra(name, *clean)
            except ValueError as exc:
                by_medium[name] = str(exc)
                continue
            res.add(
                f"reduction_1s_core_shell__{name}", by_medium[name].reduction_1s_core_shell, "1"
            )
    return Fig2bdResult(
        params=p, numbers=res.numbers, energy_eV=E_GRID_EV, model=m, user=user, by_medium=by_medium
    )
