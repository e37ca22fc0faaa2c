"""`reconnect agreement`: show, propose, accept and decline the dyad agreement, for scripts.

``show --json`` prints ``status`` ("none", "proposed" or "accepted"), ``version``,
``proposed_by`` and ``terms`` (and more: docs/agreement.md). ``propose`` reads a JSON file
holding ``{"terms": {...}}``; a file that cannot be read or holds no ``terms`` object is a usage
error (exit 2), terms that do not validate exit 1 with a message naming the key.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from ..formats import format_day
from ..i18n import N_, _
from .common import (
    JsonOption,
    PassphraseStdinOption,
    RelayOption,
    VaultOption,
    echo,
    fail,
    handles_errors,
    print_json,
    status,
)
from .vault import open_vault

app = typer.Typer(help=N_("The agreement of a dyad: how you use ReConnect together."),
                  no_args_is_help=True)

NameArgument = Annotated[str, typer.Argument(help=N_("The partner's name."))]


def version_json(version, own: str, partner: str) -> dict[str, Any]:
    declined_by = None
    if version.declined:
        declined_by = own if version.declined_by_me else partner
    return {
        "version": version.version,
        "proposed_by": own if version.proposed_by_me else partner,
        "terms": version.terms,
        "proposed_at": version.proposed_at.isoformat(),
        "accepted_at": version.accepted_at.isoformat() if version.accepted_at else None,
        "signatures": {"proposer": version.proposer_signature,
                       "accepter": version.accepter_signature},
        "declined_by": declined_by,
        "declined_at": version.declined_at.isoformat() if version.declined_at else None,
        "decline_reason": version.decline_reason if version.declined else None,
    }


def state_json(state, own: str, partner: str) -> dict[str, Any]:
    """The contract of ``show --json`` (docs/agreement.md)."""
    shown = state.shown
    base = (version_json(shown, own, partner) if shown else
            {"version": None, "proposed_by": None, "terms": None, "proposed_at": None,
             "accepted_at": None, "signatures": None})
    awaiting = None
    if state.pending is not None:
        awaiting = partner if state.pending.proposed_by_me else own
    return {
        "status": state.status,
        **base,
        "partner": partner,
        "awaiting_acceptance_by": awaiting,
        "review_on": state.review_on.isoformat() if state.review_on else None,
        "accepted": version_json(state.current, own, partner) if state.current else None,
        "declined": version_json(state.declined, own, partner) if state.declined else None,
        "history": [version_json(v, own, partner) for v in state.history],
    }


def _deliver(opened, relay: str | None) -> None:
    """Sync now when a relay is known (like ``message send``); else it goes at the next sync."""
    from ..errors import RelayError
    from ..sync.service import resolve_relay_url
    from ..sync.sync_service import sync_and_process

    try:
        url = resolve_relay_url(opened, relay)
    except RelayError as error:
        status(str(error))
        return
    report = sync_and_process(opened, url)
    if report.offline:
        status(_("Queued: it is sent at the next sync."))


def _read_terms(file: Path) -> object:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise fail(_("Cannot read {file}: {reason}.").format(
            file=file, reason=error.strerror or type(error).__name__), 2) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise fail(_("{file} is not valid JSON: {reason}.").format(
            file=file, reason=getattr(error, "msg", type(error).__name__)), 2) from None
    if not isinstance(data, dict) or not isinstance(data.get("terms"), dict):
        raise fail(_('{file} must hold a JSON object with a "terms" object, as in'
                     " docs/agreement.md.").format(file=file), 2)
    return data["terms"]


@app.command(
    "show",
    help=N_(
        "Show the agreement with a partner: what holds, what is proposed, and its "
        "history."
    ),
)
@handles_errors
def show(
    ctx: typer.Context,
    name: NameArgument,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.agreements import Agreements

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        agreements = Agreements(opened)
        partner = agreements.dyads.partner_named(name)
        own = opened.profile().name
        data = state_json(agreements.state(partner.id), own, partner.name)
        if data["status"] == "none":
            data["template"] = agreements.template()
    if as_json:
        print_json(data)
        return
    labels = {"none": _("No agreement yet"), "proposed": _("Proposed"),
              "accepted": _("Accepted")}
    echo(_("Agreement with {name}: {status}").format(name=partner.name,
                                                           status=labels[data["status"]]))
    if data["version"] is not None:
        echo(_("Version {n}, proposed by {who}").format(n=data["version"],
                                                            who=data["proposed_by"]))
        for key, value in data["terms"].items():
            echo(f"  {key}: {json.dumps(value, ensure_ascii=False)}")
    declined = data["declined"]
    if declined is not None:
        echo(_("Version {n} was declined by {who}.").format(n=declined["version"],
                                                             who=declined["declined_by"]))
        if declined["decline_reason"]:
            echo(_("Reason: {reason}").format(reason=declined["decline_reason"]))
    if data["review_on"]:
        echo(_("Talk it over again on {day}").format(
            day=format_day(date.fromisoformat(data["review_on"]))))
    if data["status"] == "none":
        echo(_("Start from the template: reconnect agreement show NAME --json"))


@app.command(
    "propose",
    help=N_("Propose a new version of the agreement; it holds once the partner accepts it."),
)
@handles_errors
def propose(
    ctx: typer.Context,
    name: NameArgument,
    file: Annotated[Path, typer.Option("--file", help=N_('JSON file: {"terms": {...}}.'))],
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.agreements import Agreements

    terms = _read_terms(file)
    with open_vault(ctx, vault, passphrase_stdin) as opened:
        agreements = Agreements(opened)
        partner = agreements.dyads.partner_named(name)
        version = agreements.propose(partner.id, terms)
        _deliver(opened, relay)
        data = state_json(agreements.state(partner.id), opened.profile().name, partner.name)
    if as_json:
        print_json(data)
    else:
        status(_("Proposed version {n} to {name}.").format(n=version.version, name=partner.name))


@app.command(
    "accept",
    help=N_("Accept the partner's proposed agreement (signed with your identity key)."),
)
@handles_errors
def accept(
    ctx: typer.Context,
    name: NameArgument,
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.agreements import Agreements

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        agreements = Agreements(opened)
        partner = agreements.dyads.partner_named(name)
        version = agreements.accept(partner.id)
        _deliver(opened, relay)
        data = state_json(agreements.state(partner.id), opened.profile().name, partner.name)
    if as_json:
        print_json(data)
    else:
        status(_("Accepted version {n} with {name}.").format(n=version.version,
                                                            name=partner.name))


@app.command(
    "decline",
    help=N_("Decline the partner's proposed agreement, optionally saying why; what was agreed"
            " before still holds."),
)
@handles_errors
def decline(
    ctx: typer.Context,
    name: NameArgument,
    reason: Annotated[str, typer.Option("--reason", help=N_(
        "Why you decline; the partner sees it (end-to-end encrypted)."))] = "",
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.agreements import Agreements

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        agreements = Agreements(opened)
        partner = agreements.dyads.partner_named(name)
        version = agreements.decline(partner.id, reason)
        _deliver(opened, relay)
        data = state_json(agreements.state(partner.id), opened.profile().name, partner.name)
    if as_json:
        print_json(data)
    else:
        status(_("Declined version {n} from {name}.").format(n=version.version,
                                                            name=partner.name))
