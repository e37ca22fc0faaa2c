"""Functions of the full app that plain mode offers too (issue 19): each one driven from a
script of answers as a screen-reader user would type them, its outcome read back from the
vault, and the conversation checked for what a screen reader stumbles over."""

from __future__ import annotations

from pathlib import Path

from reconnect_tui.model import Role
from reconnect_tui.settings import load_settings
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.sync import agreement_terms
from reconnect_tui.sync.about import ItemRef
from reconnect_tui.sync.agreements import Agreements
from reconnect_tui.sync.forum import Forums
from tests.dyads.dyad_helpers import open_person, pair
from tests.plain.plain_helpers import home, problems, run_plain
from tests.support.vaults import Template, copy_vault


def _run(vault: Path, answers: list[str], env: dict[str, str] | None = None) -> str:
    result = run_plain(vault, answers, env=env)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    assert problems(result.stdout) == [], problems(result.stdout)
    return result.stdout


def test_the_moderator_pins_and_unpins_a_thread(user_template: Template, relay,
                                                 tmp_path: Path) -> None:
    path = copy_vault(user_template, tmp_path / "user")
    said = _run(path, [
        home("forum"), "2", "Peers", "Fox",
        "1", "1",             # open the forum
        "1", "Be kind",        # start a thread (the only action while there is none)
        "3", "1", "1",         # pin its first post as the forum's rules
        "3", "1", "2",         # then unpin it (rules is no longer offered)
        "q", "q", home("quit"),
    ], env={"RECONNECT_RELAY": relay.url})
    assert "Pinned: the forum's rules." in said and "Unpinned." in said
    assert "Pinned: the forum's rules. Be kind, 0 replies" in said
    assert "Pin: 2 choices." in said
    vault = Vault.open_with_key(path, user_template.key, user_template.header)
    try:
        forums = Forums(vault).views
        (forum,) = forums.forums()
        (thread,) = forums.threads(forum.id)
        assert thread.first.text == "Be kind" and thread.first.pinned == ""
    finally:
        vault.close()


def test_reply_about_an_item_and_what_is_kept_for_the_meeting(
        user_template: Template, provider_template: Template, relay, tmp_path: Path) -> None:
    provider = open_person(provider_template, tmp_path / "provider", relay.url)
    user = open_person(user_template, tmp_path / "user", relay.url)
    on_provider, on_user = pair(provider, user)
    asked = provider.dyads.send(on_provider.id, "How was the week?")
    provider.sync()
    provider.vault.close()
    user.sync()
    Agreements(user.vault).keep_for_meeting(on_user.id, "A long story for our meeting")
    user.vault.close()

    said = _run(user.path, [
        home("messages"), "1",
        "8", "1", "Good, thanks",            # reply to their message, chosen by number
        "9", "1", "2", "About this one",     # about the first item, sent without its title
        "10", "1", "1", "yes",               # the kept message: remove it
        "q", "q", home("quit"),
    ], env={"RECONNECT_RELAY": relay.url})
    assert "1 message to reply to." in said
    assert "1 message kept for your next meeting." in said
    assert "0 messages kept for your next meeting." in said and "Removed." in said
    assert "Dr Lind cannot see Life domain: " in said

    user.reopen()
    try:
        mine = [m for m in user.dyads.conversation(on_user.id) if m.outgoing]
        assert [(m.text, m.reply_to) for m in mine] == [("Good, thanks", asked.id),
                                                        ("About this one", None)]
        assert mine[1].about == ItemRef("life-domains", 0, "")  # withheld: not shared
        assert Agreements(user.vault).drafts(on_user.id) == []
    finally:
        user.vault.close()


