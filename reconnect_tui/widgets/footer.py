"""Footers whose keys are born in the footer's style, so a rebuild restyles nothing.

Textual's ``Footer`` rebuilds all its keys whenever the bindings change (a few times while a
screen opens, and again on every return to a screen). A new ``FooterKey`` starts compact
(its default) and learns the footer's ``compact`` only once mounted: its watcher adds, then
perhaps removes, the ``-compact`` class, and each change restyles that key. Measured on Home
(a full-size footer): two restyles per key on every return, 122 per open-and-back of a module
screen. Keys given the footer's value and class before they mount make that watcher a no-op;
they look the same.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class QuietFooter(Footer):
    """``Footer`` without a restyle per key each time it is rebuilt."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # The command palette's key is not bound to the footer: it stays compact.
                compact = self.compact or widget.has_class("-command-palette")
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget


class CompactFooter(QuietFooter):
    """``Footer(compact=True)``: the module screens' footer."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(compact=True, **kwargs)
