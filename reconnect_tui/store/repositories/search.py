"""Full-text search (FTS5, inside the encrypted database) over everything the user wrote."""

from __future__ import annotations

import re

from ...model import SearchHit
from ...text_safety import clean_text
from ._base import Repository

_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """Turn what a person typed into a safe FTS5 query: every word must match, as a prefix.

    Quotes and operators are dropped, so no input can be an FTS5 syntax error.
    """
    words = _TOKEN.findall(text)
    return " ".join(f'"{w}"*' for w in words)


class SearchRepository(Repository):
    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        query = fts_query(text)
        if not query:
            return []
        with self.vault.read() as conn:
            rows = conn.execute(
                "SELECT module, item_id, title,"
                " snippet(search_index, 3, '[', ']', '…', 12) AS snip"
                " FROM search_index WHERE search_index MATCH ? ORDER BY rank LIMIT ?",
                (query, limit),
            ).fetchall()
        return [
            SearchHit(  # the index may hold text an older version kept raw
                module=r["module"], item_id=int(r["item_id"]), title=clean_text(r["title"]),
                snippet=clean_text(r["snip"]),
            )
            for r in rows
        ]
