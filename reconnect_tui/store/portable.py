"""The user's whole toolbox as portable JSON (``reconnect export all`` / ``reconnect import``).

The same content always gives the same file: no export time, no vault ids. Items refer to each
other by name (a goal's life domain, a crisis helper's person). See docs/export-format.md.
What is read is checked first, whole, against ``portable_schema`` (nothing is written for a
file with any problem); the importers below then rely on its shapes.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ImportRefused
from ..i18n import _, ngettext
from ..model import CRISIS_TEXT_SECTIONS, DEFAULT_LIFE_DOMAINS, Sector
from ..text_safety import clean_deep
from . import portable_schema
from .db import Connection, Row
from .portable_schema import FORMAT, MODULES, VERSION, Checked
from .repositories.profile import index_what_matters
from .vault import Vault

__all__ = ["FORMAT", "MODULES", "VERSION", "Checked", "check", "export_all", "import_all",
           "import_problems", "parse", "read"]
_CRISIS_TEXT = tuple(name for name, _title in CRISIS_TEXT_SECTIONS)


# -- export --------------------------------------------------------------------------------


def export_all(vault: Vault) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, **export_sections(vault, MODULES)}


def export_sections(vault: Vault, sections: Iterable[str]) -> dict[str, Any]:
    """Only the named sections (sharing publishes a few modules and need not read the rest)."""
    wanted = set(sections)  # once: a generator would be used up by the first module
    with vault.read() as conn:
        exported = {name: _EXPORTERS[name](conn) for name in MODULES if name in wanted}
    cleaned: dict[str, Any] = clean_deep(exported)  # text an older vault kept raw (text_safety)
    return cleaned


def import_problems(data: dict[str, Any], size: int) -> str | None:
    """What import would refuse in an export of this vault (a value an older version stored,
    such as a crisis plan time that is not a time), as a warning; None when it reads back."""
    try:
        if size > portable_schema.MAX_FILE_BYTES:
            mib = portable_schema.MAX_FILE_BYTES >> 20
            raise portable_schema.refused([("", ngettext(
                "larger than {n} MiB, the most import reads",
                "larger than {n} MiB, the most import reads",
                mib).format(n=mib))])
        check(data)
    except ImportRefused as error:
        problems = error.problems
        return str(portable_schema.refused(problems, _(
            "Warning: import will refuse this file until these values are corrected in the"
            " app:")))
    return None


def _export_medications(conn: Connection) -> list[dict[str, Any]]:
    return [
        {
            "name": r["name"],
            "prescribed": bool(r["prescribed"]),
            "dose": r["dose"],
            "schedule": r["schedule"],
            "intended_effect": r["intended_effect"],
            "experiences": r["experiences"],
            "questions": r["questions"],
        }
        for r in conn.execute("SELECT * FROM medications ORDER BY id")
    ]


def _export_diary(conn: Connection) -> list[dict[str, Any]]:
    return [
        {"written_at": r["written_at"], "text": r["text"]}
        for r in conn.execute("SELECT written_at, text FROM diary ORDER BY written_at, id")
    ]


def dumps(data: dict[str, Any]) -> str:
    """Stable text: sorted keys, two-space indent, UTF-8 (not ASCII-escaped), newline at end."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _meta(conn: Connection, key: str) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else ""


def _export_domains(conn: Connection) -> list[dict[str, Any]]:
    domains = []
    for d in conn.execute("SELECT * FROM life_domains ORDER BY position, id").fetchall():
        history = [
            {"status": h["status"], "rating": h["rating"], "recorded_at": h["recorded_at"]}
            for h in conn.execute(
                "SELECT status, rating, recorded_at FROM domain_status_history"
                " WHERE domain_id = ? ORDER BY recorded_at, id",
                (d["id"],),
            )
        ]
        domains.append(
            {
                "name": d["name"],
                "status": d["status"],
                "rating": d["rating"],
                "helps": d["helps"],
                "hinders": d["hinders"],
                "hidden": bool(d["hidden"]),
                "history": history,
            }
        )
    return domains


