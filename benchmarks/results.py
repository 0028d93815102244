"""What a benchmark produces: figures (a ratio against its target) and the context beside them."""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.plots import BarChart


@dataclass(frozen=True)
class Target:
    """`ratio <= value` (at_most) or `ratio >= value` (at least)."""

    value: float
    at_most: bool

    def met(self, ratio: float) -> bool:
        return ratio <= self.value if self.at_most else ratio >= self.value

    def __str__(self) -> str:
        return f"{'≤' if self.at_most else '≥'} {self.value:g}"


def at_most(value: float) -> Target:
    return Target(value, at_most=True)


def at_least(value: float) -> Target:
    return Target(value, at_most=False)


@dataclass
class Figure:
    """One measured ratio. `extra_checks` are conditions the figure also needs (counts, no 429)."""

    section: str
    name: str
    ratio: float | None
    target: Target
    unit: str = "x"
    context: str = ""
    extra_checks: dict[str, bool] = field(default_factory=dict)
    error: str | None = None

    @property
    def passed(self) -> bool:
        if self.error is not None or self.ratio is None:
            return False
        return self.target.met(self.ratio) and all(self.extra_checks.values())

    @property
    def failed_checks(self) -> list[str]:
        return [name for name, ok in self.extra_checks.items() if not ok]

    def ratio_text(self) -> str:
        if self.ratio is None:
            return "n/a"
        # Two decimals, or three where two would round onto the target and hide the verdict.
        digits = 3 if round(self.ratio, 2) == self.target.value else 2
        return f"{self.ratio:.{digits}f}{self.unit}" if self.unit == "x" else f"{self.ratio:.3g} {self.unit}"

    def verdict(self) -> str:
        if self.error is not None:
            return "ERROR"
        return "met" if self.passed else "MISSED"


@dataclass
class Section:
    """One of the measured questions, with its figures and (optionally) a plot."""

    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plot: BarChart | None = None
    seconds: float = 0.0

    def add_figure(
        self, name: str, ratio: float, target: Target, context: str, checks: dict[str, bool]
    ) -> Figure:
        """A figure of this section, `checks` the conditions it needs besides its target."""
        figure = Figure(self.key, name, ratio, target, context=context, extra_checks=checks)
        self.figures.append(figure)
        return figure
