"""A service user walks through every module of plain mode with a script of answers.

Each change made at the prompts is read back through the repositories afterwards; the whole
conversation is checked for what a screen reader would stumble over (``plain_helpers``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reconnect_tui.model import Sector
from reconnect_tui.settings import load_settings
from reconnect_tui.store import Toolbox, Vault
from tests.plain.plain_helpers import home, problems, run_plain
from tests.support.vaults import PASSPHRASE, Template, copy_vault


@pytest.fixture
def walked(user_template: Template, tmp_path: Path) -> tuple[str, Toolbox]:
    path = copy_vault(user_template, tmp_path / "user")
    answers = [
        # life domains: add one, edit it, delete a default, write what matters
        home("life-domains"),
        "2", "Sleep", "ok-ish", "6", "rest", "screens", "no",
        "3", "7", "", "better", "", "", "", "",
        "4", "1", "yes",
        "5", "yes", "My kids and music",
        "q",
        # goals: a goal, a sub-goal, an activity ticked off, the sub-goal renamed
        home("goals"),
        "1", "Walk daily", "feel better", "1", "2030-12-31", "no", "",
        "5", "1", "Walk to the shop", "", "1", "", "no", "",
        "6", "1", "1", "Morning walk", "today", "no", "", "5", "1", "q",
        "crisis",
        "3", "2", "Walk to the big shop", "", "q", "", "", "",
        "1", "1",
        "q",
        # network
        home("network"),
        "1", "Anna", "sister", "1", "1", "91234567", "weekly", "yes", "",
        "q",
        # crisis plan: a section, a helper, a professional
        home("crisis-plan"),
        "1", "1", "I stop sleeping", "I avoid friends", "",
        "2", "Anna", "91234567",
        "3", "DPS Lind", "nurse", "",
        "emergency",
        "q",
        # exercises: do one and log it, the log, one of my own
        home("exercises"),
        "5", "1", "yes", "calm",
        "6", "q",
        "2", "Tea break", "", "Make tea slowly",
        "q",
        # medication: add, then edit the dose
        home("medications"),
        "1", "Sertraline", "yes", "50 mg", "morning", "", "", "",
        "3", "1", "", "", "100 mg", "", "", "", "",
        "q",
        # diary and registrations
        home("diary"),
        "1", "1", "A good day", "q",
        "2", "1", "Sleep hours", "hours", "0", "12", "5", "1", "", "7,5", "1", "1", "q",
        "q",
        # information and local links
        home("info"), "1", "6", "q",
        # search
        home("search"), "walk", "q",
        # messages and sharing without a partner, the forum's start
        home("messages"),
        home("sharing"), "q",
        "?",
        # settings: auto-lock after 5 minutes, plain mode at start
        home("settings"), "1", "5", "4", "q",
        home("lock"),
        "correct horse battery staple",
        home("quit"),
    ]
    result = run_plain(path, ["crisis", PASSPHRASE, *answers], passphrase=None)
    (tmp_path / "transcript.txt").write_text(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    vault = Vault.open_with_key(path, user_template.key, user_template.header)
    yield result.stdout, Toolbox(vault)
    vault.close()


def test_every_module_reads_and_writes_through_the_vault(
        walked: tuple[str, Toolbox]) -> None:
    output, toolbox = walked
    domains = {d.name: d for d in toolbox.domains.list(include_hidden=True)}
    assert domains["Sleep"].status == "better" and domains["Sleep"].rating == 6
    assert "School / occupation" not in domains
    assert toolbox.what_matters.get() == "My kids and music"
    goals = toolbox.goals.list()
    assert [g.title for g in goals] == ["Walk daily", "Walk to the big shop"]
    assert goals[0].due == date(2030, 12, 31) and goals[1].parent_id == goals[0].id
    (activity,) = toolbox.goals.activities(goals[0].id)
    assert activity.title == "Morning walk" and activity.done
    (anna,) = toolbox.network.list()
    assert (anna.sector, anna.ring, anna.can_help_in_crisis) == (Sector.FAMILY, 1, True)
    assert anna.phone == "91 23 45 67"  # written back in national format (parsing.py)
    plan = toolbox.crisis_plan.get()
    assert plan.warning_signs == "I stop sleeping\nI avoid friends"
    assert [h.name for h in plan.helpers] == ["Anna"]
    assert [(p.name, p.role) for p in plan.professionals] == [("DPS Lind", "nurse")]
    assert [log.note for log in toolbox.exercises.history()] == ["calm"]
    assert "Tea break" in [e.title for e in toolbox.exercises.list()]
    (medicine,) = toolbox.medications.list()
    assert (medicine.name, medicine.dose, medicine.schedule) == ("Sertraline", "100 mg",
                                                                 "morning")
    assert [e.text for e in toolbox.diary.list()] == ["A good day"]
    (parameter,) = toolbox.registrations.list()
    assert [v.value for v in toolbox.registrations.values(parameter.id or 0)] == [7.5]
    assert load_settings().auto_lock_minutes == 5 and load_settings().plain is True
    for said in ("7 life domains.", "2 goals.", "1 sub-goal.", "1 activity.", "1 person.",
                 "1 medicine.", "1 entry.", "1 value.", "6 pages."):
        assert said in output, said


def test_the_conversation_holds_nothing_a_screen_reader_stumbles_over(
        walked: tuple[str, Toolbox]) -> None:
    output, _toolbox = walked
    assert problems(output) == []


def test_the_emergency_line_comes_first_and_crisis_works_at_any_prompt(
        walked: tuple[str, Toolbox]) -> None:
    output, _toolbox = walked
    # ``crisis`` at the passphrase prompt: the numbers at once (the plan is in the vault)
    before_unlock = output.split("Unlocking…\n", 1)[0]
    assert "4 emergency numbers.\n1: Medical emergency, call 113." in before_unlock
    after_unlock = output.split("Unlocking…\n", 1)[1]
    assert after_unlock.startswith("ReConnect is not for emergencies: in an acute crisis, call"
                                   " 113 (Medical emergency).")
    # ``crisis`` typed at a goals menu, before the plan was written: the numbers and the plan
    crisis = output.split("Crisis plan for Kari Nordmann", 1)[0]
    assert "1: Medical emergency, call 113." in crisis
    assert "0 of 10 sections filled in." in output
    # ``emergency`` typed in the crisis plan module: the numbers again
    assert output.count("4 emergency numbers.") >= 2
    assert "Type q to go back, crisis for your crisis plan" in output
    # locked and unlocked again: the line is said again first
    assert output.count("ReConnect is not for emergencies: in an acute crisis") == 2
