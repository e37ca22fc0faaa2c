"""Life domains with status, rating, what helps and hinders; every change kept as history."""

from __future__ import annotations

import builtins
from datetime import datetime

from ...clock import utc_now
from ...model import LifeDomain, StatusEntry
from ...text_safety import clean_text
from ..db import Connection, Row
from ._base import Repository, to_datetime, to_text

_COLUMNS = "id, name, status, rating, helps, hinders, hidden, position, updated_at"


def _domain(row: Row) -> LifeDomain:
    return LifeDomain(
        id=row["id"],
        name=clean_text(row["name"]),
        status=clean_text(row["status"]),
        rating=row["rating"],
        helps=clean_text(row["helps"]),
        hinders=clean_text(row["hinders"]),
        hidden=bool(row["hidden"]),
        position=row["position"],
        updated_at=to_datetime(row["updated_at"]),
    )


class LifeDomainRepository(Repository):
    def list(self, include_hidden: bool = False) -> list[LifeDomain]:
        where = "" if include_hidden else "WHERE hidden = 0"
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM life_domains {where} ORDER BY position, id"
            ).fetchall()
        return [_domain(r) for r in rows]

    def get(self, domain_id: int) -> LifeDomain:
        with self.vault.read() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM life_domains WHERE id = ?", (domain_id,)
            ).fetchone()
        if row is None:
            raise self._missing("life domain", domain_id)
        return _domain(row)

    def add(self, domain: LifeDomain) -> LifeDomain:
        stamp = utc_now()
        with self.vault.transaction() as conn:
            position = conn.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM life_domains"
            ).fetchone()[0]
            cur = conn.execute(
                "INSERT INTO life_domains(name, status, rating, helps, hinders, hidden, position,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    domain.name,
                    domain.status,
                    domain.rating,
                    domain.helps,
                    domain.hinders,
                    int(domain.hidden),
                    position,
                    to_text(stamp),
                ),
            )
            domain.id, domain.position, domain.updated_at = cur.lastrowid, position, stamp
            if domain.status or domain.rating is not None:
                self._record(conn, cur.lastrowid, domain.status, domain.rating, stamp)
        return domain

    def update(self, domain: LifeDomain) -> LifeDomain:
        """Save changes; a changed status or rating is added to the domain's history."""
        assert domain.id is not None
        stamp = utc_now()
        with self.vault.transaction() as conn:
            old = conn.execute(
                "SELECT status, rating FROM life_domains WHERE id = ?", (domain.id,)
            ).fetchone()
            if old is None:
                raise self._missing("life domain", domain.id)
            conn.execute(
                "UPDATE life_domains SET name = ?, status = ?, rating = ?, helps = ?, hinders = ?,"
                " hidden = ?, is_default = 0, updated_at = ? WHERE id = ?",
                (
                    domain.name,
                    domain.status,
                    domain.rating,
                    domain.helps,
                    domain.hinders,
                    int(domain.hidden),
                    to_text(stamp),
                    domain.id,
                ),
            )
            if (old["status"], old["rating"]) != (domain.status, domain.rating):
                self._record(conn, domain.id, domain.status, domain.rating, stamp)
        domain.updated_at = stamp
        return domain

    def delete(self, domain_id: int) -> None:
        with self.vault.transaction() as conn:
            conn.execute("DELETE FROM life_domains WHERE id = ?", (domain_id,))

    def history(self, domain_id: int) -> builtins.list[StatusEntry]:
        """Past statuses, oldest first."""
        with self.vault.read() as conn:
            rows = conn.execute(
                "SELECT id, status, rating, recorded_at FROM domain_status_history"
                " WHERE domain_id = ? ORDER BY recorded_at, id",
                (domain_id,),
            ).fetchall()
        return [
            StatusEntry(
                id=r["id"],
                status=r["status"],
                rating=r["rating"],
                recorded_at=to_datetime(r["recorded_at"]),
            )
            for r in rows
        ]

    def add_history(self, domain_id: int, entry: StatusEntry) -> None:
        """Insert a past status as it was (used by import)."""
        with self.vault.transaction() as conn:
            self._record(conn, domain_id, entry.status, entry.rating, entry.recorded_at)

    @staticmethod
    def _record(
        conn: Connection, domain_id: int | None, status: str, rating: int | None, stamp: datetime
    ) -> None:
        conn.execute(
            "INSERT INTO domain_status_history(domain_id, status, rating, recorded_at)"
            " VALUES (?, ?, ?, ?)",
            (domain_id, status, rating, to_text(stamp)),
        )
