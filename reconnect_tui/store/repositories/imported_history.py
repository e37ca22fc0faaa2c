"""Conversations and forums an import file brought (``dyads``/``forums`` of export format
version 2): kept as readable history, never reconnected (docs/export-format.md). Written by
``store/portable.py``'s importer; read here, cleaned (text_safety: the file's text is another
person's words)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...text_safety import clean_deep, clean_label
from ._base import Repository, to_datetime_or_none


@dataclass(frozen=True, slots=True)
class ImportedEntry:
    kind: str  # "dyad" | "forum"
    name: str  # the partner's or the forum's
    data: dict[str, Any]  # the file's entry, as in docs/export-format.md (Dyad, Forum)
    imported_at: datetime | None


class ImportedHistoryRepository(Repository):
    def entries(self) -> list[ImportedEntry]:
        """Conversations first, then forums, each in the order of the file."""
        with self.vault.read() as conn:
            rows = conn.execute("SELECT kind, name, data, imported_at FROM imported_history"
                                " ORDER BY kind = 'forum', id").fetchall()
        return [ImportedEntry(r[0], clean_label(r[1]), clean_deep(json.loads(r[2])),
                              to_datetime_or_none(r[3])) for r in rows]

    def any(self) -> bool:
        with self.vault.read() as conn:
            return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM imported_history)"
                                     ).fetchone()[0])
