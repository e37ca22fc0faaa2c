"""The user's whole toolbox as portable JSON (``reconnect export all`` / ``reconnect import``).

The same content always gives the same file: no export time, no vault ids. Items refer to each
other by name (a goal's life domain, a crisis helper's person). See docs/export-format.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from ..errors import ImportRefused
from ..i18n import _
from ..model import CRISIS_TEXT_SECTIONS, DEFAULT_LIFE_DOMAINS, RINGS, Sector
from ..text_safety import clean_deep
from .db import Connection
from .repositories.profile import index_what_matters
from .vault import Vault

FORMAT = "reconnect-export"
VERSION = 1
MODULES = (
    "what_matters",
    "life_domains",
    "goals",
    "network",
    "crisis_plan",
    "exercises",
    "medications",
    "diary",
    "registrations",
)
_CRISIS_TEXT = tuple(name for name, _title in CRISIS_TEXT_SECTIONS)


# -- export --------------------------------------------------------------------------------


def export_all(vault: Vault) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, **export_sections(vault, MODULES)}


def export_sections(vault: Vault, sections: Iterable[str]) -> dict[str, Any]:
    """Only the named sections (sharing publishes a few modules and need not read the rest)."""
    wanted = set(sections)  # once: a generator would be used up by the first module
    with vault.read() as conn:
        exported = {name: _EXPORTERS[name](conn) for name in MODULES if name in wanted}
    return clean_deep(exported)  # text an older vault kept raw leaves cleaned (text_safety)


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

    def node(g) -> dict[str, Any]:
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


def parse(text: str) -> dict[str, Any]:
    """Read and check an export file's text; raise ImportRefused with a reason."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            _("The file is not valid JSON (line {line}, column {col}).").format(
                line=exc.lineno, col=exc.colno
            )
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused(_('The file is not a ReConnect export ("format" is missing).'))
    if data.get("version") != VERSION:
        raise ImportRefused(
            _("This export has version {v}; this ReConnect reads version {ours}.").format(
                v=data.get("version"), ours=VERSION
            )
        )
    unknown = sorted(set(data) - set(MODULES) - {"format", "version"})
    if unknown:
        raise ImportRefused(
            _("Unknown sections in the file: {names}.").format(names=", ".join(unknown))
        )
    _Checker().check(data)
    return data


def import_all(vault: Vault, data: dict[str, Any], *, replace: bool = False) -> list[str]:
    """Write the modules the file holds into the vault, in one transaction.

    Into a vault that already holds the user's data this refuses unless ``replace``: then each
    module the file holds replaces that module, and the others stay as they are. Returns the
    modules written.
    """
    if not replace and has_user_data(vault):
        raise ImportRefused(
            _(
                "This vault already holds your data. Add --replace to replace each module the"
                " file holds (other modules stay as they are)."
            )
        )
    data = clean_deep(data)  # an import file or a partner's snapshot: no escape codes stored
    present = [m for m in MODULES if m in data]
    with vault.transaction() as conn:
        for module in present:
            _IMPORTERS[module](conn, data[module])
    return present


def _import_what_matters(conn: Connection, text: str) -> None:
    conn.execute("UPDATE meta SET value = ? WHERE key = 'what_matters'", (text,))
    index_what_matters(conn, text)


def _import_domains(conn: Connection, domains: list[dict[str, Any]]) -> None:
    # Goals keep their life domain across the replacement, matched by name.
    links = conn.execute(
        "SELECT g.id, d.name FROM goals g JOIN life_domains d ON d.id = g.domain_id"
    ).fetchall()
    conn.execute("DELETE FROM life_domains")
    for position, d in enumerate(domains):
        history = d.get("history", [])
        updated = history[-1]["recorded_at"] if history else None
        cur = conn.execute(
            "INSERT INTO life_domains(name, status, rating, helps, hinders, hidden, position,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                d["name"],
                d.get("status", ""),
                d.get("rating"),
                d.get("helps", ""),
                d.get("hinders", ""),
                int(d.get("hidden", False)),
                position,
                updated,
            ),
        )
        conn.executemany(
            "INSERT INTO domain_status_history(domain_id, status, rating, recorded_at)"
            " VALUES (?, ?, ?, ?)",
            [(cur.lastrowid, h["status"], h.get("rating"), h["recorded_at"]) for h in history],
        )
    for goal_id, name in links:
        conn.execute(
            "UPDATE goals SET domain_id = (SELECT id FROM life_domains WHERE name = ?"
            " ORDER BY position LIMIT 1) WHERE id = ?",
            (name, goal_id),
        )


