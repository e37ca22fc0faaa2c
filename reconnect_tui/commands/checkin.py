"""`reconnect checkin list|answer|schedule` and `reconnect feedback give|list`: the dyad's
check-ins and feedback on the working relationship (docs/agreement.md), through the agreement
service. What is sent goes at once when a relay is known, else at the next sync.

``checkin list --json`` prints ``{"checkins": [...], "schedules": [...]}``: each check-in with
``checkin_id``, ``partner``, ``asked_by_me``, ``question``, ``domains``, ``sent_at``,
``answered_at``, ``overall``, ``domain_scores``, ``line`` and ``share_trend``; each schedule
(a provider's) with ``id``, ``partner``, ``question``, ``domains``, ``every_days`` and
``next_due_at``. ``feedback list --json`` prints each feedback with ``feedback_id``, ``partner``,
``from_me``, ``scores`` (``heard``, ``matters``, ``way``, ``overall``) and ``given_at``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..formats import format_moment
from ..i18n import N_, _, ngettext
from .common import (
    JsonOption,
    PassphraseStdinOption,
    RelayOption,
    VaultOption,
    echo,
    handles_errors,
    print_json,
    status,
)
from .items import one_line
from .vault import open_vault

if TYPE_CHECKING:
    from ..store import Vault
    from ..store.repositories.agreements import CheckinRecord, FeedbackRecord

checkin_app = typer.Typer(help=N_("Check-ins: a provider's short question, answered with a"
                                  " number from 0 to 10."), no_args_is_help=True)
feedback_app = typer.Typer(help=N_("Feedback on how you work together, on four scales from 0"
                                   " to 10."), no_args_is_help=True)

WithOption = Annotated[str | None, typer.Option("--with", metavar="NAME",
                                                help=N_("Only with this partner."))]
Score = Annotated[int, typer.Option(min=0, max=10, metavar="0-10")]


def deliver(opened: Vault, relay: str | None) -> None:
    """Sync now when a relay is known; else it goes at the next sync (as `message send`)."""
    from ..errors import RelayError
    from ..sync.service import resolve_relay_url
    from ..sync.sync_service import sync_and_process

    try:
        url = resolve_relay_url(opened, relay)
    except RelayError as error:
        status(str(error))
        return
    if sync_and_process(opened, url).offline:
        status(_("Queued: it is sent at the next sync."))


def checkin_json(checkin: CheckinRecord, names: dict[int, str]) -> dict[str, Any]:
    return {"checkin_id": checkin.checkin_id, "partner": names.get(checkin.partner_id),
            "asked_by_me": checkin.asked_by_me, "question": checkin.question,
            "domains": checkin.domains, "sent_at": checkin.sent_at.isoformat(),
            "answered_at": checkin.answered_at.isoformat() if checkin.answered_at else None,
            "overall": checkin.overall, "domain_scores": checkin.domain_scores,
            "line": checkin.line, "share_trend": checkin.share_trend}


def feedback_json(record: FeedbackRecord, names: dict[int, str]) -> dict[str, Any]:
    return {"feedback_id": record.feedback_id, "partner": names.get(record.partner_id),
            "from_me": record.from_me, "scores": record.scores,
            "given_at": record.given_at.isoformat()}


@checkin_app.command("list", help=N_("List check-ins (asked and answered) and, for a provider,"
                                     " the scheduled ones."),
                     epilog=N_("Example: reconnect checkin list --json"))
@handles_errors
def checkin_list(
    ctx: typer.Context,
    partner_name: WithOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.agreements import Agreements

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        agreements = Agreements(opened)
        names = {p.id: p.name for p in agreements.dyads.partners()}
        partner_id = agreements.dyads.partner_named(partner_name).id if partner_name else None
        checkins = agreements.checkins(partner_id)
        schedules = [s for s in agreements.schedules()
                     if partner_id in (None, s.partner_id)]
    if as_json:
        print_json({
            "checkins": [checkin_json(c, names) for c in checkins],
            "schedules": [{"id": s.id, "partner": names.get(s.partner_id),
                           "question": s.question, "domains": s.domains,
                           "every_days": s.every_days, "next_due_at": s.next_due_at.isoformat()}
                          for s in schedules]})
        return
    if not checkins and not schedules:
        echo(_("No check-ins yet."))
    for checkin in checkins:
        answer = (_("answered {when}: {overall}/10").format(
            when=format_moment(checkin.answered_at), overall=checkin.overall)
            if checkin.answered_at else _("not answered"))
        echo(f"{checkin.checkin_id[:8]}  {names.get(checkin.partner_id, '')}  "
             f"{format_moment(checkin.sent_at)}  {one_line(checkin.question)}  {answer}")
        if checkin.line:
            echo(f"          {checkin.line}")
    for schedule in schedules:
        echo(ngettext("Every {n} day to {name}, next {when}: {question}",
                      "Every {n} days to {name}, next {when}: {question}",
                      schedule.every_days).format(
            n=schedule.every_days, name=names.get(schedule.partner_id, ""),
            when=format_moment(schedule.next_due_at), question=one_line(schedule.question)))


@checkin_app.command(
    "answer", help=N_("Answer a check-in your provider sent: a number from 0 to 10, a line if"
                      " you like. Without CHECKIN, the one open check-in."),
    epilog=N_('Example: reconnect checkin answer --overall 6 --line "A better week"'))
@handles_errors
def checkin_answer(
    ctx: typer.Context,
    wanted: Annotated[str | None, typer.Argument(metavar="CHECKIN", help=N_(
        "The check-in's id (its first characters are enough)."))] = None,
    overall: Annotated[int, typer.Option("--overall", min=0, max=10, metavar="0-10",
                                         help=N_("How it is going, 0 to 10."))] = ...,  # type: ignore[assignment]  # Typer: a required option
    domains: Annotated[list[str] | None, typer.Option(
        "--domain", metavar="NAME=0-10",
        help=N_("A score for one of the domains asked about (repeat for more)."))] = None,
    line: Annotated[str, typer.Option("--line", metavar="TEXT",
                                      help=N_("A line in your own words."))] = "",
    share_trend: Annotated[bool, typer.Option(
        "--share-trend", help=N_("Let the provider see your answers over time."))] = False,
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.agreements import Agreements

    scores: dict[str, int] = {}
    for item in domains or []:
        name, _sep, score = item.rpartition("=")
        if not name.strip() or not score.strip().isdigit() or int(score) > 10:
            raise typer.BadParameter(_("Write a domain score as NAME=0-10."),
                                     param_hint="--domain")
        scores[name.strip()] = int(score)
    with open_vault(ctx, vault, passphrase_stdin) as opened:
        agreements = Agreements(opened)
        open_ones = agreements.open_checkins()
        found = [c for c in open_ones if wanted is None or c.checkin_id.startswith(wanted.strip())]
        if len(found) != 1:
            echo(_("Error: {message}").format(message=_(
                "Name one open check-in by its id.") if open_ones else _(
                "There is no open check-in to answer.")), err=True)
            for checkin in open_ones:
                echo(f"  {checkin.checkin_id}  {one_line(checkin.question)}", err=True)
            raise typer.Exit(1)
        checkin = found[0]
        agreements.answer_checkin(checkin.partner_id, checkin.checkin_id, overall=overall,
                                  domains=scores, line=line, share_trend=share_trend)
        deliver(opened, relay)
    if as_json:
        print_json({"checkin_id": checkin.checkin_id, "overall": overall})
    else:
        echo(_("Answered."))


@checkin_app.command(
    "schedule", help=N_("Provider: ask a service user QUESTION every few days (the first time"
                        " now)."),
    epilog=N_('Example: reconnect checkin schedule "Kari Nordmann" "How was your week?"'
              " --every 7 --domain Sleep"))
@handles_errors
def checkin_schedule(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_("The service user's name."))],
    question: Annotated[str, typer.Argument(metavar="QUESTION", help=N_("What to ask."))],
    every: Annotated[int, typer.Option("--every", min=1, max=365, metavar="DAYS",
                                       help=N_("Ask again after this many days."))] = 7,
    domains: Annotated[list[str] | None, typer.Option(
        "--domain", metavar="NAME", help=N_("A domain to score as well (repeat for more)."))
    ] = None,
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.agreements import Agreements

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        agreements = Agreements(opened)
        partner = agreements.dyads.partner_named(name)
        schedule_id = agreements.schedule_checkin(partner.id, question, every, domains or [])
        deliver(opened, relay)
    if as_json:
        print_json({"id": schedule_id})
    else:
        echo(ngettext("Scheduled: {name} is asked every day.",
                      "Scheduled: {name} is asked every {n} days.", every).format(
                          name=partner.name, n=every))


@feedback_app.command(
    "give", help=N_("Give feedback on how you work together: felt heard, worked on what"
                    " matters, the way suited you, and overall, each 0 to 10."),
    epilog=N_('Example: reconnect feedback give "Dr Lind" --heard 8 --matters 7 --way 9'
              " --overall 8"))
@handles_errors
def feedback_give(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_("The partner's name."))],
    heard: Annotated[int, typer.Option("--heard", min=0, max=10, metavar="0-10",
                                       help=N_("I felt heard."))] = ...,  # type: ignore[assignment]  # Typer: a required option
    matters: Annotated[int, typer.Option("--matters", min=0, max=10, metavar="0-10",
                                         help=N_("We worked on what matters to me."))] = ...,  # type: ignore[assignment]  # Typer: a required option
    way: Annotated[int, typer.Option("--way", min=0, max=10, metavar="0-10",
                                     help=N_("The way we worked suited me."))] = ...,  # type: ignore[assignment]  # Typer: a required option
    overall: Annotated[int, typer.Option("--overall", min=0, max=10, metavar="0-10",
                                         help=N_("Overall."))] = ...,  # type: ignore[assignment]  # Typer: a required option
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.agreements import Agreements

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        agreements = Agreements(opened)
        partner = agreements.dyads.partner_named(name)
        record = agreements.give_feedback(partner.id, {"heard": heard, "matters": matters,
                                                       "way": way, "overall": overall})
        deliver(opened, relay)
    if as_json:
        print_json(feedback_json(record, {partner.id: partner.name}))
    else:
        echo(_("Thank you: {name} sees your feedback.").format(name=partner.name))


@feedback_app.command("list", help=N_("List the feedback given in your dyads, both ways."),
                      epilog=N_("Example: reconnect feedback list --json"))
@handles_errors
def feedback_list(
    ctx: typer.Context,
    partner_name: WithOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..sync.agreements import Agreements

    with open_vault(ctx, vault, passphrase_stdin) as opened:
        agreements = Agreements(opened)
        partners = agreements.dyads.partners()
        if partner_name:
            partners = [agreements.dyads.partner_named(partner_name)]
        names = {p.id: p.name for p in partners}
        records = [r for p in partners for r in agreements.feedback(p.id)]
    records.sort(key=lambda r: r.given_at)
    if as_json:
        print_json([feedback_json(r, names) for r in records])
        return
    if not records:
        echo(_("No feedback yet."))
    for record in records:
        who = _("you") if record.from_me else names.get(record.partner_id, "")
        scores = "  ".join(f"{key} {value}" for key, value in record.scores.items())
        echo(f"{format_moment(record.given_at)}  {who}  {scores}")
