"""The network map as a list: the people around me, closest ring first."""

from __future__ import annotations

from ..i18n import N_, _, ngettext
from ..model import RINGS, Person, Sector
from .context import Context
from .forms import Field
from .records import Records, run_records

SECTOR_TITLES: dict[Sector, str] = {
    Sector.FAMILY: N_("Family"),
    Sector.RELATIVES: N_("Relatives"),
    Sector.FRIENDS: N_("Friends"),
    Sector.SCHOOL_WORK: N_("School or work"),
    Sector.LEISURE: N_("Leisure"),
    Sector.PROFESSIONAL: N_("Professional services"),
}
"""The sectors' titles, the same words as the network screen's form."""

FIELDS = (
    Field("name", N_("Name"), "required"),
    Field("relation", N_("Relation")),
    Field("sector", N_("Sector"), "choice", tuple(SECTOR_TITLES.items())),
    Field("ring", N_("Ring (1 is closest to me)"), "choice", tuple((r, str(r)) for r in RINGS)),
    Field("phone", N_("Phone"), "phone"),
    Field("contact_frequency", N_("How often we are in touch")),
    Field("can_help_in_crisis", N_("Can help me in a crisis"), "bool"),
    Field("notes", N_("Notes")),
)


def label(person: Person) -> str:
    return _("{name}, ring {ring}, {sector}").format(
        name=person.name, ring=person.ring, sector=_(SECTOR_TITLES[person.sector]))


def run(ctx: Context) -> None:
    repo = ctx.toolbox.network
    run_records(ctx, Records[Person](
        title=_("Network map"),
        heading=lambda n: ngettext("{n} person.", "{n} people.", n).format(n=n),
        items=lambda: sorted(repo.list(), key=lambda p: (p.ring, p.name.casefold())),
        label=label,
        fields=FIELDS,
        new=lambda: Person(name=""),
        add=repo.add,
        update=repo.update,
        delete=lambda p: repo.delete(p.id or 0),
    ))
