"""The crisis plan: read aloud from any prompt (``crisis``), and edited section by section.

What is read is the crisis plan document every export and the full app's F2 build
(``export/document.py``): the same sections in the same order, the same words.
"""

from __future__ import annotations

from ..export.document import build_document, contact_text
from ..i18n import N_, _, ngettext
from ..model import CrisisPlan, Helper, Role, ServiceContact
from .context import Context
from .forms import Field, fill
from .io import Back, Console

HELPER_FIELDS = (Field("name", N_("Name"), "required"), Field("phone", N_("Phone"), "phone"))
PROFESSIONAL_FIELDS = (Field("name", N_("Name"), "required"), Field("role", N_("Role")),
                       Field("phone", N_("Phone"), "phone"))


def say_plan(console: Console, plan: CrisisPlan, name: str, locale: str) -> None:
    """The plan as lines: title, each section's title then its lines or contacts (counted)."""
    document = build_document(plan, name, locale)
    console.say(document.title)
    if plan.updated_at is not None:
        console.say(document.date_line)
    filled = [s for s in document.sections if s.filled]
    console.say(ngettext("{n} of {total} section filled in.", "{n} of {total} sections filled"
                         " in.", len(filled)).format(n=len(filled),
                                                     total=len(document.sections)))
    for section in document.sections:
        if not section.filled:
            console.say(_("{title}: not filled in.").format(title=section.title))
        elif section.contacts:
            console.say_list(
                ngettext("{title}: {n} contact.", "{title}: {n} contacts.",
                         len(section.contacts)).format(title=section.title,
                                                      n=len(section.contacts)),
                [contact_text(c) for c in section.contacts])
        else:
            console.say(_("{title}:").format(title=section.title))
            for line in section.lines:
                if line.strip():
                    console.say(line.strip())


def show(ctx: Context) -> None:
    """The full app's F2: the numbers, the notice, and the crisis plan (a provider: the plans
    service users share with them)."""
    console = ctx.console
    console.emergency()
    console.say(_("ReConnect is not for emergencies. Messages may not be read for days."
                  " If you are in danger or cannot keep yourself safe, call now."))
    profile = ctx.toolbox.profile.get()
    if profile.role is Role.PROVIDER:
        _shared_plans(ctx)
        return
    say_plan(console, ctx.toolbox.crisis_plan.get(), profile.name, profile.locale)


def _shared_plans(ctx: Context) -> None:
    people = [p for p in ctx.session.sharing.shared_with_me()
              if any(i.module == "crisis-plan" for i in p.items)]
    heading = ngettext("{n} crisis plan shared with you.", "{n} crisis plans shared with you.",
                       len(people)).format(n=len(people))
    try:
        index = ctx.console.pick(heading, [p.name for p in people])
    except Back:
        return
    if index is None:
        return
    person = people[index]
    plan = ctx.session.sharing.view(person.partner_id).crisis_plan.get()
    ctx.session.sharing.record_view(person.partner_id, "crisis-plan")
    say_plan(ctx.console, plan, person.name, ctx.region)


def run(ctx: Context) -> None:
    """The crisis plan module: read it, edit a section, add or remove contacts."""
    console = ctx.console
    repo = ctx.toolbox.crisis_plan
    document_sections = build_document(CrisisPlan(), "", ctx.region).sections
    while True:
        plan = repo.get()
        profile = ctx.toolbox.profile.get()
        say_plan(console, plan, profile.name, profile.locale)
        try:
            choice = console.choose(_("Crisis plan"), [
                _("Edit a section"), _("Add a person I can ask for help"),
                _("Add a professional or service"), _("Remove a contact")])
        except Back:
            return
        try:
            if choice == 0:
                _edit_section(ctx, plan, [s for s in document_sections
                                          if s.spec.kind == "text"])
            elif choice == 1:
                plan.helpers.append(fill(console, Helper(name=""), HELPER_FIELDS, editing=False,
                                         today=ctx.today(), region=ctx.region))
            elif choice == 2:
                plan.professionals.append(fill(console, ServiceContact(name=""),
                                               PROFESSIONAL_FIELDS, editing=False,
                                               today=ctx.today(), region=ctx.region))
            else:
                _remove_contact(ctx, plan)
        except Back:
            continue
        repo.save(plan)
        console.say(_("Crisis plan saved."))


def _edit_section(ctx: Context, plan: CrisisPlan, sections: list) -> None:  # type: ignore[type-arg]
    console = ctx.console
    index = console.choose(_("Which section?"), [s.title for s in sections])
    key = sections[index].spec.key
    current: str = getattr(plan, key)
    if current:
        console.say(_("Now:"))
        console.say_text(current)
    console.say(_("Type the new text, one line at a time. An empty line ends it; a dash (-)"
                  " alone empties the section; q keeps it as it was."))
    lines: list[str] = []
    while True:
        line = console.ask(_("Line {n}:").format(n=len(lines) + 1))
        if line == "-" and not lines:
            setattr(plan, key, "")
            return
        if not line:
            break
        lines.append(line)
    if lines:
        setattr(plan, key, "\n".join(lines))


def _remove_contact(ctx: Context, plan: CrisisPlan) -> None:
    contacts: list[tuple[str, object]] = [(h.name, h) for h in plan.helpers] + [
        (p.name, p) for p in plan.professionals]
    index = ctx.console.pick(ngettext("{n} contact.", "{n} contacts.", len(contacts))
                             .format(n=len(contacts)), [name for name, _c in contacts])
    if index is None:
        raise Back
    item = contacts[index][1]
    if isinstance(item, Helper):
        plan.helpers.remove(item)
    else:
        plan.professionals.remove(item)  # type: ignore[arg-type]
