"""`reconnect crisis-plan show|add|remove`: the crisis plan, a line at a time.

SECTION is a crisis-plan key of the export format written with dashes (``warning-signs``,
``self-help``, ``safe-surroundings`` …, docs/export-format.md). A text section is a list of lines:
``add`` puts TEXT on a new line, ``remove`` takes away the line TEXT names (its number, the whole
line, or a part only it has). ``helpers`` and ``professionals`` hold a name and a phone number
(``--phone``, read by ``parsing.parse_phone``; a helper named as someone on the network map
takes that person's number when none is given). ``show --json`` prints the plan with the export
format's keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..i18n import N_, _
from ..model import CRISIS_TEXT_SECTIONS
from .common import JsonOption, PassphraseStdinOption, VaultOption, echo, handles_errors, print_json
from .items import iso, opened_toolbox, parse_phone_option, pick

if TYPE_CHECKING:
    from ..model import CrisisPlan

app = typer.Typer(help=N_("Your crisis plan: what to do, and whom to call, when things get"
                          " hard."), no_args_is_help=True)

TEXT_SECTIONS = tuple(key.replace("_", "-") for key, _title in CRISIS_TEXT_SECTIONS)
CONTACT_SECTIONS = ("helpers", "professionals")
SECTIONS = TEXT_SECTIONS + CONTACT_SECTIONS
CONTACT_TITLES = {"helpers": N_("People I can ask for help"),
                  "professionals": N_("Professionals and services to contact")}

SectionArgument = Annotated[str, typer.Argument(metavar="SECTION", help=N_(
    "One of: warning-signs, triggers, self-help, distractions, helpers, professionals,"
    " safe-surroundings, how-to-meet-me, treatment-wishes, reasons-for-living."))]


def _section(text: str) -> str:
    wanted = text.strip().casefold().replace("_", "-")
    if wanted not in SECTIONS:
        raise typer.BadParameter(_("Choose one of: {choices}.").format(
            choices=", ".join(SECTIONS)), param_hint="SECTION")
    return wanted


def plan_json(plan: CrisisPlan) -> dict[str, Any]:
    data: dict[str, Any] = {key: getattr(plan, key) for key, _title in CRISIS_TEXT_SECTIONS}
    data["helpers"] = [{"name": h.name, "phone": h.phone, "from_network": h.person_id is not None}
                       for h in plan.helpers]
    data["professionals"] = [{"name": p.name, "phone": p.phone, "role": p.role}
                             for p in plan.professionals]
    data["updated_at"] = iso(plan.updated_at)
    return data


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@app.command("show", help=N_("Show your crisis plan, section by section."),
             epilog=N_("Example: reconnect crisis-plan show --json"))
@handles_errors
def show(
    ctx: typer.Context,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        plan = toolbox.crisis_plan.get()
    if as_json:
        print_json(plan_json(plan))
        return
    if plan.is_empty():
        echo(_("Your crisis plan is empty. Add a line: reconnect crisis-plan add SECTION TEXT"))
        return
    for key, title in CRISIS_TEXT_SECTIONS:
        lines = _lines(getattr(plan, key))
        if lines:
            echo(f"{_(title)} ({key.replace('_', '-')})")
            for number, line in enumerate(lines, 1):
                echo(f"  {number}. {line}")
    for key in CONTACT_SECTIONS:
        contacts: list[Any] = plan.helpers if key == "helpers" else plan.professionals
        if contacts:
            echo(f"{_(CONTACT_TITLES[key])} ({key})")
            for number, contact in enumerate(contacts, 1):
                role = getattr(contact, "role", "")
                details = "  ".join(part for part in (contact.phone, role) if part)
                echo(f"  {number}. {contact.name}  {details}".rstrip())


@app.command("add", help=N_("Add a line to a section of your crisis plan, or a helper or"
                            " professional with a phone number."),
             epilog=N_('Example: reconnect crisis-plan add warning-signs "I stop answering'
                       ' the phone"; reconnect crisis-plan add helpers "Åse" --phone 91234567'))
@handles_errors
def add(
    ctx: typer.Context,
    section: SectionArgument,
    text: Annotated[str, typer.Argument(metavar="TEXT", help=N_(
        "The line, or the helper's or professional's name."))],
    phone: Annotated[str | None, typer.Option("--phone", metavar="PHONE", help=N_(
        "The phone number (helpers and professionals)."))] = None,
    role: Annotated[str | None, typer.Option("--role", metavar="TEXT", help=N_(
        "What the professional or service is (GP, crisis team …)."))] = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..model import Helper, ServiceContact

    key = _section(section)
    if not text.strip():
        raise typer.BadParameter(_("The text cannot be empty."), param_hint="TEXT")
    if key in TEXT_SECTIONS and (phone is not None or role is not None):
        raise typer.BadParameter(_("--phone and --role belong to helpers and professionals."),
                                 param_hint="SECTION")
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        plan = toolbox.crisis_plan.get()
        if key in TEXT_SECTIONS:
            field = key.replace("-", "_")
            setattr(plan, field, "\n".join([*_lines(getattr(plan, field)), text.strip()]))
        else:
            name = text.strip()
            known = [p for p in toolbox.network.list() if p.name.casefold() == name.casefold()]
            person = known[0] if len(known) == 1 else None
            number = parse_phone_option(phone, toolbox)
            if not number and person is not None and key == "helpers":
                number = person.phone
            if not number:
                raise typer.BadParameter(_("A helper or professional needs a phone number."),
                                         param_hint="--phone")
            if key == "helpers":
                plan.helpers.append(Helper(name=name, phone=number,
                                           person_id=person.id if person else None))
            else:
                plan.professionals.append(ServiceContact(name=name, phone=number,
                                                         role=(role or "").strip()))
        toolbox.crisis_plan.save(plan)
    if as_json:
        print_json(plan_json(plan))
    else:
        echo(_("Added to your crisis plan."))


@app.command("remove", help=N_("Take a line, a helper or a professional out of your crisis"
                               " plan."),
             epilog=N_('Example: reconnect crisis-plan remove warning-signs 2; reconnect'
                       ' crisis-plan remove helpers "Åse"'))
@handles_errors
def remove(
    ctx: typer.Context,
    section: SectionArgument,
    text: Annotated[str, typer.Argument(metavar="TEXT", help=N_(
        "The line's number or text, or the helper's or professional's name."))],
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    key = _section(section)
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        plan = toolbox.crisis_plan.get()
        if key in TEXT_SECTIONS:
            field = key.replace("-", "_")
            lines = list(enumerate(_lines(getattr(plan, field)), 1))
            number, _line = pick(lines, text, lambda item: item[1], lambda item: item[0],
                                 _("lines"))
            setattr(plan, field, "\n".join(line for n, line in lines if n != number))
        else:
            contacts: list[Any] = plan.helpers if key == "helpers" else plan.professionals
            numbered = list(enumerate(contacts, 1))
            number, _contact = pick(numbered, text, lambda item: item[1].name,
                                    lambda item: item[0], _("names"))
            del contacts[number - 1]
        toolbox.crisis_plan.save(plan)
    if as_json:
        print_json(plan_json(plan))
    else:
        echo(_("Taken out of your crisis plan."))
