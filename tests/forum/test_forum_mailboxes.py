"""Every sync fetches every inbound mailbox, so an invitation's mailbox is retired once it can
bring nothing more: a forum's after its one answer, any unanswered one a month past expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reconnect_tui.store.repositories.sync_state import SyncStateRepository
from tests.dyads.dyad_helpers import invite as dyad_invite
from tests.forum.forum_helpers import Circle, forum_id, forums, invite, settle


def inbound(person) -> set[str]:
    return {m for m, _claimed, _cursor in SyncStateRepository(person.vault).inbound_mailboxes()}


def test_a_used_forum_invitation_stops_being_fetched(circle: Circle) -> None:
    moderator = circle.moderator
    with moderator.vault.read() as conn:
        answers = {r[0] for r in conn.execute("SELECT mailbox_id FROM forum_invitations")}
    assert len(answers) == 3
    moderator.sync()
    assert not answers & inbound(moderator)
    # The forum goes on working without them.
    first = circle.members[0]
    forums(first).posting.post(forum_id(first), "Still reading along")
    settle(circle.everyone)
    assert [p.text for p in forums(moderator).views.posts(circle.forum)] == ["Still reading along"]


def test_unanswered_invitations_are_fetched_for_a_month_past_expiry(circle: Circle) -> None:
    moderator = circle.moderator
    invite(moderator)  # a forum invitation nobody takes
    moderator.sync()
    with moderator.vault.read() as conn:
        [waiting] = [r[0] for r in conn.execute(
            "SELECT mailbox_id FROM forum_invitations WHERE used_at IS NULL")]
    assert waiting in inbound(moderator)
    with moderator.vault.transaction() as conn:
        conn.execute("UPDATE forum_invitations SET expires_at = ? WHERE mailbox_id = ?",
                     ((datetime.now(UTC) - timedelta(days=29)).isoformat(), waiting))
    moderator.sync()
    assert waiting in inbound(moderator)  # an answer could still be on its way
    with moderator.vault.transaction() as conn:
        conn.execute("UPDATE forum_invitations SET expires_at = ? WHERE mailbox_id = ?",
                     ((datetime.now(UTC) - timedelta(days=31)).isoformat(), waiting))
    moderator.sync()
    assert waiting not in inbound(moderator)


def test_an_unanswered_dyad_invitation_is_retired_too(provider_template, tmp_path, relay
                                                      ) -> None:
    from tests.dyads.dyad_helpers import open_person

    provider = open_person(provider_template, tmp_path / "provider", relay.url)
    dyad_invite(provider)
    with provider.vault.transaction() as conn:
        [mailbox] = [r[0] for r in conn.execute("SELECT mailbox_id FROM invitations")]
        conn.execute("UPDATE invitations SET expires_at = ?",
                     ((datetime.now(UTC) - timedelta(days=31)).isoformat(),))
    assert mailbox in inbound(provider)
    provider.sync()
    assert mailbox not in inbound(provider)
    provider.vault.close()
