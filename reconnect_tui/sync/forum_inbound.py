"""Receiving in the forum: what :meth:`Inbound.process` does with each fetched envelope.

Each envelope is handled in one transaction (session pickles, what it carried, replies queued,
the inbox row's "processed" mark), or not at all. Three outcomes:

- handled (including rejected: a forged, altered or replayed envelope is marked processed and
  nothing else changes; it is never shown as real);
- deferred: it cannot be read *yet* — a post whose Megolm key has not arrived, a hello from a
  member whose introduction has not arrived, a hide for a post not here yet. It stays in the
  inbox and is tried again in this run after a control message was handled, and at every
  later run;
- a join answer at an invitation mailbox (moderator only).

Each attempt is a step of ``forum_states.ENVELOPE_TRANSITIONS`` (handled and rejected are
final), and the welcome and "removed" are steps of ``FORUM_TRANSITIONS``: a step the table
does not hold rejects the envelope.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import vodozemac

from .. import wire as protocol  # the relay wire format (forum_wire is `wire` here)
from ..errors import ProtocolError
from ..i18n import _
from ..store.db import IntegrityError
from ..store.repositories.forum import (
    ForumRecord,
    ForumWriter,
    InvitationRecord,
    MemberRecord,
    PostRow,
    ReportRow,
)
from . import forum_crypto, olm, pairing
from . import forum_wire as wire
from .forum_context import ForumContext
from .forum_outbound import MAX_REASON, Outbound, card_values, member_card, pinned_json
from .forum_states import (
    ENVELOPE_TRANSITIONS,
    FORUM_TRANSITIONS,
    EnvelopeEvent,
    EnvelopeState,
    ForumEvent,
    advance,
    forum_state,
)

Handler = Callable[[ForumRecord, MemberRecord, vodozemac.Session, wire.ForumPlaintext, ForumWriter],
                   None]


_REJECTED: tuple[type[Exception], ...] = (*protocol.PEER_INPUT_ERRORS, IntegrityError)
"""What rejects one envelope: a bad peer input, or content that breaks a table rule."""


def _rejected() -> ProtocolError:
    return ProtocolError(_("A forum message could not be verified."))


class Inbound:
    """Handles what sync fetched into the forum mailboxes of one vault."""

    def __init__(self, context: ForumContext, outbound: Outbound) -> None:
        self.context = context
        self.outbound = outbound
        self.repo = context.repo
        self.key = context.pickle_key
        self.groups: dict[tuple[str, str], vodozemac.InboundGroupSession] = {}
        self.control_handled = False
        self.states: dict[int, EnvelopeState] = {}
        """Inbox id → where each envelope tried in the current run stands."""
        self.handlers: dict[str, Handler] = {
            "welcome": self._welcome, "member-added": self._member_added,
            "hello": self._hello, "key": self._key, "remove": self._remove,
            "removed": self._removed, "report": self._report,
        }

    def process(self) -> int:
        """Decrypt what sync fetched into forum mailboxes; returns the number of new posts.

        An envelope that cannot be read *yet* (its Megolm key or its sender's introduction has
        not arrived) stays in the inbox and is tried again when something new arrived."""
        self.groups.clear()
        self.states.clear()
        new = 0
        while True:
            deferred, after = False, 0
            self.control_handled = False
            while batch := self.repo.unprocessed(after=after):
                for inbox_id, envelope_id, mailbox_id, ciphertext in batch:
                    after = inbox_id
                    result = self._one(inbox_id, envelope_id, mailbox_id, ciphertext)
                    if result is None:
                        deferred = True
                    else:
                        new += result
            if not (deferred and self.control_handled):
                return new

    def _one(self, inbox_id: int, envelope_id: str, mailbox_id: str, ciphertext: bytes
             ) -> int | None:
        """One envelope in one transaction, from reading the sessions to storing them again:
        a second process syncing the same vault waits, then finds the envelope handled."""
        with self.context.vault.transaction():
            if not self.repo.still_unprocessed(inbox_id):
                return 0
            result = self._one_locked(inbox_id, envelope_id, mailbox_id, ciphertext)
            before = self.states.get(inbox_id, EnvelopeState.FETCHED)
            # A final state here would mean an envelope handled twice: refused, and the
            # transaction that would have done it rolls back.
            self.states[inbox_id] = advance(
                ENVELOPE_TRANSITIONS, before,
                EnvelopeEvent.WAIT if result is None else result[1])
            return None if result is None else result[0]

    def _one_locked(self, inbox_id: int, envelope_id: str, mailbox_id: str, ciphertext: bytes
                    ) -> tuple[int, EnvelopeEvent] | None:
        """(new posts, READ or REJECT), or None: it cannot be read yet (WAIT)."""
        record = self.repo.forum_by_mailbox(mailbox_id)
        kind: int | None = None  # what the outer layer said it is, once it opened
        try:
            if record is None:
                invitation = self.repo.invitation(mailbox_id)
                if invitation is None:
                    raise ProtocolError(_("An answer arrived for a forum invitation already used."))
                self._accept_join(inbox_id, invitation, ciphertext)
                self.control_handled = True
                return 0, EnvelopeEvent.READ
            outer = wire.open_sealed(record.mailbox_key, record.mailbox_id, ciphertext)
            kind = outer.kind
            if outer.kind == wire.MEGOLM:
                new = self._megolm(record, inbox_id, outer)
            else:
                new = self._olm(record, inbox_id, outer)
            return None if new is None else (new, EnvelopeEvent.READ)
        except _REJECTED:
            # Our own fixed text only; the envelope's content never reaches a log or message.
            # IntegrityError: what it carried breaks a rule of the tables (a card reusing a
            # member's key …); its transaction is rolled back and it is rejected like the rest.
            if record is not None:
                self.context.forget_account(record.id)
            with self.repo.write() as write:
                write.processed(inbox_id)  # rejected: never tried again
                if record is not None and kind in (None, wire.MEGOLM):
                    # Altered on the way, or a post that fails its checks: shown as "a post
                    # that could not be verified" (as dyad messages are), never its content.
                    # A pairwise control message that fails is not a post: not shown.
                    write.unverified(record.id, envelope_id, self.context.now())
            return 0, EnvelopeEvent.REJECT

    # -- Megolm: posts, hides, pins ----------------------------------------------------------

    def _inbound_group(self, record: ForumRecord, session_id: str
                       ) -> tuple[MemberRecord, vodozemac.InboundGroupSession] | None:
        found = self.repo.group_session(record.id, session_id)
        if found is None:
            return None
        member = self.repo.member(found[0])
        if member is None or member.removed_at is not None:
            raise ProtocolError(_("A forum post came from someone no longer a member."))
        cached = self.groups.get((record.id, session_id))
        if cached is None:
            cached = forum_crypto.load_inbound(found[1], self.key)
            self.groups[(record.id, session_id)] = cached
        return member, cached

    def _megolm(self, record: ForumRecord, inbox_id: int, outer: wire.Outer) -> int | None:
        found = self._inbound_group(record, outer.session_id)
        if found is None:
            return None  # its key has not arrived yet
        member, group = found
        plaintext = forum_crypto.decrypt_megolm(group, outer.body)
        inner = wire.decode(plaintext, forum=record.forum_key, sender=member.ed25519,
                            recipient="", types=wire.MEGOLM_TYPES)
        fields = inner.fields
        if inner.type == "post":
            row = PostRow(inner.id, wire.id_field(fields, "thread"), member.pseudonym,
                          member.ed25519, wire.text_field(fields, "text", empty=False),
                          inner.time, False, True)
            with self.repo.write() as write:
                write.processed(inbox_id)
                return int(write.seen(record.id, inner.id) and write.add_post(record.id, row))
        if not member.moderator:
            raise ProtocolError(_("Only the moderator hides or pins posts."))
        post_id = wire.id_field(fields, "post")
        post = self.repo.post(record.id, post_id)
        if post is None and inner.type == "hide":
            return None  # the post itself has not arrived yet
        with self.repo.write() as write:
            write.processed(inbox_id)
            if not write.seen(record.id, inner.id):
                return 0
            if inner.type == "hide":
                assert post is not None  # a hide of a post not here yet waited above
                reason = wire.text_field(fields, "reason", MAX_REASON)
                write.hide_post(record.id, post.post_id, reason if post.own else "",
                                keep_text=post.own)
            else:
                kind = fields.get("kind")
                if kind not in wire.PIN_KINDS:
                    raise _rejected()
                if post is not None:
                    write.pin_post(record.id, post.post_id, str(kind))
                elif kind and "content" in fields:
                    # Posted before I arrived: the pin carries the post (as the welcome does).
                    shared = _pinned_post(fields["content"])
                    if shared.post_id != post_id or shared.pinned != kind:
                        raise _rejected()
                    write.add_post(record.id, shared)
                # An unpin of a post I do not have: nothing to undo (it would arrive unpinned).
        return 0

    # -- Olm: control messages between two members -------------------------------------------

    def _olm(self, record: ForumRecord, inbox_id: int, outer: wire.Outer) -> int | None:
        member = self.repo.member_by_curve(record.id, outer.sender_key)
        if member is None:
            return None  # a newcomer whose introduction has not arrived yet
        if member.removed_at is not None:
            raise ProtocolError(_("A forum message came from someone no longer a member."))
        account = olm.load_account(record.account_pickle, self.key)  # as stored now
        account_changed = False
        if member.session_pickle is None:
            pre_key = outer.olm_message().to_pre_key()
            if pre_key is None:
                raise _rejected()
            session, plaintext = account.create_inbound_session(
                vodozemac.Curve25519PublicKey.from_base64(outer.sender_key), pre_key)
            account_changed = True
        else:
            session = olm.load_session(member.session_pickle, self.key)
            plaintext = session.decrypt(outer.olm_message())
        me, _curve = self.context.my_keys(record)
        inner = wire.decode(plaintext, forum=record.forum_key, sender=member.ed25519,
                            recipient=me, types=tuple(self.handlers))
        with self.repo.write() as write:
            write.processed(inbox_id)
            if not write.seen(record.id, inner.id):
                return 0
            # Stored first: a handler that encrypts on it (or rotates) stores it again after.
            write.set_session(member.id, session.pickle(self.key))
            self.handlers[inner.type](record, member, session, inner, write)
            if account_changed:
                write.update_forum(record.id, account_pickle=account.pickle(self.key))
        self.control_handled = True
        return 0

    def _from_moderator(self, member: MemberRecord) -> None:
        if not member.moderator:
            raise ProtocolError(_("Only the moderator sends that."))

    def _welcome(self, record: ForumRecord, member: MemberRecord, session: vodozemac.Session,
                 inner: wire.ForumPlaintext, write: ForumWriter) -> None:
        """The moderator let me in: the roster, their key, the pinned posts. I open a session
        to every other member with their fallback key and hand them my key ("hello")."""
        self._from_moderator(member)
        status = advance(FORUM_TRANSITIONS, forum_state(record.status), ForumEvent.WELCOMED)
        fields = inner.fields
        you = wire.text_field(fields, "you", wire.MAX_PSEUDONYM, empty=False)
        cards = fields.get("members")
        pinned = fields.get("pinned")
        if not isinstance(cards, list) or not isinstance(pinned, list):
            raise _rejected()
        self._add_group(record, member, fields, write)
        _me, curve = self.context.my_keys(record)
        write.update_forum(record.id, pseudonym=you, status=status.value)
        record = dataclasses.replace(record, pseudonym=you, status=status.value)
        own = forum_crypto.load_inbound(record.own_group_pickle, self.key)
        account = self.context.account(record)
        for card in map(wire.card, cards):
            if card.curve25519 == curve:
                write.add_member(record.id,
                                 **card_values(dataclasses.replace(card, moderator=False)),
                                 session_pickle=None, key_session="", key_index=0)
                continue
            if card.curve25519 == member.curve25519 or card.moderator or not card.fallback_key:
                continue
            outbound = account.create_outbound_session(
                vodozemac.Curve25519PublicKey.from_base64(card.curve25519),
                vodozemac.Curve25519PublicKey.from_base64(card.fallback_key))
            hello = self.outbound.olm_to(record, card, outbound, "hello",
                                       forum_crypto.share_fields(own))
            write.add_member(record.id, **card_values(card),
                             session_pickle=outbound.pickle(self.key),
                             key_session=own.session_id, key_index=0)
            write.enqueue(hello)
        for obj in pinned:
            write.add_post(record.id, _pinned_post(obj))
        write.touch(record.id, inner.time)

    def _member_added(self, record: ForumRecord, member: MemberRecord,
                      session: vodozemac.Session, inner: wire.ForumPlaintext,
                      write: ForumWriter) -> None:
        """A newcomer: kept without a session until their "hello" opens one; they may read my
        posts from my current index on."""
        self._from_moderator(member)
        card = wire.card(inner.fields.get("member"))
        if card.curve25519 == self.context.my_keys(record)[1] or card.moderator:
            return
        group = forum_crypto.load_group(record.outbound_pickle, self.key)
        write.add_member(record.id, **card_values(card), session_pickle=None,
                         key_session=group.session_id, key_index=group.message_index)

    def _hello(self, record: ForumRecord, member: MemberRecord, session: vodozemac.Session,
               inner: wire.ForumPlaintext, write: ForumWriter) -> None:
        """A newcomer's key, on the session they opened: I answer with mine, from the index
        they may read (what I posted since they were announced)."""
        self._add_group(record, member, inner.fields, write)
        own = forum_crypto.load_inbound(record.own_group_pickle, self.key)
        start = member.key_index if member.key_session == own.session_id else None
        write.enqueue(self.outbound.olm_to(record, member, session, "key",
                                         forum_crypto.share_fields(own, from_index=start)))
        write.set_session(member.id, session.pickle(self.key))

    def _key(self, record: ForumRecord, member: MemberRecord, session: vodozemac.Session,
             inner: wire.ForumPlaintext, write: ForumWriter) -> None:
        self._add_group(record, member, inner.fields, write)

    def _add_group(self, record: ForumRecord, member: MemberRecord, fields: dict[str, Any],
                   write: ForumWriter) -> None:
        group = forum_crypto.import_share(fields)
        if self.repo.group_session(record.id, group.session_id) is not None:
            return
        write.add_group_session(record.id, group.session_id, member.id, group.pickle(self.key))

    def _remove(self, record: ForumRecord, member: MemberRecord, session: vodozemac.Session,
                inner: wire.ForumPlaintext, write: ForumWriter) -> None:
        """The moderator removed someone: stop sending to them and rotate my session, so they
        cannot read what I post from now on."""
        self._from_moderator(member)
        target = inner.fields.get("member")
        removed = next((m for m in self.repo.members(record.id) if m.ed25519 == target), None)
        if removed is None or removed.moderator:
            return
        write.set_removed(removed.id, self.context.now())
        if record.status == "active":
            self.outbound.rotate(record, write)

    def _removed(self, record: ForumRecord, member: MemberRecord, session: vodozemac.Session,
                 inner: wire.ForumPlaintext, write: ForumWriter) -> None:
        self._from_moderator(member)
        status = advance(FORUM_TRANSITIONS, forum_state(record.status), ForumEvent.REMOVED)
        write.update_forum(record.id, status=status.value)

    def _report(self, record: ForumRecord, member: MemberRecord, session: vodozemac.Session,
                inner: wire.ForumPlaintext, write: ForumWriter) -> None:
        if not record.moderator:
            raise _rejected()
        fields = inner.fields
        write.add_report(record.id, ReportRow(
            wire.id_field(fields, "report"), wire.id_field(fields, "post"), member.pseudonym,
            wire.text_field(fields, "reason", MAX_REASON), inner.time))

    # -- the moderator's side of joining -----------------------------------------------------

    def _accept_join(self, inbox_id: int, invitation: InvitationRecord, ciphertext: bytes
                     ) -> None:
        """A newcomer's answer to an open invitation: verified end to end (the code's MAC over
        both sides' keys) before anything is stored."""
        record = self.context.record(invitation.forum_id)
        if record.status != "active" or not record.moderator:
            raise _rejected()
        outer = wire.open_sealed(invitation.pairing_key, invitation.mailbox_id, ciphertext)
        pre_key = outer.olm_message().to_pre_key() if outer.kind == wire.OLM else None
        if pre_key is None:
            raise _rejected()
        account = olm.load_account(record.account_pickle, self.key)  # a copy until stored
        session, plaintext = account.create_inbound_session(
            vodozemac.Curve25519PublicKey.from_base64(outer.sender_key), pre_key)
        me, curve = account.ed25519_key.to_base64(), account.curve25519_key.to_base64()
        inner = wire.decode(plaintext, forum=record.forum_key, sender=None, recipient=me,
                            types=("join",))
        card = wire.card(inner.fields.get("member"))
        pairing.check_response_mac(
            invitation.mac_key,
            {"ed25519": card.ed25519, "curve25519": card.curve25519, "mailbox": card.mailbox},
            {"ed25519": me, "curve25519": curve, "mailbox": invitation.mailbox_id},
            inner.fields.get("mac"))
        if (card.curve25519 != outer.sender_key or card.ed25519 != inner.sender
                or not card.fallback_key):
            raise _rejected()
        their_group = forum_crypto.import_share(inner.fields)
        everyone = self.repo.members(record.id, removed=True)
        if any(m.curve25519 == card.curve25519 or m.ed25519 == card.ed25519 for m in everyone):
            raise _rejected()
        now = self.context.now()
        card = dataclasses.replace(card, pseudonym=_unique(card.pseudonym, everyone),
                                   moderator=False, joined_at=now)
        group = forum_crypto.load_group(record.outbound_pickle, self.key)
        own = forum_crypto.load_inbound(record.own_group_pickle, self.key)
        current = self.repo.members(record.id)
        roster = [member_card(m) for m in current] + [card]
        pinned = [pinned_json(p, p.pinned) for p in self.repo.posts(record.id)
                  if p.pinned and not p.hidden]
        with self.repo.write() as write:
            write.processed(inbox_id)
            write.use_invitation(invitation.id, now)
            write.update_forum(record.id, account_pickle=account.pickle(self.key))
            member_id = write.add_member(record.id, **card_values(card), session_pickle=None,
                                         key_session=group.session_id,
                                         key_index=group.message_index)
            write.add_group_session(record.id, their_group.session_id, member_id,
                                    their_group.pickle(self.key))
            write.enqueue(self.outbound.olm_to(
                record, card, session, "welcome",
                {"you": card.pseudonym, "members": [c.fields() for c in roster],
                 "pinned": pinned,
                 **forum_crypto.share_fields(own, from_index=group.message_index)}))
            write.set_session(member_id, session.pickle(self.key))
            for other in current:
                if other.ed25519 == me or other.session_pickle is None:
                    continue
                self.outbound.olm_to_member(record, other, "member-added",
                                            {"member": card.fields()}, write)
        self.context.remember_account(record.id, account)


def _unique(pseudonym: str, members: list[MemberRecord]) -> str:
    """The pseudonym asked for, or with a number added when someone has it already."""
    taken = {m.pseudonym.casefold() for m in members}
    candidate, n = pseudonym, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{pseudonym[: wire.MAX_PSEUDONYM - 4]} {n}"
    return candidate


def _pinned_post(obj: object) -> PostRow:
    """A pinned post handed over in the welcome (the rules, café dates): from the moderator,
    over the authenticated channel."""
    if not isinstance(obj, dict) or obj.get("kind") not in ("rules", "cafe"):
        raise _rejected()
    when = wire.time_field(obj.get("time"))
    return PostRow(wire.id_field(obj, "id"), wire.id_field(obj, "thread"),
                   wire.text_field(obj, "author", wire.MAX_PSEUDONYM, empty=False), "",
                   wire.text_field(obj, "text"), when, False, True, pinned=obj["kind"])
