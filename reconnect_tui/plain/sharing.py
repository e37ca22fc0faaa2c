"""Sharing: what a service user shows each provider, and the provider's read-only view of it.

Through ``sync/sharing.py`` (the session's ``sharing`` service); a provider reads what is
shared with the same plain lists the owner sees, over the service's read-only toolbox.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from .. import formats
from ..i18n import N_, _, ngettext
from .context import Context
from .crisis import say_plan
from .forms import Field, describe
from .io import Back
from .relay import sync

if TYPE_CHECKING:
    from ..store import Toolbox

T = TypeVar("T")

MODULE_TITLES = {
    "what-matters": N_("What matters"),
    "life-domains": N_("Life domains"),
    "goals": N_("Goals"),
    "network": N_("Network map"),
    "crisis-plan": N_("Crisis plan"),
    "medications": N_("Medication"),
    "exercises": N_("Exercises"),
    "diary": N_("Diary"),
    "registrations": N_("Registrations"),
}


def _module_title(module: str) -> str:
    return _(MODULE_TITLES.get(module, module))


def entry_label(entry: object) -> str:
    module = _module_title(getattr(entry, "module", ""))
    title = getattr(entry, "title", "")
    what = module if getattr(entry, "item_id", None) is None else f"{module}, {title}"
    state = _("paused") if getattr(entry, "paused", False) else _("shared")
    return _("{what} with {name}, {state}").format(what=what,
                                                   name=getattr(entry, "partner_name", ""),
                                                   state=state)


def run(ctx: Context) -> None:
    """The service user's side: what is shared with whom; share more; stop sharing."""
    console = ctx.console
    sharing = ctx.session.sharing
    sync(ctx, quiet=True)
    while True:
        entries = sharing.entries()
        console.say_list(ngettext("{n} thing shared.", "{n} things shared.", len(entries))
                         .format(n=len(entries)), [entry_label(e) for e in entries])
        actions = [_("Share something")] + ([_("Stop sharing something")] if entries else [])
        try:
            choice = console.choose(_("Sharing: who sees what"), actions)
        except Back:
            return
        try:
            if choice == 0:
                share(ctx)
            else:
                stop(ctx, entries)
        except Back:
            continue


def stop(ctx: Context, entries: list) -> None:  # type: ignore[type-arg]
    heading = ngettext("{n} thing shared.", "{n} things shared.", len(entries)).format(
        n=len(entries))
    index = ctx.console.pick(heading, [entry_label(e) for e in entries])
    if index is not None:
        entry = entries[index]
        ctx.session.sharing.revoke(entry.module, entry.item_id, entry.partner_id)
        sync(ctx, quiet=True)
        ctx.console.say(_("Stopped sharing."))


def share(ctx: Context) -> None:
    from ..sync.sharing import SHAREABLE_MODULES

    console = ctx.console
    sharing = ctx.session.sharing
    partners = sharing.partners()
    index = console.pick(ngettext("{n} provider.", "{n} providers.", len(partners))
                         .format(n=len(partners)), [p.name for p in partners])
    if index is None:
        console.say(_("Pair with a provider from Home first."))
        return
    partner = partners[index]
    if not partner.can_share:
        console.say(partner.reason)
        return
    module = SHAREABLE_MODULES[console.choose(
        _("What to share"), [_module_title(m) for m in SHAREABLE_MODULES])]
    item_id: int | None = None
    items = sharing.shareable_items(module)
    if items:
        labels = [_("All of it")] + [title for _id, title in items]
        picked = console.choose(_("All of it, or one item?"), labels)
        item_id = None if picked == 0 else items[picked - 1][0]
    entry = sharing.share(module, item_id, partner.partner_id)
    sync(ctx, quiet=True)
    console.say(_("Shared: {what}.").format(what=entry_label(entry)))


def run_shared(ctx: Context) -> None:
    """The provider's side: each service user's shares, read only."""
    console = ctx.console
    sharing = ctx.session.sharing
    sync(ctx, quiet=True)
    while True:
        people = sharing.shared_with_me()
        heading = ngettext("{n} service user shares with you.",
                           "{n} service users share with you.", len(people)).format(n=len(people))
        try:
            index = console.pick(heading, [p.name for p in people])
        except Back:
            return
        if index is None:
            return
        person = people[index]
        modules = list(dict.fromkeys(i.module for i in person.items))
        try:
            while True:
                picked = console.choose(
                    _("What {name} shares").format(name=person.name),
                    [_("{title}, changed {when}").format(
                        title=_module_title(m), when=formats.format_moment(max(
                            i.changed_at for i in person.items if i.module == m)))
                     for m in modules])
                module = modules[picked]
                read_shared(ctx, sharing.view(person.partner_id), module, person.name)
                sharing.record_view(person.partner_id, module)
        except Back:
            continue


def read_shared(ctx: Context, view: Toolbox, module: str, name: str) -> None:
    """One shared module, read from the provider's read-only copy."""
    from . import diary, domains, goals, medications, network

    console = ctx.console
    if module == "what-matters":
        console.say(_("What is important in my life:"))
        console.say_text(view.what_matters.get() or _("Not written yet."))
    elif module == "crisis-plan":
        say_plan(console, view.crisis_plan.get(), name, ctx.region)
    elif module == "life-domains":
        _read_items(ctx, lambda n: ngettext("{n} life domain.", "{n} life domains.", n),
                    view.domains.list(), domains.label, domains.FIELDS)
    elif module == "goals":
        all_goals = view.goals.list()
        console.say_list(ngettext("{n} goal.", "{n} goals.", len(all_goals))
                         .format(n=len(all_goals)),
                         [goals.goal_label(g, all_goals) for g in all_goals])
        activities = view.goals.activities()
        console.say_list(ngettext("{n} activity.", "{n} activities.", len(activities))
                         .format(n=len(activities)),
                         [goals.activity_label(a) for a in activities])
    elif module == "network":
        _read_items(ctx, lambda n: ngettext("{n} person.", "{n} people.", n), view.network.list(),
                    network.label, network.FIELDS)
    elif module == "medications":
        _read_items(ctx, lambda n: ngettext("{n} medicine.", "{n} medicines.", n),
                    view.medications.list(), lambda m: m.name, medications.FIELDS)
    elif module == "diary":
        entries = view.diary.list()
        console.say_list(ngettext("{n} entry.", "{n} entries.", len(entries))
                         .format(n=len(entries)),
                         [_("{when}: {text}").format(when=formats.format_moment(e.written_at),
                                                     text=e.text) for e in entries])
    elif module == "registrations":
        parameters = view.registrations.list()
        console.say_list(ngettext("{n} thing to register.", "{n} things to register.",
                                  len(parameters)).format(n=len(parameters)),
                         [diary.parameter_label(p) for p in parameters])
    elif module == "exercises":
        log = view.exercises.history()
        titles = {e.id: e.title for e in view.exercises.list()}
        console.say_list(ngettext("{n} exercise done.", "{n} exercises done.", len(log))
                         .format(n=len(log)),
                         [_("{when}: {title}").format(when=formats.format_moment(e.done_at),
                                                      title=titles.get(e.exercise_id, ""))
                          for e in log])


def _read_items(ctx: Context, heading: Callable[[int], str], items: Sequence[T],
                label: Callable[[T], str], fields: Sequence[Field]) -> None:
    ctx.console.say(heading(len(items)).format(n=len(items)))
    for number, item in enumerate(items, start=1):
        ctx.console.say(_("{number}: {text}").format(number=number, text=label(item)))
        describe(ctx.console, item, fields)
