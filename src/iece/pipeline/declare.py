"""What a paper bundle declares (:mod:`iece.pipeline.bundle`): the numbers the paper states
(:class:`Quoted`) and the choices it leaves open (:class:`OpenChoice`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: A value of an open choice: letters and digits in words joined by single underscores, so that
#: a record ``<result>__<value>`` splits at its one double underscore and a ``{...}`` template
#: field can name it.
VALUE = re.compile(r"[A-Za-z0-9]+(_[A-Za-z0-9]+)*")


class BundleError(ValueError):
    """A project's ``[tool.iece]`` table or its paper package is not usable; the message names
    the file and the key."""


@dataclass(frozen=True)
class Quoted:
    """A number the paper states: ``value`` (a number or ``(low, high)``) exactly as printed,
    its ``unit``, where it is (``location``) and a short verbatim fragment around it
    (``text``)."""

    value: float | tuple[float, float]
    unit: str
    location: str
    text: str

    @property
    def low(self) -> float:
        return self.value[0] if isinstance(self.value, tuple) else self.value

    @property
    def high(self) -> float:
        return self.value[1] if isinstance(self.value, tuple) else self.value


@dataclass(frozen=True)
class OpenChoice:
    """One choice the paper leaves open: its values (with what each means), the default and
    the reason for it, and its name in a reader's words (``label``).

    ``ruled_out`` maps a value the paper's words exclude to what the paper would have had to
    say for it: such a value is a *counterfactual*. Its verdict is shown beside the others but
    never decides whether a verdict depends on the choice, and never stands in a headline."""

    name: str
    label: str
    values: tuple[str, ...]
    default: str
    meaning: dict[str, str]
    why_default: str
    ruled_out: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if not isinstance(self.values, tuple) or not self.values:
            raise BundleError(f"open choice {self.name}: values must be a non-empty tuple")
        for i, v in enumerate(self.values):
            if not isinstance(v, str) or not VALUE.fullmatch(v):
                raise BundleError(
                    f"open choice {self.name}: value {v!r} must be letters and digits joined by "
                    "single underscores (it names records <result>__<value>)"
                )
            if v in self.values[:i]:
                raise BundleError(
                    f"open choice {self.name}: value {v!r} listed twice in {self.name}"
                )
        if self.default not in self.values:
            raise BundleError(f"open choice {self.name}: default {self.default!r} not a value")
        if set(self.meaning) != set(self.values):
            raise BundleError(f"open choice {self.name}: give a meaning for every value")
        if not set(self.ruled_out) <= set(self.values) or self.default in self.ruled_out:
            raise BundleError(
                f"open choice {self.name}: ruled_out must name values other than the default"
            )

    @property
    def allowed(self) -> tuple[str, ...]:
        """The values the paper's words allow, in order."""
        return tuple(v for v in self.values if v not in self.ruled_out)
