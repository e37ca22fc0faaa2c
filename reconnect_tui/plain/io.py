"""The conversation itself: say a line, ask a question, read the answer where the cursor is.

Everything plain mode prints passes :func:`plain_text`: ``text_safety.clean_text`` (no escape
sequence, control or bidi override, whoever wrote the text) and then box-drawing and block
characters replaced, so a screen reader or braille display never meets an ESC byte or a run of
line glyphs. Nothing here moves the cursor or redraws: one line after another.

A few words work at every prompt (:data:`CRISIS_WORDS`, :data:`EMERGENCY_WORDS`, ``?`` and
``q``); :class:`Console` answers them itself, so no menu can forget them.
"""

from __future__ import annotations

import getpass
import re
import select
from collections.abc import Callable, Sequence
from typing import TextIO

from ..i18n import _, ngettext
from ..text_safety import clean_text

CRISIS_WORDS = frozenset({"crisis", "krise", "kriseplan"})
"""Typed at any prompt: the crisis plan and the emergency numbers (the full app's F2)."""
EMERGENCY_WORDS = frozenset({"emergency", "nød", "nod", "113", "112"})
"""Typed at any prompt: the emergency numbers."""
HELP_WORDS = frozenset({"?", "help", "hjelp"})
BACK_WORDS = frozenset({"q", "quit", "back", "tilbake"})

_BOX = re.compile("[\u2500-\u259f]+")
"""Box drawing and block elements: read aloud as noise ("box drawings light horizontal")."""
_BULLETS = str.maketrans({"•": "-", "▶": "-", "►": "-", "◆": "-", "●": "-", "▪": "-"})


def plain_text(text: str) -> str:
    """``text`` as plain mode prints it: cleaned, a run of box or block glyphs a space (said as
    nothing), a decorative bullet a hyphen."""
    return _BOX.sub(" ", clean_text(text).translate(_BULLETS))


class Back(Exception):
    """The person typed ``q``: go back one level."""


class InputEnded(Exception):
    """Standard input ended (end of a script, or Ctrl+D)."""


class IdleTimeout(Exception):
    """Nobody typed for the auto-lock time at a terminal: lock, as the full app does."""


