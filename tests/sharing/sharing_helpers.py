"""Helpers for sharing tests: fill a user's toolbox, read what the provider holds."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from reconnect_tui.model import CrisisPlan, Goal
from reconnect_tui.store import Toolbox
from reconnect_tui.sync.sharing import Sharing
from tests.dyads.dyad_helpers import Person


def sharing(person: Person) -> Sharing:
    return Sharing(person.vault)


def write_crisis_plan(user: Person, warning_signs: str, reasons: str = "My cat") -> CrisisPlan:
    toolbox = Toolbox(user.vault)
    plan = replace(toolbox.crisis_plan.get(), warning_signs=warning_signs,
                   reasons_for_living=reasons)
    return toolbox.crisis_plan.save(plan)


def add_goal(user: Person, title: str) -> Goal:
    return Toolbox(user.vault).goals.add(Goal(title=title))


def relay_item(relay, slot_id: str) -> tuple[int, bytes] | None:
    """(version, ciphertext) the relay's database holds for a slot, None when deleted."""
    conn = sqlite3.connect(relay.db)
    try:
        row = conn.execute("SELECT version, ciphertext FROM items WHERE id = ?",
                           (slot_id,)).fetchone()
    finally:
        conn.close()
    if row is None or row[1] is None:
        return None
    return row[0], bytes(row[1])


def put_relay_item(relay, slot_id: str, version: int, ciphertext: bytes) -> None:
    """What a dishonest relay can do: serve anything in a slot."""
    conn = sqlite3.connect(relay.db)
    try:
        conn.execute("UPDATE items SET version = ?, ciphertext = ? WHERE id = ?",
                     (version, ciphertext, slot_id))
        conn.commit()
    finally:
        conn.close()
