"""Every toolbox module between the person's own devices (docs/devices.md): per module family,
offline edits on both devices merge (different fields both kept, the later edit of one field
wins), a deletion wins over an older edit; a child made on one device under a parent made on the
other; a child that arrives before its parent is written when the parent comes; a malformed or
hostile record is refused whole, with nothing written. Real vaults, a real relay."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from reconnect_tui.errors import ProtocolError
from reconnect_tui.model import (
    Activity,
    DiaryEntry,
    Exercise,
    Goal,
    LifeDomain,
    Medication,
    Person,
    RegistrationParameter,
    Sector,
)
from reconnect_tui.store import Toolbox, Vault, portable
from reconnect_tui.sync.device_rows import DeviceRows, decode_item
from tests.devices.device_helpers import link, sync
from tests.support.vaults import PASSPHRASE, copy_vault

TOOLBOX = ("what_matters", "life_domains", "goals", "network", "crisis_plan", "exercises",
           "medications", "diary", "registrations")
STAMP = "0000000000001-000000-abc"


def sql(path: Path, statement: str, *params: Any) -> list[tuple[Any, ...]]:
    with Vault.unlock(path, PASSPHRASE) as vault, vault.transaction() as conn:
        return [tuple(r) for r in conn.execute(statement, params).fetchall()]


def export(path: Path) -> dict[str, Any]:
    with Vault.unlock(path, PASSPHRASE) as vault:
        exported = portable.export_sections(vault, TOOLBOX)
    exported["crisis_plan"].pop("updated_at", None)  # the time each device wrote it
    return exported


def sync_all(*paths: Path) -> None:
    for path in (*paths, *paths):
        sync(path)


def linked(template, tmp_path: Path, relay, *setup: str) -> tuple[Path, Path]:
    laptop = copy_vault(template, tmp_path / "laptop")
    for statement in setup:
        sql(laptop, statement)
    work = tmp_path / "work" / "vault.db"
    link(laptop, work, relay.url)
    sync_all(work, laptop)
    return laptop, work


# table, the row made on the first device before linking, its WHERE, two fields with values
FAMILIES = [
    ("life_domains", "INSERT INTO life_domains(name, position) VALUES ('Sleep', 99)",
     "name = 'Sleep'", ("status", "helps")),
    ("goals", "INSERT INTO goals(title) VALUES ('Run 5k')", "title = 'Run 5k'",
     ("why", "notes")),
    ("people", "INSERT INTO people(name, sector, ring) VALUES ('Ola', 'friends', 2)",
     "name = 'Ola'", ("relation", "notes")),
    ("exercises", "INSERT INTO exercises(slug, title) VALUES ('my-walk', 'Walk')",
     "slug = 'my-walk'", ("category", "body")),
    ("medications", "INSERT INTO medications(name) VALUES ('Sertraline')",
     "name = 'Sertraline'", ("dose", "questions")),
    ("registration_parameters", "INSERT INTO registration_parameters(name) VALUES ('Sleep h')",
     "name = 'Sleep h'", ("unit", "unit")),
]


@pytest.mark.parametrize(("table", "insert", "where", "fields"), FAMILIES,
                         ids=[f[0] for f in FAMILIES])
def test_offline_edits_merge_and_a_deletion_wins(user_template, tmp_path: Path, relay,
                                                 table: str, insert: str, where: str,
                                                 fields: tuple[str, str]) -> None:
    laptop, work = linked(user_template, tmp_path, relay, insert)
    first, second = fields

    def value(path: Path, field: str) -> Any:
        rows = sql(path, f"SELECT {field} FROM {table} WHERE {where}")
        return rows[0][0] if rows else None

    assert value(work, first) == value(laptop, first)
    assert len(sql(work, f"SELECT 1 FROM {table} WHERE {where}")) == 1

    # Different fields, offline on both: both kept.
    sql(laptop, f"UPDATE {table} SET {first} = 'from the laptop' WHERE {where}")
    if second != first:
        sql(work, f"UPDATE {table} SET {second} = 'from the work PC' WHERE {where}")
    sync_all(laptop, work)
    for path in (laptop, work):
        assert value(path, first) == "from the laptop"
        if second != first:
            assert value(path, second) == "from the work PC"

    # The same field: the edit stamped later wins on both.
    sql(laptop, f"UPDATE {table} SET {first} = 'older' WHERE {where}")
    sync(laptop)
    sql(work, f"UPDATE {table} SET {first} = 'newer' WHERE {where}")
    sync_all(work, laptop)
    assert value(laptop, first) == value(work, first) == "newer"

    # A deletion wins over an edit stamped before it.
    sql(work, f"UPDATE {table} SET {first} = 'edited, then deleted' WHERE {where}")
    sync(work)
    sql(laptop, f"DELETE FROM {table} WHERE {where}")
    sync_all(laptop, work)
    assert sql(laptop, f"SELECT 1 FROM {table} WHERE {where}") == []
    assert sql(work, f"SELECT 1 FROM {table} WHERE {where}") == []
    assert export(laptop) == export(work)


def test_goals_sub_goals_and_activities_across_devices(user_template, tmp_path: Path,
                                                        relay) -> None:
    laptop, work = linked(user_template, tmp_path, relay,
                          "INSERT INTO goals(title) VALUES ('Get fit')")
    with Vault.unlock(work, PASSPHRASE) as vault:  # children on the work PC, parent from laptop
        goals = Toolbox(vault).goals
        parent = next(g for g in goals.list() if g.title == "Get fit")
        sub = goals.add(Goal("Run 5k", parent_id=parent.id))
        goals.add_activity(Activity(sub.id or 0, "Run on Tuesday", scheduled_on=date(2026, 12, 1)))
    with Vault.unlock(laptop, PASSPHRASE) as vault:  # meanwhile the laptop edits the parent
        goals = Toolbox(vault).goals
        parent = next(g for g in goals.list() if g.title == "Get fit")
        parent.why = "To play with my kids"
        goals.update(parent)
    sync_all(work, laptop)

    with Vault.unlock(laptop, PASSPHRASE) as vault:
        goals = Toolbox(vault).goals
        by_title = {g.title: g for g in goals.list()}
        assert by_title["Run 5k"].parent_id == by_title["Get fit"].id
        assert by_title["Get fit"].why == "To play with my kids"
        [activity] = goals.activities(by_title["Run 5k"].id)
        assert activity.title == "Run on Tuesday"
        assert activity.scheduled_on == date(2026, 12, 1)
    assert export(laptop) == export(work)

    # Deleting the parent on one device takes its sub-goal and activity on both.
    sql(laptop, "DELETE FROM goals WHERE title = 'Get fit'")
    sync_all(laptop, work)
    assert sql(work, "SELECT title FROM goals") == []
    assert sql(work, "SELECT title FROM activities") == []
    assert export(laptop) == export(work)


def test_exercise_log_and_domain_history_follow_their_parents(user_template, tmp_path: Path,
                                                                relay) -> None:
    laptop, work = linked(user_template, tmp_path, relay)
    with Vault.unlock(work, PASSPHRASE) as vault:
        toolbox = Toolbox(vault)
        own = toolbox.exercises.add(Exercise("Box breathing", body="In 4, hold 4, out 4"))
        toolbox.exercises.log(own.id or 0, "Calmer after", datetime(2026, 11, 30, 8, tzinfo=UTC))
        domain = toolbox.domains.list()[0]
        domain.status = "Sleeping better"
        domain.rating = 7
        toolbox.domains.update(domain)  # a history entry on the work PC
    sync_all(work, laptop)
    with Vault.unlock(laptop, PASSPHRASE) as vault:
        toolbox = Toolbox(vault)
        [entry] = toolbox.exercises.history(toolbox.exercises.by_slug(own.slug).id)
        assert entry.note == "Calmer after"
        domain = next(d for d in toolbox.domains.list() if d.status == "Sleeping better")
        assert [(h.status, h.rating) for h in toolbox.domains.history(domain.id or 0)] == [
            ("Sleeping better", 7)]
    assert export(laptop) == export(work)


def test_every_module_edited_on_one_device_shows_on_the_other(user_template, tmp_path: Path,
                                                              relay) -> None:
    laptop, work = linked(user_template, tmp_path, relay)
    before = export(work)
    assert before == export(laptop)  # linking made no duplicates (life domains, built-ins)
    with Vault.unlock(laptop, PASSPHRASE) as vault:
        t = Toolbox(vault)
        t.what_matters.set("My kids, my garden")
        domain = t.domains.add(LifeDomain("Music", status="Playing again", rating=6))
        goal = t.goals.add(Goal("Play a concert", why="Joy", domain_id=domain.id,
                                due=date(2027, 3, 1)))
        sub = t.goals.add(Goal("Practise daily", parent_id=goal.id))
        t.goals.add_activity(Activity(sub.id or 0, "Scales", notes="20 minutes"))
        t.network.add(Person("Ola", relation="Brother", sector=Sector.FAMILY, ring=1,
                             phone="+47 912 34 567", can_help_in_crisis=True))
        plan = t.crisis_plan.get()
        plan.self_help = "A walk by the river"
        t.crisis_plan.save(plan)
        exercise = t.exercises.add(Exercise("Grounding", category="Calm", body="5-4-3-2-1"))
        t.exercises.log(exercise.id or 0, "Helped")
        t.medications.add(Medication("Sertraline", dose="50 mg", schedule="Morning"))
        t.diary.add(DiaryEntry("A good day", datetime(2026, 11, 30, 9, tzinfo=UTC)))
        parameter = t.registrations.add(RegistrationParameter("Sleep", unit="hours",
                                                              maximum=14))
        t.registrations.record(parameter.id or 0, date(2026, 11, 29), 7.5)
    sync_all(laptop, work)
    after = export(work)
    assert after == export(laptop)
    assert after != before
    assert after["what_matters"] == "My kids, my garden"
    assert after["registrations"][-1]["values"] == [{"day": "2026-11-29", "value": 7.5}]
    with Vault.unlock(work, PASSPHRASE) as vault:
        hits = Toolbox(vault).search.search("garden")
    assert hits  # written through the index as every edit is


def _item(fields: dict[str, Any], item: str = "a" * 32) -> dict[str, Any]:
    return {"item": item, "deleted": None,
            "fields": {name: [value, STAMP] for name, value in fields.items()}}


@pytest.mark.parametrize(("module", "good", "bad"), [
    ("life_domains", {"name": "Sleep", "rating": 5}, {"rating": 11}),
    ("life_domains", {"name": "Sleep"}, {"hidden": "yes"}),
    ("goals", {"title": "Run", "parent_id": "b" * 32}, {"parent_id": "../etc"}),
    ("goals", {"title": "Run"}, {"due": "next week"}),
    ("activities", {"goal_id": "b" * 32, "title": "Run"}, {"goal_id": 5}),
    ("network", {"name": "Ola", "sector": "family", "ring": 1}, {"sector": "enemies"}),
    ("network", {"name": "Ola", "ring": 1}, {"ring": 9}),
    ("exercises", {"slug": "my-walk", "title": "Walk"}, {"title": "x" * 10_000}),
    ("exercise_log", {"exercise_id": "b" * 32, "done_at": "2026-11-30T08:00:00+00:00"},
     {"done_at": "yesterday"}),
    ("medications", {"name": "Sertraline"}, {"is_admin": True}),
    ("registrations", {"parameter_id": "b" * 32, "day": "2026-11-30", "value": 7.5},
     {"value": float("inf")}),
    ("what_matters", {"value": "My kids"}, {"value": ["nested"]}),
])
def test_a_malformed_record_is_refused(module: str, good: dict[str, Any],
                                       bad: dict[str, Any]) -> None:
    assert decode_item(_item(good), module)[1].visible() == good
    with pytest.raises(ProtocolError):
        decode_item(_item({**good, **bad}), module)
    with pytest.raises(ProtocolError):
        decode_item(_item(good), "partners")  # not a toolbox module


def test_a_child_before_its_parent_and_a_hostile_batch(user_template, tmp_path: Path) -> None:
    path = copy_vault(user_template, tmp_path / "vault")
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    parent, child, activity = "p" * 32, "c" * 32, "t" * 32
    with Vault.unlock(path, PASSPHRASE) as vault, vault.transaction():
        rows = DeviceRows(vault, "other-device")
        rows.merge_remote("activities", [_item({"goal_id": child, "title": "Scales"},
                                               activity)], now)
        rows.merge_remote("goals", [_item({"title": "Practise", "parent_id": parent}, child)],
                          now)
    assert sql(path, "SELECT title FROM goals") == []  # waiting for their parents, kept
    with Vault.unlock(path, PASSPHRASE) as vault, vault.transaction():
        DeviceRows(vault, "other-device").merge_remote(
            "goals", [_item({"title": "Play a concert"}, parent)], now)
    assert sql(path, "SELECT g.title, p.title FROM goals g LEFT JOIN goals p"
                     " ON p.id = g.parent_id ORDER BY g.id") == [
        ("Play a concert", None), ("Practise", "Play a concert")]
    assert sql(path, "SELECT a.title, g.title FROM activities a JOIN goals g"
                     " ON g.id = a.goal_id") == [("Scales", "Practise")]

    # One bad item refuses the whole batch: the good one beside it is not written either.
    before = sql(path, "SELECT count(*) FROM medications")
    with (Vault.unlock(path, PASSPHRASE) as vault, vault.transaction(),
          pytest.raises(ProtocolError)):
        DeviceRows(vault, "other-device").merge_remote("medications", [
            _item({"name": "Fine"}, "m" * 32),
            _item({"name": "\x1b]52;c;evil\x07", "dose": 5}, "n" * 32)], now)
    assert sql(path, "SELECT count(*) FROM medications") == before
    # Escape codes in a well-formed record are cleaned before they are stored (text_safety).
    with Vault.unlock(path, PASSPHRASE) as vault, vault.transaction():
        DeviceRows(vault, "other-device").merge_remote(
            "medications", [_item({"name": "Bad\x1b[2J name"}, "n" * 32)], now)
    [(name,)] = sql(path, "SELECT name FROM medications WHERE name LIKE 'Bad%'")
    assert "\x1b" not in name


def test_a_batch_writes_parents_and_children_together_and_a_taken_name_waits(
        user_template, tmp_path: Path) -> None:
    path = copy_vault(user_template, tmp_path / "vault")
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    sql(path, "INSERT INTO registration_parameters(name) VALUES ('Sleep')")
    children = [_item({"title": f"Step {i}", "parent_id": "p" * 32}, f"{i:032d}")
                for i in range(5)]
    with Vault.unlock(path, PASSPHRASE) as vault, vault.transaction():
        rows = DeviceRows(vault, "other-device")
        rows.merge_remote("goals", [*children, _item({"title": "Plan"}, "p" * 32)], now)
        # Another item under a name this vault's own row has: not written, nothing raised.
        rows.merge_remote("registration_parameters", [
            _item({"name": "Sleep", "unit": "h", "minimum": 0, "maximum": 14}, "s" * 32),
            _item({"name": "Mood", "unit": "", "minimum": 0, "maximum": 10}, "m" * 32)], now)
    assert sql(path, "SELECT count(*) FROM goals g JOIN goals p ON p.id = g.parent_id"
                     " WHERE p.title = 'Plan'") == [(5,)]
    assert sql(path, "SELECT name, maximum FROM registration_parameters ORDER BY name") == [
        ("Mood", 10.0), ("Sleep", 10.0)]


def test_a_hostile_envelope_through_the_relay_changes_nothing(user_template, tmp_path: Path,
                                                              relay) -> None:
    """What a compromised device could send on its link session: records of a module that is
    not a toolbox module, and a batch with one value its column does not hold."""
    from reconnect_tui.sync.devices import Devices, _inner

    laptop, work = linked(user_template, tmp_path, relay,
                          "INSERT INTO medications(name) VALUES ('Sertraline')")
    before = export(work)
    good = _item({"name": "Extra", "dose": "5 mg"}, "x" * 32)
    with Vault.unlock(laptop, PASSPHRASE) as vault, vault.transaction():
        for message in ({"module": "partners", "items": [good]},
                        {"module": "medications",
                         "items": [good, _item({"name": "Bad", "prescribed": "yes"}, "y" * 32)]},
                        {"module": "medications", "items": "not a list"}):
            Devices(vault)._send_linked(_inner({"v": 1, "type": "records", **message}))
    sync(laptop)
    sync(work)
    assert export(work) == before
    with Vault.unlock(work, PASSPHRASE) as vault, vault.read() as conn:
        reasons = [r[0] for r in conn.execute("SELECT reason FROM rejected_envelopes")]
    assert sum("toolbox record" in r for r in reasons) == 3
    sync_all(laptop, work)  # the link still works afterwards
    sql(laptop, "UPDATE medications SET dose = '100 mg' WHERE name = 'Sertraline'")
    sync_all(laptop, work)
    assert sql(work, "SELECT dose FROM medications WHERE name = 'Sertraline'") == [("100 mg",)]


def test_a_toolbox_too_large_for_the_welcome_arrives_as_records_without_copies(
        user_template, tmp_path: Path, relay) -> None:
    """A welcome without its snapshot (the rest of the vault is more than one envelope): the new
    vault's own starting rows (the default life domains) give way to the records."""
    history = json.dumps({"name": "Old conversation",
                          "messages": [{"text": f"{i} " + "x" * 1000} for i in range(400)]})
    laptop, work = linked(user_template, tmp_path, relay,
                          "INSERT INTO medications(name) VALUES ('Sertraline')",
                          "UPDATE life_domains SET status = 'Fine' WHERE id = 1")
    sql(laptop, "INSERT INTO imported_history(kind, name, data, imported_at) VALUES"
                " ('dyad', 'Old', ?, '2026-11-30T12:00:00+00:00')", history)
    other = tmp_path / "tablet" / "vault.db"
    link(laptop, other, relay.url, "Tablet")
    sync_all(other, laptop)
    assert export(other) == export(laptop)
    assert sql(other, "SELECT count(*) FROM life_domains") == sql(
        laptop, "SELECT count(*) FROM life_domains")
    assert sql(other, "SELECT count(*) FROM imported_history") == [(0,)]  # not a record