def _import_goals(conn: Connection, goals: list[dict[str, Any]]) -> None:
    conn.execute("DELETE FROM goals")
    position = 0

    def insert(goal: dict[str, Any], parent_id: int | None) -> None:
        nonlocal position
        domain = goal.get("life_domain")
        domain_id = None
        if domain is not None:
            row = conn.execute(
                "SELECT id FROM life_domains WHERE name = ? ORDER BY position LIMIT 1", (domain,)
            ).fetchone()
            domain_id = row[0] if row else None
        cur = conn.execute(
            "INSERT INTO goals(parent_id, title, why, domain_id, due, done, notes, position)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                parent_id,
                goal["title"],
                goal.get("why", ""),
                domain_id,
                goal.get("due"),
                int(goal.get("done", False)),
                goal.get("notes", ""),
                position,
            ),
        )
        position += 1
        goal_id = cur.lastrowid
        conn.executemany(
            "INSERT INTO activities(goal_id, title, scheduled_on, done, done_at, notes)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    goal_id,
                    a["title"],
                    a.get("scheduled_on"),
                    int(a.get("done", False)),
                    a.get("done_at"),
                    a.get("notes", ""),
                )
                for a in goal.get("activities", [])
            ],
        )
        for child in goal.get("sub_goals", []):
            insert(child, goal_id)

    # Parents first, then their children, as export_all orders them.
    for goal in goals:
        insert(goal, None)


