"""Key labels in the language chosen now, not the one active when a screen's class was made.

A ``BINDINGS`` list is evaluated when its module is imported, which can be before the app has
read the language from the settings file (``app.py`` and ``home.py`` are imported at start-up):
their ``_()`` then gave English, and the footer stayed English in ``nb``. Screens with a footer
derive from ``LocalizedScreen`` / ``LocalizedModalScreen``, whose ``active_bindings`` (read by
the footer and by the command palette in ``app.py``) pass every label and tooltip through
``_()`` again at the time they are shown. The English text is the message id, so this works for
any binding whose class was made while English was active.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from textual.binding import ActiveBinding
from textual.screen import ModalScreen, Screen

from ..i18n import _

ResultT = TypeVar("ResultT")


def _translated(text: str | None) -> str:
    return _(text) if text else ""  # gettext("") is the catalogue's header, never a label


def translate_bindings(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """The same bindings, their descriptions and tooltips in the active language."""
    shown: dict[str, ActiveBinding] = {}
    for key, active in bindings.items():
        binding = replace(
            active.binding,
            description=_translated(active.binding.description),
            tooltip=_translated(active.binding.tooltip),
        )
        shown[key] = active._replace(binding=binding, tooltip=_translated(active.tooltip))
    return shown


class LocalizedScreen(Screen[ResultT]):
    """A screen whose footer and palette show key labels in the active language."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translate_bindings(super().active_bindings)


class LocalizedModalScreen(ModalScreen[ResultT]):
    """A dialog whose footer and palette show key labels in the active language."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translate_bindings(super().active_bindings)
