"""Messages with each partner, the dyad's agreement and its check-ins.

Each partner has one menu: read the conversation, write, the agreement (show, propose, accept,
decline with a reason), check-ins, and the safety number. Everything goes through the session's
services (``sync/dyads.py``, ``sync/agreements.py``); what partners wrote is cleaned by
``text_safety`` on the way in and again by :func:`io.plain_text` on the way out.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from .. import formats
from ..domain_names import domain_label
from ..errors import ReconnectError
from ..i18n import N_, _, ngettext
from ..model import Role
from ..parsing import ParseError, parse_day, parse_number, parse_time
from ..sync import agreement_terms
from ..sync.about import ItemRef
from .context import Context
from .forms import ask_text
from .io import Back
from .relay import sync

STATUS_TEXTS = {
    "queued": N_("queued"),
    "delivered": N_("delivered"),
    "read": N_("read"),
    "unread": N_("unread"),
    "unverified": N_("unverified"),
}
"""The same words as ``reconnect message list``."""


def run(ctx: Context) -> None:
    from ..store.repositories.imported_history import ImportedHistoryRepository

    sync(ctx, quiet=True)
    imported = ImportedHistoryRepository(ctx.session.vault).entries()
    while True:
        summaries = ctx.session.dyads.summaries()
        heading = ngettext("{n} conversation.", "{n} conversations.", len(summaries)).format(
            n=len(summaries))
        labels = [ngettext("{name}, {n} unread", "{name}, {n} unread", s.unread).format(
            name=s.partner.name, n=s.unread) if s.unread else s.partner.name
            for s in summaries]
        if imported:
            labels.append(_("Imported history"))
            heading = ngettext("{n} choice.", "{n} choices.", len(labels)).format(n=len(labels))
        if not labels:
            ctx.console.say(heading)
            ctx.console.say(_("Pair with someone from Home first."))
            return
        try:
            index = ctx.console.pick(heading, labels)
        except Back:
            return
        if index is None:
            continue
        try:
            if index == len(summaries):
                imported_history(ctx, imported)
            else:
                partner_menu(ctx, summaries[index].partner.id)
        except Back:
            continue


def imported_history(ctx: Context, entries: list[Any]) -> None:
    """Conversations and forums an import file brought: read only, never reconnected."""
    for entry in entries:
        items = entry.data.get("messages" if entry.kind == "dyad" else "posts", [])
        if entry.kind == "dyad":
            heading = ngettext(
                "Conversation with {name} (imported, read only): {n} message.",
                "Conversation with {name} (imported, read only): {n} messages.",
                len(items)).format(name=entry.name, n=len(items))
            lines = [_("{when}, {sender}: {text}").format(
                when=_history_time(m.get("sent_at")),
                sender=_("you") if m.get("outgoing") else entry.name,
                text=m.get("text", "")) for m in items]
        else:
            heading = ngettext(
                "Forum {name} (imported, read only): {n} post.",
                "Forum {name} (imported, read only): {n} posts.",
                len(items)).format(name=entry.name, n=len(items))
            lines = [_("{when}, {sender}: {text}").format(
                when=_history_time(p.get("posted_at")), sender=p.get("author", ""),
                text=p.get("text", "")) for p in items]
        ctx.console.say_list(heading, lines)


def _history_time(text: object) -> str:
    from datetime import UTC, datetime

    try:
        when = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    return formats.format_moment(when if when.tzinfo else when.replace(tzinfo=UTC))


def partner_menu(ctx: Context, partner_id: int) -> None:
    while True:
        partner = next(p for p in ctx.session.dyads.partners() if p.id == partner_id)
        actions = [
            (_("Read the conversation"), lambda: read(ctx, partner_id)),
            (_("Write a message"), lambda: write(ctx, partner_id)),
            (_("Agreement"), lambda: agreement(ctx, partner_id)),
            (_("Check-ins"), lambda: checkins(ctx, partner_id)),
            (_("Feedback on how we work"), lambda: feedback(ctx, partner_id)),
            (_("Safety number"), lambda: safety_number(ctx, partner_id)),
            (_("Read receipts off") if partner.read_receipts else _("Read receipts on"),
             lambda: receipts(ctx, partner_id)),
            (_("Reply to a message"), lambda: reply(ctx, partner_id)),
            (_("Write about an item"), lambda: write_about(ctx, partner_id)),
            (_("Kept for our next meeting"), lambda: kept(ctx, partner_id)),
        ]
        choice = ctx.console.choose(partner.name, [label for label, _a in actions])
        try:
            actions[choice][1]()
        except Back:
            continue
        except ReconnectError as error:
            ctx.console.say(_("That did not work: {reason}").format(reason=str(error)))


def message_line(message: Any) -> str:
    """One message as a sentence: when, who, status, and the text."""
    text = (message.text if message.status != "unverified"
            else _("a message that could not be verified, not shown"))
    state = _(STATUS_TEXTS.get(message.status, message.status))
    about = ""
    if message.about is not None:
        about = _(" about {title}").format(
            title=message.about.title or _("an item whose title is not shared"))
    return _("{when}, {sender} wrote{about} ({state}): {text}").format(
        when=formats.format_moment(message.sent_at), sender=message.sender, about=about,
        state=state, text=text)


def read(ctx: Context, partner_id: int) -> None:
    dyads = ctx.session.dyads
    messages = dyads.conversation(partner_id)
    ctx.console.say_list(ngettext("{n} message.", "{n} messages.", len(messages))
                         .format(n=len(messages)), [message_line(m) for m in messages])
    dyads.mark_read(partner_id)


def write(ctx: Context, partner_id: int, *, reply_to: str | None = None,
          about: ItemRef | None = None) -> None:
    """Write one message (the answer to ``reply_to``, or about the item ``about``)."""
    console = ctx.console
    console.say(_("ReConnect is not for emergencies. Messages may not be read for days."
                  " If you are in danger or cannot keep yourself safe, call now."))
    text = ask_text(console, _("Your message (one line; q cancels):"))
    agreements = ctx.session.agreements
    if agreements.is_much_longer(partner_id, text):
        console.say(_("This is much longer than you agreed on for messages."))
        if not console.confirm(_("Send it anyway?")):
            agreements.keep_for_meeting(partner_id, text)
            console.say(_("Kept for your next meeting."))
            return
    message = ctx.session.dyads.send(partner_id, text, reply_to=reply_to, about=about)
    sync(ctx, quiet=True)
    sent = next((m for m in ctx.session.dyads.conversation(partner_id) if m.id == message.id),
                message)
    if sent.status == "queued":
        console.say(_("Queued: it is sent at the next sync."))
    else:
        console.say(_("Sent."))


def reply(ctx: Context, partner_id: int) -> None:
    """Answer one of the partner's messages, chosen by its number (the full app answers their
    newest; here any of theirs)."""
    theirs = [m for m in ctx.session.dyads.conversation(partner_id)
              if not m.outgoing and m.status != "unverified"]
    index = ctx.console.pick(
        ngettext("{n} message to reply to.", "{n} messages to reply to.", len(theirs))
        .format(n=len(theirs)), [message_line(m) for m in theirs])
    if index is not None:
        write(ctx, partner_id, reply_to=theirs[index].id)


def about_items(ctx: Context, partner_id: int) -> list[ItemRef]:
    """What a message may be about, as the full app's Ctrl+T offers: own goals not done, life
    domains, and the items the partner's messages were about."""
    toolbox = ctx.toolbox
    items = [ItemRef("goals", goal.id or 0, goal.title) for goal in toolbox.goals.list()
             if not goal.done]
    items += [ItemRef("life-domains", domain.id or 0, domain.name)
              for domain in toolbox.domains.list()]
    for message in reversed(ctx.session.dyads.conversation(partner_id)):
        if message.about is not None and message.about.title and message.about not in items:
            items.append(message.about)
    return items


