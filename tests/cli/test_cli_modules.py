"""`reconnect crisis-plan`, `medication`, `diary`, `registration`, `exercise` and `search` from
the command line, on a real vault: add, see it in list --json, change, remove, export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.cli.module_helpers import exported, ok, run


def test_crisis_plan_round_trip(vault_path: Path) -> None:
    ok(vault_path, "crisis-plan", "add", "warning-signs", "I stop answering the phone")
    ok(vault_path, "crisis-plan", "add", "warning-signs", "I sleep badly")
    ok(vault_path, "crisis-plan", "add", "self-help", "Walk by the sea")
    ok(vault_path, "crisis-plan", "add", "safe-surroundings", "Pills with my sister")
    ok(vault_path, "network", "add", "Åse", "--phone", "91234567")
    ok(vault_path, "crisis-plan", "add", "helpers", "Åse")  # her number from the network map
    ok(vault_path, "crisis-plan", "add", "professionals", "Legevakt", "--phone", "116117",
       "--role", "out of hours")
    plan = ok(vault_path, "crisis-plan", "show")
    assert plan["warning_signs"] == "I stop answering the phone\nI sleep badly"
    assert plan["self_help"] == "Walk by the sea"
    assert plan["safe_surroundings"] == "Pills with my sister"
    assert plan["helpers"] == [{"name": "Åse", "phone": "91 23 45 67", "from_network": True}]
    assert plan["professionals"] == [{"name": "Legevakt", "phone": "116117",
                                      "role": "out of hours"}]
    assert plan["updated_at"] is not None

    text = run(vault_path, "crisis-plan", "show")
    assert "My warning signs (warning-signs)" in text.stdout
    assert "  2. I sleep badly" in text.stdout and "Åse  91 23 45 67" in text.stdout

    exported_plan = exported(vault_path)["crisis_plan"]
    assert exported_plan["warning_signs"] == plan["warning_signs"]
    assert exported_plan["helpers"][0]["name"] == "Åse"

    ok(vault_path, "crisis-plan", "remove", "warning-signs", "sleep")
    ok(vault_path, "crisis-plan", "remove", "helpers", "åse")
    ok(vault_path, "crisis-plan", "remove", "professionals", "1")
    plan = ok(vault_path, "crisis-plan", "show")
    assert plan["warning_signs"] == "I stop answering the phone"
    assert plan["helpers"] == [] and plan["professionals"] == []


def test_crisis_plan_refusals(vault_path: Path) -> None:
    unknown = run(vault_path, "crisis-plan", "add", "wishes", "x")
    assert unknown.exit_code == 2 and "warning-signs" in unknown.output
    no_phone = run(vault_path, "crisis-plan", "add", "helpers", "Nobody")
    assert no_phone.exit_code == 2 and "phone number" in no_phone.output
    bad_phone = run(vault_path, "crisis-plan", "add", "professionals", "GP", "--phone", "12")
    assert bad_phone.exit_code == 2 and "not a phone number" in bad_phone.output
    ok(vault_path, "crisis-plan", "add", "triggers", "Shouting")
    ok(vault_path, "crisis-plan", "add", "triggers", "Shopping centres")
    several = run(vault_path, "crisis-plan", "remove", "triggers", "sho")
    assert several.exit_code == 1
    assert "1  Shouting" in several.stderr and "2  Shopping centres" in several.stderr
    assert ok(vault_path, "crisis-plan", "show")["helpers"] == []


def test_medication_round_trip(vault_path: Path) -> None:
    med = ok(vault_path, "medication", "add", "Sertraline", "--dose", "50 mg", "--schedule",
             "every morning", "--effect", "Less anxiety")["id"]
    listed = ok(vault_path, "medication", "list")
    assert listed == [{"id": med, "name": "Sertraline", "prescribed": True, "dose": "50 mg",
                       "schedule": "every morning", "intended_effect": "Less anxiety",
                       "experiences": "", "questions": ""}]
    ok(vault_path, "medication", "edit", "sert", "--dose", "100 mg", "--not-prescribed",
       "--questions", "Can I stop in summer?")
    [changed] = ok(vault_path, "medication", "list")
    assert (changed["dose"], changed["prescribed"], changed["questions"]) == (
        "100 mg", False, "Can I stop in summer?")
    assert exported(vault_path)["medications"][0]["dose"] == "100 mg"
    ok(vault_path, "medication", "remove", "Sertraline")
    assert ok(vault_path, "medication", "list") == []


def test_diary_and_registrations(vault_path: Path) -> None:
    entry = ok(vault_path, "diary", "add", "A good walk.\nThen rain.", "--date", "31.03.2027")
    ok(vault_path, "diary", "add", "Older", "--date", "2027-03-01")
    entries = ok(vault_path, "diary", "list")
    assert [e["text"] for e in entries] == ["A good walk.\nThen rain.", "Older"]
    assert entries[0]["id"] == entry["id"] and entries[0]["date"] == "2027-03-31"
    assert entries[1]["date"] == "2027-03-01"
    assert {e["text"] for e in exported(vault_path)["diary"]} == {"Older",
                                                                  "A good walk.\nThen rain."}

    ok(vault_path, "registration", "track", "Sleep", "--unit", "hours", "--max", "14")
    ok(vault_path, "registration", "add", "sleep", "7,5", "--date", "31.03.2027")
    ok(vault_path, "registration", "add", "Sleep", "8", "--date", "2027-03-30")
    ok(vault_path, "registration", "add", "Sleep", "6.5", "--date", "2027-03-31")  # replaces
    [sleep] = ok(vault_path, "registration", "list")
    assert sleep["name"] == "Sleep" and sleep["unit"] == "hours"
    assert sleep["values"] == [{"date": "2027-03-30", "value": 8.0},
                               {"date": "2027-03-31", "value": 6.5}]
    too_much = run(vault_path, "registration", "add", "Sleep", "15")
    assert too_much.exit_code == 2 and "0 to 14" in too_much.output
    unknown = run(vault_path, "registration", "add", "Mood", "5")
    assert unknown.exit_code == 1 and "Sleep" in unknown.stderr
    today = ok(vault_path, "registration", "add", "Sleep", "7")
    assert today["date"] == date.today().isoformat()
    [registration] = exported(vault_path)["registrations"]
    assert registration["name"] == "Sleep" and len(registration["values"]) == 3


def test_exercises_and_search(vault_path: Path) -> None:
    exercises = ok(vault_path, "exercise", "list")
    assert exercises and all(e["builtin"] for e in exercises)
    box = next(e for e in exercises if e["slug"] == "box-breathing")
    assert box["times_done"] == 0 and box["last_done"] is None
    ok(vault_path, "exercise", "log", "Box breathing", "--note", "Calmer after")
    ok(vault_path, "exercise", "log", str(box["id"]), "--date", "2027-03-31")
    box = next(e for e in ok(vault_path, "exercise", "list") if e["id"] == box["id"])
    assert box["times_done"] == 2 and box["last_done"].startswith("2027-03-31")
    several = run(vault_path, "exercise", "log", "breathing")
    assert several.exit_code == 1 and "Box breathing" in several.stderr
    log = exported(vault_path)["exercises"]["log"]
    assert {entry["note"] for entry in log} == {"Calmer after", ""}

    ok(vault_path, "goal", "add", "Walk by the sea every day")
    ok(vault_path, "diary", "add", "The walk helped")
    hits = ok(vault_path, "search", "walk")
    assert {h["module"] for h in hits} >= {"goals", "diary"}
    assert all(set(h) >= {"module", "id", "title", "snippet"} for h in hits)
    assert ok(vault_path, "search", "nothing-like-this") == []
