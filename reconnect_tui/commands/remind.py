"""`reconnect remind`: a daily reminder for an exercise or a registration, told by the
background companion and the open app (``notify/news.py``), once a day, outside quiet hours."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import N_, _
from .common import JsonOption, PassphraseStdinOption, VaultOption, echo, handles_errors, print_json
from .items import opened_toolbox, pick

if TYPE_CHECKING:
    from ..store import Toolbox

app = typer.Typer(help=N_("Daily reminders for an exercise or a registration."),
                  no_args_is_help=True)

KINDS = ("exercise", "registration")


def _item(toolbox: Toolbox, kind: str, wanted: str) -> tuple[int, str]:
    if kind == "exercise":
        from .exercise import exercises

        exercise = pick(exercises(toolbox), wanted, lambda e: e.title, lambda e: e.id,
                        _("exercises"))
        assert exercise.id is not None
        return exercise.id, exercise.title
    from .diary import find_parameter

    parameter = find_parameter(toolbox, wanted)
    assert parameter.id is not None
    return parameter.id, parameter.name


def _kind(value: str) -> str:
    if value not in KINDS:
        raise typer.BadParameter(_("exercise or registration"))
    return value


KindArgument = Annotated[str, typer.Argument(metavar="KIND", callback=_kind, help=N_(
    "exercise or registration"))]
ItemArgument = Annotated[str, typer.Argument(metavar="ITEM", help=N_("Its id or name."))]


@app.command("set", help=N_("Remind daily at HH:MM."),
             epilog=N_('Example: reconnect remind set exercise "Box breathing" 08:30'))
@handles_errors
def set_command(ctx: typer.Context, kind: KindArgument, wanted: ItemArgument,
                at: Annotated[str, typer.Argument(metavar="HH:MM", help=N_("The time of day."))],
                vault: VaultOption = None, passphrase_stdin: PassphraseStdinOption = False
                ) -> None:
    from ..notify.news import set_reminder
    from ..notify.notifier import parse_hhmm

    if len(at.strip()) != 5 or parse_hhmm(at) is None:
        raise typer.BadParameter(_("A time like 22:00, or empty."), param_hint="HH:MM")
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        item_id, name = _item(toolbox, kind, wanted)
        set_reminder(toolbox.vault, kind, item_id, at.strip())
    echo(_("Reminds you of {name} every day at {time}.").format(name=name, time=at.strip()))


@app.command("off", help=N_("No longer remind of it."))
@handles_errors
def off_command(ctx: typer.Context, kind: KindArgument, wanted: ItemArgument,
                vault: VaultOption = None, passphrase_stdin: PassphraseStdinOption = False
                ) -> None:
    from ..notify.news import set_reminder

    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        item_id, name = _item(toolbox, kind, wanted)
        set_reminder(toolbox.vault, kind, item_id, None)
    echo(_("No more reminders of {name}.").format(name=name))


@app.command("list", help=N_("The daily reminders."))
@handles_errors
def list_command(ctx: typer.Context, vault: VaultOption = None,
                 passphrase_stdin: PassphraseStdinOption = False,
                 as_json: JsonOption = False) -> None:
    from ..notify.news import reminders

    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        found = reminders(toolbox.vault)
    rows = [{"kind": key.partition(":")[0], "id": int(key.partition(":")[2]), "at": at}
            for key, at in sorted(found.items())]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        echo(f"{row['at']}  {row['kind']} {row['id']}")
