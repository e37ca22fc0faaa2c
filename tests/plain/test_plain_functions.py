"""Functions of the full app that plain mode offers too (issue 19): each one driven from a
script of answers as a screen-reader user would type them, its outcome read back from the
vault, and the conversation checked for what a screen reader stumbles over."""

from __future__ import annotations

from pathlib import Path

from reconnect_tui.store import Vault
from reconnect_tui.sync.forum import Forums
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
