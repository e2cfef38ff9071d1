"""The ledger's verdicts over the sensitivity page's samples (issue 23), after the run: the judge
stage hands the kernel's tables (:func:`iece.paper.sensitivity.saved_tables`) and a ``passes``
function (the ledger's own checks, :func:`iece.pipeline.verdicts.reading_map`) to :func:`judge`.

Per ledger entry a model's table can address: whether it holds at the paper's values, the share
of the independent base samples in which it holds (``p_holds``) and in which its verdict differs
from that at the paper's values (the flip fraction), each with its binomial standard error, and
the input with the largest total-order index of the pass/fail indicator (the input the verdict
hinges on most). Tests: ``tests/test_sensitivity.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..pipeline.figure import FigureResult
from .sensitivity import Part, _conf_stderr, _ranked, base_rows, indices, problem

#: What ``hinges_on_<id>`` records for a verdict that no sample flips.
NO_HINGE = "none: the same verdict in every sample"


@dataclass(frozen=True)
class Verdict:
    """One ledger entry over the samples: whether it ``held`` at the paper's values, the
    fraction of base points that flip it (``flip_fraction`` with its binomial ``stderr``), the
    input it hinges on most (``hinge``, an input's name or :data:`NO_HINGE`), that input's
    total-order index ``hinge_ST`` (nan with no hinge) with its 95 % half-width ``hinge_ST_conf``,
    and the number ``n`` of independent base samples."""

    id: str
    held: bool
    flip_fraction: float
    stderr: float
    hinge: str
    hinge_ST: float
    hinge_ST_conf: float = 0.0
    n: int = 0

    @property
    def flips_at_most(self) -> float:
        """With no flip in ``n`` samples, the 95 % upper bound of the flip fraction (the rule of
        three, 3 / n); otherwise the estimate plus twice its standard error."""
        if self.flip_fraction == 0:
            return 3.0 / self.n
        return self.flip_fraction + 2 * self.stderr


@dataclass(kw_only=True)
class Judgement(FigureResult):
    """The verdicts over the samples: per ledger entry its :class:`Verdict` (``verdicts``), the
    total-order indices of its pass/fail indicator (``verdict_indices``; None when no sample
    flips it) over the inputs of the model that decides it (``verdict_model``), and the
    records (``p_holds_<id>``, ``flip_fraction_<id>``, ``hinges_on_<id>``, ...)."""

    parts: dict
    verdicts: list = field(default_factory=list)
    verdict_indices: dict = field(default_factory=dict)
    verdict_model: dict = field(default_factory=dict)

    def inputs_of(self, cid: str) -> tuple:
        """The inputs of the model that decides a ledger entry."""
        return self.parts[self.verdict_model[cid]].inputs


def judge(parts: dict[str, Part], passes) -> Judgement:
    """The verdicts of every ledger entry the parts' tables can address (``passes``: ``table ->
    {ledger id: pass per row}``); ValueError if two models' tables address one entry."""
    out = Judgement(params={}, parts=parts)
    for part in parts.values():
        _verdicts(out, part, passes)
    return out


def _verdicts(res: Judgement, part: Part, passes) -> None:
    """Per ledger entry the part's table can address: its verdict at the paper's values, the
    fraction of the base points whose verdict differs (binomial standard error) and the input
    whose total-order index of the pass/fail indicator is largest."""
    prob = problem(part.inputs)
    at_paper = passes({k: np.array([v]) for k, v in part.nominal.items()})
    per_row = passes(part.table)
    base = base_rows(len(part.x), len(part.inputs))
    for cid in sorted(per_row):
        if cid in res.verdict_model:
            raise ValueError(f"ledger entry {cid} is decided by two models' numbers")
        res.verdict_model[cid] = part.model
        key = cid.replace("-", "_")
        held = bool(at_paper[cid][0])
        ok = np.asarray(per_row[cid], bool)
        flips = ok[base] != held
        frac = float(flips.mean())
        stderr = float(np.sqrt(frac * (1 - frac) / flips.size))
        res.add(f"holds_at_paper_values_{key}", held, "")
        res.add(f"flip_fraction_{key}", frac, "1", stderr=stderr)
        p_holds = float(ok[base].mean())
        p_stderr = float(np.sqrt(p_holds * (1 - p_holds) / flips.size))
        res.add(f"p_holds_{key}", p_holds, "1", stderr=p_stderr)
        si = indices(prob, ok.astype(float))
        res.verdict_indices[cid] = None if si is None else si["ST"].tolist()
        if si is None:
            hinge, st, stc = NO_HINGE, float("nan"), 0.0
        else:
            (inp, _, _, st, stc) = _ranked(si, part.inputs, 1)[0]
            hinge = inp.name
        res.add(f"hinges_on_{key}", hinge, "")
        if si is not None:
            res.add(f"hinges_on_ST_{key}", st, "1", stderr=_conf_stderr(stc))
        res.verdicts.append(Verdict(cid, held, frac, stderr, hinge, st, stc, int(flips.size)))