def _export_goals(conn: Connection) -> list[dict[str, Any]]:
    domain_names = {r["id"]: r["name"] for r in conn.execute("SELECT id, name FROM life_domains")}
    goals = conn.execute("SELECT * FROM goals ORDER BY position, id").fetchall()
    activities: dict[int, list[dict[str, Any]]] = {}
    for a in conn.execute("SELECT * FROM activities ORDER BY id"):
        activities.setdefault(a["goal_id"], []).append(
            {
                "title": a["title"],
                "scheduled_on": a["scheduled_on"],
                "done": bool(a["done"]),
                "done_at": a["done_at"],
                "notes": a["notes"],
            }
        )

    def node(g: Row) -> dict[str, Any]:
        return {
            "title": g["title"],
            "why": g["why"],
            "life_domain": domain_names.get(g["domain_id"]),
            "due": g["due"],
            "done": bool(g["done"]),
            "notes": g["notes"],
            "activities": activities.get(g["id"], []),
            "sub_goals": [node(child) for child in children.get(g["id"], [])],
        }

    children: dict[int | None, list[Any]] = {}
    for g in goals:  # one pass, so a deep or wide tree stays linear
        children.setdefault(g["parent_id"], []).append(g)
    return [node(g) for g in children.get(None, [])]


def _export_network(conn: Connection) -> list[dict[str, Any]]:
    return [
        {
            "name": p["name"],
            "relation": p["relation"],
            "sector": p["sector"],
            "ring": p["ring"],
            "contact_frequency": p["contact_frequency"],
            "phone": p["phone"],
            "can_help_in_crisis": bool(p["can_help_in_crisis"]),
            "notes": p["notes"],
        }
        for p in conn.execute("SELECT * FROM people ORDER BY id")
    ]


def _export_crisis_plan(conn: Connection) -> dict[str, Any]:
    row = conn.execute("SELECT * FROM crisis_plan WHERE id = 1").fetchone()
    plan: dict[str, Any] = {name: row[name] for name in _CRISIS_TEXT}
    plan["updated_at"] = row["updated_at"]
    plan["helpers"] = [
        {"name": h["name"], "phone": h["phone"], "from_network": h["person_id"] is not None}
        for h in conn.execute("SELECT * FROM crisis_helpers ORDER BY position")
    ]
    plan["professionals"] = [
        {"name": p["name"], "phone": p["phone"], "role": p["role"]}
        for p in conn.execute("SELECT * FROM crisis_professionals ORDER BY position")
    ]
    return plan


def _export_exercises(conn: Connection) -> dict[str, Any]:
    own = [
        {"slug": e["slug"], "title": e["title"], "category": e["category"], "body": e["body"]}
        for e in conn.execute("SELECT * FROM exercises WHERE builtin = 0 ORDER BY id")
    ]
    log = [
        {
            "exercise": r["slug"],
            "builtin": bool(r["builtin"]),
            "title": r["title"],
            "done_at": r["done_at"],
            "note": r["note"],
        }
        for r in conn.execute(
            "SELECT e.slug, e.builtin, e.title, l.done_at, l.note FROM exercise_log l"
            " JOIN exercises e ON e.id = l.exercise_id ORDER BY l.done_at, l.id"
        )
    ]
    return {"own": own, "log": log}


def _export_registrations(conn: Connection) -> list[dict[str, Any]]:
    result = []
    for p in conn.execute("SELECT * FROM registration_parameters ORDER BY id").fetchall():
        values = [
            {"day": r["day"], "value": r["value"]}
            for r in conn.execute(
                "SELECT day, value FROM registrations WHERE parameter_id = ? ORDER BY day",
                (p["id"],),
            )
        ]
        result.append(
            {
                "name": p["name"],
                "unit": p["unit"],
                "minimum": p["minimum"],
                "maximum": p["maximum"],
                "values": values,
            }
        )
    return result


def _imported(conn: Connection, kind: str) -> list[dict[str, Any]]:
    """What an import file brought as readable history (``imported_history``), in file order."""
    return [json.loads(r[0]) for r in conn.execute(
        "SELECT data FROM imported_history WHERE kind = ? ORDER BY id", (kind,))]


def _json_column(text: str | None, empty: Any) -> Any:
    return json.loads(text) if text else empty