def about_label(about: ItemRef) -> str:
    """An item a message is about, with its kind: "Goal: Walk daily"."""
    title = domain_label(about.title) if about.module == "life-domains" else about.title
    kind = {"goals": _("Goal"), "life-domains": _("Life domain")}.get(about.module, _("Item"))
    return _("{kind}: {title}").format(kind=kind, title=title)


def write_about(ctx: Context, partner_id: int) -> None:
    """A message about an item; its title travels only to a partner who can see the item
    (``sync/about.py``): otherwise share it first or send it without the title."""
    console = ctx.console
    items = about_items(ctx, partner_id)
    index = console.pick(ngettext("{n} item.", "{n} items.", len(items)).format(n=len(items)),
                         [about_label(item) for item in items])
    if index is None:
        return
    about = items[index]
    check = ctx.session.dyads.about_check(partner_id, about)
    if not check.title_travels:
        partner = next(p for p in ctx.session.dyads.partners() if p.id == partner_id)
        console.say(_("{name} cannot see {item}: its title does not go with the message"
                      " unless you share it.").format(name=partner.name,
                                                      item=about_label(about)))
        options = [_("Send it without the title")]
        if check.can_share:
            options.insert(0, _("Share it with {name} first").format(name=partner.name))
        if console.choose(_("The title"), options) == 0 and check.can_share:
            ctx.session.sharing.share(about.module, about.item_id, partner_id)
            console.say(_("{title} is now shared with {name}.").format(
                title=about_label(about), name=partner.name))
    write(ctx, partner_id, about=about)