def test_an_entry_is_removed_from_the_exercise_log(user_template: Template,
                                                   tmp_path: Path) -> None:
    path = copy_vault(user_template, tmp_path / "user")
    said = _run(path, [
        home("exercises"),
        "5", "1", "yes", "first",
        "5", "1", "yes", "second",
        "6", "1", "1", "yes",      # the log, remove an entry: the newest
        "q", "q", home("quit"),
    ])
    assert "2 exercises done." in said and "1 exercise done." in said
    assert "Removed from history." in said
    vault = Vault.open_with_key(path, user_template.key, user_template.header)
    try:
        assert [log.note for log in Toolbox(vault).exercises.history()] == ["first"]
    finally:
        vault.close()


def test_theme_notifications_and_quiet_hours_are_set(user_template: Template,
                                                     tmp_path: Path) -> None:
    from textual.theme import BUILTIN_THEMES

    path = copy_vault(user_template, tmp_path / "user")
    light = str(sorted(BUILTIN_THEMES).index("textual-light") + 1)
    said = _run(path, [
        home("settings"),
        "5", light,                  # the full app's theme
        "6", "3",                    # notifications: what it is and from whom
        "7", "25:99", "23:00", "",   # quiet hours: a wrong time, then from 23:00, end kept
        "7", "-", "-",               # then none
        "7", "22:30", "06:30",
        "q", home("quit"),
    ])
    assert "The theme changes only the colours of the full app; plain mode has none." in said
    assert "A time like 22:00, or empty." in said
    assert "Quiet hours: from 23:00 until 07:00" in said and "Quiet hours: none" in said
    assert "Settings: 7 choices.\n1: " in said
    settings = load_settings()
    assert (settings.theme, settings.notifications) == ("textual-light", "name")
    assert (settings.quiet_start, settings.quiet_end) == ("22:30", "06:30")


def test_agreement_terms_are_asked_with_labels_and_parsed_like_the_form(
        user_template: Template, provider_template: Template, relay, tmp_path: Path) -> None:
    provider = open_person(provider_template, tmp_path / "provider", relay.url)
    user = open_person(user_template, tmp_path / "user", relay.url)
    on_provider, _on_user = pair(provider, user)
    provider.vault.close()
    user.vault.close()
    answers = {"answer_within_working_days": "40", "working_from": "8.30",
               "suggested_max_words": "-", "read_receipts": "no"}
    said = _run(provider.path, [
        home("messages", Role.PROVIDER), "1", "3", "1",
        *[answers.get(field.name, "") for field in agreement_terms.FORM_FIELDS],
        "3",                                   # asked again: 40 is more than 30 days
        "q", "q", "q", home("quit", Role.PROVIDER),
    ], env={"RECONNECT_RELAY": relay.url})
    assert "Answers usually within (working days) (now 2):" in said
    assert "Working hours from (now 08:00):" in said
    assert ("Answers usually within (working days) must be a whole number of days from 0"
            " to 30.") in said
    assert "Proposed version 1." in said
    provider.reopen()
    try:
        terms = Agreements(provider.vault).state(on_provider.id).shown.terms
        assert (terms["answer_within_working_days"], terms["working_hours"],
                terms["suggested_max_words"], terms["read_receipts"]) == (
            3, "08:30-15:30", None, False)
    finally:
        provider.vault.close()


def test_search_says_when_only_the_newest_matches_were_ranked(user_template: Template,
                                                              tmp_path: Path) -> None:
    """A word in more than ``RANKED_MATCHES`` entries: the best are chosen among the newest,
    and plain mode says so before the list, as the search screen does (issue 14)."""
    path = copy_vault(user_template, tmp_path / "user")
    vault = Vault.open_with_key(path, user_template.key, user_template.header)
    try:
        with vault.transaction() as conn:  # the diary's trigger indexes each entry
            conn.executemany("INSERT INTO diary(written_at, text) VALUES (?, ?)",
                             [("2026-11-01T09:00:00+00:00", f"A walk, number {n}")
                              for n in range(1010)])
    finally:
        vault.close()
    said = _run(path, [home("search"), "walk", "q", home("quit")])
    # the newest 1,000, and the first entry (item 1: ranked always, like the crisis plan)
    assert "Only your newest 1001 of 1010 matches were searched for the best" in said
    assert "50 results." in said
