"""A forum member's escape codes never reach another member's terminal; names with control
characters are refused (docs/text-safety.md). Real vaults, a real relay."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from reconnect_tui import wire
from reconnect_tui.cli import app
from reconnect_tui.errors import ForumError
from reconnect_tui.text_safety import is_terminal_safe
from tests.dyads.dyad_helpers import Person
from tests.forum.forum_helpers import FORUM_NAME, build_circle, forum_id, forums, settle
from tests.support.vaults import PASSPHRASE

HOSTILE = "Hei alle\x1b]0;hacked\x07\x1b]52;c;ZXZpbA==\x07\x1b[2K\x9b1A sammen"


def post_raw(person: Person, text: str) -> None:
    """What a modified client can do: a post whose text never passed the sanitiser."""
    service = forums(person)
    record = service.context.active(forum_id(person))
    post_id = wire.new_id()
    with service.context.repo.write() as write:
        service.outbound.broadcast(record, write, "post", {"thread": post_id, "text": text,
                                                  "author": record.pseudonym},
                          message_id=post_id)


def test_a_hostile_post_reaches_the_other_member_clean(people: list[Person]) -> None:
    moderator, member = people[0], people[1]
    build_circle(moderator, [member])
    post_raw(member, HOSTILE)
    settle([member, moderator])
    [post] = forums(moderator).views.posts(forum_id(moderator))
    assert post.text == "Hei alle sammen"
    with moderator.vault.read() as conn:
        assert conn.execute("SELECT text FROM forum_posts").fetchone()[0] == "Hei alle sammen"
    with moderator.vault.transaction() as conn:  # and what an older vault kept raw
        conn.execute("UPDATE forums SET name = ?", (FORUM_NAME + "\x1b]0;x\x07",))
        conn.execute("UPDATE forum_posts SET text = ?, author = ?", (HOSTILE, "Birch\u202e"))
    moderator.vault.close()
    for args in (["forum", "list", FORUM_NAME], ["forum", "list", FORUM_NAME, "--json"],
                 ["forum", "forums"], ["forum", "members", FORUM_NAME]):
        result = CliRunner().invoke(app, [*args, "--vault", str(moderator.path)],
                                    env={"RECONNECT_PASSPHRASE": PASSPHRASE})
        assert result.exit_code == 0, result.output
        assert is_terminal_safe(result.output) and "\x07" not in result.output, args
    listed = CliRunner().invoke(app, ["forum", "list", FORUM_NAME, "--vault",
                                      str(moderator.path)],
                                env={"RECONNECT_PASSPHRASE": PASSPHRASE}).stdout
    assert "Birch<U+202E>" in listed and "Hei alle sammen" in listed


@pytest.mark.parametrize("bad", ["Birch\x1b[31m", "Bir\u202ech", "Birch\x07"])
def test_names_and_pseudonyms_with_control_characters_are_refused(
        people: list[Person], bad: str) -> None:
    with pytest.raises(ForumError, match="control or invisible characters"):
        forums(people[0]).membership.create(FORUM_NAME, bad)
    with pytest.raises(ForumError, match="control or invisible characters"):
        forums(people[0]).membership.create(bad, "Mod")