def kept(ctx: Context, partner_id: int) -> None:
    """The messages kept for the next meeting instead of sent: read them, remove one."""
    agreements = ctx.session.agreements
    while True:
        drafts = agreements.drafts(partner_id)
        lines = [_("{when}: {text}").format(when=formats.format_moment(d.created_at),
                                           text=d.text) for d in drafts]
        heading = ngettext("{n} message kept for your next meeting.",
                           "{n} messages kept for your next meeting.", len(drafts)).format(
            n=len(drafts))
        ctx.console.say_list(heading, lines)
        if not drafts:
            return
        ctx.console.choose(_("Kept for our next meeting"), [_("Remove one")])
        index = ctx.console.pick(heading, lines)
        if index is not None and ctx.console.confirm(_("Remove it?")):
            agreements.delete_draft(partner_id, drafts[index].id)
            ctx.console.say(_("Removed."))


def safety_number(ctx: Context, partner_id: int) -> None:
    dyads = ctx.session.dyads
    partner = next(p for p in dyads.partners() if p.id == partner_id)
    console = ctx.console
    console.say(_("Safety number: {number}").format(number=partner.safety_number))
    console.say(_("verified") if partner.verified else _("not verified"))
    if not partner.verified and console.confirm(
            _("Did you compare it face to face, and is it the same?")):
        dyads.verify(partner_id)
        console.say(_("{name} is verified ({number}).").format(
            name=partner.name, number=partner.safety_number))


# -- the agreement ----------------------------------------------------------------------------

def say_terms(ctx: Context, terms: dict[str, Any]) -> None:
    ctx.console.say_list(ngettext("{n} term.", "{n} terms.", len(terms)).format(n=len(terms)),
                         [_("{key}: {value}").format(
                             key=_(agreement_terms.TERM_LABELS.get(key, key)),
                             value=_value_text(value))
                          for key, value in terms.items()])


def _value_text(value: object) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None or value == "":
        return _("empty")
    return str(value)


def agreement(ctx: Context, partner_id: int) -> None:
    console = ctx.console
    agreements = ctx.session.agreements
    partner = next(p for p in ctx.session.dyads.partners() if p.id == partner_id)
    while True:
        sync(ctx, quiet=True)
        state = agreements.state(partner_id)
        labels = {"none": _("No agreement yet"), "proposed": _("Proposed"),
                  "accepted": _("Accepted")}
        console.say(_("Agreement with {name}: {status}").format(name=partner.name,
                                                                status=labels[state.status]))
        shown = state.shown
        if shown is not None:
            who = _("you") if shown.proposed_by_me else partner.name
            console.say(_("Version {n}, proposed by {who}").format(n=shown.version, who=who))
            say_terms(ctx, shown.terms)
        for declined in (v for v in state.history if v.declined):
            who = _("you") if declined.declined_by_me else partner.name
            console.say(_("Version {n} was declined by {who}.").format(n=declined.version,
                                                                        who=who))
            if declined.decline_reason:
                console.say(_("Reason: {reason}").format(reason=declined.decline_reason))
        if state.review_on:
            console.say(_("Talk it over again on {day}").format(
                day=formats.format_day(state.review_on)))
        actions = [(_("Propose a new version"), lambda: propose(ctx, partner_id))]
        if state.pending is not None and not state.pending.proposed_by_me:
            actions += [(_("Accept the proposal"), lambda: accept(ctx, partner_id)),
                        (_("Decline the proposal"), lambda: decline(ctx, partner_id))]
        choice = console.choose(_("Agreement"), [label for label, _a in actions])
        try:
            actions[choice][1]()
        except Back:
            continue
        except ReconnectError as error:
            console.say(_("That did not work: {reason}").format(reason=str(error)))


