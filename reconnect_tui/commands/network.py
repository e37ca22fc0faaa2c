"""`reconnect network`: the people on your network map, by closeness ring and sector.

``list --json`` prints each person with ``id``, ``name``, ``relation``, ``sector``, ``ring``,
``contact_frequency``, ``phone``, ``can_help_in_crisis`` and ``notes``; ``add --json`` prints
``{"id": N}``. Phone numbers are read as people write them (``parsing.parse_phone``) and kept in
the vault's country's way of writing them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..i18n import N_, _
from .common import JsonOption, PassphraseStdinOption, VaultOption, echo, handles_errors, print_json
from .items import opened_toolbox, parse_phone_option, pick

if TYPE_CHECKING:
    from ..model import Person, Sector
    from ..store import Toolbox

app = typer.Typer(help=N_("The people on your network map: who is close, who can help."),
                  no_args_is_help=True)

SECTOR_NAMES = ("family", "relatives", "friends", "school-work", "leisure",
                "professional-services")
"""The sectors as written on the command line (``model.Sector`` with dashes for ``/`` and
spaces)."""

PersonArgument = Annotated[str, typer.Argument(metavar="PERSON",
                                               help=N_("The person's id or name."))]
RelationOption = Annotated[str | None, typer.Option(
    "--relation", metavar="TEXT", help=N_("Who they are to you (sister, neighbour …)."))]
SectorOption = Annotated[str | None, typer.Option(
    "--sector", metavar="|".join(SECTOR_NAMES), help=N_("Where in your life they belong."))]
RingOption = Annotated[int | None, typer.Option(
    "--ring", min=1, max=4, metavar="1-4", help=N_("How close: 1 closest, 4 furthest."))]
PhoneOption = Annotated[str | None, typer.Option("--phone", metavar="PHONE",
                                                 help=N_("Their phone number."))]
CrisisOption = Annotated[bool | None, typer.Option(
    "--crisis-helper/--no-crisis-helper",
    help=N_("Whether they can help in a crisis (offered to the crisis plan)."))]
FrequencyOption = Annotated[str | None, typer.Option(
    "--contact-frequency", metavar="TEXT", help=N_("How often you are in touch."))]
NotesOption = Annotated[str | None, typer.Option("--notes", metavar="TEXT",
                                                 help=N_("Notes (replaces them)."))]


def person_json(person: Person) -> dict[str, Any]:
    return {"id": person.id, "name": person.name, "relation": person.relation,
            "sector": person.sector.value, "ring": person.ring,
            "contact_frequency": person.contact_frequency, "phone": person.phone,
            "can_help_in_crisis": person.can_help_in_crisis, "notes": person.notes}


def _sector(text: str) -> Sector:
    from ..model import Sector

    wanted = text.strip().casefold().replace("/", "-").replace(" ", "-")
    for name, sector in zip(SECTOR_NAMES, Sector, strict=True):
        if wanted == name:
            return sector
    raise typer.BadParameter(_("Choose one of: {choices}.").format(
        choices=", ".join(SECTOR_NAMES)), param_hint="--sector")


def find_person(toolbox: Toolbox, wanted: str) -> Person:
    return pick(toolbox.network.list(), wanted, lambda p: p.name, lambda p: p.id, _("people"))


def _apply(person: Person, toolbox: Toolbox, *, relation: str | None, sector: str | None,
           ring: int | None, phone: str | None, crisis: bool | None, frequency: str | None,
           notes: str | None) -> None:
    if relation is not None:
        person.relation = relation
    if sector is not None:
        person.sector = _sector(sector)
    if ring is not None:
        person.ring = ring
    if phone is not None:
        person.phone = parse_phone_option(phone, toolbox) or ""
    if crisis is not None:
        person.can_help_in_crisis = crisis
    if frequency is not None:
        person.contact_frequency = frequency
    if notes is not None:
        person.notes = notes


@app.command("list", help=N_("List the people on your network map, closest first."),
             epilog=N_("Example: reconnect network list --json"))
@handles_errors
def list_people(
    ctx: typer.Context,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        people = toolbox.network.list()
    if as_json:
        print_json([person_json(p) for p in people])
        return
    if not people:
        echo(_("No one on your network map yet. Add someone: reconnect network add NAME"))
    for person in people:
        parts = [person.name, person.relation, person.phone,
                 _("can help in a crisis") if person.can_help_in_crisis else ""]
        ring = _("ring {n}").format(n=person.ring)
        echo(f"{person.id:>4}  {ring}  " + "  ".join(p for p in parts if p))


@app.command("add", help=N_("Add someone to your network map."),
             epilog=N_('Example: reconnect network add "Åse" --relation sister --sector family'
                       " --ring 1 --phone 91234567 --crisis-helper --json"))
@handles_errors
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_("Their name."))],
    relation: RelationOption = None,
    sector: SectorOption = None,
    ring: RingOption = None,
    phone: PhoneOption = None,
    crisis: CrisisOption = None,
    frequency: FrequencyOption = None,
    notes: NotesOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..model import Person

    if not name.strip():
        raise typer.BadParameter(_("The name cannot be empty."), param_hint="NAME")
    if sector is not None:
        _sector(sector)  # a usage error before the vault is opened
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        person = Person(name=name.strip())
        _apply(person, toolbox, relation=relation, sector=sector, ring=ring, phone=phone,
               crisis=crisis, frequency=frequency, notes=notes)
        toolbox.network.add(person)
    if as_json:
        print_json({"id": person.id})
    else:
        echo(_("Added {name} ({id}).").format(name=person.name, id=person.id))


@app.command("edit", help=N_("Change someone on your network map: only what you give changes."),
             epilog=N_('Example: reconnect network edit Åse --ring 2 --no-crisis-helper'))
@handles_errors
def edit(
    ctx: typer.Context,
    wanted: PersonArgument,
    name: Annotated[str | None, typer.Option("--name", metavar="NAME",
                                             help=N_("A new name."))] = None,
    relation: RelationOption = None,
    sector: SectorOption = None,
    ring: RingOption = None,
    phone: PhoneOption = None,
    crisis: CrisisOption = None,
    frequency: FrequencyOption = None,
    notes: NotesOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    if name is not None and not name.strip():
        raise typer.BadParameter(_("The name cannot be empty."), param_hint="--name")
    if sector is not None:
        _sector(sector)
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        person = find_person(toolbox, wanted)
        if name is not None:
            person.name = name.strip()
        _apply(person, toolbox, relation=relation, sector=sector, ring=ring, phone=phone,
               crisis=crisis, frequency=frequency, notes=notes)
        toolbox.network.update(person)
    if as_json:
        print_json({"id": person.id})
    else:
        echo(_("Changed {name} ({id}).").format(name=person.name, id=person.id))


@app.command("remove", help=N_("Take someone off your network map."),
             epilog=N_("Example: reconnect network remove 4"))
@handles_errors
def remove(
    ctx: typer.Context,
    wanted: PersonArgument,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        person = find_person(toolbox, wanted)
        assert person.id is not None
        toolbox.network.delete(person.id)
    if as_json:
        print_json({"id": person.id})
    else:
        echo(_("Removed {name} ({id}).").format(name=person.name, id=person.id))
