"""Ten-year vault benchmark: open, list every module, FTS query — beside raw SQLCipher.

    .venv/bin/python bench/vault.py [--keep DIR]

Builds a vault as ten years of use might leave it (50k message-sized text rows, 2k goals and
activities, 5k status entries, 3k diary entries …), then times through our repositories and, as
the baseline, the same SQL on a bare sqlcipher3 connection to the same file. Goals: each module
list <= 100 ms, FTS <= 20 ms. The build is reused by bench/screens.py (``build_ten_year_vault``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reconnect_tui.model import Profile  # noqa: E402
from reconnect_tui.store import Toolbox, Vault  # noqa: E402
from reconnect_tui.store import keys as vault_keys  # noqa: E402
from reconnect_tui.store.db import Connection, open_connection  # noqa: E402
from reconnect_tui.store.repositories import search as fts  # noqa: E402

PASSPHRASE = "benchmark passphrase"
FTS_SQL_BEFORE = (
    "SELECT module, item_id, title, snippet(search_index, 3, '[', ']', '…', 12) FROM search_index"
    " WHERE search_index MATCH '{query}' ORDER BY rank LIMIT 50"
)
"""The search before issue 14: FTS5 ranks every match (kept as a baseline figure)."""
WORDS = (  # noqa: SIM905 - a sentence is easier to read and edit than a list of strings
    "sleep walk sister garden hope work tired calm anxious fjord coffee friend doctor appointment"
    " music rain sun better worse today tomorrow church choir bus money rent medicine dog cat park"
    " school course job shift evening morning night talk listen"
).split()
SYLLABLES = ("ka", "ri", "no", "le", "sta", "mi", "ven", "tor", "a", "el", "un", "dre", "sko", "ly")


def _vocabulary(rng: random.Random, size: int = 4000) -> tuple[list[str], list[float]]:
    """Words with Zipf-like frequencies, as in real writing: a few very common, most rare."""
    made = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)}
    vocabulary = sorted(made - set(WORDS))
    rng.shuffle(vocabulary)
    for i, word in enumerate(WORDS):  # real words spread over ranks 5 .. 5 + 40*25
        vocabulary.insert(5 + i * 25, word)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    return vocabulary, weights


START = datetime(2016, 11, 27, tzinfo=UTC)


_VOCABULARY: tuple[list[str], list[float]] | None = None


def _text(rng: random.Random, words: int) -> str:
    global _VOCABULARY
    if _VOCABULARY is None:
        _VOCABULARY = _vocabulary(random.Random(7))
    vocabulary, weights = _VOCABULARY
    return " ".join(rng.choices(vocabulary, weights, k=words))


def _stamp(rng: random.Random) -> str:
    return (START + timedelta(minutes=rng.randrange(10 * 365 * 24 * 60))).isoformat()


def build_ten_year_vault(path: Path, seed: int = 2026, scale: float = 1.0,
                         ) -> tuple[bytes, vault_keys.KeyHeader]:
    """Create and fill a vault; returns its key and header for opening without Argon2id.
    ``scale`` < 1 builds that fraction of every many-row table (quick runs)."""

    def n(count: int) -> int:
        return max(1, round(count * scale))

    rng = random.Random(seed)
    vault, _code = Vault.create(path, PASSPHRASE, Profile(name="Bench"))
    with vault.transaction() as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'what_matters'", (_text(rng, 40),))
        domains = [r[0] for r in conn.execute("SELECT id FROM life_domains")]
        conn.executemany(
            "INSERT INTO domain_status_history(domain_id, status, rating, recorded_at)"
            " VALUES (?, ?, ?, ?)",
            [
                (rng.choice(domains), _text(rng, 8), rng.randrange(11), _stamp(rng))
                for _ in range(n(5000))
            ],
        )
        for _ in range(n(400)):
            goal = conn.execute(
                "INSERT INTO goals(title, why, domain_id, position) VALUES (?, ?, ?, 0)",
                (_text(rng, 4), _text(rng, 15), rng.choice(domains)),
            ).lastrowid
            for _ in range(1):
                sub = conn.execute(
                    "INSERT INTO goals(parent_id, title, why, position) VALUES (?, ?, ?, 0)",
                    (goal, _text(rng, 4), _text(rng, 10)),
                ).lastrowid
                conn.executemany(
                    "INSERT INTO activities(goal_id, title, scheduled_on, done)"
                    " VALUES (?, ?, ?, ?)",
                    [
                        (
                            sub,
                            _text(rng, 5),
                            (date(2016, 12, 1) + timedelta(days=rng.randrange(3650))).isoformat(),
                            rng.random() < 0.8,
                        )
                        for _ in range(3)
                    ],
                )
        conn.executemany(
            "INSERT INTO people(name, relation, sector, ring, phone, can_help_in_crisis)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    _text(rng, 2).title(),
                    rng.choice(WORDS),
                    rng.choice(
                        [
                            "family",
                            "relatives",
                            "friends",
                            "school/work",
                            "leisure",
                            "professional services",
                        ]
                    ),
                    rng.randint(1, 4),
                    "9" + str(rng.randrange(10**7)).zfill(7),
                    rng.random() < 0.2,
                )
                for _ in range(n(60))
            ],
        )
        conn.execute(
            "UPDATE crisis_plan SET warning_signs = ?, triggers = ?, self_help = ?,"
            " reasons_for_living = ? WHERE id = 1",
            (_text(rng, 30), _text(rng, 30), _text(rng, 30), _text(rng, 30)),
        )
        conn.executemany(
            "INSERT INTO medications(name, dose, experiences) VALUES (?, ?, ?)",
            [(_text(rng, 1).title(), "10 mg", _text(rng, 20)) for _ in range(n(25))],
        )
        conn.executemany(
            "INSERT INTO diary(written_at, text) VALUES (?, ?)",
            [(_stamp(rng), _text(rng, 120)) for _ in range(n(3000))],
        )
        exercise = conn.execute(
            "INSERT INTO exercises(slug, title, builtin) VALUES ('box-breathing', 'Box', 1)"
        ).lastrowid
        conn.executemany(
            "INSERT INTO exercise_log(exercise_id, done_at, note) VALUES (?, ?, ?)",
            [(exercise, _stamp(rng), _text(rng, 6)) for _ in range(n(1500))],
        )
        parameter = conn.execute(
            "INSERT INTO registration_parameters(name, unit) VALUES ('Sleep', 'h')"
        ).lastrowid
        conn.executemany(
            "INSERT INTO registrations(parameter_id, day, value) VALUES (?, ?, ?)",
            [
                (
                    parameter,
                    (date(2016, 11, 27) + timedelta(days=d)).isoformat(),
                    round(rng.uniform(3, 10), 1),
                )
                for d in range(n(3650))
            ],
        )
        # 50k message-sized rows: until dyad messages have their own table, the inbox holds
        # them, as received envelopes would.
        conn.executemany(
            "INSERT INTO inbox(envelope_id, mailbox_id, seq, ciphertext, received_at, processed)"
            " VALUES (?, ?, ?, ?, ?, 1)",
            [
                (f"env-{i}", "mailbox", i, _text(rng, 60).encode(), rng.random() * 1e9)
                for i in range(n(50000))
            ],
        )
    key = vault.key
    header = vault_keys.read_header(path)
    vault.close()
    return key, header


def raw_search(conn: Connection, text: str, limit: int = 50) -> list[tuple]:
    """The statements ``SearchRepository.find`` runs, on a bare connection: the rowids of the
    matches, bm25 of the newest ``RANKED_MATCHES`` (and of the one-row items), then the snippets
    of the best ``limit``."""
    query = fts.fts_query(text)
    rowids = [rowid for (rowid,) in conn.execute(fts.MATCHING_ROWIDS, (query,))]
    floor = rowids[-fts.RANKED_MATCHES] if len(rowids) > fts.RANKED_MATCHES else 0
    scored = conn.execute(fts.SCORES, (query, floor, fts.NO_CEILING)).fetchall()
    if floor >= fts.KEPT_APART_BELOW and rowids[0] < fts.KEPT_APART_BELOW:
        scored += conn.execute(fts.SCORES, (query, 0, fts.KEPT_APART_BELOW)).fetchall()
    best = [r[0] for r in sorted(scored, key=lambda r: (r[1], r[0]))[:limit]]
    listed = ",".join(str(rowid) for rowid in best)
    return conn.execute(fts.SHOWN.format(rowids=listed), (query, min(best), max(best))).fetchall()


def timed(func: Callable[[], object], repeat: int = 7) -> float:
    """Median wall time in milliseconds."""
    return timed_with_cpu(func, repeat)[0]


def timed_with_cpu(func: Callable[[], object], repeat: int = 7) -> tuple[float, float]:
    """Median wall time and median CPU time of this thread (SQLite runs in it), in milliseconds.

    On a busy machine the wall time mostly measures the other processes; the CPU time does not.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.thread_time()
        func()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.thread_time() - cpu_start) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the vault in this folder and keep it")
    parser.add_argument("--reuse", action="store_true",
                        help="use the vault an earlier --keep left in that folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="reconnect-bench-"))
    path = folder / "vault.db"
    start = time.perf_counter()
    if args.reuse and path.exists():
        reused = Vault.unlock(path, PASSPHRASE)
        key, header = reused.key, vault_keys.read_header(path)
        reused.close()
        print(f"reused the ten-year vault in {folder}")
    else:
        key, header = build_ten_year_vault(path)
        print(
            f"built ten-year vault in {time.perf_counter() - start:.1f} s: "
            f"{path.stat().st_size / 1e6:.1f} MB"
        )

    open_ms = timed(lambda: Vault.open_with_key(path, key, header).close())
    raw_open_ms = timed(lambda: open_connection(path, key).close())
    unlock_start = time.perf_counter()
    Vault.unlock(path, PASSPHRASE).close()
    unlock_ms = (time.perf_counter() - unlock_start) * 1000

    vault = Vault.open_with_key(path, key, header)
    toolbox = Toolbox(vault)
    raw = open_connection(path, key)
    today = date(2026, 11, 27)
    cases: list[tuple[str, Callable[[], object], str | Callable[[], object]]] = [
        ("life domains", toolbox.domains.list, "SELECT * FROM life_domains WHERE hidden = 0"),
        (
            "status history (1 domain)",
            lambda: toolbox.domains.history(1),
            "SELECT * FROM domain_status_history WHERE domain_id = 1 ORDER BY recorded_at, id",
        ),
        ("goals", toolbox.goals.list, "SELECT * FROM goals ORDER BY position, id"),
        ("activities", toolbox.goals.activities, "SELECT * FROM activities ORDER BY id"),
        (
            "due this week",
            lambda: toolbox.goals.due_this_week(today),
            "SELECT * FROM activities WHERE scheduled_on <= '2026-11-29' AND done = 0",
        ),
        ("network", toolbox.network.list, "SELECT * FROM people ORDER BY ring, name"),
        ("crisis plan", toolbox.crisis_plan.get, "SELECT * FROM crisis_plan"),
        ("medications", toolbox.medications.list, "SELECT * FROM medications ORDER BY name"),
        ("diary", toolbox.diary.list, "SELECT * FROM diary ORDER BY written_at DESC, id DESC"),
        (
            "exercise log",
            toolbox.exercises.history,
            "SELECT * FROM exercise_log ORDER BY done_at DESC",
        ),
        (
            "registrations (10 y)",
            lambda: toolbox.registrations.values(1),
            "SELECT * FROM registrations WHERE parameter_id = 1 ORDER BY day",
        ),
        (
            "FTS: two words",
            lambda: toolbox.search.search("garden hope"),
            lambda: raw_search(raw, "garden hope"),
        ),
        (
            "FTS: the commonest word",
            lambda: toolbox.search.search("sleep"),
            lambda: raw_search(raw, "sleep"),
        ),
    ]
    print(f"\nunlock (Argon2id + open): {unlock_ms:7.1f} ms")
    print(
        f"open with key: {open_ms:7.2f} ms   raw SQLCipher open: {raw_open_ms:7.2f} ms   "
        f"ratio {open_ms / raw_open_ms:4.2f}x"
    )
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} ({os.cpu_count()} cores)")
    print(f"\n{'query':28} {'ours ms':>9} {'raw ms':>9} {'ratio':>7} {'cpu ms':>8} {'raw cpu':>8}"
          f" {'ratio':>7}  goal (wall)      cpu")
    for name, ours, sql in cases:
        ours_ms, ours_cpu = timed_with_cpu(ours)
        raw_ms, raw_cpu = timed_with_cpu(
            sql if callable(sql) else lambda sql=sql: raw.execute(sql).fetchall()
        )
        goal = 20 if name.startswith("FTS") else 100
        verdict = "ok" if ours_ms <= goal else "OVER"
        cpu_verdict = "ok" if ours_cpu <= goal else "OVER"
        print(
            f"{name:28} {ours_ms:9.2f} {raw_ms:9.2f} {ours_ms / raw_ms:6.2f}x "
            f"{ours_cpu:8.2f} {raw_cpu:8.2f} {ours_cpu / max(raw_cpu, 1e-3):6.2f}x  "
            f"<= {goal} ms {verdict:5} {cpu_verdict}"
        )
    before_ms, before_cpu = timed_with_cpu(
        lambda: raw.execute(FTS_SQL_BEFORE.format(query='"sleep"*')).fetchall()
    )
    ours_ms, ours_cpu = timed_with_cpu(lambda: toolbox.search.search("sleep"))
    print(
        f"\nthe commonest word, every match ranked by FTS5 (the query before issue 14, raw):"
        f" {before_ms:.2f} ms, cpu {before_cpu:.2f} ms; ours now {ours_ms / before_ms:.2f}x"
        f" (cpu {ours_cpu / max(before_cpu, 1e-3):.2f}x)"
    )
    raw.close()
    vault.close()


if __name__ == "__main__":
    main()
