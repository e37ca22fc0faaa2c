"""The compact footer of the module screens, with keys that are compact from birth.

Textual's ``Footer`` rebuilds all its keys whenever the bindings change (a few times while a
screen opens), and each new ``FooterKey`` learns ``compact`` from the footer only once
mounted: its watcher then adds the ``-compact`` class, which restyles that key (measured:
about 40 restyles, 10-15 ms of every module screen's open). Keys given the class before they
mount make that watcher a no-op; they look the same.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class CompactFooter(Footer):
    """``Footer(compact=True)`` without a restyle per key each time it is rebuilt."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(compact=True, **kwargs)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.add_class("-compact", update=False)
            yield widget
