"""Each toolbox module's repository: add, get, update, delete, and what survives a reopen."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reconnect_tui.errors import NotFound
from reconnect_tui.model import (
    Activity,
    CrisisPlan,
    DiaryEntry,
    Exercise,
    Goal,
    Helper,
    LifeDomain,
    Medication,
    Person,
    RegistrationParameter,
    Sector,
    ServiceContact,
)
from reconnect_tui.store import Toolbox, Vault


def reopen(vault: Vault, template) -> Toolbox:
    path = vault.path
    vault.close()
    return Toolbox(Vault.open_with_key(path, template.key, template.header))


def test_new_vault_has_default_life_domains(toolbox: Toolbox) -> None:
    names = [d.name for d in toolbox.domains.list()]
    assert names[:2] == ["School / occupation", "Social life"] and len(names) == 6


def test_life_domain_changes_are_kept_as_history(toolbox: Toolbox) -> None:
    domain = toolbox.domains.list()[2]
    domain.status, domain.rating = "Tired, but sleeping better", 4
    toolbox.domains.update(domain)
    domain.helps = "Walks"  # not a status change: no new history entry
    toolbox.domains.update(domain)
    domain.status, domain.rating = "Steadier", 6
    toolbox.domains.update(domain)
    history = toolbox.domains.history(domain.id)
    assert [(h.status, h.rating) for h in history] == [
        ("Tired, but sleeping better", 4),
        ("Steadier", 6),
    ]
    assert toolbox.domains.get(domain.id).helps == "Walks"


def test_life_domain_add_hide_delete(toolbox: Toolbox) -> None:
    added = toolbox.domains.add(LifeDomain(name="Spirituality", status="Curious", rating=7))
    assert toolbox.domains.history(added.id)[0].rating == 7
    added.hidden = True
    toolbox.domains.update(added)
    assert added.id not in [d.id for d in toolbox.domains.list()]
    assert added.id in [d.id for d in toolbox.domains.list(include_hidden=True)]
    toolbox.domains.delete(added.id)
    with pytest.raises(NotFound):
        toolbox.domains.get(added.id)


def test_goal_tree_and_activities(toolbox: Toolbox) -> None:
    domain = toolbox.domains.list()[0]
    goal = toolbox.goals.add(Goal(title="Find a part-time job", domain_id=domain.id))
    sub = toolbox.goals.add(Goal(title="Write a CV", parent_id=goal.id))
    today = date(2026, 11, 27)
    act = toolbox.goals.add_activity(Activity(goal_id=sub.id, title="Ask Per", scheduled_on=today))
    toolbox.goals.add_activity(
        Activity(goal_id=sub.id, title="Later", scheduled_on=date(2027, 1, 1))
    )
    assert [g.title for g in toolbox.goals.list(domain_id=domain.id)] == ["Find a part-time job"]
    assert [a.title for a in toolbox.goals.due_this_week(today)] == ["Ask Per"]
    toolbox.goals.set_activity_done(act.id)
    assert toolbox.goals.get_activity(act.id).done_at is not None
    assert toolbox.goals.due_this_week(today) == []
    toolbox.goals.delete(goal.id)  # sub-goals and activities go with it
    assert toolbox.goals.list() == [] and toolbox.goals.activities() == []


def test_network_orders_by_ring_and_offers_crisis_helpers(toolbox: Toolbox) -> None:
    toolbox.network.add(Person(name="Ola", sector=Sector.FRIENDS, ring=3))
    toolbox.network.add(
        Person(
            name="Mum",
            sector=Sector.FAMILY,
            ring=1,
            can_help_in_crisis=True,
            phone="+47 900 00 000",
        )
    )
    people = toolbox.network.list()
    assert [p.name for p in people] == ["Mum", "Ola"]
    assert people[0].sector is Sector.FAMILY and people[0].can_help_in_crisis is True
    assert [p.name for p in toolbox.network.crisis_helpers()] == ["Mum"]


def test_crisis_plan_save_and_reopen(toolbox: Toolbox, user_template) -> None:
    assert toolbox.crisis_plan.get().is_empty()
    plan = CrisisPlan(
        warning_signs="Sover dårlig, trekker meg unna",
        reasons_for_living="Katten min, søsteren min",
        helpers=[Helper(name="Mum", phone="900 00 000")],
        professionals=[ServiceContact(name="DPS Øst", phone="22 00 00 00", role="Outpatient")],
    )
    toolbox.crisis_plan.save(plan)
    again = reopen(toolbox.vault, user_template).crisis_plan.get()
    assert again.warning_signs == plan.warning_signs
    assert again.helpers[0].name == "Mum" and again.professionals[0].phone == "22 00 00 00"
    assert again.updated_at is not None


@pytest.mark.parametrize("stamp", ["garbage", "2026-13-45T99:00", "", 12345])
def test_crisis_plan_with_a_malformed_updated_at_still_opens(toolbox: Toolbox, stamp) -> None:
    """An old import wrote ``updated_at: "garbage"``; the plan must still be readable."""
    toolbox.crisis_plan.save(CrisisPlan(warning_signs="Sover dårlig"))
    with toolbox.vault.transaction() as conn:
        conn.execute("UPDATE crisis_plan SET updated_at = ? WHERE id = 1", (stamp,))
    plan = toolbox.crisis_plan.get()
    assert plan.warning_signs == "Sover dårlig"
    assert plan.updated_at is None


def test_exercises_builtin_own_and_log(toolbox: Toolbox) -> None:
    builtin = toolbox.exercises.register_builtin("box-breathing", "Box breathing", "breathing")
    own = toolbox.exercises.add(Exercise(title="Cold water on my face"))
    own2 = toolbox.exercises.add(Exercise(title="Cold water on my face"))
    assert own.slug == "my-cold-water-on-my-face" and own2.slug == "my-cold-water-on-my-face-2"
    toolbox.exercises.log(builtin.id, note="Calmer after")
    assert toolbox.exercises.history(builtin.id)[0].note == "Calmer after"
    assert toolbox.exercises.register_builtin("box-breathing", "Box breathing", "breathing").id == (
        builtin.id
    )


def test_medications_and_diary_and_registrations(toolbox: Toolbox) -> None:
    med = toolbox.medications.add(Medication(name="Sertraline", dose="50 mg", prescribed=True))
    med.experiences = "Less worry, some nausea at first"
    toolbox.medications.update(med)
    assert toolbox.medications.get(med.id).experiences.startswith("Less worry")
    toolbox.diary.add(DiaryEntry(text="A good walk", written_at=datetime(2026, 11, 1, tzinfo=UTC)))
    toolbox.diary.add(DiaryEntry(text="Rain", written_at=datetime(2026, 11, 2, tzinfo=UTC)))
    assert [e.text for e in toolbox.diary.list()] == ["Rain", "A good walk"]
    sleep = toolbox.registrations.add(RegistrationParameter(name="Sleep", unit="h", maximum=14))
    toolbox.registrations.record(sleep.id, date(2026, 11, 1), 6.5)
    toolbox.registrations.record(sleep.id, date(2026, 11, 1), 7)  # replaces that day's value
    toolbox.registrations.record(sleep.id, date(2026, 11, 2), 8)
    assert [r.value for r in toolbox.registrations.values(sleep.id)] == [7, 8]
    assert toolbox.registrations.values_on(date(2026, 11, 2)) == {sleep.id: 8}


def test_search_finds_what_the_user_wrote(toolbox: Toolbox) -> None:
    toolbox.what_matters.set("My daughter and the garden")
    toolbox.goals.add(Goal(title="Grow tomatoes", why="The garden calms me"))
    toolbox.diary.add(DiaryEntry(text="Talked to Ærlend", written_at=datetime.now(UTC)))
    modules = {h.module for h in toolbox.search.search("garden")}
    assert modules == {"what-matters", "goals"}
    assert toolbox.search.search("ærl")[0].module == "diary"  # prefix, Norwegian letters
    assert toolbox.search.search('"') == [] and toolbox.search.search("AND OR (") == []
    goal = toolbox.goals.list()[0]
    toolbox.goals.delete(goal.id)
    assert {h.module for h in toolbox.search.search("garden")} == {"what-matters"}


def test_search_ranks_a_common_word_among_its_newest_matches(
    toolbox: Toolbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond ``RANKED_MATCHES`` matches, only the newest are ranked, and the crisis plan and
    "what matters" (one row each) always; up to it, every match is, best first (issue 14)."""
    from reconnect_tui.store.repositories import search

    toolbox.what_matters.set("sleep")
    toolbox.crisis_plan.save(replace(toolbox.crisis_plan.get(), warning_signs="sleep sleep"))
    toolbox.diary.add(DiaryEntry(text="First entry", written_at=datetime(2026, 10, 1, tzinfo=UTC)))
    entries = [  # ids 2–5: above the rows that are always ranked (item ids 0 and 1)
        toolbox.diary.add(DiaryEntry(text=text, written_at=datetime(2026, 11, day, tzinfo=UTC)))
        for day, text in enumerate(["sleep sleep sleep", "sleep", "sleep today", "sleep"], 1)
    ]
    everything = toolbox.search.find("sleep")
    assert (everything.matches, everything.ranked, everything.limited) == (6, 6, False)

    monkeypatch.setattr(search, "RANKED_MATCHES", 2)
    newest = toolbox.search.find("sleep")
    assert (newest.matches, newest.ranked, newest.limited) == (6, 4, True)
    assert {(h.module, h.item_id) for h in newest.hits} == {
        ("what-matters", 0), ("crisis-plan", 1), ("diary", entries[2].id),
        ("diary", entries[3].id)}
    assert newest.hits == [h for h in everything.hits if h in newest.hits]  # the same order
    assert toolbox.search.find("sleep", limit=1).hits == newest.hits[:1]
    assert toolbox.search.find("today").hits[0].item_id == entries[2].id  # few: all ranked


def test_changes_survive_reopen(toolbox: Toolbox, user_template, tmp_path: Path) -> None:
    toolbox.what_matters.set("Hope")
    toolbox.network.add(Person(name="Nina"))
    again = reopen(toolbox.vault, user_template)
    assert again.what_matters.get() == "Hope"
    assert [p.name for p in again.network.list()] == ["Nina"]


def test_diary_pages_and_position(toolbox: Toolbox) -> None:
    # Two entries a day: ties on the time are ordered by id, as in list().
    for i in range(5):
        toolbox.diary.add(
            DiaryEntry(text=f"e{i}", written_at=datetime(2026, 11, 1 + i // 2, tzinfo=UTC))
        )
    newest_first = toolbox.diary.list()
    assert [e.id for e in toolbox.diary.newest(2)] == [e.id for e in newest_first[:2]]
    assert [e.id for e in toolbox.diary.newest(2, offset=2)] == [e.id for e in newest_first[2:4]]
    for position, entry in enumerate(newest_first):
        assert toolbox.diary.index_of(entry.id) == position
    assert toolbox.diary.index_of(10_000) is None
