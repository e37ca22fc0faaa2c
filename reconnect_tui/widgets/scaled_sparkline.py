"""A sparkline drawn on a fixed scale (0–10, or a registration's own lowest and highest).

Textual's ``Sparkline`` stretches its data between the data's own minimum and maximum and fills
the whole width with a single value, so "now 6/10" drew as a full bar. Here a value's height is
its place on the scale, one column per value (values averaged per column when there are more
than the width), left-aligned: one value is one bar, as high as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from rich.text import Text
from textual.widgets import Sparkline

BARS = "▁▂▃▄▅▆▇█"


def scaled_bars(values: Sequence[float], lowest: float, highest: float, width: int) -> str:
    """One bar per value (per column's mean when there are more values than ``width``), its
    height the value's place between ``lowest`` and ``highest`` (clamped to them)."""
    if width <= 0 or not values:
        return ""
    columns: list[float] = list(values)
    if len(columns) > width:
        step = Fraction(len(columns), width)
        columns = []
        for n in range(width):
            part = values[int(step * n):int(step * (n + 1))] or values[int(step * n):][:1]
            columns.append(sum(part) / len(part))
    span = highest - lowest
    bars = []
    for value in columns:
        ratio = (value - lowest) / span if span > 0 else 1.0
        ratio = min(1.0, max(0.0, ratio))
        bars.append(BARS[int(ratio * (len(BARS) - 1) + 0.5)])
    return "".join(bars)


class ScaledSparkline(Sparkline):
    """A ``Sparkline`` (same ``data``, same colours) on the scale ``lowest``–``highest``."""

    def __init__(self, data: Sequence[float] | None = None, *, lowest: float = 0,
                 highest: float = 10, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.lowest = lowest
        self.highest = highest

    def set_scale(self, lowest: float, highest: float) -> None:
        self.lowest, self.highest = lowest, highest
        self.refresh()

    def render(self) -> Text:
        bars = scaled_bars(list(self.data or []), self.lowest, self.highest, self.size.width)
        color = self.get_component_rich_style("sparkline--max-color")
        return Text(bars, style=color, no_wrap=True, end="")
