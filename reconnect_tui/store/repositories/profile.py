"""The vault owner's profile and "what is important in my life"."""

from __future__ import annotations

from ...model import Profile
from ...text_safety import clean_text
from ..db import Connection
from ..schema import WHAT_MATTERS_SEARCH_ROWID
from ._base import Repository


class ProfileRepository(Repository):
    def get(self) -> Profile:
        return self.vault.profile()

    def set_locale(self, locale: str) -> None:
        with self.vault.transaction() as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'locale'", (locale.upper(),))


def index_what_matters(conn: Connection, text: str) -> None:
    """Keep the search index in step with "what is important in my life" (one meta value)."""
    # Its own rowid (schema V12): an automatic one could be the rowid a later item's row needs.
    conn.execute("DELETE FROM search_index WHERE rowid = ?", (WHAT_MATTERS_SEARCH_ROWID,))
    if text:
        conn.execute(
            "INSERT INTO search_index(rowid, module, item_id, title, body)"
            " VALUES (?, 'what-matters', 0, 'What is important in my life', ?)",
            (WHAT_MATTERS_SEARCH_ROWID, text),
        )


class WhatMattersRepository(Repository):
    """Free text: what is important in my life. Indexed for search as module 'what-matters'."""

    def get(self) -> str:
        with self.vault.read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'what_matters'").fetchone()
        return clean_text(row[0]) if row else ""

    def set(self, text: str) -> None:
        with self.vault.transaction() as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('what_matters', ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (text,),
            )
            index_what_matters(conn, text)
