"""Benchmark: `reconnect import --replace` of n goals into a vault that already holds n goals.

Timed: reading the file's text (checks included) and the one transaction that replaces the
goals, as `reconnect import --replace` runs them (no passphrase: the vault is opened once).
Baseline, measured in the same run: a plain ``executemany`` of the same goal rows into a bare
SQLCipher database with the same ``goals`` table (no search index, no triggers, no checks).
Goal: linear, and 100,000 goals in under 30 s. "(cpu)" is this process's CPU time for the
replace: on a shared machine the wall time also holds the time other work had the cores.

    .venv/bin/python bench/import_replace.py [n ...]      # default: 2000 8000 100000
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlcipher3

from reconnect_tui.model import Profile, Role
from reconnect_tui.store import Vault, portable

GOALS_TABLE = """
CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES goals(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    why TEXT NOT NULL DEFAULT '',
    domain_id INTEGER,
    due TEXT,
    done INTEGER NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
)"""


def goals(n: int, tag: str) -> list[dict[str, Any]]:
    """n goals: a quarter of them top-level, each with three sub-goals and one activity."""
    result = []
    for i in range(n // 4):
        subs = [
            {"title": f"{tag} step {i}.{j}", "why": "", "life_domain": None, "due": None,
             "done": j == 0, "notes": "", "activities": [], "sub_goals": []}
            for j in range(3)
        ]
        result.append({
            "title": f"{tag} goal {i}", "why": "To feel useful again", "life_domain": "Social life",
            "due": "2027-03-01", "done": False, "notes": "Ask the job centre first",
            "activities": [{"title": f"Call about {i}", "scheduled_on": "2027-01-05",
                            "done": False, "done_at": None, "notes": ""}],
            "sub_goals": subs,
        })
    return result


def rows(tree: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    stack = [(g, None) for g in reversed(tree)]
    while stack:
        goal, parent = stack.pop()
        goal_id = len(out) + 1
        out.append((goal_id, parent, goal["title"], goal["why"], None, goal["due"],
                    int(goal["done"]), goal["notes"], goal_id))
        stack += [(c, goal_id) for c in reversed(goal["sub_goals"])]
    return out


def baseline(directory: Path, tree: list[dict[str, Any]]) -> float:
    conn = sqlcipher3.connect(str(directory / "bare.db"), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{secrets.token_hex(32)}'\"")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(GOALS_TABLE)
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO goals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows(tree))
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def replace(directory: Path, n: int) -> tuple[float, float, float]:
    vault, _code = Vault.create(directory / "vault.db", "bench " + secrets.token_hex(8),
                                Profile(name="Bench", role=Role.USER))
    try:
        first = portable.dumps({"format": portable.FORMAT, "version": portable.VERSION,
                                "goals": goals(n, "old")})
        start = time.perf_counter()
        portable.import_all(vault, portable.parse(first))
        initial = time.perf_counter() - start
        text = portable.dumps({"format": portable.FORMAT, "version": portable.VERSION,
                               "goals": goals(n, "new")})
        start, cpu = time.perf_counter(), time.process_time()
        portable.import_all(vault, portable.parse(text), replace=True)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        with vault.read() as conn:
            assert conn.execute("SELECT count(*) FROM goals").fetchone()[0] == n
            assert conn.execute(
                "SELECT count(*) FROM search_index WHERE search_index MATCH 'old'"
            ).fetchone()[0] == 0
    finally:
        vault.close()
    return initial, elapsed, cpu


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [2000, 8000, 100_000]
    print(f"{'goals':>8} {'baseline':>10} {'import':>10} {'--replace':>10} {'(cpu)':>9}"
          f" {'ratio':>7} {'per goal':>9}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            base = baseline(directory, goals(n, "old"))
            initial, elapsed, cpu = replace(directory, n)
        print(f"{n:>8} {base:>9.2f}s {initial:>9.2f}s {elapsed:>9.2f}s {cpu:>8.2f}s"
              f" {elapsed / base:>6.0f}x {elapsed / n * 1e6:>7.0f}µs")
    print(f"load average after the run: {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
