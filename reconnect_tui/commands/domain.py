"""`reconnect domain` (life domains: status, a 0–10 rating, what helps and hinders) and
`reconnect what-matters` ("what is important in my life").

``domain list --json`` prints each domain with ``id``, ``name``, ``status``, ``rating``,
``helps``, ``hinders``, ``hidden`` and ``updated_at``; ``domain status NAME --json`` adds its
``history`` (``status``, ``rating``, ``recorded_at``). ``what-matters show --json`` prints
``{"text": …}``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..formats import format_moment
from ..i18n import N_, _
from .common import JsonOption, PassphraseStdinOption, VaultOption, echo, handles_errors, print_json
from .goal import find_domain
from .items import domain_label, iso, opened_toolbox

if TYPE_CHECKING:
    from ..model import LifeDomain, StatusEntry

app = typer.Typer(help=N_("Your life domains: how each is going, what helps and what hinders."),
                  no_args_is_help=True)
what_matters_app = typer.Typer(help=N_("What is important in your life, in your own words."),
                               no_args_is_help=True)


def domain_json(domain: LifeDomain) -> dict[str, Any]:
    return {"id": domain.id, "name": domain.name, "status": domain.status,
            "rating": domain.rating, "helps": domain.helps, "hinders": domain.hinders,
            "hidden": domain.hidden, "updated_at": iso(domain.updated_at)}


def entry_json(entry: StatusEntry) -> dict[str, Any]:
    return {"status": entry.status, "rating": entry.rating,
            "recorded_at": entry.recorded_at.isoformat()}


def _rating(rating: int | None) -> str:
    return "–" if rating is None else f"{rating}/10"


@app.command("list", help=N_("List your life domains with their rating and status."),
             epilog=N_("Example: reconnect domain list --json"))
@handles_errors
def list_domains(
    ctx: typer.Context,
    show_all: Annotated[bool, typer.Option("--all", help=N_("Hidden domains too."))] = False,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        domains = toolbox.domains.list(include_hidden=show_all)
    if as_json:
        print_json([domain_json(d) for d in domains])
        return
    for domain in domains:
        status = domain.status.strip().splitlines()[0] if domain.status.strip() else ""
        line = f"{domain.id:>4}  {domain_label(domain.name)}  {_rating(domain.rating)}  {status}"
        echo(line.rstrip())


@app.command("add", help=N_("Add a life domain of your own."),
             epilog=N_('Example: reconnect domain add "Faith" --json'))
@handles_errors
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_("The domain's name."))],
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..model import LifeDomain

    if not name.strip():
        raise typer.BadParameter(_("The name cannot be empty."), param_hint="NAME")
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        domain = toolbox.domains.add(LifeDomain(name=name.strip()))
    if as_json:
        print_json({"id": domain.id})
    else:
        echo(_("Added life domain {id}.").format(id=domain.id))


@app.command(
    "status",
    help=N_("Show a life domain's status and its history, or set it: a rating from 0 to 10,"
            " how it is going, what helps and what hinders. Each change is kept in the"
            " history."),
    epilog=N_('Example: reconnect domain status Housing --rating 6 --status "Moved in"'
              ' --helps "My sister" --hinders "Noise"'))
@handles_errors
def status(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="DOMAIN",
                                        help=N_("The domain's id or name."))],
    rating: Annotated[int | None, typer.Option(
        "--rating", min=0, max=10, metavar="0-10", help=N_("How it is going, 0 to 10."))
    ] = None,
    text: Annotated[str | None, typer.Option("--status", metavar="TEXT",
                                             help=N_("How it is going, in words."))] = None,
    helps: Annotated[str | None, typer.Option("--helps", metavar="TEXT",
                                              help=N_("What helps."))] = None,
    hinders: Annotated[str | None, typer.Option("--hinders", metavar="TEXT",
                                                help=N_("What hinders."))] = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        domain = find_domain(toolbox, name)
        assert domain.id is not None
        if (rating, text, helps, hinders) != (None, None, None, None):
            domain.rating = domain.rating if rating is None else rating
            domain.status = domain.status if text is None else text
            domain.helps = domain.helps if helps is None else helps
            domain.hinders = domain.hinders if hinders is None else hinders
            toolbox.domains.update(domain)
        history = toolbox.domains.history(domain.id)
    if as_json:
        print_json({**domain_json(domain), "history": [entry_json(e) for e in history]})
        return
    echo(f"{domain_label(domain.name)}  {_rating(domain.rating)}")
    for label, value in ((_("Status"), domain.status), (_("What helps"), domain.helps),
                         (_("What hinders"), domain.hinders)):
        if value:
            echo(f"{label}: {value}")
    if history:
        echo(_("History:"))
        for entry in history:
            echo(f"  {format_moment(entry.recorded_at)}  {_rating(entry.rating)}  "
                 f"{entry.status}".rstrip())


@what_matters_app.command("show", help=N_("Show what is important in your life."),
                          epilog=N_("Example: reconnect what-matters show --json"))
@handles_errors
def what_matters_show(
    ctx: typer.Context,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        text = toolbox.what_matters.get()
    if as_json:
        print_json({"text": text})
    elif text:
        echo(text)
    else:
        echo(_("Nothing written yet. Write it: reconnect what-matters set TEXT"))


@what_matters_app.command(
    "set", help=N_("Write what is important in your life (replaces what was there; - reads"
                   " standard input)."),
    epilog=N_('Example: reconnect what-matters set "My children, music and the sea"'))
@handles_errors
def what_matters_set(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(metavar="TEXT", help=N_("The text, or - for standard"
                                                                " input."))],
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    if text == "-":
        text = sys.stdin.read()
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        toolbox.what_matters.set(text.strip())
        saved = toolbox.what_matters.get()
    if as_json:
        print_json({"text": saved})
    else:
        echo(_("Saved."))
