"""The medication overview."""

from __future__ import annotations

from ...model import Medication
from ..db import Row
from ._base import TableRepository


class MedicationRepository(TableRepository[Medication]):
    table = "medications"
    item_type = Medication
    columns = (
        "name",
        "prescribed",
        "dose",
        "schedule",
        "intended_effect",
        "experiences",
        "questions",
    )
    order_by = "name COLLATE NOCASE, id"
    what = "medication"

    def from_row(self, row: Row) -> Medication:
        medication = super().from_row(row)
        medication.prescribed = bool(medication.prescribed)
        return medication
