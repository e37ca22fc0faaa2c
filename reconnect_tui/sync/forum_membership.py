"""Who is in a forum: starting one, inviting, joining, removing a member (and the rotation
that follows). Only ``invite`` and ``join`` talk to the relay, through the object passed in
(a ``RelayClient`` from ``reconnect_tui.sync.dyads.relay_for``); the rest queues envelopes
that leave with the next sync. The moderator's side of a join answer, and the welcome, arrive
through ``sync/forum_inbound.py``. The states a vault goes through are ``forum_states.py``.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Protocol, runtime_checkable

import nacl.signing
import vodozemac

from .. import wire as protocol  # the relay wire format (forum_wire is `wire` here)
from ..clock import epoch_seconds
from ..errors import ForumError, NotFound, RelayError
from ..i18n import _, ngettext
from ..store.repositories.dyads import Outgoing
from ..store.repositories.forum import ForumRecord
from ..store.repositories.sync_state import SyncStateRepository
from ..store.vault import serialised
from ..text_safety import label_problems
from . import forum_crypto, olm, pairing
from . import forum_wire as wire
from .forum_context import ForumContext
from .forum_outbound import Outbound, card_values
from .forum_states import FORUM_TRANSITIONS, ForumEvent, ForumState, advance
from .forum_views import ForumSummary, ForumViews
from .pairing import PairingRelay, WrongCode

INVITATION_LIFETIME = timedelta(hours=24)


@runtime_checkable
class ForumRelay(PairingRelay, Protocol):
    """What ``invite`` and ``join`` need: the relay, and the same relay under the forum's own
    signing key (``RelayClient.with_key``)."""

    def with_key(self, signing_key: nacl.signing.SigningKey) -> PairingRelay: ...


def forum_relay(relay: object) -> ForumRelay:
    """``relay`` as a :class:`ForumRelay` (a ``RelayClient`` is one). The pairing screens and
    the sync engine hand relays on under narrower protocols; this checks rather than assumes."""
    if not isinstance(relay, ForumRelay):
        raise RelayError(_("This relay connection cannot sign with a forum's own key."))
    return relay


class Membership:
    """Creating, inviting, joining and removing, for the forums of one vault."""

    def __init__(self, context: ForumContext, outbound: Outbound, views: ForumViews) -> None:
        self.context = context
        self.outbound = outbound
        self.views = views
        self.repo = context.repo
        self.vault = context.vault  # for @serialised

    def _new_identity(self) -> tuple[vodozemac.Account, str, bytes]:
        account = olm.new_account()
        forum_crypto.add_fallback_key(account)
        return account, protocol.new_id(32), secrets.token_bytes(32)

    def _new_record(self, forum_key: str, name: str, pseudonym: str, event: ForumEvent,
                    account: vodozemac.Account, mailbox_id: str, mailbox_key: bytes
                    ) -> ForumRecord:
        key = self.context.pickle_key
        group, own = forum_crypto.new_group()
        now = self.context.now()
        status = advance(FORUM_TRANSITIONS, ForumState.OUTSIDE, event)
        return ForumRecord(protocol.new_id(), forum_key, name, pseudonym,
                           event is ForumEvent.CREATED, status.value, account.pickle(key),
                           mailbox_id, mailbox_key, group.pickle(key), now, own.pickle(key), now,
                           None)

    def create(self, name: str, pseudonym: str = "Moderator") -> ForumSummary:
        """Start a forum and moderate it (service-user vaults only)."""
        self.context.require_user()
        name = check_name(name)
        pseudonym = self.check_pseudonym(pseudonym)
        account, mailbox_id, mailbox_key = self._new_identity()
        record = self._new_record(protocol.new_id(), name, pseudonym, ForumEvent.CREATED,
                                  account, mailbox_id, mailbox_key)
        self.context.remember_account(record.id, account)
        card = self.outbound.my_card(record, moderator=True, joined_at=record.created_at)
        with self.repo.write() as write:
            write.add_forum(record, claimed=False)
            write.set_relay_seed(record.id, secrets.token_bytes(32))
            write.add_member(record.id, **card_values(card), session_pickle=None,
                             key_session="", key_index=0)
        return self.views.summary(record.id)

    def invite(self, forum_id: str, relay: ForumRelay) -> str:
        """Moderator only: put a sealed invitation at the relay; returns the code to give."""
        code = pairing.new_code()
        keys = pairing.code_keys(code)
        answer_mailbox = protocol.new_id(32)
        now = self.context.now()
        key = self.context.pickle_key
        with self.repo.write() as write:  # load – add a one-time key – store, serialised
            record = self.context.moderated(forum_id)
            account = olm.load_account(record.account_pickle, key)  # as stored now
            one_time_key = olm.fresh_one_time_key(account)
            me = next(m for m in self.repo.members(record.id)
                      if m.ed25519 == self.context.my_keys(record)[0])
            bundle = wire.ForumBundle(record.forum_key, record.name,
                                 self.outbound.my_card(record, moderator=True,
                                                       joined_at=me.joined_at),
                                 one_time_key, answer_mailbox)
            write.add_invitation(record.id, keys.lookup_id, answer_mailbox, keys.pairing_key,
                                 keys.mac_key, now, now + INVITATION_LIFETIME)
            write.update_forum(record.id, account_pickle=account.pickle(key))
        state = SyncStateRepository(self.context.vault)
        # Not the vault's key: the forum's own (docs/forum.md).
        forum_relay = relay.with_key(self.context.relay_key(record.id))
        for mailbox_id in (answer_mailbox, record.mailbox_id):
            if mailbox_id == answer_mailbox or not state.is_claimed(mailbox_id):
                forum_relay.claim_mailbox(mailbox_id)  # before anyone can deposit into it
                state.mark_claimed(mailbox_id)
        forum_relay.put_invitation(keys.lookup_id,
                                   wire.seal_bundle(bundle, account, keys.bundle_key))
        return code

    def join(self, code: str, pseudonym: str, relay: ForumRelay) -> ForumSummary:
        """Service-user vaults only: take the invitation and queue the answer to the moderator.
        The forum's members and posts arrive with the following syncs.

        The relay is asked only to take the (one-shot) invitation; everything after it is local,
        so a relay lost right after cannot use up the code for nothing: the next sync claims
        the new mailbox, then delivers the answer."""
        self.context.require_user()
        pseudonym = self.check_pseudonym(pseudonym)
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
        record = self._new_record(bundle.forum, bundle.name, pseudonym, ForumEvent.ANSWERED,
                                  account, mailbox_id, mailbox_key)
        self.context.remember_account(record.id, account)
        card = self.outbound.my_card(record, moderator=False, joined_at=record.created_at)
        moderator = bundle.moderator
        session = account.create_outbound_session(
            vodozemac.Curve25519PublicKey.from_base64(moderator.curve25519),
            vodozemac.Curve25519PublicKey.from_base64(bundle.one_time_key))
        mac = pairing.response_mac(
            keys.mac_key, {"ed25519": card.ed25519, "curve25519": card.curve25519,
                           "mailbox": card.mailbox},
            {"ed25519": moderator.ed25519, "curve25519": moderator.curve25519,
             "mailbox": bundle.answer_mailbox})
        own = forum_crypto.load_inbound(record.own_group_pickle, self.context.pickle_key)
        inner = self.outbound.inner(record, "join", moderator.ed25519,
                                    {"member": card.fields(), "mac": mac,
                                     **forum_crypto.share_fields(own)})
        outer = forum_crypto.olm_outer(session, inner, card.curve25519)
        answer = Outgoing(protocol.new_id(), bundle.answer_mailbox,
                          wire.seal(keys.pairing_key, bundle.answer_mailbox, outer),
                          epoch_seconds(), record.id)
        group = forum_crypto.load_group(record.outbound_pickle, self.context.pickle_key)
        with self.repo.write() as write:
            write.add_forum(record, claimed=False)
            write.set_relay_seed(record.id, relay_seed)
            write.add_member(record.id, **card_values(card), session_pickle=None,
                             key_session="", key_index=0)
            write.add_member(record.id, **card_values(moderator),
                             session_pickle=session.pickle(self.context.pickle_key),
                             key_session=group.session_id, key_index=0)
            write.enqueue(answer)
        return self.views.summary(record.id)

    @serialised  # read – encrypt – commit of the sessions, never interleaved
    def remove(self, forum_id: str, pseudonym: str) -> None:
        """Moderator only: remove a member; they cannot read anything posted after."""
        record = self.context.moderated(forum_id)
        others = self.context.others(record)
        wanted = " ".join(pseudonym.split()).casefold()
        target = next((m for m in others if m.pseudonym == pseudonym), None) or next(
            (m for m in others if m.pseudonym.casefold() == wanted), None)
        if target is None:
            raise NotFound(_("No member named {name} in this forum. Members: {names}.").format(
                name=pseudonym, names=", ".join(m.pseudonym for m in others) or "-"))
        with self.repo.write() as write:
            write.set_removed(target.id, self.context.now())
            if target.session_pickle is not None:
                self.outbound.olm_to_member(record, target, "removed", {}, write)
            for member in others:
                if member.id == target.id or member.session_pickle is None:
                    continue
                self.outbound.olm_to_member(record, member, "remove",
                                            {"member": target.ed25519}, write)
            # A new session that the removed member never gets (no longer among others()).
            self.outbound.rotate(record, write)

    def check_pseudonym(self, pseudonym: str) -> str:
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
        own_name = self.context.vault.profile().name
        if own_name and pseudonym.casefold() in {own_name.casefold(),
                                                 *own_name.casefold().split()}:
            raise ForumError(_(
                "In a peer forum you appear under a pseudonym, never your name: choose"
                " another one."))
        return pseudonym


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
