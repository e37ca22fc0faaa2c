"""The settings plain mode can change: auto-lock, language, relay address, plain mode itself,
the full app's theme (plain mode has no colours: it says so), desktop notifications and quiet
hours. Kept with ``settings.save_settings`` like the Settings screen; nothing here is secret."""

from __future__ import annotations

from ..errors import ReconnectError
from ..i18n import _, resolve_language, set_language
from ..notify.notifier import NOTIFICATION_LEVELS, is_quiet_time
from ..settings import Settings, load_settings, save_settings
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
            _("Theme of the full app: {theme}").format(theme=settings.theme),
            _("Desktop notifications: {value}").format(value=_(dict(NOTIFICATION_LEVELS).get(
                settings.notifications, NOTIFICATION_LEVELS[1][1]))),
            _("Quiet hours: {hours}").format(hours=_quiet_hours(settings)),
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
            elif choice == 3:
                settings.plain = not settings.plain
            elif choice == 4:
                _theme(ctx, settings)
            elif choice == 5:
                levels = [value for value, _label in NOTIFICATION_LEVELS]
                picked = console.choose(_("Desktop notifications"),
                                        [_(label) for _value, label in NOTIFICATION_LEVELS])
                settings.notifications = levels[picked]
            else:
                _quiet(ctx, settings)
        except Back:
            continue
        except ReconnectError as error:
            console.say(str(error))
            continue
        save_settings(settings)
        console.say(_("Saved."))


def _quiet_hours(settings: Settings) -> str:
    if not settings.quiet_start or not settings.quiet_end:
        return _("none")
    return _("from {start} until {end}").format(start=settings.quiet_start,
                                                end=settings.quiet_end)


def _theme(ctx: Context, settings: Settings) -> None:
    """The full app's colours: plain mode has none, so it only changes the full app."""
    from textual.theme import BUILTIN_THEMES  # the themes the full app offers

    ctx.console.say(_("The theme changes only the colours of the full app; plain mode has"
                      " none."))
    themes = sorted(BUILTIN_THEMES)
    settings.theme = themes[ctx.console.choose(_("Theme"), themes)]


def _quiet(ctx: Context, settings: Settings) -> None:
    """Quiet hours as the Settings screen keeps them: "HH:MM" each, both empty for none."""
    console = ctx.console
    console.say(_("No notifications from then until the end; leave both empty for none."))
    console.say(_("Enter keeps what is there; a dash (-) empties a field."))
    for key, label in (("quiet_start", _("Quiet hours from (HH:MM)")),
                       ("quiet_end", _("Quiet hours until (HH:MM)"))):
        current = getattr(settings, key)
        while True:
            answer = console.ask(_("{question} (now {value})").format(
                question=label, value=current or _("empty")))
            text = current if not answer else "" if answer == "-" else answer
            if is_quiet_time(text):
                setattr(settings, key, text.strip())
                break
            console.say(_("A time like 22:00, or empty."))
