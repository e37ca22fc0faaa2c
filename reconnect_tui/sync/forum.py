"""The peer-support forum: the service the forum screen and the CLI call.

Headless: no Textual here. The design (per-forum identities, Megolm group sessions handed over
pairwise Olm channels, fan-out to each member's mailbox, rotation, moderation) is in
``docs/forum.md``; storage is ``store/repositories/forum.py``.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import nacl.signing
import vodozemac

from ..errors import ForumError, NotFound
from ..i18n import _, ngettext
from ..model import Role
from ..store.repositories.dyads import Outgoing
from ..store.repositories.forum import (
    ForumRecord,
    ForumRepository,
    ForumWriter,
    MemberRecord,
    PostRow,
    ReportRow,
)
from ..store.repositories.sync_state import SyncStateRepository
from ..store.vault import Vault, serialised
from ..text_safety import clean_text, label_problems
from . import forum_crypto, olm, pairing, protocol
from . import forum_wire as wire
from .pairing import PairingRelay, WrongCode

INVITATION_LIFETIME = timedelta(hours=24)
MAX_REASON = 1000

__all__ = [
    "ForumMember", "ForumPost", "ForumReport", "ForumSummary", "ForumThread", "Forums",
    "utc_now",
]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ForumSummary:
    id: str
    """Local forum id (random, never shown as the name)."""
    name: str
    pseudonym: str
    """My pseudonym in this forum."""
    moderator: bool
    """Am I the moderator."""
    members: int
    unread: int
    last_activity: datetime | None
    removed: bool
    """I was removed from it (read-only history, no posting)."""


@dataclass(frozen=True, slots=True)
class ForumPost:
    id: str
    forum_id: str
    thread: str
    """Id of the thread's first post (== id for a first post)."""
    author: str
    """The author's pseudonym."""
    text: str
    """"" when hidden and I am neither the author nor the moderator."""
    posted_at: datetime
    own: bool
    unread: bool
    hidden: bool
    hidden_reason: str
    """Shown to the author (and the moderator)."""
    pinned: str
    """"" | "rules" | "cafe"."""
    unverified: bool = False
    """An envelope that failed verification (altered, forged …): shown as "a post that could
    not be verified", with no author and no text; ``posted_at`` is when it arrived."""


@dataclass(frozen=True, slots=True)
class ForumThread:
    first: ForumPost
    replies: list[ForumPost]
    """Oldest first."""
    last_activity: datetime
    unread: int
    muted: bool


@dataclass(frozen=True, slots=True)
class ForumMember:
    pseudonym: str
    moderator: bool
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class ForumReport:
    id: str
    post_id: str
    reporter: str
    """The reporter's pseudonym."""
    reason: str
    reported_at: datetime
    post_text: str


class ForumRelay(PairingRelay, Protocol):
    """What ``invite`` and ``join`` need: the relay, and the same relay under the forum's own
    signing key (``RelayClient.with_key``)."""

    def with_key(self, signing_key: nacl.signing.SigningKey) -> PairingRelay: ...


