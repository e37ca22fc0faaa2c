"""Layouts that give way on small terminals (issue 15: every screen usable at 60x20).

A screen that mixes in ``Responsive`` has the class ``-narrow`` below ``NARROW_BELOW`` columns and
``-short`` below ``SHORT_BELOW`` lines; its CSS then wraps, hides secondary columns and lines, or
lets a pane scroll. The classes are set in ``compose`` (before the first paint: a class changed
after mounting restyles the whole screen) and again whenever the terminal is resized.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.dom import DOMNode
from textual.geometry import Size

NARROW_BELOW = 72
"""Columns below which a screen is narrow (80x24 is not; 60x20 is)."""
SHORT_BELOW = 22
"""Lines below which a screen is short."""


def fit(node: DOMNode, size: Size) -> None:
    """Set ``-narrow`` and ``-short`` on ``node`` for a terminal of ``size``."""
    node.set_class(size.width < NARROW_BELOW, "-narrow")
    node.set_class(size.height < SHORT_BELOW, "-short")


class Responsive:
    """Mixed into a screen: ``-narrow``/``-short`` follow the terminal's size (call
    ``fit_size()`` at the start of ``compose``)."""

    def fit_size(self: Any) -> None:
        fit(self, self.app.size)

    def on_resize(self: Any, event: events.Resize) -> None:
        fit(self, event.size)
