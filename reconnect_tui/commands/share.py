"""`reconnect share` (what I show my providers) and `reconnect shared` (what was shown to me)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..i18n import N_, _
from .common import (
    JsonOption,
    PassphraseStdinOption,
    RelayOption,
    VaultOption,
    echo,
    handles_errors,
    local_time,
    print_json,
    status,
)
from .localized import help_value
from .vault import open_vault

MODULES_HELP = ("what-matters, life-domains, goals, network, crisis-plan, medications, exercises,"
                " diary, registrations")
help_value("share_modules", MODULES_HELP)

share_app = typer.Typer(
    help=N_("Choose what your providers see. Only what you share leaves your vault, encrypted"
           " for that provider. Revoking stops new versions at once; their app removes it from"
           " their view when it receives the change, and `share revoked` says when their"
           " vault confirmed that."),
    no_args_is_help=True,
)
shared_app = typer.Typer(
    help=N_("Providers: read what service users share with you (read only)."),
    no_args_is_help=True,
)

ModuleArgument = Annotated[str, typer.Argument(help=N_("One of: {share_modules}."))]
ItemOption = Annotated[
    int | None,
    typer.Option("--item", help=N_("Only this item (a goal, life domain, person, medicine or"
                 " registration; `reconnect share items MODULE` lists their ids).")),
]
WithOption = Annotated[
    list[str],
    typer.Option("--with", help=N_("The provider's name (repeat for several providers).")),
]


def _try_sync(opened: Any, relay: str | None) -> bool:
    """Publish now when a relay is known; False when it has to wait for the next sync."""
    from ..errors import RelayError
    from ..sync.service import resolve_relay_url
    from ..sync.sync_service import sync_and_process

    try:
        url = resolve_relay_url(opened, relay)
    except RelayError:
        return False
    report = sync_and_process(opened, url)
    for problem in report.problems:
        status(problem)
    return not report.offline


def entry_json(entry: Any) -> dict[str, object]:
    return {
        "with": entry.partner_name,
        "module": entry.module,
        "item_id": entry.item_id,
        "title": entry.title,
        "shared_at": entry.shared_at.isoformat(),
        "version": entry.published_version,
        "published_at": entry.published_at.isoformat() if entry.published_at else None,
        "paused": entry.paused,
        "seen_at": entry.seen_at.isoformat() if entry.seen_at else None,
    }


@share_app.command("add", help=N_("Share MODULE (or one --item of it) with one or more providers."))
@handles_errors
def add(
    ctx: typer.Context,
    module: ModuleArgument,
    with_: WithOption,
    item: ItemOption = None,
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.sharing import Sharing

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        sharing = Sharing(opened)
        partners = [sharing.dyads.partner_named(name) for name in with_]
        for partner in partners:
            sharing.share(module, item, partner.id)
        synced = _try_sync(opened, relay)
        entries = [e for e in sharing.entries() if e.module == module and e.item_id == item
                   and e.partner_id in {p.id for p in partners}]
    if as_json:
        print_json([entry_json(e) for e in entries])
        return
    for entry in entries:
        status(_("{title} is shared with {name}.").format(title=entry.title,
                                                         name=entry.partner_name))
    if not synced:
        status(_("It is published at the next sync."))


@share_app.command("revoke", help=N_("Stop sharing MODULE (or one --item) with a provider."))
@handles_errors
def revoke(
    ctx: typer.Context,
    module: ModuleArgument,
    with_: WithOption,
    item: ItemOption = None,
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
) -> None:
    from ..sync.sharing import Sharing

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        sharing = Sharing(opened)
        names = []
        for name in with_:
            partner = sharing.dyads.partner_named(name)
            sharing.revoke(module, item, partner.id)
            names.append(partner.name)
        synced = _try_sync(opened, relay)
    for name in names:
        status(_("No longer shared with {name}: no new versions reach them. Their app removes"
                 " it from their view when it receives this change, and their vault then"
                 " confirms it (`reconnect share revoked`). What they already saw cannot be"
                 " taken back.").format(name=name))
    if not synced:
        status(_("The change leaves with your next sync, which also asks the relay to delete"
                 " its copy."))


@share_app.command("list", help=N_("What you share, with whom, and when they last opened it."))
@handles_errors
def list_shares(
    ctx: typer.Context,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.sharing import Sharing

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        entries = Sharing(opened).entries()
        revoked = Sharing(opened).revocations()
    if as_json:
        print_json([entry_json(e) for e in entries])
        return
    if not entries:
        status(_("Nothing is shared: only you can see your toolbox."))
    for e in entries:
        what = e.module if e.item_id is None else f"{e.module} --item {e.item_id}"
        state = (_("paused: key changed") if e.paused
                 else _("version {v}").format(v=e.published_version) if e.published_version
                 else _("waiting for sync"))
        seen = (" · " + _("seen {when}").format(when=local_time(e.seen_at))
                if e.seen_at else "")
        echo(f"{e.partner_name}: {e.title} ({what}) — {state}{seen}")
    _echo_revocations(revoked)


def _echo_revocations(revoked: list[Any]) -> None:
    from ..sync.sharing import revocation_status

    for r in revoked:
        what = r.module if r.item_id is None else f"{r.module} --item {r.item_id}"
        echo(_("{name}: {title} ({what}) — stopped. {status}").format(
            name=r.partner_name, title=r.title, what=what, status=revocation_status(r)))


def revocation_json(r: Any) -> dict[str, object]:
    from ..sync.sharing import revocation_status

    return {"with": r.partner_name, "module": r.module, "item_id": r.item_id,
            "title": r.title, "revoked_at": r.revoked_at.isoformat(),
            "confirmed_at": r.confirmed_at.isoformat() if r.confirmed_at else None,
            "state": r.state, "status": revocation_status(r)}


@share_app.command(
    "revoked",
    help=N_(
        "What you stopped sharing, and whether each provider's vault confirmed removing "
        "it (waiting; after a day, not confirmed yet; confirmed: listed for a day more)."
    ),
)
@handles_errors
def revoked(
    ctx: typer.Context,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.sharing import Sharing

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        found = Sharing(opened).revocations()
    if as_json:
        print_json([revocation_json(r) for r in found])
        return
    if not found:
        status(_("Nothing stopped recently is waiting for a confirmation."))
    _echo_revocations(found)


@share_app.command(
    "items",
    help=N_("The items of MODULE that can be shared one by one, with their ids (for --item)."),
)
@handles_errors
def items(
    ctx: typer.Context,
    module: ModuleArgument,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.sharing import Sharing

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        found = Sharing(opened).shareable_items(module)
    if as_json:
        print_json([{"id": item_id, "title": title} for item_id, title in found])
        return
    if not found:
        status(_("{module} has no items to share one by one (share it whole).").format(
            module=module))
    for item_id, title in found:
        echo(f"{item_id:>6}  {title}")


def person_json(person: Any) -> dict[str, Any]:
    return {
        "name": person.name,
        "last_changed": person.last_changed.isoformat() if person.last_changed else None,
        "items": [{"module": i.module, "item_id": i.item_id, "title": i.title,
                   "version": i.version, "changed_at": i.changed_at.isoformat()}
                  for i in person.items],
    }


@shared_app.command(
    "list",
    help=N_("Each service user with what they share with you (what the last sync brought)."),
)
@handles_errors
def shared_list(
    ctx: typer.Context,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.sharing import Sharing

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        people = Sharing(opened).shared_with_me()
    if as_json:
        print_json([person_json(p) for p in people])
        return
    if not people:
        status(_("Nothing is shared with you yet (run `reconnect sync` to fetch)."))
        return
    for person in people:
        echo(f"{person.name}")
        for i in person.items:
            what = i.module if i.item_id is None else f"{i.module} --item {i.item_id}"
            changed = _("changed {when}").format(when=local_time(i.changed_at))
            echo(f"  {i.title} ({what}) — {changed}")


@shared_app.command(
    "show",
    help=N_(
        "Show what NAME shares of MODULE, read only (their client may be told you opened "
        "it)."
    ),
)
@handles_errors
def shared_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=N_("The service user's name."))],
    module: ModuleArgument,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..errors import NotFound
    from ..export.shared_text import render_shared
    from ..store.share_snapshots import check_module, module_title
    from ..sync.sharing import Sharing

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        sharing = Sharing(opened)
        check_module(module)
        partner = sharing.dyads.partner_named(name)
        person = next((p for p in sharing.shared_with_me() if p.partner_id == partner.id), None)
        items = [i for i in (person.items if person else []) if i.module == module]
        if not items:
            raise NotFound(_("{name} does not share {module} with you.").format(
                name=partner.name, module=module_title(module)))
        sections = sharing.sections(partner.id, module)
        sharing.record_view(partner.id, module)
        locale = opened.profile().locale
    if as_json:
        print_json({"name": partner.name, "module": module, "read_only": True,
                    "items": [i for i in person_json(person)["items"]
                              if i["module"] == module],
                    "content": sections})
        return
    echo(render_shared(partner.name, module_title(module), sections, locale), nl=False)
