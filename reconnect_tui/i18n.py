"""Translation hook and the choice of language.

Every user-facing string goes through ``_()`` (``ngettext()`` when it shows a count). English is
the source language; the Norwegian catalogue is ``locale/nb/LC_MESSAGES/reconnect.po``, compiled
to ``reconnect.mo`` when the package is built or installed (``setup.py``; ``docs/translating.md``).
A string defined before a language can be chosen (a module constant, a help text) is marked with
``N_()`` so that Babel extracts it, and translated with ``_()`` where it is shown.

The language comes from, in order: ``--lang`` / ``RECONNECT_LANGUAGE``, the settings file's
``language``, the system locale (``LANGUAGE``, then the first set of ``LC_ALL``,
``LC_MESSAGES``, ``LANG``), then English. Only ``SUPPORTED_LANGUAGES`` are ever returned:
``no``, ``nb`` and ``nn`` mean Norwegian bokmål; anything else is English.
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "reconnect"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"
SUPPORTED_LANGUAGES = ("en", "nb")
LANGUAGE_ENV = "RECONNECT_LANGUAGE"
_ALIASES = {"en": "en", "nb": "nb", "no": "nb", "nn": "nb"}
"""Primary language subtag → supported language (nynorsk reads bokmål until it has its own)."""
_C_LOCALES = frozenset({"c", "posix"})


def supported_language(tag: str | None) -> str | None:
    """The supported language a tag or locale name means (``nb_NO.UTF-8`` → ``nb``), or None."""
    if not tag:
        return None
    primary = re.split(r"[_\-.@]", tag.strip(), maxsplit=1)[0].lower()
    return _ALIASES.get(primary)


def locale_language(environ: Mapping[str, str]) -> str | None:
    """The language the system locale asks for, or None when it names none we have.

    POSIX: the first non-empty of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` is the locale. As in GNU
    gettext, ``LANGUAGE`` (a colon-separated list of preferences) comes first, except that a
    ``C``/``POSIX`` locale means English whatever ``LANGUAGE`` says.
    """
    locale = next((environ[n] for n in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(n)), "")
    if locale.partition(".")[0].lower() in _C_LOCALES:
        return None
    for candidate in [*environ.get("LANGUAGE", "").split(":"), locale]:
        language = supported_language(candidate)
        if language is not None:
            return language
    return None


def resolve_language(
    flag: str | None = None,
    setting: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The language to use: ``flag`` (``--lang``), else ``$RECONNECT_LANGUAGE``, else
    ``setting`` (the settings file), else the system locale, else English.

    The first of those that is given decides: an explicit choice we do not have (``de``) is
    English, it does not fall through to the locale.
    """
    env = os.environ if environ is None else environ
    for explicit in (flag, env.get(LANGUAGE_ENV), setting):
        if explicit and explicit.strip():
            return supported_language(explicit) or DEFAULT_LANGUAGE
    return locale_language(env) or DEFAULT_LANGUAGE


def _load(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


_language = resolve_language()
_translations = _load(_language)


def set_language(language: str | None) -> str:
    """Switch the active language and catalogue; None resolves it from the environment.

    Returns the language now active (always one of ``SUPPORTED_LANGUAGES``).
    """
    global _language, _translations
    _language = resolve_language(language)
    _translations = _load(_language)
    return _language


def current_language() -> str:
    """The active language: what content (``library``) is shown in when none is named."""
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the active language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the active language (Norwegian has two forms
    as English does; other languages have more, which the catalogue's Plural-Forms decides)."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now: the caller translates it
    with ``_()`` when it is shown, in the language active then."""
    return message
