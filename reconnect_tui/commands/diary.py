"""`reconnect diary list|add` and `reconnect registration list|add|track`.

``diary list --json`` prints entries, newest first, with ``id``, ``written_at`` (ISO time, UTC),
``date`` (the day it belongs to) and ``text``. ``registration list --json`` prints each thing you
register with ``id``, ``name``, ``unit``, ``minimum``, ``maximum`` and its ``values`` (``date``,
``value``); ``add NAME VALUE`` sets one day's value (a new one replaces it), for something you
already register (``track`` starts one).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..formats import format_day, format_moment, format_number
from ..i18n import N_, _
from .common import JsonOption, PassphraseStdinOption, VaultOption, echo, handles_errors, print_json
from .items import DateOption, opened_toolbox, parse_day_option, parse_number_argument, pick, today

if TYPE_CHECKING:
    from ..model import DiaryEntry, RegistrationParameter
    from ..store import Toolbox

diary_app = typer.Typer(help=N_("Your diary."), no_args_is_help=True)
registration_app = typer.Typer(help=N_("What you register day by day (sleep, mood …)."),
                               no_args_is_help=True)


def entry_json(entry: DiaryEntry) -> dict[str, Any]:
    return {"id": entry.id, "written_at": entry.written_at.isoformat(),
            "date": entry.written_at.astimezone().date().isoformat(), "text": entry.text}


@diary_app.command("list", help=N_("List your diary entries, newest first."),
                   epilog=N_("Example: reconnect diary list --limit 5 --json"))
@handles_errors
def diary_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, metavar="N",
                                       help=N_("How many entries at most."))] = 20,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        entries = toolbox.diary.newest(limit)
    if as_json:
        print_json([entry_json(e) for e in entries])
        return
    if not entries:
        echo(_("No diary entries yet. Write one: reconnect diary add TEXT"))
    for entry in entries:
        echo(f"{entry.id:>4}  {format_moment(entry.written_at)}")
        for line in entry.text.splitlines():
            echo(f"      {line}")


@diary_app.command("add", help=N_("Write a diary entry (- reads it from standard input)."),
                   epilog=N_('Example: reconnect diary add "A good walk today." --date'
                             " 31.03.2027"))
@handles_errors
def diary_add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(metavar="TEXT", help=N_("The entry, or - for standard"
                                                                " input."))],
    day: DateOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..model import DiaryEntry

    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise typer.BadParameter(_("The text cannot be empty."), param_hint="TEXT")
    now = datetime.now().astimezone()
    written = now
    chosen = parse_day_option(day, "--date")
    if chosen is not None and chosen != now.date():
        written = datetime.combine(chosen, now.timetz())  # that day, at this time of day
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        entry = toolbox.diary.add(DiaryEntry(text=text.strip(),
                                             written_at=written.astimezone(UTC)))
    if as_json:
        print_json({"id": entry.id})
    else:
        echo(_("Written in your diary ({id}).").format(id=entry.id))


# -- registrations -------------------------------------------------------------------------


def parameter_json(parameter: RegistrationParameter, toolbox: Toolbox) -> dict[str, Any]:
    assert parameter.id is not None
    return {"id": parameter.id, "name": parameter.name, "unit": parameter.unit,
            "minimum": parameter.minimum, "maximum": parameter.maximum,
            "values": [{"date": r.day.isoformat(), "value": r.value}
                       for r in toolbox.registrations.values(parameter.id)]}


def find_parameter(toolbox: Toolbox, wanted: str) -> RegistrationParameter:
    return pick(toolbox.registrations.list(), wanted, lambda p: p.name, lambda p: p.id,
                _("registrations"))


@registration_app.command("list", help=N_("List what you register, with its values."),
                          epilog=N_("Example: reconnect registration list Sleep --json"))
@handles_errors
def registration_list(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(metavar="NAME", help=N_(
        "Only this one (its id or name)."))] = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        parameters = [find_parameter(toolbox, name)] if name else toolbox.registrations.list()
        data = [parameter_json(p, toolbox) for p in parameters]
    if as_json:
        print_json(data)
        return
    if not data:
        echo(_("You register nothing yet. Start: reconnect registration track NAME"))
    for item in data:
        unit = f" ({item['unit']})" if item["unit"] else ""
        echo(f"{item['id']:>4}  {item['name']}{unit}")
        for value in item["values"][-14:]:
            day = format_day(datetime.fromisoformat(value["date"]).date())
            echo(f"      {day}  {format_number(value['value'])}")


@registration_app.command(
    "add", help=N_("Register a value for a day (today unless --date; replaces that day's)."),
    epilog=N_("Example: reconnect registration add Sleep 7,5 --date 31.03.2027"))
@handles_errors
def registration_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_(
        "What you register (its id or name)."))],
    value: Annotated[str, typer.Argument(metavar="VALUE", help=N_(
        "The value: 7,5 or 7.5."))],
    day: DateOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    number = parse_number_argument(value, "VALUE")
    chosen = parse_day_option(day, "--date") or today()
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        parameter = find_parameter(toolbox, name)
        assert parameter.id is not None
        if not parameter.minimum <= number <= parameter.maximum:
            raise typer.BadParameter(_("{name} goes from {low} to {high}.").format(
                name=parameter.name, low=format_number(parameter.minimum),
                high=format_number(parameter.maximum)), param_hint="VALUE")
        recorded = toolbox.registrations.record(parameter.id, chosen, number)
    if as_json:
        print_json({"id": recorded.id, "name": parameter.name, "date": chosen.isoformat(),
                    "value": number})
    else:
        echo(_("{name} on {day}: {value}").format(name=parameter.name, day=format_day(chosen),
                                                  value=format_number(number)))


@registration_app.command(
    "track", help=N_("Start registering something new, with its unit and range."),
    epilog=N_('Example: reconnect registration track Sleep --unit hours --min 0 --max 14'))
@handles_errors
def registration_track(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_("What to register."))],
    unit: Annotated[str, typer.Option("--unit", metavar="TEXT", help=N_("Its unit."))] = "",
    minimum: Annotated[float, typer.Option("--min", metavar="NUMBER",
                                           help=N_("The lowest value."))] = 0,
    maximum: Annotated[float, typer.Option("--max", metavar="NUMBER",
                                           help=N_("The highest value."))] = 10,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..model import RegistrationParameter

    if not name.strip():
        raise typer.BadParameter(_("The name cannot be empty."), param_hint="NAME")
    if minimum >= maximum:
        raise typer.BadParameter(_("--min must be below --max."), param_hint="--min")
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        if any(p.name.casefold() == name.strip().casefold()
               for p in toolbox.registrations.list()):
            raise typer.BadParameter(_("You already register this."), param_hint="NAME")
        parameter = toolbox.registrations.add(RegistrationParameter(
            name=name.strip(), unit=unit.strip(), minimum=minimum, maximum=maximum))
    if as_json:
        print_json({"id": parameter.id})
    else:
        echo(_("You now register {name} ({id}).").format(name=parameter.name, id=parameter.id))
