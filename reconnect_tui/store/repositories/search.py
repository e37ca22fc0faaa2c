"""Full-text search (FTS5, inside the encrypted database) over everything the user wrote."""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left

from ...model import SearchHit, SearchResults
from ...text_safety import clean_text
from ..schema import SEARCH_ROWID_SLOTS
from ._base import Repository

_TOKEN = re.compile(r"\w+", re.UNICODE)

RANKED_MATCHES = 1000
"""A search ranks (bm25) at most this many of its matches: the newest, by rowid.

Ranking costs SQLite about ten times as much per match as finding it (bm25 reads each match's
column sizes and positions): the commonest word of the ten-year vault (3,280 of 6,592 rows)
took 28 ms to rank. A row's rowid grows with its item's id (``schema.SEARCH_ROWID_SLOTS``), so
the newest matches are those with the highest rowids, which FTS5 lists without ranking them.
When there are no more matches than this, all of them are ranked.
"""

KEPT_APART_BELOW = 2 * SEARCH_ROWID_SLOTS
"""Rows below this rowid (item 0 or 1 of a module: "what matters" and the crisis plan, one row
each) are ranked even when they are not among the newest matches."""

MATCHING_ROWIDS = "SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY rowid"
SCORES = (
    "SELECT rowid, bm25(search_index) FROM search_index"
    " WHERE search_index MATCH ? AND rowid >= ? AND rowid < ?"
)
"""Unsorted: FTS5's own ``ORDER BY rank`` costs about 1.6x as much for the same rows."""
SHOWN = (
    "SELECT rowid, module, item_id, title, snippet(search_index, 3, '[', ']', '…', 12)"
    " FROM search_index WHERE search_index MATCH ? AND rowid >= ? AND rowid <= ?"
    " AND +rowid IN ({rowids})"
)
"""The chosen rows with their snippets. ``+rowid``: the list is checked on each row of the
range, not handed to FTS5, which would run the whole query again once per rowid."""
NO_CEILING = 2**63 - 1


def fts_query(text: str) -> str:
    """Turn what a person typed into a safe FTS5 query: every word must match, as a prefix.

    Quotes and operators are dropped, so no input can be an FTS5 syntax error.
    """
    words = _TOKEN.findall(text)
    return " ".join(f'"{w}"*' for w in words)


class SearchRepository(Repository):
    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        return self.find(text, limit).hits

    def find(self, text: str, limit: int = 50) -> SearchResults:
        """The best ``limit`` hits for ``text`` by bm25, best first, chosen among its newest
        ``RANKED_MATCHES`` matches (and the one-row items, ``KEPT_APART_BELOW``)."""
        query = fts_query(text)
        if not query:
            return SearchResults([], 0, 0)
        with self.vault.read() as conn:
            cursor = conn.cursor()
            cursor.row_factory = None  # plain tuples: there may be thousands of rowids
            rowids = [rowid for (rowid,) in cursor.execute(MATCHING_ROWIDS, (query,))]
            floor = rowids[-RANKED_MATCHES] if len(rowids) > RANKED_MATCHES else 0
            scored = cursor.execute(SCORES, (query, floor, NO_CEILING)).fetchall()
            kept_apart = (
                bisect_left(rowids, KEPT_APART_BELOW) if floor >= KEPT_APART_BELOW else 0
            )
            if kept_apart:
                scored += cursor.execute(SCORES, (query, 0, KEPT_APART_BELOW)).fetchall()
            best = [rowid for rowid, _ in heapq.nsmallest(limit, scored, key=_by_score)]
            shown = {}
            if best:
                listed = ",".join(str(int(rowid)) for rowid in best)
                shown = {
                    row[0]: row[1:]
                    for row in cursor.execute(
                        SHOWN.format(rowids=listed), (query, min(best), max(best))
                    )
                }
        hits = [
            SearchHit(  # the index may hold text an older version kept raw
                module=module, item_id=int(item_id), title=clean_text(title),
                snippet=clean_text(snip),
            )
            for module, item_id, title, snip in (shown[r] for r in best if r in shown)
        ]
        ranked = len(rowids) - bisect_left(rowids, floor) + kept_apart
        return SearchResults(hits, len(rowids), ranked)


def _by_score(scored: tuple[int, float]) -> tuple[float, int]:
    """bm25 is lower for better matches; equal scores in rowid order."""
    rowid, score = scored
    return score, rowid