def propose(ctx: Context, partner_id: int) -> None:
    """The terms one field at a time, as the Agreement screen's form: each with its label and
    its current value as the default (Enter keeps it, a dash empties it), read by the same
    rules (``parsing.py``) and checked by the same ``agreement_terms.check_form``."""
    console = ctx.console
    agreements = ctx.session.agreements
    shown = agreements.state(partner_id).shown
    values = agreement_terms.form_values(
        dict(shown.terms if shown is not None else agreements.template()))
    console.say(_("One term at a time. Enter keeps what is there; a dash (-) empties a term."))
    fields = {field.name: field for field in agreement_terms.FORM_FIELDS}
    for field in agreement_terms.FORM_FIELDS:
        values[field.name] = _ask_term(ctx, field, values.get(field.name))
    while True:
        try:
            terms = agreement_terms.check_form(values)
            break
        except agreement_terms.TermsError as error:
            console.say(str(error))
            wrong = fields.get(error.key or "")
            if wrong is None:
                raise
            values[wrong.name] = _ask_term(ctx, wrong, values.get(wrong.name))
    version = agreements.propose(partner_id, terms)
    sync(ctx, quiet=True)
    console.say(_("Proposed version {n}.").format(n=version.version))


def _term_text(field: agreement_terms.TermField, value: object) -> str:
    if field.kind == "time" and isinstance(value, time):
        return f"{value:%H:%M}"
    if field.kind == "date" and isinstance(value, date):
        return formats.day(value)
    return _value_text(value)


def _ask_term(ctx: Context, field: agreement_terms.TermField, current: object) -> object:
    """One term's answer, parsed as the form's field of that kind parses it."""
    console = ctx.console
    question = _("{label} (now {value}):").format(label=_(field.label),
                                                  value=_term_text(field, current))
    while True:
        answer = console.ask(question)
        if not answer:
            return current
        if answer == "-":
            if field.required:
                console.say(_("This one cannot be empty."))
                continue
            return None if field.kind in ("int", "date", "time") else \
                False if field.kind == "bool" else ""
        try:
            if field.kind == "int":
                number = parse_number(answer)
                if number != int(number):
                    raise ParseError(_("Type a whole number."))
                return int(number)
            if field.kind == "time":
                return parse_time(answer)
            if field.kind == "date":
                return parse_day(answer, ctx.today())
            if field.kind == "bool":
                word = answer.casefold()
                if word in {"y", "yes", "j", "ja", _("yes").casefold()}:
                    return True
                if word in {"n", "no", "nei", _("no").casefold()}:
                    return False
                raise ParseError(_("Type yes or no."))
            return answer
        except ParseError as error:
            console.say(str(error))


def accept(ctx: Context, partner_id: int) -> None:
    version = ctx.session.agreements.accept(partner_id)
    sync(ctx, quiet=True)
    ctx.console.say(_("Accepted version {n}.").format(n=version.version))


def decline(ctx: Context, partner_id: int) -> None:
    reason = ctx.console.ask(_("Why you decline, if you like (Enter for no reason):"))
    version = ctx.session.agreements.decline(partner_id, reason)
    sync(ctx, quiet=True)
    ctx.console.say(_("Declined version {n}.").format(n=version.version))


# -- check-ins --------------------------------------------------------------------------------

def checkins(ctx: Context, partner_id: int) -> None:
    console = ctx.console
    agreements = ctx.session.agreements
    while True:
        sync(ctx, quiet=True)
        found = agreements.checkins(partner_id)
        console.say_list(ngettext("{n} check-in.", "{n} check-ins.", len(found))
                         .format(n=len(found)), [_checkin_line(c) for c in found])
        provider = ctx.role is Role.PROVIDER
        actions = []
        if provider:
            actions.append((_("Schedule a check-in"), lambda: schedule(ctx, partner_id)))
            if any(c.answered_at for c in found):
                agreements.mark_answers_seen(partner_id)
        else:
            open_ones = [c for c in agreements.open_checkins() if c.partner_id == partner_id]
            if open_ones:
                actions.append((_("Answer a check-in"), lambda: answer(ctx, partner_id)))
        if not actions:
            return
        choice = console.choose(_("Check-ins"), [label for label, _a in actions])
        try:
            actions[choice][1]()
        except Back:
            continue


