"""`reconnect goal …`: goals, sub-goals and activities from the command line, on a real vault."""

from __future__ import annotations

from pathlib import Path

from tests.cli.module_helpers import exported, ok, run


def test_goal_round_trip(vault_path: Path) -> None:
    added = ok(vault_path, "goal", "add", "Walk every day", "--by", "31.03.2027",
               "--domain", "physical", "--why", "Feel stronger")
    assert set(added) == {"id"}
    goal_id = added["id"]
    sub = ok(vault_path, "goal", "add", "Walk to the shop", "--parent", str(goal_id),
             "--by", "2027-03-01")["id"]
    listed = ok(vault_path, "goal", "list")
    goal = next(g for g in listed if g["id"] == goal_id)
    assert goal["title"] == "Walk every day" and goal["due"] == "2027-03-31"
    assert goal["domain"] == "Physical health" and goal["why"] == "Feel stronger"
    assert goal["done"] is False and goal["parent_id"] is None
    assert next(g for g in listed if g["id"] == sub)["parent_id"] == goal_id

    activity = ok(vault_path, "goal", "activity", "add", str(goal_id), "Buy shoes",
                  "--date", "2027-02-01")["id"]
    ok(vault_path, "goal", "activity", "done", str(activity))
    activities = ok(vault_path, "goal", "activity", "list", "Walk every day")
    assert activities == [{"id": activity, "goal_id": goal_id, "title": "Buy shoes",
                           "date": "2027-02-01", "done": True}]

    ok(vault_path, "goal", "edit", "walk every", "--title", "Walk most days", "--by", "",
       "--domain", "")
    ok(vault_path, "goal", "done", "Walk most days")
    goal = next(g for g in ok(vault_path, "goal", "list") if g["id"] == goal_id)
    assert (goal["title"], goal["due"], goal["domain"], goal["done"]) == (
        "Walk most days", None, None, True)

    data = exported(vault_path)
    [top] = data["goals"]
    assert top["title"] == "Walk most days" and top["done"] is True
    assert top["sub_goals"][0]["title"] == "Walk to the shop"
    assert top["activities"][0]["title"] == "Buy shoes"

    text = run(vault_path, "goal", "list")
    assert text.exit_code == 0 and "Walk most days" in text.stdout
    assert "Walk to the shop" in text.stdout and "Buy shoes" in text.stdout

    ok(vault_path, "goal", "activity", "remove", str(activity))
    assert ok(vault_path, "goal", "activity", "list") == []
    ok(vault_path, "goal", "remove", str(goal_id))
    assert ok(vault_path, "goal", "list") == []  # the sub-goal went with it


def test_an_ambiguous_or_missing_goal_lists_the_candidates(vault_path: Path) -> None:
    first = ok(vault_path, "goal", "add", "Walk every day")["id"]
    second = ok(vault_path, "goal", "add", "Walk more")["id"]
    ok(vault_path, "goal", "add", "Sleep")
    several = run(vault_path, "goal", "done", "walk")
    assert several.exit_code == 1
    assert "Several goals match" in several.stderr
    assert f"{first}  Walk every day" in several.stderr
    assert f"{second}  Walk more" in several.stderr and "Sleep" not in several.stderr
    assert several.stdout == ""
    missing = run(vault_path, "goal", "remove", "Swim")
    assert missing.exit_code == 1 and "Nothing matches" in missing.stderr
    assert "Sleep" in missing.stderr and "Walk more" in missing.stderr
    domain = run(vault_path, "goal", "add", "Read", "--domain", "Nowhere")
    assert domain.exit_code == 1 and "Housing" in domain.stderr
    assert len(ok(vault_path, "goal", "list")) == 3  # nothing was changed


def test_dates_in_both_ways_and_a_bad_one(vault_path: Path) -> None:
    dotted = ok(vault_path, "goal", "add", "A", "--by", "31.03.2027")["id"]
    iso = ok(vault_path, "goal", "add", "B", "--by", "2027-03-31")["id"]
    due = {g["id"]: g["due"] for g in ok(vault_path, "goal", "list")}
    assert due[dotted] == due[iso] == "2027-03-31"
    bad = run(vault_path, "goal", "add", "C", "--by", "31.02.2027")
    assert bad.exit_code == 2 and "not in the calendar" in bad.output
    worse = run(vault_path, "goal", "add", "C", "--by", "soon")
    assert worse.exit_code == 2 and "soon" not in worse.stderr.replace("--by", "")
    assert len(ok(vault_path, "goal", "list")) == 2


def test_norwegian_output_and_dates(vault_path: Path) -> None:
    ok(vault_path, "goal", "add", "Gå tur", "--by", "31.03.2027")
    result = run(vault_path, "goal", "list", env={"RECONNECT_LANGUAGE": "nb"})
    assert result.exit_code == 0 and "innen 31.03.2027" in result.stdout
