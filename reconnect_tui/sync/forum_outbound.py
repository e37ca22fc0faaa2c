"""Sending in the forum: the inner message, Olm to one member, Megolm to everyone, rotation.

Nothing here decides *what* to send; the membership, posting and inbound services do, and
hand in the one transaction (``ForumWriter``) the new session state and the outbox rows go
into together. Also the shapes both sides of the wire share: a member's card as table values,
a pinned post as the welcome and a pin carry it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import vodozemac

from .. import wire as protocol  # the relay wire format (forum_wire is `wire` here)
from ..clock import epoch_seconds
from ..store.repositories.dyads import Outgoing
from ..store.repositories.forum import ForumRecord, ForumWriter, MemberRecord, PostRow
from . import forum_crypto, olm
from . import forum_wire as wire
from .forum_context import ForumContext

MAX_REASON = 1000
"""At most this many characters in a hide's or a report's reason."""


class Outbound:
    """Encrypts and queues for the forum services that share ``context``."""

    def __init__(self, context: ForumContext) -> None:
        self.context = context

    def inner(self, record: ForumRecord, kind: str, recipient: str,
              fields: dict[str, Any], message_id: str | None = None) -> wire.ForumPlaintext:
        me, _curve = self.context.my_keys(record)
        return wire.ForumPlaintext(kind, message_id or protocol.new_id(), record.forum_key, me,
                                   recipient, self.context.now(), dict(fields))

    def olm_to(self, record: ForumRecord, to: MemberRecord | wire.MemberCard,
               session: vodozemac.Session, kind: str, fields: dict[str, Any]) -> Outgoing:
        """Encrypt a control message to one member over our pairwise session (advanced in
        place: the caller stores its pickle in the same transaction as the outbox entry)."""
        _me, curve = self.context.my_keys(record)
        outer = forum_crypto.olm_outer(session, self.inner(record, kind, to.ed25519, fields),
                                       curve)
        mailbox = to.mailbox_id if isinstance(to, MemberRecord) else to.mailbox
        return outgoing(record, mailbox, to.mailbox_key, outer)

    def olm_to_member(self, record: ForumRecord, member: MemberRecord, kind: str,
                      fields: dict[str, Any], write: ForumWriter) -> None:
        """Queue a control message over the stored session with ``member`` and store the
        session again (the member must have one)."""
        assert member.session_pickle is not None
        key = self.context.pickle_key
        session = olm.load_session(member.session_pickle, key)
        write.enqueue(self.olm_to(record, member, session, kind, fields))
        write.set_session(member.id, session.pickle(key))

    def broadcast(self, record: ForumRecord, write: ForumWriter, kind: str,
                  fields: dict[str, Any], message_id: str | None = None) -> wire.ForumPlaintext:
        """Encrypt once with our Megolm session (rotated first when due) and queue a copy for
        every other current member."""
        group = self._group_for_sending(record, write)
        inner = self.inner(record, kind, "", fields, message_id)
        outer = forum_crypto.megolm_outer(group, inner)
        write.update_forum(record.id, outbound_pickle=group.pickle(self.context.pickle_key))
        for member in self.context.others(record):
            write.enqueue(outgoing(record, member.mailbox_id, member.mailbox_key, outer))
        write.seen(record.id, inner.id)
        return inner

    def _group_for_sending(self, record: ForumRecord, write: ForumWriter
                           ) -> vodozemac.GroupSession:
        group = forum_crypto.load_group(record.outbound_pickle, self.context.pickle_key)
        if forum_crypto.needs_rotation(group, record.outbound_created_at, self.context.now()):
            group = self.rotate(record, write)
        return group

    def rotate(self, record: ForumRecord, write: ForumWriter) -> vodozemac.GroupSession:
        """A new outbound Megolm session; its key goes over Olm to every current member we have
        a session with (the others get it when their session opens)."""
        key = self.context.pickle_key
        group, own = forum_crypto.new_group()
        write.update_forum(record.id, outbound_pickle=group.pickle(key),
                           outbound_created_at=self.context.now(),
                           own_group_pickle=own.pickle(key))
        for member in self.context.others(record):
            write.set_key_start(member.id, group.session_id, 0)
            if member.session_pickle is not None:
                self.olm_to_member(record, member, "key", forum_crypto.share_fields(own), write)
        return group

    def my_card(self, record: ForumRecord, *, moderator: bool, joined_at: datetime,
                pseudonym: str | None = None) -> wire.MemberCard:
        ed, curve = self.context.my_keys(record)
        mine = self.context.repo.member_by_curve(record.id, curve)
        fallback = (mine.fallback_key if mine is not None
                    else forum_crypto.fallback_key(self.context.account(record)))
        return wire.MemberCard(pseudonym or record.pseudonym, ed, curve, fallback,
                               record.mailbox_id, record.mailbox_key, moderator, joined_at)


def outgoing(record: ForumRecord, mailbox_id: str, mailbox_key: bytes, outer: wire.Outer
             ) -> Outgoing:
    """An envelope to one member's mailbox, deposited with this forum's relay key."""
    return Outgoing(protocol.new_id(), mailbox_id, wire.seal(mailbox_key, mailbox_id, outer),
                    epoch_seconds(), record.id)


def card_values(card: wire.MemberCard) -> dict[str, Any]:
    """A roster card as ``ForumWriter.add_member`` keywords."""
    return {"pseudonym": card.pseudonym, "ed25519": card.ed25519, "curve25519": card.curve25519,
            "fallback_key": card.fallback_key, "mailbox_id": card.mailbox,
            "mailbox_key": card.mailbox_key, "moderator": card.moderator,
            "joined_at": card.joined_at}


def member_card(member: MemberRecord) -> wire.MemberCard:
    return wire.MemberCard(member.pseudonym, member.ed25519, member.curve25519,
                           member.fallback_key, member.mailbox_id, member.mailbox_key,
                           member.moderator, member.joined_at)


def pinned_json(post: PostRow, kind: str) -> dict[str, Any]:
    """A pinned post as the welcome and a pin carry it to a member who has no copy."""
    return {"id": post.post_id, "thread": post.thread, "author": post.author,
            "text": post.text, "time": post.posted_at.isoformat(), "kind": kind}