def _checkin_line(checkin: Any) -> str:
    asked = formats.format_moment(checkin.sent_at)
    if checkin.answered_at is None:
        return _("{question}, asked {when}, not answered yet").format(
            question=checkin.question, when=asked)
    line = _("{question}, asked {when}, answered {overall} of 10").format(
        question=checkin.question, when=asked, overall=checkin.overall)
    return f"{line}. {checkin.line}" if checkin.line else line


def schedule(ctx: Context, partner_id: int) -> None:
    console = ctx.console
    question = ask_text(console, _("What to ask:"))
    while True:
        every = console.ask(_("Ask again after how many days? (Enter for 7)")) or "7"
        if every.isdigit() and 1 <= int(every) <= 365:
            break
        console.say(_("Type a number of days from 1 to 365."))
    ctx.session.agreements.schedule_checkin(partner_id, question, int(every), [])
    sync(ctx, quiet=True)
    console.say(_("Scheduled."))


def answer(ctx: Context, partner_id: int) -> None:
    console = ctx.console
    agreements = ctx.session.agreements
    open_ones = [c for c in agreements.open_checkins() if c.partner_id == partner_id]
    index = console.pick(ngettext("{n} open check-in.", "{n} open check-ins.", len(open_ones))
                         .format(n=len(open_ones)), [c.question for c in open_ones])
    if index is None:
        return
    checkin = open_ones[index]
    while True:
        overall = console.ask(_("{question} From 0 to 10:").format(question=checkin.question))
        if overall.isdigit() and 0 <= int(overall) <= 10:
            break
        console.say(_("Type a whole number from 0 to 10."))
    line = console.ask(_("A line to go with it, if you like (Enter for none):"))
    agreements.answer_checkin(partner_id, checkin.checkin_id, overall=int(overall), line=line)
    sync(ctx, quiet=True)
    console.say(_("Answered."))


# -- feedback and read receipts ---------------------------------------------------------------

FEEDBACK_SCALES = {
    "heard": N_("I felt heard"),
    "matters": N_("We worked on what matters to me"),
    "way": N_("The way we worked suited me"),
    "overall": N_("Overall"),
}
"""The four scales, in the words of the full app's feedback form (``screens/trends.py``)."""


def feedback(ctx: Context, partner_id: int) -> None:
    console = ctx.console
    agreements = ctx.session.agreements
    records = agreements.feedback(partner_id)
    console.say_list(
        ngettext("{n} feedback given.", "{n} feedbacks given.", len(records)).format(
            n=len(records)),
        [_("{when}, {who}: {scores}").format(
            when=formats.format_moment(r.given_at), who=_("you") if r.from_me else _("partner"),
            scores=", ".join(_("{label} {score}").format(label=_(FEEDBACK_SCALES.get(k, k)),
                                                         score=v) for k, v in r.scores.items()))
         for r in records])
    if not console.confirm(_("Give feedback now?")):
        return
    console.say(_("From 0 (not at all) to 10 (completely). You both see it."))
    scores: dict[str, int] = {}
    for key, label in FEEDBACK_SCALES.items():
        while True:
            answer = console.ask(_("{question} From 0 to 10:").format(question=_(label)))
            if answer.isdigit() and 0 <= int(answer) <= 10:
                scores[key] = int(answer)
                break
            console.say(_("Type a whole number from 0 to 10."))
    agreements.give_feedback(partner_id, scores)
    sync(ctx, quiet=True)
    console.say(_("Thank you. {name} sees your feedback after the next sync.").format(
        name=next(p.name for p in ctx.session.dyads.partners() if p.id == partner_id)))


def receipts(ctx: Context, partner_id: int) -> None:
    dyads = ctx.session.dyads
    partner = next(p for p in dyads.partners() if p.id == partner_id)
    dyads.set_read_receipts(partner_id, not partner.read_receipts)
    if partner.read_receipts:
        message = _("Read receipts off: {name} no longer sees when you have read a message.")
    else:
        message = _("Read receipts on: {name} sees when you have read a message.")
    ctx.console.say(message.format(name=partner.name))
