"""The non-emergency notice: on Home, in the crisis view, and wherever messages are written."""

from __future__ import annotations

from textual.widgets import Static

from ..i18n import _
from ..model import emergency_numbers


def emergency_line(locale: str) -> str:
    first = emergency_numbers(locale)[0]
    return f"{first.number} ({_(first.label).lower()})"


class NotForEmergencies(Static):
    """One line: ReConnect is not for emergencies, what to call, and the crisis key."""

    DEFAULT_CLASSES = "notice"

    def __init__(self, locale: str, **kwargs) -> None:
        text = _("Not for emergencies: call {numbers} · F2 crisis plan").format(
            numbers=emergency_line(locale)
        )
        super().__init__(text, **kwargs)
