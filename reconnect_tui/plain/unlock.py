"""Unlocking (or creating) the vault, one question per line.

The passphrase is read without echo at a terminal and as the next line of a pipe. Argon2id
takes its time: "Unlocking…" is said first, so a screen reader user knows something happens.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ReconnectError, WrongPassphrase
from ..i18n import _
from ..model import Profile, Role
from ..passphrase import MIN_LENGTH
from ..text_safety import name_problem
from .forms import ask_text
from .io import CRISIS_WORDS, EMERGENCY_WORDS, Console

if TYPE_CHECKING:
    from ..store import Vault

TRIES = 5
"""Wrong passphrases in a row before plain mode stops asking (exit 1)."""


def unlock(console: Console, path: Path, locale: str) -> Vault:
    """The unlocked vault at ``path``, made first when there is none."""
    from ..store import Vault  # the vault stack is loaded once a vault is wanted

    if not Vault.exists(path):
        return create(console, path, locale)
    Vault._header_for(path)  # a damaged key header is said before any passphrase is asked
    tries = 0
    while tries < TRIES:
        passphrase = console.secret(_("Passphrase:"))
        if _is_emergency_word(passphrase):
            console.emergency()  # the plan itself is in the vault: the numbers, at once
            continue
        tries += 1
        console.say(_("Unlocking…"))
        try:
            return Vault.unlock(path, passphrase)
        except WrongPassphrase as error:
            console.say(str(error))
    raise ReconnectError(_("Too many wrong passphrases."))


def _is_emergency_word(answer: str) -> bool:
    """``crisis``, ``krise``, ``nød``, ``113`` … typed at the passphrase prompt. Only words
    shorter than a passphrase can count, so no one's passphrase is ever taken for one."""
    word = answer.strip().casefold()
    return len(word) < MIN_LENGTH and word in CRISIS_WORDS | EMERGENCY_WORDS


def create(console: Console, path: Path, locale: str) -> Vault:
    from ..store import Vault

    console.say(_("There is no vault at {path} yet. Let us create one.").format(path=path))
    while True:
        name = ask_text(console, _("Your name, as partners will see it:"))
        problem = name_problem(name)
        if problem is None:
            break
        console.say(problem)
    roles = [_("Service user"), _("Provider")]
    role = Role.PROVIDER if console.choose(_("Who is this vault for?"), roles) == 1 else Role.USER
    while True:
        passphrase = console.secret(_("Choose a passphrase:"))
        if len(passphrase) < MIN_LENGTH:
            console.say(_("The passphrase needs at least {n} characters.").format(n=MIN_LENGTH))
            continue
        if console.secret(_("The same passphrase again:")) != passphrase:
            console.say(_("The two passphrases are not the same."))
            continue
        break
    console.say(_("Creating the vault (this takes a moment)…"))
    vault, code = Vault.create(path, passphrase, Profile(name=name, role=role, locale=locale))
    console.say(_("Your recovery code (shown only this once):"))
    console.say(code)
    console.say(_("Write it down and keep it somewhere safe, away from this computer. If you"
                  " forget your passphrase, `reconnect recover` lets you set a new one with"
                  " this code."))
    return vault