def _export_dyads(conn: Connection) -> list[dict[str, Any]]:
    """Each partner's conversation, agreement versions, check-ins and feedback, then the
    conversations an earlier import brought (docs/export-format.md)."""
    dyads = []
    for p in conn.execute("SELECT id, name, role, created_at FROM partners ORDER BY id"
                          ).fetchall():
        messages = [
            {"id": m["message_id"], "outgoing": bool(m["outgoing"]), "text": m["text"],
             "sent_at": m["sent_at"], "status": m["status"], "reply_to": m["reply_to"]}
            for m in conn.execute(
                "SELECT message_id, outgoing, text, sent_at, status, reply_to FROM messages"
                " WHERE partner_id = ? ORDER BY sent_at, counter, id", (p["id"],))
        ]
        agreements = [
            {"version": v["version"], "terms": json.loads(v["terms"]),
             "proposed_by_me": bool(v["proposed_by_me"]), "proposed_at": v["proposed_at"],
             "proposer_signature": v["proposer_signature"], "accepted_at": v["accepted_at"],
             "accepter_signature": v["accepter_signature"], "declined_at": v["declined_at"],
             "declined_by_me": bool(v["declined_by_me"]), "decline_reason": v["reason"] or ""}
            for v in conn.execute(
                "SELECT a.*, d.declined_at, d.declined_by_me, d.reason FROM agreement_versions a"
                " LEFT JOIN agreement_declines d ON d.partner_id = a.partner_id"
                " AND d.version = a.version WHERE a.partner_id = ? ORDER BY a.version",
                (p["id"],))
        ]
        checkins = [
            {"id": c["checkin_id"], "asked_by_me": bool(c["asked_by_me"]),
             "question": c["question"], "domains": _json_column(c["domains"], []),
             "sent_at": c["sent_at"], "answered_at": c["answered_at"], "overall": c["overall"],
             "domain_scores": _json_column(c["domain_scores"], {}), "line": c["line"],
             "share_trend": bool(c["share_trend"])}
            for c in conn.execute("SELECT * FROM checkins WHERE partner_id = ?"
                                  " ORDER BY sent_at, id", (p["id"],))
        ]
        feedback = [
            {"id": f["feedback_id"], "from_me": bool(f["from_me"]),
             "scores": json.loads(f["scores"]), "given_at": f["given_at"]}
            for f in conn.execute("SELECT * FROM feedback WHERE partner_id = ?"
                                  " ORDER BY given_at, id", (p["id"],))
        ]
        dyads.append({"partner": p["name"], "partner_role": p["role"],
                      "since": p["created_at"], "messages": messages,
                      "agreements": agreements, "checkins": checkins, "feedback": feedback})
    return dyads + _imported(conn, "dyad")


def _export_forums(conn: Connection) -> list[dict[str, Any]]:
    forums = []
    for f in conn.execute("SELECT id, name, pseudonym, moderator FROM forums"
                          " ORDER BY created_at, id").fetchall():
        posts = [
            {"id": r["post_id"], "thread": r["thread"], "author": r["author"],
             "text": r["text"], "posted_at": r["posted_at"], "own": bool(r["own"]),
             "hidden": bool(r["hidden"]), "hidden_reason": r["hidden_reason"],
             "pinned": r["pinned"]}
            for r in conn.execute("SELECT * FROM forum_posts WHERE forum_id = ?"
                                  " ORDER BY posted_at, id", (f["id"],))
        ]
        forums.append({"name": f["name"], "pseudonym": f["pseudonym"],
                       "moderator": bool(f["moderator"]), "posts": posts})
    return forums + _imported(conn, "forum")


_EXPORTERS: dict[str, Callable[[Connection], Any]] = {
    "what_matters": lambda conn: _meta(conn, "what_matters"),
    "life_domains": _export_domains,
    "goals": _export_goals,
    "network": _export_network,
    "crisis_plan": _export_crisis_plan,
    "exercises": _export_exercises,
    "medications": _export_medications,
    "diary": _export_diary,
    "registrations": _export_registrations,
    "dyads": _export_dyads,
    "forums": _export_forums,
}


# -- import --------------------------------------------------------------------------------


def has_user_data(vault: Vault) -> bool:
    """True when the vault holds anything the user made (defaults and built-ins do not count)."""
    with vault.read() as conn:
        if _meta(conn, "what_matters"):
            return True
        for table in (
            "goals",
            "people",
            "medications",
            "diary",
            "registration_parameters",
            "exercise_log",
            "domain_status_history",
            "crisis_helpers",
            "crisis_professionals",
            "imported_history",
        ):
            if conn.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]:
                return True
        if conn.execute("SELECT EXISTS (SELECT 1 FROM exercises WHERE builtin = 0)").fetchone()[0]:
            return True
        plan = conn.execute("SELECT * FROM crisis_plan WHERE id = 1").fetchone()
        if any(plan[name] for name in _CRISIS_TEXT):
            return True
        domains = conn.execute(
            "SELECT name, status, rating, helps, hinders, hidden, is_default FROM life_domains"
            " ORDER BY position, id"
        ).fetchall()
        untouched = [d["name"] for d in domains if d["is_default"]] == list(DEFAULT_LIFE_DOMAINS)
        return not (untouched and len(domains) == len(DEFAULT_LIFE_DOMAINS))