class Console:
    """One line-by-line conversation over a pair of text streams."""

    def __init__(self, stdin: TextIO, stdout: TextIO, *, interactive: bool) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = interactive
        """True when a person types at a terminal; False for a pipe (a script of answers)."""
        self.on_crisis: Callable[[], None] = self.emergency
        """What ``crisis`` shows: the numbers until a vault is open, then the plan as well."""
        self.locale = "NO"
        """Whose emergency numbers are said (the vault's country once unlocked)."""
        self.idle_seconds = 0.0
        """At a terminal, how long a prompt waits before IdleTimeout (0: for ever). A script
        on a pipe is never timed out."""

    # -- saying -------------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        self.stdout.write(plain_text(text) + "\n")
        self.stdout.flush()

    def say_list(self, heading: str, lines: Sequence[str]) -> None:
        """A list, its count first (``heading`` says it: "3 goals."), then ``1: …`` each."""
        self.say(heading)
        for number, line in enumerate(lines, start=1):
            self.say(_("{number}: {text}").format(number=number, text=one_line(line)))

    def say_text(self, text: str) -> None:
        """A longer text the person wrote (or a page): line by line, blank lines dropped."""
        for line in clean_text(text).splitlines():
            if line.strip():
                self.say(line.strip())

    def emergency(self) -> None:
        from ..emergency import emergency_numbers

        numbers = emergency_numbers(self.locale)
        self.say(ngettext("{n} emergency number.", "{n} emergency numbers.", len(numbers))
                 .format(n=len(numbers)))
        for number, entry in enumerate(numbers, start=1):
            self.say(_("{number}: {label}, call {phone}.").format(
                number=number, label=_(entry.label), phone=entry.number))

    def not_for_emergencies(self) -> None:
        """The first thing said after unlocking, and part of every help."""
        from ..emergency import emergency_numbers

        first = emergency_numbers(self.locale)[0]
        self.say(_("ReConnect is not for emergencies: in an acute crisis, call {number}"
                   " ({label}).").format(number=first.number, label=_(first.label)))

    # -- asking -------------------------------------------------------------------------------

    def read_line(self, prompt: str) -> str:
        """One raw line typed after ``prompt`` (no words handled); InputEnded at the end."""
        self.stdout.write(plain_text(prompt) + " ")
        self.stdout.flush()
        if self.interactive and self.idle_seconds > 0:
            ready, _write, _error = select.select([self.stdin], [], [], self.idle_seconds)
            if not ready:
                self.stdout.write("\n")
                raise IdleTimeout
        line = self.stdin.readline()
        if not line:
            self.stdout.write("\n")
            self.stdout.flush()
            raise InputEnded
        if not self.interactive:  # nothing was echoed: end the prompt's line
            self.stdout.write("\n")
            self.stdout.flush()
        return line.rstrip("\r\n")

    def ask(self, question: str, *, help_text: Callable[[], None] | None = None,
            back: bool = True) -> str:
        """The answer to ``question``, stripped. ``crisis``, ``emergency`` and ``?`` are
        answered here and the question asked again; ``q`` raises Back (when ``back``)."""
        while True:
            answer = self.read_line(question).strip()
            word = answer.casefold()
            if word in CRISIS_WORDS:
                self.on_crisis()
            elif word in EMERGENCY_WORDS:
                self.emergency()
            elif word in HELP_WORDS:
                if help_text is not None:
                    help_text()
                self.say(_("Type q to go back, crisis for your crisis plan, emergency for the"
                           " emergency numbers."))
            elif back and word in BACK_WORDS:
                raise Back
            else:
                return answer

    def secret(self, question: str) -> str:
        """A passphrase: without echo at a terminal, else the next line of the pipe."""
        if self.interactive:
            try:
                return getpass.getpass(plain_text(question) + " ", stream=self.stdout)
            except EOFError:
                raise InputEnded from None
        return self.read_line(question)

    def choose(self, title: str, options: Sequence[str]) -> int:
        """A numbered menu; the index (from 0) of the choice. ``q`` raises Back."""
        def listing() -> None:
            self.say_list(ngettext("{title}: {n} choice.", "{title}: {n} choices.",
                                   len(options)).format(title=title, n=len(options)), options)

        listing()
        return self.pick_number(_("Choose a number:"), len(options), listing) - 1

    def pick_number(self, question: str, count: int,
                    listing: Callable[[], None] | None = None) -> int:
        """A number from 1 to ``count`` typed at ``question``."""
        while True:
            answer = self.ask(question, help_text=listing)
            if answer.isdigit() and 1 <= int(answer) <= count:
                return int(answer)
            self.say(_("Type a number from 1 to {n}, ? to hear the choices again, or q to go"
                       " back.").format(n=count))

    def pick(self, heading: str, labels: Sequence[str], *, listed: bool = False) -> int | None:
        """Say a list (unless ``listed``: it was just said) and let the person pick one; None
        (said) when it is empty."""
        if not labels:
            self.say(heading)
            return None
        if not listed:
            self.say_list(heading, labels)
        return self.pick_number(_("Which number?"), len(labels),
                                lambda: self.say_list(heading, labels)) - 1

    def confirm(self, question: str) -> bool:
        """Yes or no: y/yes/j/ja, or n/no/nei."""
        while True:
            answer = self.ask(_("{question} (yes or no)").format(question=question)).casefold()
            if answer in {"y", "yes", "j", "ja", _("yes").casefold()}:
                return True
            if answer in {"n", "no", "nei", _("no").casefold()}:
                return False
            self.say(_("Type yes or no."))


def one_line(text: str, width: int = 200) -> str:
    """A text as one list line: its lines joined, shortened when very long."""
    joined = " ".join(clean_text(text).split())
    return joined if len(joined) <= width else joined[: width - 1] + "…"
