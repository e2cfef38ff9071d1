"""What a paper bundle's judge hook returns (:class:`Judged`, :class:`Figure`), and the check of
its ``JUDGES`` (:func:`hooks`). The stage that calls the hooks is :mod:`.judge`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .declare import BundleError
from .figure import FigureResult


@dataclass(frozen=True)
class Figure:
    """A figure of a judged section: a matplotlib figure (anything with ``savefig``), saved as
    ``<name>.svg`` and ``<name>.png`` beside the kernel's figures, with its provenance badge
    and caption."""

    figure: object
    name: str
    provenance: str
    caption: str = ""


@dataclass(kw_only=True)
class Judged(FigureResult):
    """What a judge hook returns: ``numbers`` to record (:meth:`add`, as a figure's
    ``compute`` does) and the page's ``sections``: name -> a list of Markdown strings and
    :class:`Figure` s, each filling the notebook cell marked ``"iece": {"judged": name}``."""

    sections: dict[str, list] = field(default_factory=dict)


def hooks(module, where: str) -> dict[str, Callable]:
    """The bundle's ``JUDGES`` (figure id -> ``judge(tables, claims) -> Judged``), checked;
    ``where`` names the bundle's file."""
    value = getattr(module, "JUDGES", None)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise BundleError(
            f"{where}: {module.__name__}.JUDGES must map figure ids to functions "
            f"judge(tables, claims) -> Judged, got {type(value).__name__}"
        )
    for fid, fn in value.items():
        if not isinstance(fid, str) or not callable(fn):
            raise BundleError(
                f"{where}: {module.__name__}.JUDGES[{fid!r}] must be a function "
                f"judge(tables, claims) -> Judged, got {type(fn).__name__}"
            )
    return dict(value)