def read(path: Path) -> Checked:
    """Read and check an export file (at most ``portable_schema.MAX_FILE_BYTES``)."""
    return parse(portable_schema.decode(portable_schema.read_file(path)))


def parse(text: str) -> Checked:
    """Check an export file's text; raise ImportRefused listing each problem by its path."""
    return check(portable_schema.loads(text))


def check(data: Any, *, partial: bool = False) -> Checked:
    """Check a document already parsed (``partial``: sections a partner shares). Its text is
    cleaned first (text_safety: no escape codes stored), so the checks see what is written."""
    if isinstance(data, Checked):
        return data
    return portable_schema.validate(data, partial=partial, clean=clean_deep)


def import_all(
    vault: Vault, data: dict[str, Any], *, replace: bool = False, partial: bool = False
) -> list[str]:
    """Write the modules the file holds into the vault, in one transaction.

    Into a vault that already holds the user's data this refuses unless ``replace``: then each
    module the file holds replaces that module, and the others stay as they are. Returns the
    modules written. ``data`` is checked first unless it came from :func:`parse` or
    :func:`check`; ``partial``: a partner's shared sections (see ``portable_schema.validate``).
    """
    data = check(data, partial=partial)
    if not replace and has_user_data(vault):
        raise ImportRefused(
            _(
                "This vault already holds your data. Add --replace to replace each module the"
                " file holds (other modules stay as they are)."
            )
        )
    present = [m for m in MODULES if m in data]
    with vault.transaction() as conn, _large_page_cache(conn):
        problems = [] if partial else _vault_reference_problems(conn, data)
        if problems:
            raise portable_schema.refused(problems)
        for module in present:
            _IMPORTERS[module](conn, data[module])
    return present


@contextlib.contextmanager
def _large_page_cache(conn: Connection) -> Iterator[None]:
    """A page cache large enough that one big import does not spill pages mid-transaction (each
    spill re-encrypts and rewrites pages under SQLCipher's memory security), put back after."""
    (previous,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(previous)}")


IMPORT_CACHE_KIB = -262_144
"""256 MiB (negative: KiB), the same order as Argon2id's memory at unlock."""


def _vault_reference_problems(conn: Connection, data: dict[str, Any]) -> list[tuple[str, str]]:
    """References the file leaves to the vault: a goal's life domain when the file holds no
    life domains, and own exercises that would take a built-in exercise's slug."""
    problems = []
    if "goals" in data and "life_domains" not in data:
        names = set(_domain_ids(conn))
        stack = [(f"goals[{i}]", g) for i, g in reversed(list(enumerate(data["goals"])))]
        while stack:  # in file order
            path, goal = stack.pop()
            if goal["life_domain"] is not None and goal["life_domain"] not in names:
                problems.append((path + ".life_domain",
                                 _("no life domain of this name in the file or the vault")))
            stack += [(f"{path}.sub_goals[{i}]", g)
                      for i, g in reversed(list(enumerate(goal["sub_goals"])))]
    if "exercises" in data:
        builtin = {r[0] for r in conn.execute("SELECT slug FROM exercises WHERE builtin = 1")}
        problems += [
            (f"exercises.own[{i}].slug", _("the slug of a built-in exercise"))
            for i, e in enumerate(data["exercises"]["own"]) if e["slug"] in builtin
        ]
    return problems


