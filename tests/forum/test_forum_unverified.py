"""A forum envelope altered on the way is shown as "a post that could not be verified" (as dyad
messages are), never its content, and handled once (issue 13: it was dropped with no trace)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from typer.testing import CliRunner

from reconnect_tui.cli import app
from reconnect_tui.screens.forum_common import post_text, thread_row
from tests.forum.forum_helpers import build_circle, forum_id, forums
from tests.relay_tamper import alter_envelopes
from tests.support.vaults import PASSPHRASE


def test_an_altered_post_shows_as_one_that_could_not_be_verified(people, relay) -> None:
    mod, birch, fjord, _heron = people
    build_circle(mod, [birch, fjord])
    forums(birch).posting.post(forum_id(birch), "Genuine")
    birch.sync()
    fjord.sync()
    forums(birch).posting.post(forum_id(birch), "Secret words")
    birch.sync()
    mailbox = forums(fjord).context.record(forum_id(fjord)).mailbox_id
    assert alter_envelopes(relay, mailbox) == 1

    fjord.sync()
    fjord.sync()  # tried once, not at every sync
    posts = forums(fjord).views.posts(forum_id(fjord))
    assert [(p.text, p.unverified) for p in posts if not p.unverified] == [("Genuine", False)]
    [bad] = [p for p in posts if p.unverified]
    assert (bad.text, bad.author, bad.unread) == ("", "", False)
    with fjord.vault.read() as conn:
        assert conn.execute("SELECT count(*) FROM inbox WHERE processed = 0").fetchone()[0] == 0
    assert "Secret words" in [p.text for p in forums(birch).views.posts(forum_id(birch))]

    now = datetime.now(UTC)
    [thread] = [t for t in forums(fjord).views.threads(forum_id(fjord)) if t.first.unverified]
    for shown in (thread_row(thread, now).plain, post_text(bad, now, moderator=False).plain):
        assert "A post that could not be verified" in shown and "Secret" not in shown

    fjord.vault.close()
    runner = CliRunner()
    env = {"RECONNECT_PASSPHRASE": PASSPHRASE}
    listed = runner.invoke(app, ["forum", "list", "Tuesday circle", "--json", "--vault",
                                 str(fjord.path)], env=env)
    assert listed.exit_code == 0, listed.output
    entries = json.loads(listed.stdout)
    assert sorted((e["text"], e["unverified"]) for e in entries) == [("", True), ("Genuine", False)]
    plain = runner.invoke(app, ["forum", "list", "Tuesday circle", "--vault", str(fjord.path)],
                          env=env)
    assert "[a post that could not be verified: not shown]" in plain.stdout
    assert "Secret" not in plain.stdout