def _import_network(conn: Connection, people: list[dict[str, Any]]) -> None:
    # Crisis helpers picked from the network follow their person by name.
    linked = [
        r[0] for r in conn.execute("SELECT id FROM crisis_helpers WHERE person_id IS NOT NULL")
    ]
    conn.execute("DELETE FROM people")
    conn.executemany(
        "INSERT INTO people(name, relation, sector, ring, contact_frequency, phone,"
        " can_help_in_crisis, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
    conn.executemany(
        "UPDATE crisis_helpers SET person_id = (SELECT id FROM people"
        " WHERE people.name = crisis_helpers.name ORDER BY id LIMIT 1) WHERE id = ?",
        [(helper_id,) for helper_id in linked],
    )


def _import_crisis_plan(conn: Connection, plan: dict[str, Any]) -> None:
    assignments = ", ".join(f"{name} = ?" for name in _CRISIS_TEXT)
    conn.execute(
        f"UPDATE crisis_plan SET {assignments}, updated_at = ? WHERE id = 1",
        (*(plan.get(name, "") for name in _CRISIS_TEXT), plan.get("updated_at")),
    )
    conn.execute("DELETE FROM crisis_helpers")
    for position, h in enumerate(plan.get("helpers", [])):
        person = None
        if h.get("from_network"):
            row = conn.execute(
                "SELECT id FROM people WHERE name = ? ORDER BY id LIMIT 1", (h["name"],)
            ).fetchone()
            person = row[0] if row else None
        conn.execute(
            "INSERT INTO crisis_helpers(name, phone, person_id, position) VALUES (?, ?, ?, ?)",
            (h["name"], h.get("phone", ""), person, position),
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
    conn.execute("DELETE FROM exercise_log")
    conn.execute("DELETE FROM exercises WHERE builtin = 0")
    conn.executemany(
        "INSERT INTO exercises(slug, title, category, body, builtin) VALUES (?, ?, ?, ?, 0)",
        [
            (e["slug"], e["title"], e.get("category", ""), e.get("body", ""))
            for e in exercises.get("own", [])
        ],
    )
    for entry in exercises.get("log", []):
        row = conn.execute(
            "SELECT id FROM exercises WHERE slug = ?", (entry["exercise"],)
        ).fetchone()
        if row is None:
            # A built-in exercise this vault has not registered yet: register it by name.
            cur = conn.execute(
                "INSERT INTO exercises(slug, title, builtin) VALUES (?, ?, ?)",
                (
                    entry["exercise"],
                    entry.get("title") or entry["exercise"],
                    int(entry.get("builtin", True)),
                ),
            )
            exercise_id = cur.lastrowid
        else:
            exercise_id = row[0]
        conn.execute(
            "INSERT INTO exercise_log(exercise_id, done_at, note) VALUES (?, ?, ?)",
            (exercise_id, entry["done_at"], entry.get("note", "")),
        )


def _import_medications(conn: Connection, medications: list[dict[str, Any]]) -> None:
    conn.execute("DELETE FROM medications")
    conn.executemany(
        "INSERT INTO medications(name, prescribed, dose, schedule, intended_effect, experiences,"
        " questions) VALUES (?, ?, ?, ?, ?, ?, ?)",
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
    conn.execute("DELETE FROM diary")
    conn.executemany(
        "INSERT INTO diary(written_at, text) VALUES (?, ?)",
        [(e["written_at"], e["text"]) for e in entries],
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


_IMPORTERS = {
    "what_matters": _import_what_matters,
    "life_domains": _import_domains,
    "goals": _import_goals,
    "network": _import_network,
    "crisis_plan": _import_crisis_plan,
    "exercises": _import_exercises,
    "medications": _import_medications,
    "diary": _import_diary,
    "registrations": _import_registrations,
}


class _Checker:
    """Type checks of an export file, so a bad file is refused before anything is written."""

    def check(self, data: dict[str, Any]) -> None:
        self.path = ""
        self._str(data, "what_matters", optional=True)
        for d in self._list(data, "life_domains"):
            self._str(d, "name")
            self._rating(d.get("rating"), "life_domains.rating")
            for h in self._list(d, "history"):
                self._str(h, "status")
                self._stamp(h, "recorded_at")
                self._rating(h.get("rating"), "history.rating")
        stack = list(self._list(data, "goals"))
        while stack:
            g = stack.pop()
            self._str(g, "title")
            self._day(g, "due")
            for a in self._list(g, "activities"):
                self._str(a, "title")
                self._day(a, "scheduled_on")
            stack.extend(self._list(g, "sub_goals"))
        for p in self._list(data, "network"):
            self._str(p, "name")
            if p.get("sector", Sector.FRIENDS.value) not in {s.value for s in Sector}:
                self._fail("network.sector")
            if p.get("ring", 2) not in RINGS:
                self._fail("network.ring")
        if "crisis_plan" in data:
            plan = data["crisis_plan"]
            if not isinstance(plan, dict):
                self._fail("crisis_plan")
            for name in _CRISIS_TEXT:
                self._str(plan, name, optional=True)
            for h in self._list(plan, "helpers"):
                self._str(h, "name")
            for p in self._list(plan, "professionals"):
                self._str(p, "name")
        if "exercises" in data:
            ex = data["exercises"]
            if not isinstance(ex, dict):
                self._fail("exercises")
            for e in self._list(ex, "own"):
                self._str(e, "slug")
                self._str(e, "title")
            for entry in self._list(ex, "log"):
                self._str(entry, "exercise")
                self._stamp(entry, "done_at")
        for m in self._list(data, "medications"):
            self._str(m, "name")
        for e in self._list(data, "diary"):
            self._str(e, "text")
            self._stamp(e, "written_at")
        for p in self._list(data, "registrations"):
            self._str(p, "name")
            for v in self._list(p, "values"):
                self._day(v, "day", optional=False)
                if not isinstance(v.get("value"), int | float) or isinstance(v.get("value"), bool):
                    self._fail("registrations.values.value")

    def _fail(self, where: str) -> None:
        raise ImportRefused(
            _("The file has a wrong or missing value at {where}.").format(where=where)
        )

    def _list(self, obj: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = obj.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self._fail(key)
        return value

    def _str(self, obj: dict[str, Any], key: str, optional: bool = False) -> None:
        if key not in obj and optional:
            return
        if not isinstance(obj.get(key), str):
            self._fail(key)

    def _rating(self, value: Any, where: str) -> None:
        if value is not None and (not isinstance(value, int) or not 0 <= value <= 10):
            self._fail(where)

    def _day(self, obj: dict[str, Any], key: str, optional: bool = True) -> None:
        value = obj.get(key)
        if value is None and optional:
            return
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            self._fail(key)

    def _stamp(self, obj: dict[str, Any], key: str) -> None:
        try:
            datetime.fromisoformat(obj.get(key))
        except (TypeError, ValueError):
            self._fail(key)
