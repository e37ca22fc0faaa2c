"""Settings: theme, auto-lock minutes, language, relay address and notifications, kept in the
settings file.

The screen only collects and checks the values; the app applies them (``ReconnectApp.
apply_settings``: the theme and auto-lock at once, a new language by rebuilding Home so every
label and key switches together) and ``settings.save_settings`` writes them. Nothing here is
secret and nothing goes into the vault.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import ReconnectError
from ..i18n import _
from ..notify.notifier import NOTIFICATION_LEVELS, is_quiet_time
from ..settings import Settings
from ..widgets.form import Field, FormError, FormScreen

MAX_AUTO_LOCK_MINUTES = 24 * 60
LANGUAGE_NAMES = {"en": "English", "nb": "Norsk bokmål"}
"""Each language named in itself, so a person who cannot read the current one finds theirs."""


def settings_fields(themes: list[str], current_language: str) -> list[Field]:
    system = _("As this computer is set (now: {language})").format(
        language=LANGUAGE_NAMES.get(current_language, current_language))
    return [
        Field("theme", _("Theme"), "choice", required=True,
              choices=tuple((name, name) for name in themes),
              help=_("Light themes read better on a light terminal.")),
        Field("auto_lock_minutes", _("Lock after this many idle minutes"), "int", required=True,
              help=_("0 never locks by itself; Ctrl+L always locks at once.")),
        Field("language", _("Language"), "choice", required=True,
              choices=((system, "system"),
                       *((name, code) for code, name in LANGUAGE_NAMES.items()))),
        Field("relay_url", _("Relay address for a new vault"),
              placeholder="https://relay.example.org",
              help=_("A vault that has paired keeps its own relay address.")),
        Field("notifications", _("Desktop notifications"), "choice", required=True,
              choices=tuple((_(label), value) for value, label in NOTIFICATION_LEVELS),
              help=_("Shown by the background companion and the open app.")),
        Field("quiet_start", _("Quiet hours from (HH:MM)"), placeholder="22:00",
              help=_("No notifications from then until the end; leave both empty for none.")),
        Field("quiet_end", _("Quiet hours until (HH:MM)"), placeholder="07:00"),
        Field("plain", _("Plain mode for screen readers and braille"), "bool",
              help=_("From the next start: a line-by-line conversation instead of this"
                     " screen (also reconnect --plain).")),
    ]


def settings_values(settings: Settings) -> dict[str, Any]:
    return {
        "theme": settings.theme,
        "auto_lock_minutes": settings.auto_lock_minutes,
        "language": settings.language or "system",
        "relay_url": settings.relay_url,
        "notifications": settings.notifications
        if settings.notifications in dict(NOTIFICATION_LEVELS) else "something",
        "quiet_start": settings.quiet_start,
        "quiet_end": settings.quiet_end,
        "plain": settings.plain,
    }


class SettingsScreen(FormScreen):
    """The settings as a form; dismisses with the new ``Settings`` (or None)."""

    def __init__(self, settings: Settings, themes: list[str], current_language: str) -> None:
        super().__init__(_("Settings"), settings_fields(themes, current_language),
                         settings_values(settings),
                         intro=_("Kept in {file} on this computer; nothing here is secret.")
                         .format(file=_settings_file()))
        self.settings = settings

    def collect(self) -> dict[str, Any]:
        values = super().collect()
        minutes = values["auto_lock_minutes"]
        if not 0 <= minutes <= MAX_AUTO_LOCK_MINUTES:
            raise FormError("auto_lock_minutes", _(
                "Lock after a number of minutes from 0 to {n}.").format(n=MAX_AUTO_LOCK_MINUTES))
        relay = values["relay_url"].strip()
        if relay:
            from ..sync.client import check_relay_url  # imported only when checking one

            try:
                relay = check_relay_url(relay)
            except ReconnectError as error:  # RelayError: says what is wrong with the address
                raise FormError("relay_url", str(error)) from None
        language = "" if values["language"] == "system" else values["language"]
        quiet = {}
        for key in ("quiet_start", "quiet_end"):
            text = values[key].strip()
            if not is_quiet_time(text):
                raise FormError(key, _("A time like 22:00, or empty."))
            quiet[key] = text
        return {"settings": replace(self.settings, theme=values["theme"],
                                    auto_lock_minutes=minutes, language=language,
                                    relay_url=relay, plain=bool(values["plain"]),
                                    notifications=values["notifications"], **quiet)}


def _settings_file() -> str:
    from ..settings import config_path

    return str(config_path())
