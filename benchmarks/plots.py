"""The report's pictures: horizontal bars, one per measured program, with target lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

# No display here: the Agg backend draws straight into PNG files.
matplotlib.use("Agg")

import matplotlib.pyplot as plt

_OURS = "#1f6fb2"
_OTHERS = "#9aa5b1"
_LIMIT = "#c0392b"


@dataclass
class BarChart:
    filename: str
    title: str
    unit: str
    bars: dict[str, float]
    highlight: set[str] = field(default_factory=set)
    # Vertical lines, e.g. a target expressed in the bars' unit.
    limits: dict[str, float] = field(default_factory=dict)

    def draw(self, folder: Path) -> Path:
        labels = list(self.bars)
        values = [self.bars[label] for label in labels]
        figure, axes = plt.subplots(figsize=(8, 0.55 * len(labels) + 1.4), dpi=110)
        colours = [_OURS if label in self.highlight else _OTHERS for label in labels]
        bars = axes.barh(labels, values, color=colours)
        axes.invert_yaxis()
        axes.bar_label(bars, labels=[f"{value:,.2f} {self.unit}" for value in values], padding=3, fontsize=8)
        for name, value in self.limits.items():
            axes.axvline(value, color=_LIMIT, linestyle="--", linewidth=1)
            axes.annotate(
                name,
                (value, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, -10),
                textcoords="offset points",
                color=_LIMIT,
                fontsize=8,
            )
        axes.set_xlim(0, max([*values, *self.limits.values()]) * 1.25)
        axes.set_title(self.title, fontsize=10)
        axes.set_xlabel(self.unit)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        path = folder / self.filename
        figure.savefig(path)
        plt.close(figure)
        return path
