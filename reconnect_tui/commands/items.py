"""What the module commands share (goal, domain, network, crisis-plan, medication, diary …):
the unlocked toolbox, days as people write them, and picking one item by id or name.

A name that matches nothing, or several things, is no guess: the command fails (exit 1) and
lists the candidates with their ids, so the next try can name one exactly. The candidates are
printed, never put in an exception (errors.py: no plaintext in exceptions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from ..domain_names import domain_label as domain_label  # re-exported: goal.py, domain.py
from ..i18n import N_, _
from .common import echo
from .vault import open_vault

if TYPE_CHECKING:
    from ..store import Toolbox

T = TypeVar("T")

DateOption = Annotated[
    str | None,
    typer.Option("--date", metavar="DATE",
                 help=N_("The day, as you write it: 31.03.2027, 2027-03-31 or today.")),
]


@contextmanager
def opened_toolbox(ctx: typer.Context, vault: Path | None,
                   passphrase_stdin: bool) -> Iterator[Toolbox]:
    """Every repository of the unlocked vault; the vault is closed (its key wiped) after."""
    from ..store import Toolbox

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        yield Toolbox(opened)


def today() -> date:
    """The person's today: this computer's calendar day."""
    return datetime.now().date()


def parse_day_option(text: str | None, option: str) -> date | None:
    """A day as the person wrote it (``parsing.parse_day``), or a usage error (exit 2)."""
    from ..parsing import ParseError, parse_day

    if text is None:
        return None
    try:
        return parse_day(text, today())
    except ParseError as error:
        raise typer.BadParameter(str(error), param_hint=option) from None


def parse_number_argument(text: str, option: str) -> float:
    from ..parsing import ParseError, parse_number

    try:
        return parse_number(text)
    except ParseError as error:
        raise typer.BadParameter(str(error), param_hint=option) from None


def parse_phone_option(text: str | None, toolbox: Toolbox, option: str = "--phone") -> str | None:
    """A phone number in the vault's country's way of writing it, or a usage error."""
    from ..parsing import ParseError, parse_phone

    if text is None or not text.strip():
        return text
    try:
        return parse_phone(text, toolbox.profile.get().locale)
    except ParseError as error:
        raise typer.BadParameter(str(error), param_hint=option) from None


def iso(day: date | datetime | None) -> str | None:
    return None if day is None else day.isoformat()


def pick(items: Sequence[T], wanted: str, name: Callable[[T], str],
         ident: Callable[[T], int | None], what: str) -> T:
    """The one item ``wanted`` names: its id, its whole name (any case), or a part of the name
    only it has. Otherwise exit 1 with the candidates. ``what`` is a plural noun, translated."""
    text = wanted.strip()
    if text.isdigit():
        found = [item for item in items if ident(item) == int(text)]
        if found:
            return found[0]
    folded = text.casefold()
    for test in (lambda n: n == text, lambda n: n.casefold() == folded,
                 lambda n: folded in n.casefold()):
        found = [item for item in items if test(name(item))]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise _candidates(_("Several {what} match: give the id or the whole name.").format(
                what=what), found, name, ident)
    if not items:
        raise _candidates(_("Nothing matches: there are no {what} yet.").format(what=what),
                          items, name, ident)
    raise _candidates(_("Nothing matches. These are the {what}:").format(what=what),
                      items, name, ident)


def _candidates(message: str, items: Sequence[T], name: Callable[[T], str],
                ident: Callable[[T], int | None]) -> typer.Exit:
    """Say why nothing was chosen, list the candidates (id and name) on stderr: exit 1."""
    echo(_("Error: {message}").format(message=message), err=True)
    for item in items:
        echo(f"  {ident(item)}  {one_line(name(item))}", err=True)
    return typer.Exit(1)


def one_line(text: str, width: int = 70) -> str:
    """The first line of ``text``, shortened: how a long text is named in a list."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= width else first[: width - 1] + "…"


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")
