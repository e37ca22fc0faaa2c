"""The non-emergency notice: on Home, in the crisis view, and wherever messages are written."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from ..emergency import emergency_numbers
from ..i18n import _


def emergency_line(locale: str) -> str:
    first = emergency_numbers(locale)[0]
    return f"{first.number} ({_(first.label).lower()})"


class NotForEmergencies(Static):
    """One line: ReConnect is not for emergencies, what to call, and the crisis key."""

    DEFAULT_CLASSES = "notice"

    def __init__(self, locale: str | None, **kwargs: Any) -> None:
        """``locale`` None: not known yet (a screen reads it with its data, off the UI
        thread); the line names the crisis key until ``show_locale`` names the numbers."""
        super().__init__(_notice_text(locale), **kwargs)
        self.locale = locale

    def show_locale(self, locale: str) -> None:
        if locale != self.locale:
            self.locale = locale
            self.update(_notice_text(locale))


def _notice_text(locale: str | None) -> str:
    if locale is None:
        return _("Not for emergencies · F2 crisis plan")
    return _("Not for emergencies: call {numbers} · F2 crisis plan").format(
        numbers=emergency_line(locale)
    )
