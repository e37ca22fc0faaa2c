"""Translation hook: every user-facing string goes through ``_()``.

English is the source language. A Norwegian catalogue can be dropped into
``reconnect_tui/locale/nb/LC_MESSAGES/reconnect.mo`` without touching any screen.
The language comes from ``RECONNECT_LANGUAGE`` (or the settings file), falling back
to the usual ``LANGUAGE``/``LANG`` variables that gettext reads.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "reconnect"
LOCALE_DIR = Path(__file__).parent / "locale"


def _load(language: str | None = None) -> gettext.NullTranslations:
    languages = [language] if language else None
    env_language = os.environ.get("RECONNECT_LANGUAGE")
    if languages is None and env_language:
        languages = [env_language]
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=languages, fallback=True)


_translations = _load()


def set_language(language: str | None) -> None:
    """Switch the active catalogue (None: from the environment)."""
    global _translations
    _translations = _load(language)


def _(message: str) -> str:
    """Translate ``message`` into the active language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)