def _insert_rows(
    conn: Connection, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (text, integers and nulls only) with one statement.

    Each statement that writes the full-text index through a table's trigger costs about a
    millisecond of FTS5 work when it ends, so ``executemany`` (a statement a row) took minutes
    for 100,000 goals; one ``INSERT ... SELECT`` over ``json_each`` pays it once. Floats stay
    with ``executemany``: SQLite's own number parsing need not give back Python's float.
    """
    if not rows:
        return
    picks = ", ".join(f"value ->> {i}" for i in range(len(columns)))
    conn.execute(
        f"INSERT INTO {table}({', '.join(columns)}) SELECT {picks} FROM json_each(?)"
        " ORDER BY key",
        (json.dumps(rows, ensure_ascii=False),),
    )


def _delete_all(conn: Connection, table: str, *modules: str) -> None:
    """Empty ``table``, dropping its search rows (``modules``) first with one statement: the
    table's delete trigger then finds nothing to remove, which is cheaper than removing each
    row's words one trigger at a time (measured about 2x for 8,000 goals)."""
    marks = ", ".join("?" for _ in modules)
    conn.execute(f"DELETE FROM search_index WHERE module IN ({marks})", modules)
    conn.execute(f"DELETE FROM {table}")


def _import_what_matters(conn: Connection, text: str) -> None:
    conn.execute("UPDATE meta SET value = ? WHERE key = 'what_matters'", (text,))
    index_what_matters(conn, text)


def _import_domains(conn: Connection, domains: list[dict[str, Any]]) -> None:
    # Goals keep their life domain across the replacement, matched by name: the new domains go
    # in first, each goal moves to the first new domain of its old one's name (one UPDATE per
    # old domain, on the goals_domain index), then the old domains go.
    old = conn.execute("SELECT id, name FROM life_domains").fetchall()
    base = max((row[0] for row in old), default=0)
    new_ids: dict[str, int] = {}
    domain_rows: list[tuple[Any, ...]] = []
    history_rows: list[tuple[Any, ...]] = []
    for position, d in enumerate(domains):
        domain_id = base + 1 + position
        history = d.get("history", [])
        domain_rows.append(
            (
                domain_id,
                d["name"],
                d.get("status", ""),
                d.get("rating"),
                d.get("helps", ""),
                d.get("hinders", ""),
                int(d.get("hidden", False)),
                position,
                history[-1]["recorded_at"] if history else None,
            )
        )
        new_ids.setdefault(d["name"], domain_id)
        history_rows += [
            (domain_id, h["status"], h.get("rating"), h["recorded_at"]) for h in history
        ]
    _insert_rows(
        conn,
        "life_domains",
        ("id", "name", "status", "rating", "helps", "hinders", "hidden", "position",
         "updated_at"),
        domain_rows,
    )
    conn.executemany(
        "INSERT INTO domain_status_history(domain_id, status, rating, recorded_at)"
        " VALUES (?, ?, ?, ?)",
        history_rows,
    )
    conn.executemany(
        "UPDATE goals SET domain_id = ? WHERE domain_id = ?",
        [(new_ids.get(name), old_id) for old_id, name in old],
    )
    conn.execute("DELETE FROM life_domains WHERE id <= ?", (base,))


def _domain_ids(conn: Connection) -> dict[str, int]:
    """Life domain name -> id of the first domain (by position) of that name."""
    ids: dict[str, int] = {}
    for row in conn.execute("SELECT id, name FROM life_domains ORDER BY position, id"):
        ids.setdefault(row[1], row[0])
    return ids


def _import_goals(conn: Connection, goals: list[dict[str, Any]]) -> None:
    """Replace every goal: ids are given here (tree order, parents before children), so the
    whole tree goes in with two statements, linear in its size."""
    _delete_all(conn, "goals", "goals", "activities")  # activities go with their goals
    domains = _domain_ids(conn)
    base = conn.execute("SELECT COALESCE(MAX(id), 0) FROM goals").fetchone()[0]
    goal_rows: list[tuple[Any, ...]] = []
    activity_rows: list[tuple[Any, ...]] = []
    stack: list[tuple[dict[str, Any], int | None]] = [(g, None) for g in reversed(goals)]
    while stack:  # depth first, in file order: the order export_all writes
        goal, parent_id = stack.pop()
        position = len(goal_rows)
        goal_id = base + 1 + position
        domain = goal.get("life_domain")
        goal_rows.append(
            (
                goal_id,
                parent_id,
                goal["title"],
                goal.get("why", ""),
                None if domain is None else domains.get(domain),
                goal.get("due"),
                int(goal.get("done", False)),
                goal.get("notes", ""),
                position,
            )
        )
        activity_rows += [
            (
                goal_id,
                a["title"],
                a.get("scheduled_on"),
                int(a.get("done", False)),
                a.get("done_at"),
                a.get("notes", ""),
            )
            for a in goal.get("activities", [])
        ]
        stack += [(child, goal_id) for child in reversed(goal.get("sub_goals", []))]
    _insert_rows(
        conn,
        "goals",
        ("id", "parent_id", "title", "why", "domain_id", "due", "done", "notes", "position"),
        goal_rows,
    )
    _insert_rows(
        conn,
        "activities",
        ("goal_id", "title", "scheduled_on", "done", "done_at", "notes"),
        activity_rows,
    )


def _person_ids(conn: Connection) -> dict[str, int]:
    """Person name -> id of the first person of that name."""
    ids: dict[str, int] = {}
    for row in conn.execute("SELECT id, name FROM people ORDER BY id"):
        ids.setdefault(row[1], row[0])
    return ids


def _import_network(conn: Connection, people: list[dict[str, Any]]) -> None:
    # Crisis helpers picked from the network follow their person by name.
    linked = conn.execute(
        "SELECT id, name FROM crisis_helpers WHERE person_id IS NOT NULL"
    ).fetchall()
    _delete_all(conn, "people", "network")
    _insert_rows(
        conn,
        "people",
        ("name", "relation", "sector", "ring", "contact_frequency", "phone",
         "can_help_in_crisis", "notes"),
        [
            (
                p["name"],
                p.get("relation", ""),
                p.get("sector", Sector.FRIENDS.value),
                p.get("ring", 2),
                p.get("contact_frequency", ""),
                p.get("phone", ""),
                int(p.get("can_help_in_crisis", False)),
                p.get("notes", ""),
            )
            for p in people
        ],
    )
    ids = _person_ids(conn)
    conn.executemany(
        "UPDATE crisis_helpers SET person_id = ? WHERE id = ?",
        [(ids.get(name), helper_id) for helper_id, name in linked],
    )


def _import_crisis_plan(conn: Connection, plan: dict[str, Any]) -> None:
    assignments = ", ".join(f"{name} = ?" for name in _CRISIS_TEXT)
    conn.execute(
        f"UPDATE crisis_plan SET {assignments}, updated_at = ? WHERE id = 1",
        (*(plan.get(name, "") for name in _CRISIS_TEXT), plan.get("updated_at")),
    )
    conn.execute("DELETE FROM crisis_helpers")
    people = _person_ids(conn)
    conn.executemany(
        "INSERT INTO crisis_helpers(name, phone, person_id, position) VALUES (?, ?, ?, ?)",
        [
            (h["name"], h.get("phone", ""),
             people.get(h["name"]) if h.get("from_network") else None, position)
            for position, h in enumerate(plan.get("helpers", []))
        ],
    )
    conn.execute("DELETE FROM crisis_professionals")
    conn.executemany(
        "INSERT INTO crisis_professionals(name, phone, role, position) VALUES (?, ?, ?, ?)",
        [
            (p["name"], p.get("phone", ""), p.get("role", ""), i)
            for i, p in enumerate(plan.get("professionals", []))
        ],
    )


def _import_exercises(conn: Connection, exercises: dict[str, Any]) -> None:
    _delete_all(conn, "exercise_log", "exercise-log")
    conn.execute("DELETE FROM exercises WHERE builtin = 0")
    conn.executemany(
        "INSERT INTO exercises(slug, title, category, body, builtin) VALUES (?, ?, ?, ?, 0)",
        [
            (e["slug"], e["title"], e.get("category", ""), e.get("body", ""))
            for e in exercises.get("own", [])
        ],
    )
    ids = {row[0]: row[1] for row in conn.execute("SELECT slug, id FROM exercises")}
    log_rows = []
    for entry in exercises.get("log", []):
        exercise_id = ids.get(entry["exercise"])
        if exercise_id is None:
            # A built-in exercise this vault has not registered yet: register it by name.
            cur = conn.execute(
                "INSERT INTO exercises(slug, title, builtin) VALUES (?, ?, ?)",
                (
                    entry["exercise"],
                    entry.get("title") or entry["exercise"],
                    int(entry.get("builtin", True)),
                ),
            )
            exercise_id = ids[entry["exercise"]] = cur.lastrowid
        log_rows.append((exercise_id, entry["done_at"], entry.get("note", "")))
    _insert_rows(conn, "exercise_log", ("exercise_id", "done_at", "note"), log_rows)


def _import_medications(conn: Connection, medications: list[dict[str, Any]]) -> None:
    _delete_all(conn, "medications", "medications")
    _insert_rows(
        conn,
        "medications",
        ("name", "prescribed", "dose", "schedule", "intended_effect", "experiences",
         "questions"),
        [
            (
                m["name"],
                int(m.get("prescribed", True)),
                m.get("dose", ""),
                m.get("schedule", ""),
                m.get("intended_effect", ""),
                m.get("experiences", ""),
                m.get("questions", ""),
            )
            for m in medications
        ],
    )


def _import_diary(conn: Connection, entries: list[dict[str, Any]]) -> None:
    _delete_all(conn, "diary", "diary")
    _insert_rows(
        conn, "diary", ("written_at", "text"), [(e["written_at"], e["text"]) for e in entries]
    )


def _import_registrations(conn: Connection, parameters: list[dict[str, Any]]) -> None:
    conn.execute("DELETE FROM registration_parameters")
    for p in parameters:
        cur = conn.execute(
            "INSERT INTO registration_parameters(name, unit, minimum, maximum) VALUES (?, ?, ?, ?)",
            (p["name"], p.get("unit", ""), p.get("minimum", 0), p.get("maximum", 10)),
        )
        conn.executemany(
            "INSERT INTO registrations(parameter_id, day, value) VALUES (?, ?, ?)",
            [(cur.lastrowid, v["day"], v["value"]) for v in p.get("values", [])],
        )


def _import_history(kind: str, name_key: str) -> Callable[[Connection, Any], None]:
    """Conversations or forums from a file become readable history (``imported_history``):
    no Olm or Megolm session, mailbox or key can be restored from a file, so they are not
    reconnected (docs/export-format.md). Each replaces what an earlier import brought; one that
    is this vault's own live conversation or forum (the same name and every message or post
    already here) is skipped, so importing one's own export does not show it twice."""

    def write(conn: Connection, entries: list[dict[str, Any]]) -> None:
        conn.execute("DELETE FROM imported_history WHERE kind = ?", (kind,))
        now = conn.execute("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')").fetchone()[0]
        rows = [(kind, entry[name_key], json.dumps(entry, ensure_ascii=False, sort_keys=True),
                 now) for entry in entries if not _is_live(conn, kind, entry)]
        conn.executemany("INSERT INTO imported_history(kind, name, data, imported_at)"
                         " VALUES (?, ?, ?, ?)", rows)

    return write


_LIVE_IDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    # kind -> (entry list, its id key, the ids this vault holds of a partner/forum named ?)
    "dyad": (
        ("messages", "id", "SELECT m.message_id FROM messages m JOIN partners p"
                           " ON p.id = m.partner_id WHERE p.name = ?"),
        ("checkins", "id", "SELECT c.checkin_id FROM checkins c JOIN partners p"
                           " ON p.id = c.partner_id WHERE p.name = ?"),
        ("feedback", "id", "SELECT f.feedback_id FROM feedback f JOIN partners p"
                           " ON p.id = f.partner_id WHERE p.name = ?"),
        ("agreements", "proposer_signature",
         "SELECT a.proposer_signature FROM agreement_versions a JOIN partners p"
         " ON p.id = a.partner_id WHERE p.name = ?"),
    ),
    "forum": (
        ("posts", "id", "SELECT r.post_id FROM forum_posts r JOIN forums f"
                        " ON f.id = r.forum_id WHERE f.name = ?"),
    ),
}


def _is_live(conn: Connection, kind: str, entry: dict[str, Any]) -> bool:
    """Whether ``entry`` is this vault's own live conversation or forum: one of the same name
    already holds every message, check-in, feedback and agreement version (every post)."""
    name = entry["partner"] if kind == "dyad" else entry["name"]
    table = "partners" if kind == "dyad" else "forums"
    if conn.execute(f"SELECT 1 FROM {table} WHERE name = ?", (name,)).fetchone() is None:
        return False
    for key, id_key, query in _LIVE_IDS[kind]:
        held = {r[0] for r in conn.execute(query, (name,))}
        if not {item[id_key] for item in entry[key]} <= held:
            return False
    return True


_IMPORTERS: dict[str, Callable[[Connection, Any], None]] = {
    "what_matters": _import_what_matters,
    "life_domains": _import_domains,
    "goals": _import_goals,
    "network": _import_network,
    "crisis_plan": _import_crisis_plan,
    "exercises": _import_exercises,
    "medications": _import_medications,
    "diary": _import_diary,
    "registrations": _import_registrations,
    "dyads": _import_history("dyad", "partner"),
    "forums": _import_history("forum", "name"),
}
