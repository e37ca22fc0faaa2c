"""The settings plain mode can change: auto-lock, language, relay address, plain mode itself
(the theme is the full app's alone). Kept with ``settings.save_settings`` like the Settings
screen; nothing here is secret."""

from __future__ import annotations

from ..errors import ReconnectError
from ..i18n import _, resolve_language, set_language
from ..settings import load_settings, save_settings
from .context import Context
from .io import Back

MAX_AUTO_LOCK_MINUTES = 24 * 60
LANGUAGE_NAMES = {"en": "English", "nb": "Norsk bokmål"}
"""Each language named in itself, as on the Settings screen."""


def run(ctx: Context) -> None:
    console = ctx.console
    while True:
        settings = load_settings()
        language = LANGUAGE_NAMES.get(settings.language, _("as this computer is set"))
        options = [
            _("Lock after {n} idle minutes (0 never)").format(n=settings.auto_lock_minutes),
            _("Language: {language}").format(language=language),
            _("Relay address for a new vault: {url}").format(
                url=settings.relay_url or _("none")),
            _("Plain mode at start: {value}").format(
                value=_("yes") if settings.plain else _("no")),
        ]
        try:
            choice = console.choose(_("Settings"), options)
        except Back:
            return
        try:
            if choice == 0:
                answer = console.ask(_("Minutes, 0 to {n}:").format(n=MAX_AUTO_LOCK_MINUTES))
                if not answer.isdigit() or int(answer) > MAX_AUTO_LOCK_MINUTES:
                    console.say(_("Lock after a number of minutes from 0 to {n}.").format(
                        n=MAX_AUTO_LOCK_MINUTES))
                    continue
                settings.auto_lock_minutes = int(answer)
                console.idle_seconds = settings.auto_lock_minutes * 60.0
            elif choice == 1:
                codes = ["", *LANGUAGE_NAMES]
                picked = console.choose(_("Language"), [_("As this computer is set")]
                                        + list(LANGUAGE_NAMES.values()))
                settings.language = codes[picked]
                set_language(resolve_language(None, settings.language))
            elif choice == 2:
                from ..sync.client import check_relay_url

                answer = console.ask(_("Relay address (Enter for none):"))
                settings.relay_url = check_relay_url(answer) if answer else ""
            else:
                settings.plain = not settings.plain
        except Back:
            continue
        except ReconnectError as error:
            console.say(str(error))
            continue
        save_settings(settings)
        console.say(_("Saved."))
