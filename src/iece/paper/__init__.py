"""The paper bundle of Lee & Smith, "Interdiffusion-Enhanced Cation Exchange for HgSe and HgCdSe
Nanocrystals with Infrared Bandgaps": what the engine (:mod:`iece.pipeline`, :mod:`iece.report`)
takes as its input, named by ``[tool.iece] paper = "iece.paper"`` in ``pyproject.toml``.

:data:`QUOTED` (every number the paper states, :mod:`.quoted`), :data:`CHOICES` (the choices it
leaves open, :mod:`.choices`), :data:`READINGS` (how its loose words are read) and
:data:`LABELS`, and :data:`JUDGES` (the hooks the pipeline calls after a run); the figure
modules (``compute``), :mod:`.ema_numbers`, :mod:`.readings` and :mod:`.literature` are this
paper's own. See :mod:`iece.pipeline.bundle` for the protocol.
"""

from .choices import OPEN as CHOICES
from .choices import READINGS, ROBUST_PROBABILITY, THRESHOLDS
from .quoted import ALL as QUOTED


def _judge_readings(tables: dict, claims: list):
    """The readings page's judge (:func:`iece.paper.views.readings.judge`), imported when
    called: the bundle stays light, and no figure's key follows the view's code."""
    from .views.readings import judge

    return judge(tables, claims)


#: Figure id -> its judge hook (:mod:`iece.pipeline.judge`): the verdicts per row of the
#: tables its kernel saved, made by the pipeline after the run; the kernel reads no ledger.
def _judge_sensitivity(tables: dict, claims: list):
    """The sensitivity page's judge (:func:`iece.paper.views.sensitivity.judge`), imported when
    called, as the readings page's."""
    from .views.sensitivity import judge

    return judge(tables, claims)


JUDGES = {"readings": _judge_readings, "sensitivity": _judge_sensitivity}

AUTHORS = "Lee & Smith"
#: What the index says of the data behind the checks.
DATA_NOTE = "The paper's raw spectra, decays and time courses are not public."
TITLE = (
    "Interdiffusion-Enhanced Cation Exchange for HgSe and HgCdSe Nanocrystals with Infrared "
    "Bandgaps"
)

#: Labels of the records the ledger reads besides its claims' results (conditions of ``also``,
#: points of ``across``), by internal name. A claim's own result is labelled by its
#: ``quantity``; a ``<name>__<value>`` record by its base label and the choice's value.
LABELS = {
    "e_shell_enrichment": "the electron's share in the shell over the shell's volume share",
    "h_shell_enrichment": "the hole's share in the shell over the shell's volume share",
    "energy_nonlinearity_ratio": "core/shell over alloy non-linearity of the 1S-1S energy",
    "cs_energy_max_step": "largest step of the core/shell 1S-1S energy in x",
    "cs_energy_max_rise_fraction": (
        "largest rise of the core/shell 1S-1S energy between two compositions, as a share of "
        "its total change"
    ),
    "energy_chord_excess_eV": "core/shell minus alloy distance of the 1S-1S energy from its chord",
    "x_iece_4h_joint": "x after 4 h of IE-CE at the D that gives the 1 h energy",
    "hgse_gap_eV": "HgSe band gap (Methods)",
    "lattice_mismatch_min_percent": "smallest lattice mismatch the rounded constants allow",
    "lattice_mismatch_max_percent": "largest lattice mismatch the rounded constants allow",
    "thiol_per_surface_cation_min": "lowest thiol equivalent per surface Cd",
}

__all__ = [
    "ROBUST_PROBABILITY",
    "THRESHOLDS",
    "AUTHORS",
    "DATA_NOTE",
    "CHOICES",
    "JUDGES",
    "LABELS",
    "QUOTED",
    "READINGS",
    "TITLE",
]
