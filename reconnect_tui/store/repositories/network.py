"""The network map: people by closeness ring and sector."""

from __future__ import annotations

from ...model import Person, Sector
from ..db import Row
from ._base import TableRepository


class NetworkRepository(TableRepository[Person]):
    table = "people"
    item_type = Person
    columns = (
        "name",
        "relation",
        "sector",
        "ring",
        "contact_frequency",
        "phone",
        "can_help_in_crisis",
        "notes",
    )
    order_by = "ring, name COLLATE NOCASE, id"
    what = "person"

    def from_row(self, row: Row) -> Person:
        person = super().from_row(row)
        person.sector = Sector(person.sector)
        person.can_help_in_crisis = bool(person.can_help_in_crisis)
        return person

    def crisis_helpers(self) -> list[Person]:
        """People marked "can help in a crisis": offered to the crisis plan."""
        return [p for p in self.list() if p.can_help_in_crisis]
