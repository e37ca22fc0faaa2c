"""The plain-mode session: unlock, say the emergency line, Home, until Quit or end of input."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from ..errors import ReconnectError
from ..i18n import _, ngettext, resolve_language, set_language
from ..settings import load_settings
from .context import Context
from .home import Locked, Quit
from .io import Back, Console, IdleTimeout, InputEnded


def run(path: Path, language: str | None, stdin: TextIO, stdout: TextIO, *,
        interactive: bool) -> int:
    from ..session import Session
    from . import crisis, home
    from .unlock import unlock

    settings = load_settings()
    set_language(resolve_language(language, settings.language))
    console = Console(stdin, stdout, interactive=interactive)
    console.locale = settings.locale
    console.say(_("ReConnect, plain mode. Type ? at any prompt for help, crisis for your"
                  " crisis plan, emergency for the emergency numbers."))
    while True:
        try:
            vault = unlock(console, path, settings.locale)
        except (InputEnded, Back):
            return 0
        except ReconnectError as error:
            console.say(str(error))
            return 1
        session = Session(vault, settings=settings)
        ctx = Context(console, session)
        console.locale = ctx.region
        console.on_crisis = lambda ctx=ctx: crisis.show(ctx)  # type: ignore[misc]
        console.idle_seconds = settings.auto_lock_minutes * 60.0
        try:
            console.not_for_emergencies()
            home.run(ctx)
        except Locked:
            console.say(_("Locked."))
            continue
        except IdleTimeout:
            console.say(ngettext("Locked after {n} minute without typing.",
                                 "Locked after {n} minutes without typing.",
                                 settings.auto_lock_minutes).format(n=settings.auto_lock_minutes))
            continue
        except (Quit, InputEnded):
            return 0
        finally:
            console.on_crisis = console.emergency
            console.idle_seconds = 0.0
            session.close()
