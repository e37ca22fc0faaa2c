"""The crisis plan: one plan per vault, its helpers and professionals in the order given.

Text passes ``text_safety`` when saved and when read (an older vault may hold a contact name
pasted with escape codes): the plan reaches the screen, the PDF and every export clean.
"""

from __future__ import annotations

from typing import Any

from ...clock import utc_now
from ...model import CRISIS_TEXT_SECTIONS, CrisisPlan, Helper, ServiceContact
from ...text_safety import clean_label, clean_text
from ._base import Repository, to_datetime_or_none, to_text

_TEXT_FIELDS = tuple(name for name, _title in CRISIS_TEXT_SECTIONS)


class CrisisPlanRepository(Repository):
    def get(self) -> CrisisPlan:
        with self.vault.read() as conn:
            row = conn.execute(
                f"SELECT {', '.join(_TEXT_FIELDS)}, updated_at FROM crisis_plan WHERE id = 1"
            ).fetchone()
            helpers = conn.execute(
                "SELECT name, phone, person_id FROM crisis_helpers ORDER BY position"
            ).fetchall()
            professionals = conn.execute(
                "SELECT name, phone, role FROM crisis_professionals ORDER BY position"
            ).fetchall()
        texts: dict[str, Any] = {name: clean_text(row[name]) for name in _TEXT_FIELDS}
        plan = CrisisPlan(**texts)
        plan.updated_at = to_datetime_or_none(row["updated_at"])  # shown, not trusted
        plan.helpers = [
            Helper(name=clean_label(h["name"]), phone=clean_label(h["phone"]),
                   person_id=h["person_id"])
            for h in helpers
        ]
        plan.professionals = [
            ServiceContact(name=clean_label(p["name"]), phone=clean_label(p["phone"]),
                           role=clean_label(p["role"]))
            for p in professionals
        ]
        return plan

    def save(self, plan: CrisisPlan) -> CrisisPlan:
        """Replace the whole plan in one transaction and stamp it as updated now."""
        stamp = utc_now()
        assignments = ", ".join(f"{name} = ?" for name in _TEXT_FIELDS)
        with self.vault.transaction() as conn:
            conn.execute(
                f"UPDATE crisis_plan SET {assignments}, updated_at = ? WHERE id = 1",
                (*(clean_text(getattr(plan, name)) for name in _TEXT_FIELDS), to_text(stamp)),
            )
            conn.execute("DELETE FROM crisis_helpers")
            conn.executemany(
                "INSERT INTO crisis_helpers(name, phone, person_id, position) VALUES (?, ?, ?, ?)",
                [(clean_label(h.name), clean_label(h.phone), h.person_id, i)
                 for i, h in enumerate(plan.helpers)],
            )
            conn.execute("DELETE FROM crisis_professionals")
            conn.executemany(
                "INSERT INTO crisis_professionals(name, phone, role, position) VALUES (?, ?, ?, ?)",
                [(clean_label(p.name), clean_label(p.phone), clean_label(p.role), i)
                 for i, p in enumerate(plan.professionals)],
            )
        plan.updated_at = stamp
        return plan

    def clear(self) -> None:
        self.save(CrisisPlan())
        with self.vault.transaction() as conn:
            conn.execute("UPDATE crisis_plan SET updated_at = NULL WHERE id = 1")