class Forums:
    """The forums of one unlocked vault.

    Every method that sends queues encrypted envelopes in the vault's outbox; they leave with
    the next ``sync_and_process`` (which calls :meth:`process_inbox` after the dyads'). Only
    ``invite`` and ``join`` talk to the relay, through the object passed in (a ``RelayClient``
    from ``reconnect_tui.sync.dyads.relay_for``). Errors are ``ReconnectError`` subclasses.
    """

    def __init__(self, vault: Vault, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.vault = vault
        self.clock = clock
        self.repo = ForumRepository(vault)
        self.pickle_key = olm.pickle_key(vault.key)
        self._accounts: dict[str, vodozemac.Account] = {}

    # -- helpers -----------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def _require_user(self) -> None:
        if self.vault.profile().role is not Role.USER:
            raise ForumError(_(
                "Peer forums are for service users; provider vaults do not join them."))

    def record(self, forum_id: str) -> ForumRecord:
        record = self.repo.forum(forum_id)
        if record is None:
            raise NotFound(_("No forum with id {id}.").format(id=forum_id))
        return record

    def _moderated(self, forum_id: str) -> ForumRecord:
        record = self._active(forum_id)
        if not record.moderator:
            raise ForumError(_("Only the forum's moderator can do that."))
        return record

    def _active(self, forum_id: str) -> ForumRecord:
        record = self.record(forum_id)
        if record.status == "joining":
            raise ForumError(_(
                "You are not let in yet: the moderator's welcome arrives with a sync after"
                " they have synced."))
        if record.status == "removed":
            raise ForumError(_(
                "You were removed from this forum: what was posted before stays readable,"
                " but you cannot post or act in it."))
        return record

    def account(self, record: ForumRecord) -> vodozemac.Account:
        """This vault's identity in one forum (a separate account per forum: members of two
        forums cannot link the same person by key)."""
        if record.id not in self._accounts:
            self._accounts[record.id] = olm.load_account(record.account_pickle, self.pickle_key)
        return self._accounts[record.id]

    def my_keys(self, record: ForumRecord) -> tuple[str, str]:
        account = self.account(record)
        return account.ed25519_key.to_base64(), account.curve25519_key.to_base64()

    def others(self, record: ForumRecord) -> list[MemberRecord]:
        """Current members other than me."""
        me, _curve = self.my_keys(record)
        return [m for m in self.repo.members(record.id) if m.ed25519 != me]

    def inner(self, record: ForumRecord, kind: str, recipient: str,
              fields: dict[str, Any], message_id: str | None = None) -> wire.Inner:
        me, _curve = self.my_keys(record)
        return wire.Inner(kind, message_id or protocol.new_id(), record.forum_key, me, recipient,
                          self.now(), dict(fields))

    def olm_to(self, record: ForumRecord, to: MemberRecord | wire.MemberCard,
               session: vodozemac.Session, kind: str, fields: dict[str, Any]) -> Outgoing:
        """Encrypt a control message to one member over our pairwise session (advanced in
        place: the caller stores its pickle in the same transaction as the outbox entry)."""
        _me, curve = self.my_keys(record)
        outer = forum_crypto.olm_outer(session, self.inner(record, kind, to.ed25519, fields),
                                       curve)
        mailbox = to.mailbox_id if isinstance(to, MemberRecord) else to.mailbox
        return self.outgoing(record, mailbox, to.mailbox_key, outer)

    @staticmethod
    def outgoing(record: ForumRecord, mailbox_id: str, mailbox_key: bytes, outer: wire.Outer
                 ) -> Outgoing:
        """An envelope to one member's mailbox, deposited with this forum's relay key."""
        return Outgoing(protocol.new_id(), mailbox_id, wire.seal(mailbox_key, mailbox_id, outer),
                        time.time(), record.id)

    def broadcast(self, record: ForumRecord, write: ForumWriter, kind: str,
                  fields: dict[str, Any], message_id: str | None = None) -> wire.Inner:
        """Encrypt once with our Megolm session (rotated first when due) and queue a copy for
        every other current member."""
        group = self._group_for_sending(record, write)
        inner = self.inner(record, kind, "", fields, message_id)
        outer = forum_crypto.megolm_outer(group, inner)
        write.update_forum(record.id, outbound_pickle=group.pickle(self.pickle_key))
        for member in self.others(record):
            write.enqueue(self.outgoing(record, member.mailbox_id, member.mailbox_key, outer))
        write.seen(record.id, inner.id)
        return inner

    def _group_for_sending(self, record: ForumRecord, write: ForumWriter
                           ) -> vodozemac.GroupSession:
        group = forum_crypto.load_group(record.outbound_pickle, self.pickle_key)
        if forum_crypto.needs_rotation(group, record.outbound_created_at, self.now()):
            group = self.rotate(record, write)
        return group

    def rotate(self, record: ForumRecord, write: ForumWriter) -> vodozemac.GroupSession:
        """A new outbound Megolm session; its key goes over Olm to every current member we have
        a session with (the others get it when their session opens)."""
        group, own = forum_crypto.new_group()
        write.update_forum(record.id, outbound_pickle=group.pickle(self.pickle_key),
                           outbound_created_at=self.now(),
                           own_group_pickle=own.pickle(self.pickle_key))
        for member in self.others(record):
            write.set_key_start(member.id, group.session_id, 0)
            if member.session_pickle is None:
                continue
            session = olm.load_session(member.session_pickle, self.pickle_key)
            write.enqueue(self.olm_to(record, member, session, "key",
                                      forum_crypto.share_fields(own)))
            write.set_session(member.id, session.pickle(self.pickle_key))
        return group

    def my_card(self, record: ForumRecord, *, moderator: bool, joined_at: datetime,
                pseudonym: str | None = None) -> wire.MemberCard:
        ed, curve = self.my_keys(record)
        mine = self.repo.member_by_curve(record.id, curve)
        fallback = (mine.fallback_key if mine is not None else
                    next(iter(self.account(record).fallback_key.values())).to_base64())
        return wire.MemberCard(pseudonym or record.pseudonym, ed, curve, fallback,
                               record.mailbox_id, record.mailbox_key, moderator, joined_at)

    def _new_identity(self) -> tuple[vodozemac.Account, str, bytes]:
        account = olm.new_account()
        account.generate_fallback_key()
        return account, protocol.new_id(32), secrets.token_bytes(32)

    # -- creating, inviting, joining ---------------------------------------------------------

    def create(self, name: str, pseudonym: str = "Moderator") -> ForumSummary:
        """Start a forum and moderate it (service-user vaults only)."""
        self._require_user()
        name = check_name(name)
        pseudonym = self._check_pseudonym(pseudonym)
        account, mailbox_id, mailbox_key = self._new_identity()
        group, own = forum_crypto.new_group()
        now = self.now()
        record = ForumRecord(protocol.new_id(), protocol.new_id(), name, pseudonym, True,
                             "active", account.pickle(self.pickle_key), mailbox_id, mailbox_key,
                             group.pickle(self.pickle_key), now, own.pickle(self.pickle_key),
                             now, None)
        self._accounts[record.id] = account
        card = self.my_card(record, moderator=True, joined_at=now)
        with self.repo.write() as write:
            write.add_forum(record, claimed=False)
            write.set_relay_seed(record.id, secrets.token_bytes(32))
            write.add_member(record.id, **card_values(card), session_pickle=None,
                             key_session="", key_index=0)
        return self.summary(record.id)

    def invite(self, forum_id: str, relay: ForumRelay) -> str:
        """Moderator only: put a sealed invitation at the relay; returns the code to give."""
        code = pairing.new_code()
        keys = pairing.code_keys(code)
        answer_mailbox = protocol.new_id(32)
        now = self.now()
        with self.repo.write() as write:  # load – add a one-time key – store, serialised
            record = self._moderated(forum_id)
            account = olm.load_account(record.account_pickle, self.pickle_key)  # as stored now
            one_time_key = olm.fresh_one_time_key(account)
            me = next(m for m in self.repo.members(record.id)
                      if m.ed25519 == self.my_keys(record)[0])
            bundle = wire.Bundle(record.forum_key, record.name,
                                 self.my_card(record, moderator=True, joined_at=me.joined_at),
                                 one_time_key, answer_mailbox)
            write.add_invitation(record.id, keys.lookup_id, answer_mailbox, keys.pairing_key,
                                 keys.mac_key, now, now + INVITATION_LIFETIME)
            write.update_forum(record.id, account_pickle=account.pickle(self.pickle_key))
        state = SyncStateRepository(self.vault)
        relay = relay.with_key(self.relay_key(record.id))  # not the vault's: docs/forum.md
        for mailbox_id in (answer_mailbox, record.mailbox_id):
            if mailbox_id == answer_mailbox or not state.is_claimed(mailbox_id):
                relay.claim_mailbox(mailbox_id)  # before anyone can deposit into it
                state.mark_claimed(mailbox_id)
        relay.put_invitation(keys.lookup_id, wire.seal_bundle(bundle, account, keys.bundle_key))
        return code

    def relay_key(self, forum_id: str) -> nacl.signing.SigningKey:
        """The key this forum's relay requests are signed with (its own; made at first use)."""
        from .service import forum_relay_key

        return forum_relay_key(self.vault, forum_id)

    def join(self, code: str, pseudonym: str, relay: ForumRelay) -> ForumSummary:
        """Service-user vaults only: take the invitation and queue the answer to the moderator.
        The forum's members and posts arrive with the following syncs.

        The relay is asked only to take the (one-shot) invitation; everything after it is local,
        so a relay lost right after cannot use up the code for nothing: the next sync claims
        the new mailbox, then delivers the answer."""
        self._require_user()
        pseudonym = self._check_pseudonym(pseudonym)
        keys = pairing.code_keys(code)
        relay_seed = secrets.token_bytes(32)  # this forum's relay key from the first request
        sealed = relay.with_key(protocol.relay_signing_key(relay_seed)).take_invitation(
            keys.lookup_id)
        if sealed is None:
            raise WrongCode(_(
                "No forum invitation with this code. Check it for typing mistakes, or ask the"
                " moderator for a new one: a code works once and expires after 24 hours."))
        bundle = wire.open_bundle(sealed, keys.bundle_key)
        if any(r.forum_key == bundle.forum for r in self.repo.forums()):
            raise ForumError(_("You are in this forum already."))
        account, mailbox_id, mailbox_key = self._new_identity()
        group, own = forum_crypto.new_group()
        now = self.now()
        record = ForumRecord(protocol.new_id(), bundle.forum, bundle.name, pseudonym, False,
                             "joining", account.pickle(self.pickle_key), mailbox_id, mailbox_key,
                             group.pickle(self.pickle_key), now, own.pickle(self.pickle_key),
                             now, None)
        self._accounts[record.id] = account
        card = self.my_card(record, moderator=False, joined_at=now)
        moderator = bundle.moderator
        session = account.create_outbound_session(
            vodozemac.Curve25519PublicKey.from_base64(moderator.curve25519),
            vodozemac.Curve25519PublicKey.from_base64(bundle.one_time_key))
        mac = pairing.response_mac(
            keys.mac_key, {"ed25519": card.ed25519, "curve25519": card.curve25519,
                           "mailbox": card.mailbox},
            {"ed25519": moderator.ed25519, "curve25519": moderator.curve25519,
             "mailbox": bundle.answer_mailbox})
        inner = self.inner(record, "join", moderator.ed25519,
                           {"member": card.fields(), "mac": mac,
                            **forum_crypto.share_fields(own)})
        outer = forum_crypto.olm_outer(session, inner, card.curve25519)
        answer = Outgoing(protocol.new_id(), bundle.answer_mailbox,
                          wire.seal(keys.pairing_key, bundle.answer_mailbox, outer), time.time(),
                          record.id)
        with self.repo.write() as write:
            write.add_forum(record, claimed=False)
            write.set_relay_seed(record.id, relay_seed)
            write.add_member(record.id, **card_values(card), session_pickle=None,
                             key_session="", key_index=0)
            write.add_member(record.id, **card_values(moderator),
                             session_pickle=session.pickle(self.pickle_key),
                             key_session=group.session_id, key_index=0)
            write.enqueue(answer)
        return self.summary(record.id)

    def _check_pseudonym(self, pseudonym: str) -> str:
        pseudonym = " ".join(pseudonym.split())
        if not pseudonym:
            raise ForumError(_("Choose a pseudonym for this forum (not your name)."))
        if found := label_problems(pseudonym):
            raise ForumError(_(
                "The pseudonym holds control or invisible characters ({chars}). Type it again"
                " without them.").format(chars=", ".join(found[:5])))
        if len(pseudonym) > wire.MAX_PSEUDONYM:
            raise ForumError(ngettext(
                "A pseudonym has at most {n} character.",
                "A pseudonym has at most {n} characters.",
                wire.MAX_PSEUDONYM,
            ).format(n=wire.MAX_PSEUDONYM))
        own_name = self.vault.profile().name
        if own_name and pseudonym.casefold() in {own_name.casefold(),
                                                 *own_name.casefold().split()}:
            raise ForumError(_(
                "In a peer forum you appear under a pseudonym, never your name: choose"
                " another one."))
        return pseudonym

    # -- reading -----------------------------------------------------------------------------

    def summary(self, forum_id: str) -> ForumSummary:
        return next(s for s in self.forums() if s.id == forum_id)

    def forums(self) -> list[ForumSummary]:
        """Every forum of this vault, most recent activity first."""
        unread = self.repo.unread_counts()
        members = self.repo.member_counts()
        records = sorted(self.repo.forums(), key=lambda r: r.last_activity or r.created_at,
                         reverse=True)
        return [ForumSummary(r.id, r.name, r.pseudonym, r.moderator, members.get(r.id, 0),
                             unread.get(r.id, 0), r.last_activity, r.status == "removed")
                for r in records]

    def forum_named(self, name: str) -> ForumSummary:
        """The forum of that name (exact, then case/space-forgiving) or id; else NotFound."""
        forums = self.forums()
        for test in (lambda s: s.name == name, lambda s: s.id == name,
                     lambda s: s.name.casefold() == " ".join(name.split()).casefold()):
            found = [s for s in forums if test(s)]
            if found:
                return found[0]
        if not forums:
            raise NotFound(_("No forum named {name}: you are in no forum yet.").format(
                name=name))
        raise NotFound(_("No forum named {name}. Your forums: {names}.").format(
            name=name, names=", ".join(s.name for s in forums)))

    def members(self, forum_id: str) -> list[ForumMember]:
        """Current members (moderator first, then by pseudonym)."""
        self.record(forum_id)
        rows = sorted(self.repo.members(forum_id),
                      key=lambda m: (not m.moderator, m.pseudonym.casefold()))
        return [ForumMember(m.pseudonym, m.moderator, m.joined_at) for m in rows]

    def _post(self, record: ForumRecord, row: PostRow) -> ForumPost:
        may_see = row.own or record.moderator
        return ForumPost(row.post_id, record.id, row.thread, row.author,
                         row.text if not row.hidden or may_see else "", row.posted_at, row.own,
                         row.unread, row.hidden, row.hidden_reason if may_see else "",
                         row.pinned)

    def threads(self, forum_id: str) -> list[ForumThread]:
        """Pinned threads first, then by most recent activity."""
        record = self.record(forum_id)
        muted = self.repo.muted(forum_id)
        grouped: dict[str, list[ForumPost]] = {}
        for row in self.repo.posts(forum_id):
            grouped.setdefault(row.thread, []).append(self._post(record, row))
        threads = []
        for thread_id, posts in grouped.items():
            first = next((p for p in posts if p.id == thread_id), posts[0])
            replies = [p for p in posts if p is not first]
            threads.append(ForumThread(first, replies, max(p.posted_at for p in posts),
                                       sum(p.unread for p in posts), thread_id in muted))
        for envelope_id, arrived in self.repo.unverified(forum_id):
            placeholder = ForumPost(f"unverified:{envelope_id}", record.id,
                                    f"unverified:{envelope_id}", "", "", arrived, False, False,
                                    False, "", "", unverified=True)
            threads.append(ForumThread(placeholder, [], arrived, 0, False))
        threads.sort(key=lambda t: t.last_activity, reverse=True)
        threads.sort(key=lambda t: {"rules": 0, "cafe": 1}.get(t.first.pinned, 2))
        return threads

    def posts(self, forum_id: str) -> list[ForumPost]:
        """Thread order: each thread's first post, then its replies oldest first (threads in
        the order of :meth:`threads`)."""
        return [p for t in self.threads(forum_id) for p in (t.first, *t.replies)]

    def mark_read(self, forum_id: str, thread_id: str) -> None:
        """Every post of the thread read."""
        self.record(forum_id)
        self.repo.mark_read(forum_id, thread_id)

    def set_muted(self, forum_id: str, thread_id: str, muted: bool) -> None:
        """A muted thread's posts are not counted as unread in the forum summary."""
        self.record(forum_id)
        self.repo.set_muted(forum_id, thread_id, muted)

    # -- writing -----------------------------------------------------------------------------

    @serialised  # read – encrypt – commit of the sessions, never interleaved
    def post(self, forum_id: str, text: str, *, thread: str | None = None) -> ForumPost:
        """A new thread (``thread`` None) or a reply to the thread whose first post has id
        ``thread``; encrypted once and queued for every other member."""
        record = self._active(forum_id)
        text = clean_text(text)  # pasted escape codes never reach the members (text_safety)
        if not text.strip():
            raise ForumError(_("An empty post is not sent."))
        if len(text) > wire.MAX_TEXT:
            raise ForumError(ngettext(
                "This post is too long: at most {n} character.",
                "This post is too long: at most {n} characters.",
                wire.MAX_TEXT,
            ).format(n=wire.MAX_TEXT))
        if thread is not None:
            first = self.repo.post(forum_id, thread)
            if first is None:
                raise NotFound(_("No thread with id {id} in this forum.").format(id=thread))
            thread = first.thread
        post_id = protocol.new_id()
        thread = thread or post_id
        me, _curve = self.my_keys(record)
        with self.repo.write() as write:
            inner = self.broadcast(record, write, "post",
                                   {"thread": thread, "text": text, "author": record.pseudonym},
                                   message_id=post_id)
            row = PostRow(post_id, thread, record.pseudonym, me, text, inner.time, True, False)
            write.add_post(forum_id, row)
        return self._post(record, row)

    def _existing_post(self, record: ForumRecord, post_id: str) -> PostRow:
        row = self.repo.post(record.id, post_id)
        if row is None:
            raise NotFound(_("No post with id {id} in this forum.").format(id=post_id))
        return row

    @serialised  # read – encrypt – commit of the sessions, never interleaved
    def hide(self, forum_id: str, post_id: str, reason: str) -> None:
        """Moderator only: hide a post for everyone; its author sees the reason."""
        record = self._moderated(forum_id)
        self._existing_post(record, post_id)
        reason = reason.strip()
        if not reason or len(reason) > MAX_REASON:
            raise ForumError(ngettext(
                "Give a reason (at most {n} character): the author sees it.",
                "Give a reason (at most {n} characters): the author sees it.",
                MAX_REASON,
            ).format(n=MAX_REASON))
        with self.repo.write() as write:
            self.broadcast(record, write, "hide", {"post": post_id, "reason": reason})
            write.hide_post(forum_id, post_id, reason, keep_text=True)

    @serialised  # read – encrypt – commit of the sessions, never interleaved
    def pin(self, forum_id: str, post_id: str, kind: str) -> None:
        """Moderator only: ``kind`` "rules" (the welcome post), "cafe" (café dates) or ""
        to unpin."""
        from .forum_inbound import pinned_json

        record = self._moderated(forum_id)
        post = self._existing_post(record, post_id)
        if kind not in wire.PIN_KINDS:
            raise ForumError(_('A post is pinned as "rules" or "cafe" ("" unpins it).'))
        if kind and post.thread != post.post_id:
            raise ForumError(_(
                "Only a thread's first post is pinned (pinned threads head the forum); this"
                " is a reply. Pin the thread's first post ({id}).").format(id=post.thread))
        fields: dict[str, Any] = {"post": post_id, "kind": kind}
        if kind and not post.hidden:
            # A member who arrived after the post has no copy: the pin carries it, as the
            # welcome carries the pinned posts.
            fields["content"] = pinned_json(post, kind)
        with self.repo.write() as write:
            self.broadcast(record, write, "pin", fields)
            write.pin_post(forum_id, post_id, kind)

    @serialised  # read – encrypt – commit of the sessions, never interleaved
    def report(self, forum_id: str, post_id: str, reason: str) -> None:
        """Report a post to the moderator (privately, over the pairwise channel)."""
        record = self._active(forum_id)
        self._existing_post(record, post_id)
        reason = clean_text(reason).strip()
        if len(reason) > MAX_REASON:
            raise ForumError(ngettext(
                "A reason has at most {n} character.",
                "A reason has at most {n} characters.",
                MAX_REASON,
            ).format(n=MAX_REASON))
        report = ReportRow(protocol.new_id(), post_id, record.pseudonym, reason, self.now())
        if record.moderator:
            with self.repo.write() as write:
                write.add_report(forum_id, report)
            return
        moderator = next((m for m in self.others(record) if m.moderator), None)
        if moderator is None or moderator.session_pickle is None:
            raise ForumError(_("The moderator cannot be reached in this forum."))
        session = olm.load_session(moderator.session_pickle, self.pickle_key)
        with self.repo.write() as write:
            write.enqueue(self.olm_to(record, moderator, session, "report",
                                      {"report": report.report_id, "post": post_id,
                                       "reason": reason}))
            write.set_session(moderator.id, session.pickle(self.pickle_key))

    def reports(self, forum_id: str) -> list[ForumReport]:
        """Moderator only: the reports received, newest first."""
        record = self.record(forum_id)
        if not record.moderator:
            raise ForumError(_("Only the forum's moderator sees reports."))
        result = []
        for r in self.repo.reports(forum_id):
            post = self.repo.post(forum_id, r.post_id)
            result.append(ForumReport(r.report_id, r.post_id, r.reporter, r.reason,
                                      r.reported_at, post.text if post else ""))
        return result

    @serialised  # read – encrypt – commit of the sessions, never interleaved
    def remove(self, forum_id: str, pseudonym: str) -> None:
        """Moderator only: remove a member; they cannot read anything posted after."""
        record = self._moderated(forum_id)
        others = self.others(record)
        wanted = " ".join(pseudonym.split()).casefold()
        target = next((m for m in others if m.pseudonym == pseudonym), None) or next(
            (m for m in others if m.pseudonym.casefold() == wanted), None)
        if target is None:
            raise NotFound(_("No member named {name} in this forum. Members: {names}.").format(
                name=pseudonym, names=", ".join(m.pseudonym for m in others) or "-"))
        with self.repo.write() as write:
            write.set_removed(target.id, self.now())
            if target.session_pickle is not None:
                session = olm.load_session(target.session_pickle, self.pickle_key)
                write.enqueue(self.olm_to(record, target, session, "removed", {}))
                write.set_session(target.id, session.pickle(self.pickle_key))
            for member in others:
                if member.id == target.id or member.session_pickle is None:
                    continue
                session = olm.load_session(member.session_pickle, self.pickle_key)
                write.enqueue(self.olm_to(record, member, session, "remove",
                                          {"member": target.ed25519}))
                write.set_session(member.id, session.pickle(self.pickle_key))
            # A new session that the removed member never gets (no longer among others()).
            self.rotate(record, write)

    # -- receiving ---------------------------------------------------------------------------

    def process_inbox(self) -> int:
        """Decrypt what sync fetched into forum mailboxes; returns the number of new posts.

        An envelope that cannot be read *yet* (its Megolm key or its sender's introduction has
        not arrived) stays in the inbox and is tried again when something new arrived."""
        from .forum_inbound import Inbound

        return Inbound(self).run()


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ForumError(_("Give the forum a name."))
    if len(name) > wire.MAX_NAME:
        raise ForumError(ngettext(
            "A forum name has at most {n} character.",
            "A forum name has at most {n} characters.",
            wire.MAX_NAME,
        ).format(n=wire.MAX_NAME))
    if found := label_problems(name):
        raise ForumError(_(
            "The name holds control or invisible characters ({chars}). Type it again without"
            " them.").format(chars=", ".join(found[:5])))
    return name


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
