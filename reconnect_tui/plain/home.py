"""Home: the summary the full app's Home shows, then the way to every module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import formats
from ..errors import ReconnectError
from ..i18n import N_, _, ngettext
from ..model import Role
from . import crisis, diary, domains, exercises, goals, info, medications, network, search
from .context import Context
from .io import Back

SHOWN_ACTIVITIES = 6
SHOWN_GOALS = 5
USER, BOTH, PROVIDER = (Role.USER,), (Role.USER, Role.PROVIDER), (Role.PROVIDER,)


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    """The module's id in ``screens/registry.py`` (a test keeps the two lists alike)."""
    title: str
    run: Callable[[Context], None]
    roles: tuple[Role, ...] = USER


def _messages(ctx: Context) -> None:
    from . import messages

    messages.run(ctx)


def _sharing(ctx: Context) -> None:
    from . import sharing

    sharing.run(ctx)


def _shared(ctx: Context) -> None:
    from . import sharing

    sharing.run_shared(ctx)


def _settings(ctx: Context) -> None:
    from . import settings

    settings.run(ctx)


def _forum(ctx: Context) -> None:
    from . import forum

    forum.run(ctx)


def _devices(ctx: Context) -> None:
    from . import devices

    devices.run(ctx)


AREAS: tuple[Area, ...] = (
    Area("life-domains", N_("What matters and life domains"), domains.run),
    Area("goals", N_("Goals"), goals.run),
    Area("network", N_("Network map"), network.run),
    Area("crisis-plan", N_("Crisis plan"), crisis.run),
    Area("exercises", N_("Exercises"), exercises.run),
    Area("medications", N_("Medication"), medications.run),
    Area("diary", N_("Diary and registrations"), diary.run),
    Area("info", N_("Information and local links"), info.run, BOTH),
    Area("search", N_("Search"), search.run),
    Area("messages", N_("Messages"), _messages, BOTH),
    Area("sharing", N_("Sharing: who sees what"), _sharing),
    Area("shared", N_("Shared with me"), _shared, PROVIDER),
    Area("forum", N_("Peer forum"), _forum),
    Area("devices", N_("Devices"), _devices, BOTH),
)
"""The modules, in the full app's order (``screens/registry.py``: that one imports Textual)."""


def summary(ctx: Context) -> None:
    """What Home says first: unread messages, this week's activities, goals, what matters."""
    console = ctx.console
    toolbox = ctx.toolbox
    profile = toolbox.profile.get()
    console.say(_("Home. Signed in as {name}.").format(name=profile.name))
    dyads = ctx.session.dyads
    if dyads.partners():
        unread = dyads.unread_total()
        console.say(ngettext("{n} unread message.", "{n} unread messages.", unread)
                    .format(n=unread))
    if profile.role is Role.PROVIDER:
        summaries = dyads.summaries()
        console.say_list(
            ngettext("{n} service user.", "{n} service users.", len(summaries))
            .format(n=len(summaries)),
            [ngettext("{name}, {n} unread", "{name}, {n} unread", s.unread).format(
                name=s.partner.name, n=s.unread) if s.unread else s.partner.name
             for s in summaries])
        answers = ctx.session.agreements.new_answers()
        if answers:
            console.say(ngettext("{n} new check-in answer.", "{n} new check-in answers.",
                                 len(answers)).format(n=len(answers)))
        return
    today = ctx.today()
    activities = toolbox.goals.due_this_week(today)[:SHOWN_ACTIVITIES]
    console.say_list(
        ngettext("{n} activity today and this week.", "{n} activities today and this week.",
                 len(activities)).format(n=len(activities)),
        [_("{title}, {when}").format(title=a.title, when=_when(a.scheduled_on, today))
         for a in activities])
    current = [g for g in toolbox.goals.list() if g.parent_id is None and not g.done]
    current = current[:SHOWN_GOALS]
    console.say_list(ngettext("{n} current goal.", "{n} current goals.", len(current))
                     .format(n=len(current)), [g.title for g in current])
    matters = toolbox.what_matters.get()
    if matters:
        console.say(_("What is important in my life:"))
        console.say_text(matters)


def _when(day: object, today: object) -> str:
    from datetime import date

    if not isinstance(day, date) or not isinstance(today, date):
        return ""
    if day < today:
        return _("overdue since {day}").format(day=formats.day(day))
    if day == today:
        return _("today")
    return formats.weekday(day)


class Locked(Exception):
    """The person chose Lock: close the vault and ask for the passphrase again."""


class Quit(Exception):
    """The person chose Quit."""


def run(ctx: Context) -> None:
    """Home until Lock (raises Locked) or Quit (raises Quit); ``q`` at Home says how to leave."""
    from . import relay

    role = ctx.role
    areas = [a for a in AREAS if role in a.roles]
    extra: list[tuple[str, Callable[[], None]]] = [
        (_("Pair with someone"), lambda: relay.pair(ctx)),
        (_("Sync now"), lambda: _ignore(relay.sync(ctx))),
        (_("Crisis plan and emergency numbers"), lambda: crisis.show(ctx)),
        (_("Settings"), lambda: _settings(ctx)),
        (_("Lock"), _raise(Locked)),
        (_("Quit"), _raise(Quit)),
    ]
    summary(ctx)
    while True:
        labels = [_(a.title) for a in areas] + [label for label, _a in extra]
        try:
            choice = ctx.console.choose(_("Home"), labels)
        except Back:
            ctx.console.say(_("You are at Home. Choose Lock or Quit to leave."))
            continue
        try:
            if choice < len(areas):
                areas[choice].run(ctx)
            else:
                extra[choice - len(areas)][1]()
        except Back:
            continue
        except ReconnectError as error:  # said in one line; the vault is as it was
            ctx.console.say(_("That did not work: {reason}").format(reason=str(error)))


def _ignore(_value: object) -> None:
    return None


def _raise(error: type[Exception]) -> Callable[[], None]:
    def action() -> None:
        raise error

    return action
