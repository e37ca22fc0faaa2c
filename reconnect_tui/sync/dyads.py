"""Dyads: pairing, end-to-end encrypted messages and provider mode (the service the UI calls).

Headless: no Textual here. The crypto design is in ``docs/dyads.md``; the pieces live in
``olm.py`` (vodozemac, outer envelope), ``pairing.py`` (code, bundle, MAC), ``messages.py``
(the plaintext inside) and ``safety.py``; storage in ``store/repositories/dyads.py``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import vodozemac

from .. import wire
from ..clock import Clock, epoch_seconds, utc_now
from ..errors import NotFound, ProtocolError, ReconnectError
from ..i18n import _, ngettext
from ..model import Role
from ..store.db import Connection
from ..store.repositories.dyads import (
    DyadRepository,
    MessageRow,
    NewPartner,
    Outgoing,
    PartnerRecord,
    StoredMessage,
)
from ..store.repositories.sync_state import SyncStateRepository
from ..store.vault import Vault
from ..text_safety import clean_text
from . import about as about_refs
from . import agreement_inbound, device_fanout, messages, olm, pairing, restore, share_inbound
from .about import AboutCheck, ItemRef
from .pairing import PairingRelay, WrongCode
from .safety import safety_number

RelayPort = PairingRelay
"""What create_invitation and join need from the relay (``RelayClient`` provides it)."""

INVITATION_LIFETIME = timedelta(hours=24)
WORDS_PER_MINUTE = 200
MIN_READING_SECONDS = 5

__all__ = [
    "AboutCheck", "ChatMessage", "DyadSummary", "Dyads", "ItemRef", "Partner", "RelayPort",
    "WrongCode", "reading_time_seconds", "relay_for", "word_count",
]


class Superseded(ProtocolError):
    """An envelope on a session that a reset is replacing: kept out of the conversation (no
    "unverified" entry), since what it carried is sent again on the new session."""


@dataclass(frozen=True, slots=True)
class Partner:
    id: int
    name: str
    role: Role
    status: str
    safety_number: str
    verified: bool
    key_changed: bool
    read_receipts: bool
    resetting: bool = False
    """Moving to a new session after a vault was restored from a backup (docs/dyads.md):
    messages are kept until it is there; other kinds wait."""
    devices: tuple[str, ...] = ()
    """The partner's other linked devices this vault also encrypts to (docs/devices.md)."""


@dataclass(frozen=True, slots=True)
class ChatMessage:
    id: str
    partner_id: int
    outgoing: bool
    sender: str
    text: str
    sent_at: datetime
    status: str
    reply_to: str | None
    about: ItemRef | None


@dataclass(frozen=True, slots=True)
class DyadSummary:
    partner: Partner
    unread: int
    waiting_since: datetime | None
    last_message_at: datetime | None
    expected_by: datetime | None = None
    """When the waiting message should be answered under the accepted agreement."""
    overdue: bool = False
    """Waiting past the agreed time."""


def word_count(text: str) -> int:
    return len(re.findall(r"\w+(?:['’-]\w+)*", text))


def reading_time_seconds(text: str) -> int:
    """Estimated reading time for the receiver: about 200 words a minute, at least 5 s."""
    return max(MIN_READING_SECONDS, round(word_count(text) * 60 / WORDS_PER_MINUTE))


class Dyads:
    """The dyads of one unlocked vault."""

    def __init__(self, vault: Vault, *, clock: Clock = utc_now) -> None:
        self.vault = vault
        self.clock = clock
        self.repo = DyadRepository(vault)
        self._fanout = device_fanout.Fanout(vault, clock=clock)
        self._pickle_key = olm.pickle_key(vault.key)
        self._account: vodozemac.Account | None = None
        self._identity_key: str | None = None
        self._own_name: str | None = None
        self._sessions: dict[int, tuple[str, vodozemac.Session]] = {}
        """Per partner: the pickle this object last made of its outbound session, and the
        session in that state (``_encrypt_to``)."""
        self.identity_loads = 0
        """How often the identity was read from the vault (once per ``Dyads``)."""

    # -- identity ----------------------------------------------------------------------------

    def _identity(self) -> vodozemac.Account:
        """This vault's Olm account (Ed25519 + Curve25519), made on first use."""
        if self._account is None:
            with self.vault.transaction():  # two processes never make two identities
                pickled = self.repo.account_pickle()
                if pickled is None:
                    account = olm.new_account()
                    self.repo.save_account(account.pickle(self._pickle_key))
                else:
                    account = olm.load_account(pickled, self._pickle_key)
            self._account = account
            self.identity_loads += 1
        return self._account

    def _stored_account(self) -> vodozemac.Account:
        """A fresh copy of the account as stored now, for a change (a one-time key made or
        used) that is saved in the same transaction: the cached copy may predate another
        process's change. Call inside ``vault.transaction()``."""
        self._identity()
        pickled = self.repo.account_pickle()
        assert pickled is not None
        return olm.load_account(pickled, self._pickle_key)

    @property
    def identity_key(self) -> str:
        """This vault's Ed25519 identity key (base64): what ``from``/``to`` name."""
        if self._identity_key is None:  # never changes (only one-time keys come and go)
            self._identity_key = self._identity().ed25519_key.to_base64()
        return self._identity_key

    def _own(self) -> str:
        """This vault's own name, as its messages show it. Set when the vault is made and
        never changed (no code path writes ``meta.name`` again), so it is read once."""
        if self._own_name is None:
            self._own_name = self.vault.profile().name
        return self._own_name

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    # -- pairing -----------------------------------------------------------------------------

    def create_invitation(self, relay: RelayPort) -> str:
        """Provider vaults: put a sealed invitation at the relay; returns the code to give."""
        profile = self.vault.profile()
        if profile.role is not Role.PROVIDER:
            raise ReconnectError(_(
                "Only a provider's vault makes invitations. A service user joins with the code"
                " their provider gives them (reconnect pair join CODE)."))
        code = pairing.new_code()
        keys = pairing.code_keys(code)
        mailbox_id = wire.new_id(32)
        now = self._now()
        with self.vault.transaction():  # load – add a one-time key – store, never interleaved
            account = self._stored_account()
            one_time_key = olm.fresh_one_time_key(account)
            self.repo.add_invitation(keys.lookup_id, mailbox_id, keys.pairing_key,
                                     keys.envelope_key, keys.mac_key, now,
                                     now + INVITATION_LIFETIME, account.pickle(self._pickle_key))
        bundle = pairing.PairingBundle(
            profile.name, profile.role.value, account.ed25519_key.to_base64(),
            account.curve25519_key.to_base64(), one_time_key, mailbox_id)
        relay.claim_mailbox(mailbox_id)  # before anyone can deposit into it
        SyncStateRepository(self.vault).mark_claimed(mailbox_id)
        relay.put_invitation(keys.lookup_id, pairing.seal_bundle(bundle, account,
                                                                 keys.bundle_key))
        return code

    def join(self, code: str, relay: RelayPort) -> Partner:
        """Service-user vaults: take the invitation, check it, open the Olm session and queue
        the pairing answer (delivered by the next sync). Status stays "pending" until the
        provider's confirmation arrives."""
        profile = self.vault.profile()
        if profile.role is not Role.USER:
            raise ReconnectError(_(
                "A provider's vault cannot join an invitation: providers make them"
                " (reconnect pair invite)."))
        keys = pairing.code_keys(code)
        sealed = relay.take_invitation(keys.lookup_id)
        if sealed is None:
            raise WrongCode(_(
                "No invitation with this code. Check it for typing mistakes, or ask for a new"
                " one: a code works once and expires after 24 hours."))
        bundle = pairing.open_bundle(sealed, keys.bundle_key)
        if bundle.role != Role.PROVIDER.value:
            raise ProtocolError(_("The invitation did not come from a provider's vault."))
        account = self._identity()
        me = {"ed25519": account.ed25519_key.to_base64(),
              "curve25519": account.curve25519_key.to_base64()}
        session = account.create_outbound_session(
            vodozemac.Curve25519PublicKey.from_base64(bundle.curve25519),
            vodozemac.Curve25519PublicKey.from_base64(bundle.one_time_key))
        mailbox_id = wire.new_id(32)
        relay.claim_mailbox(mailbox_id)  # so the provider's confirmation can land
        user = {**me, "mailbox": mailbox_id}
        provider = {"ed25519": bundle.ed25519, "curve25519": bundle.curve25519,
                    "mailbox": bundle.mailbox_id}
        inner = messages.DyadPlaintext(
            "pairing", wire.new_id(), me["ed25519"], bundle.ed25519, self._now(), 0,
            {"name": profile.name, "role": profile.role.value, "curve25519": me["curve25519"],
             "mailbox": mailbox_id,
             "mac": pairing.response_mac(keys.mac_key, user, provider)})
        envelope = olm.encrypt(session, inner.encode())
        envelope = olm.OlmEnvelope(envelope.message_type, envelope.ciphertext, me["curve25519"])
        sealed_answer = olm.seal(keys.pairing_key, bundle.mailbox_id, envelope)
        partner_id = self.repo.save_pairing(
            NewPartner(bundle.name, bundle.role, bundle.ed25519, bundle.curve25519, mailbox_id,
                       bundle.mailbox_id, keys.envelope_key, session.pickle(self._pickle_key),
                       "pending"),
            now=self._now(), claimed=True,
            outgoing=Outgoing(wire.new_id(), bundle.mailbox_id, sealed_answer, epoch_seconds()))
        return self._partner(partner_id)

    def _accept_pairing(self, inbox_id: int, mailbox_id: str, ciphertext: bytes) -> None:
        """Provider side: a service user's answer to an open invitation. Verified end to end
        before anything is stored; a forged or altered answer raises ProtocolError."""
        invitation = self.repo.open_invitation(mailbox_id)
        if invitation is None:
            raise ProtocolError(_("An envelope arrived for an invitation already used."))
        envelope = olm.open_sealed(invitation.pairing_key, mailbox_id, ciphertext)
        pre_key = envelope.olm_message().to_pre_key()
        if pre_key is None or not envelope.sender_key:
            raise ProtocolError(_("A pairing answer was not a first message."))
        account = self._stored_account()  # inside _process_one's transaction
        me = account.ed25519_key.to_base64()
        try:
            session, plaintext = account.create_inbound_session(
                vodozemac.Curve25519PublicKey.from_base64(envelope.sender_key), pre_key)
        except olm.OlmError:
            raise ProtocolError(_("A pairing answer could not be decrypted.")) from None
        inner = messages.decode(plaintext, sender=None, recipient=me)
        fields = inner.fields
        user_mailbox = fields.get("mailbox")
        user = {"ed25519": inner.sender, "curve25519": fields.get("curve25519"),
                "mailbox": user_mailbox}
        provider = {"ed25519": me, "curve25519": account.curve25519_key.to_base64(),
                    "mailbox": mailbox_id}
        pairing.check_response_mac(invitation.mac_key, user, provider, fields.get("mac"))
        if (inner.type != "pairing" or user["curve25519"] != envelope.sender_key
                or not wire.is_valid_id(user_mailbox)
                or fields.get("role") != Role.USER.value
                or not isinstance(fields.get("name"), str) or not fields["name"]):
            raise ProtocolError(_("A pairing answer was not well formed."))
        confirm = messages.DyadPlaintext("confirm", wire.new_id(), me, inner.sender, self._now(), 0)
        sealed = olm.seal(invitation.envelope_key, user_mailbox,
                          olm.encrypt(session, confirm.encode()))
        self.repo.save_pairing(
            NewPartner(fields["name"], Role.USER.value, inner.sender, envelope.sender_key,
                       mailbox_id, user_mailbox, invitation.envelope_key,
                       session.pickle(self._pickle_key), "paired"),
            now=self._now(), account_pickle=account.pickle(self._pickle_key),
            invitation_id=invitation.id, inbox_id=inbox_id, claimed=True,
            outgoing=Outgoing(wire.new_id(), user_mailbox, sealed, epoch_seconds()))

    # -- partners ----------------------------------------------------------------------------

    def _to_partner(self, record: PartnerRecord) -> Partner:
        keys = self._fanout.safety_keys(record, self.identity_key)  # per person
        number = safety_number(keys.own, keys.theirs)
        return Partner(record.id, record.name, Role(record.role), record.status, number,
                       record.verified, record.key_changed, record.read_receipts,
                       record.reset_state is not None, keys.devices)

    def _record(self, partner_id: int) -> PartnerRecord:
        record = self.repo.partner(partner_id)
        if record is None:
            raise NotFound(_("No partner with id {id}.").format(id=partner_id))
        return record

    def _partner(self, partner_id: int) -> Partner:
        return self._to_partner(self._record(partner_id))

    def partners(self) -> list[Partner]:
        return [self._to_partner(r) for r in self.repo.partners()]

    def partner_named(self, name: str) -> Partner:
        """The partner of that name; of several (a new key under an old name), the newest."""
        records = sorted(self.repo.partners(), key=lambda r: r.id, reverse=True)
        for record in records:
            if record.name == name:
                return self._to_partner(record)
        for record in records:  # a forgiving second try: case and surrounding spaces
            if record.name.casefold() == name.strip().casefold():
                return self._to_partner(record)
        names = ", ".join(r.name for r in records)
        raise NotFound(
            _("No partner named {name}. Your partners: {names}.").format(name=name, names=names)
            if records else
            _("No partner named {name}: you have not paired with anyone yet.").format(name=name))

    def verify(self, partner_id: int) -> Partner:
        self._record(partner_id)
        self.repo.set_verified(partner_id)
        return self._partner(partner_id)

    def set_read_receipts(self, partner_id: int, on: bool) -> None:
        self._record(partner_id)
        self.repo.set_read_receipts(partner_id, on)

    # -- messages ----------------------------------------------------------------------------

    def _encrypt_to(self, record: PartnerRecord, inner: messages.DyadPlaintext
                    ) -> tuple[str, Outgoing]:
        """Encrypt with the session as stored now (``record`` was read inside the caller's
        transaction). When the stored pickle is the very one this object made last time, the
        session object it kept is in exactly that state and is used instead of unpickling it
        again; anything else (another process sent or received, a rolled-back send) stored a
        different pickle, and the stored one is loaded."""
        kept = self._sessions.pop(record.id, None)
        if kept is not None and kept[0] == record.session_pickle:
            session = kept[1]
        else:
            session = olm.load_session(record.session_pickle, self._pickle_key)
        sealed = olm.seal(record.envelope_key, record.outbound_mailbox,
                          olm.encrypt(session, inner.encode()))
        pickle = session.pickle(self._pickle_key)
        self._sessions[record.id] = (pickle, session)
        return pickle, Outgoing(wire.new_id(), record.outbound_mailbox, sealed, epoch_seconds())

    def send_control(self, partner_id: int, kind: str, fields: dict[str, object],
                     extra: Callable[[Connection], None] | None = None) -> messages.DyadPlaintext:
        """Encrypt and queue a non-text message (agreement, "seen", check-in, feedback); what
        it records locally (``extra``) is written in the same transaction as the outbox entry."""
        with self.vault.transaction():  # load – encrypt – commit of the session, serialised
            record = self._record(partner_id)
            if record.status != "paired":
                raise ReconnectError(_("Pairing with {name} is not complete yet: sync first.")
                                     .format(name=record.name))
            if record.reset_state is not None:
                raise ReconnectError(_(
                    "The connection with {name} is being set up again after this vault was "
                    "restored from a backup: sync, then try again.").format(name=record.name))
            if self._fanout.repo.via_device(partner_id):
                raise ReconnectError(_(
                    "Only messages go to {name} from this device: send this from the device"
                    " that paired with {name}.").format(name=record.name))
            inner = messages.DyadPlaintext(kind, wire.new_id(), self.identity_key, record.ed25519,
                                   self._now(), record.sent_counter, fields)
            pickle, outgoing = self._encrypt_to(record, inner)
            self.repo.record_sent(partner_id, pickle, record.sent_counter, None, outgoing,
                                  extra)
        return inner

    def sign(self, message: bytes) -> str:
        """This vault's Ed25519 identity signature over ``message`` (base64)."""
        return self._identity().sign(message).to_base64()

    def about_check(self, partner_id: int, about: ItemRef) -> AboutCheck:
        """Whether a message about ``about`` would carry its title to this partner (only for
        an item they can see already), and if not whether sharing it is possible."""
        return about_refs.check(self.vault, self._record(partner_id), about)

    def send(self, partner_id: int, text: str, *, reply_to: str | None = None,
             about: ItemRef | None = None) -> ChatMessage:
        """Encrypt and queue a message in the outbox now (the next sync delivers it). An
        ``about`` item the partner cannot see goes without its title and id (``about.py``)."""
        with self.vault.transaction():  # load – encrypt – commit of the session, serialised
            return self._send(partner_id, text, reply_to, about)

    def _send(self, partner_id: int, text: str, reply_to: str | None,
              about: ItemRef | None) -> ChatMessage:
        record = self._record(partner_id)
        if not record.session_pickle:  # a dyad handed over by another device, not open yet
            raise ReconnectError(_("Pairing with {name} is not complete yet: sync first.")
                                 .format(name=record.name))
        text = clean_text(text)  # pasted escape codes never reach the partner (text_safety)
        if not text.strip():
            raise ReconnectError(_("An empty message is not sent."))
        if len(text) > messages.MAX_TEXT:
            raise ReconnectError(ngettext(
                "This message is too long: at most {n} character.",
                "This message is too long: at most {n} characters.",
                messages.MAX_TEXT,
            ).format(n=messages.MAX_TEXT))
        fields: dict[str, object] = {"text": text}
        if reply_to is not None:
            fields["reply_to"] = reply_to
        if about is not None:
            about = about_refs.on_the_wire(self.vault, record, about)
        if about is not None:
            fields["about"] = {"module": about.module, "item_id": about.item_id,
                               "title": about.title}
        plan = self._fanout.plan(record)  # the partner's other devices, read once
        if plan.open_devices:  # they get it from us: the partner's paired device copies it
            fields["devices"] = [d.ed25519 for d in plan.open_devices]  # to the others only
        counter = record.sent_counter + 1
        inner = messages.DyadPlaintext("message", wire.new_id(), self.identity_key, record.ed25519,
                               self._now(), counter, fields)
        if record.reset_state is not None:  # kept; sent on the new session once it is there
            pickle, outgoing = record.session_pickle, None
        else:
            pickle, outgoing = self._encrypt_to(record, inner)
        row = MessageRow(inner.id, True, text, inner.time, counter, "queued", reply_to,
                         (about.module, about.item_id, about.title) if about else None,
                         outgoing.envelope_id if outgoing else None)
        self.repo.record_sent(partner_id, pickle, counter, row, outgoing)
        # to the partner's other devices, and a copy to our own (docs/devices.md)
        self._fanout.after_send(record, inner, row, plan, encrypted=outgoing is not None)
        return self._chat_named(StoredMessage(partner_id, row), self._own(), record.name)

    def conversation(self, partner_id: int) -> list[ChatMessage]:
        """Oldest first: by the sender's time, then the sender's counter (docs/dyads.md)."""
        record = self._record(partner_id)
        own = self._own()
        return [self._chat_named(s, own, record.name)
                for s in self.repo.conversation(partner_id)]

    def _chat_named(self, stored: StoredMessage, own: str, partner_name: str) -> ChatMessage:
        row = stored.row
        about = ItemRef(*row.about) if row.about else None
        return ChatMessage(row.message_id, stored.partner_id, row.outgoing,
                           own if row.outgoing else partner_name, row.text, row.sent_at,
                           row.status, row.reply_to, about)

    def all_messages(self) -> list[ChatMessage]:
        """Every conversation's messages, grouped by partner (for ``message list``)."""
        names = {r.id: r.name for r in self.repo.partners()}
        own = self._own()
        return [self._chat_named(s, own, names.get(s.partner_id, "")) for s in
                self.repo.all_messages()]

    def mark_read(self, partner_id: int) -> None:
        """Mark the conversation read; queue a read receipt unless turned off for this dyad."""
        with self.vault.transaction():  # load – encrypt – commit of the session, serialised
            record = self._record(partner_id)
            read = self.repo.mark_read(partner_id)
            if (not read or not record.read_receipts or record.status != "paired"
                    or record.reset_state is not None):
                return
            inner = messages.DyadPlaintext("receipt", wire.new_id(), self.identity_key,
                                   record.ed25519, self._now(), record.sent_counter,
                                   {"ids": read})
            pickle, outgoing = self._encrypt_to(record, inner)
            self.repo.record_sent(partner_id, pickle, record.sent_counter, None, outgoing)
            self._fanout.fan_out(record, inner)

    def undelivered(self, partner_id: int) -> int:
        """Envelopes to this partner still in the outbox (the relay has not accepted them)."""
        return self.repo.undelivered(self._record(partner_id).outbound_mailbox)

    def unread_total(self) -> int:
        return sum(self.repo.unread_counts().values())

    def summaries(self) -> list[DyadSummary]:
        """One line per dyad. Those waiting for an answer first, the most overdue against the
        agreed answer time first (without an agreement, against the template's two working
        days); then the most recent conversation."""
        from ..store.repositories.agreements import AgreementRepository
        from . import agreement_terms, waiting

        unread = self.repo.unread_counts()
        times = self.repo.waiting_and_last()
        accepted = AgreementRepository(self.vault).accepted_terms()
        fallback = agreement_terms.parse(agreement_terms.template(self._now().date()))
        now = self._now()
        result, lateness = [], {}
        for p in self.partners():
            since, last = times.get(p.id, (None, None))
            version = accepted.get(p.id)
            terms = agreement_terms.parse(version.terms) if version else fallback
            due = waiting.expected_answer_by(since, terms) if since else None
            if due is not None and since is not None:
                allowed = max((due - since).total_seconds(), 1.0)
                lateness[p.id] = (now - since).total_seconds() / allowed
            result.append(DyadSummary(p, unread.get(p.id, 0), since, last,
                                      due if version else None,
                                      bool(version and due and now > due)))
        far_past = datetime.min.replace(tzinfo=UTC)
        result.sort(key=lambda s: (s.waiting_since is None, -lateness.get(s.partner.id, 0.0),
                                   -(s.last_message_at or far_past).timestamp(), s.partner.name))
        return result

    # -- receiving ---------------------------------------------------------------------------

    def process_inbox(self) -> int:
        """Decrypt what sync fetched into dyad mailboxes; returns how many new messages."""
        new = 0
        while batch := self.repo.unprocessed():
            # One commit for the batch (each envelope a savepoint of it, _process_one): a
            # message fanned out to several devices is several envelopes to every vault.
            with self.vault.transaction():
                for inbox_id, envelope_id, mailbox_id, ciphertext in batch:
                    new += self._process_one(inbox_id, envelope_id, mailbox_id, ciphertext)
        return new

    def _process_one(self, inbox_id: int, envelope_id: str, mailbox_id: str,
                     ciphertext: bytes) -> int:
        """One envelope in one transaction (a savepoint of ``process_inbox``'s), from reading
        the session to storing it again: a second process syncing the same vault waits, then
        finds the envelope handled. No savepoint of its own: what it wrote before a refusal
        stays with the refusal, as when each envelope was a transaction of its own."""
        with self.vault.transaction(savepoint=False):
            if not self.repo.still_unprocessed(inbox_id):
                return 0
            return self._process_locked(inbox_id, envelope_id, mailbox_id, ciphertext)

    def _process_locked(self, inbox_id: int, envelope_id: str, mailbox_id: str,
                        ciphertext: bytes) -> int:
        record = self.repo.partner_by_mailbox(mailbox_id)
        shown = record.id if record else None  # an "unverified" entry in this conversation
        try:
            if record is None:
                device = self._fanout.device_by_mailbox(mailbox_id)
                if device is not None:  # one of the partner's other devices
                    shown = device.partner_id
                    return self._fanout.from_device(device, inbox_id, ciphertext,
                                                    self.identity_key)
                self._accept_pairing(inbox_id, mailbox_id, ciphertext)
                return 0
            return self._receive(record, inbox_id, ciphertext)
        except Superseded as error:
            reason, shown = str(error), None
        except ProtocolError as error:
            reason = str(error)  # our own fixed text, never the envelope's content
        except wire.PEER_INPUT_ERRORS:  # vodozemac's errors are ValueErrors; and a field
            reason = _("A received message could not be decrypted.")  # a check missed
        self.repo.record_rejected(envelope_id, mailbox_id, inbox_id, reason, self._now(), shown)
        return 0

    def _receive(self, record: PartnerRecord, inbox_id: int, ciphertext: bytes) -> int:
        envelope = olm.open_sealed(record.envelope_key, record.inbound_mailbox, ciphertext)
        if envelope.message_type == olm.RESET:
            self._reset_requested(record, inbox_id, envelope.ciphertext)
            return 0
        if not record.session_pickle:  # handed over by another device: the partner's first
            self._fanout.hello(record, inbox_id, envelope, self.identity_key)
            return 0
        session = olm.load_session(record.session_pickle, self._pickle_key)
        message = envelope.olm_message()
        if record.reset_state is not None:
            pre_key = message.to_pre_key()
            if pre_key is not None and not session.session_matches(pre_key):
                self._reset_answered(record, inbox_id, pre_key)
                return 0
        try:
            plaintext = session.decrypt(message)
        except olm.OlmError:
            if record.reset_state is not None:  # on the stale session: it comes again
                raise Superseded(_("A message on a session being replaced was set aside; it "
                                   "is sent again.")) from None
            raise ProtocolError(_("A received message could not be decrypted.")) from None
        inner = messages.decode(plaintext, sender=record.ed25519, recipient=self.identity_key)
        pickle = session.pickle(self._pickle_key)
        if inner.type == "message":
            row = messages.received_row(inner)
            kept = self.repo.record_received(record.id, pickle, inbox_id, inner.id, row=row)
            if not kept and inner.fields.get("resent") is True:  # held already: quietly
                self.repo.record_resent_duplicate(record.id, pickle, inbox_id)
                return 0
            if not kept:
                raise ProtocolError(_("A message arrived twice; the copy was rejected."))
            self._fanout.copy_own(  # to the person's other devices the partner did not
                record, row, device_fanout.direct_devices(inner.fields))  # write to
            return 1
        if inner.type == "echo":
            self._echo(record, pickle, inbox_id, inner)
            return 0
        if inner.type in agreement_inbound.AGREEMENT_TYPES:
            from ..store.repositories.agreements import AgreementRepository

            write = agreement_inbound.inbound(AgreementRepository(self.vault), record,
                                              self.identity_key, self.vault.profile().role, inner)
            kept = self.repo.record_received(record.id, pickle, inbox_id, inner.id, extra=write)
        elif inner.type in share_inbound.SHARE_TYPES:
            from ..store.repositories.sharing import SharingRepository

            shares = SharingRepository(self.vault)
            write = share_inbound.inbound(shares, record, self.vault.profile().role,
                                          inner.type, inner.fields, self._now())
            ack = share_inbound.revocation_ack(shares, record, inner.type, inner.fields)
            kept = self.repo.record_received(record.id, pickle, inbox_id, inner.id, extra=write)
            if kept and ack is not None:  # in the same transaction (_process_one's)
                self.send_control(record.id, "share-revoke-ack",
                                  {**ack, "at": self._now().isoformat()})
        elif inner.type == "receipt":
            kept = self.repo.record_received(record.id, pickle, inbox_id, inner.id,
                                             read_ids=list(inner.fields["ids"]))
        elif inner.type == "confirm":
            kept = self.repo.record_received(record.id, pickle, inbox_id, inner.id)
        elif inner.type == "device-list":  # the partner's linked devices (docs/devices.md)
            self._fanout.accept_list(record, inner, self.identity_key)
            kept = self.repo.record_received(record.id, pickle, inbox_id, inner.id)
        else:
            raise ProtocolError(_("A received message had an unexpected kind."))
        if not kept:
            raise ProtocolError(_("A message arrived twice; the copy was rejected."))
        return 0

    # -- restore and rollback (docs/dyads.md) --------------------------------------------

    def send_resets(self) -> int:
        """After this vault was found rolled back (``restore.check``): a signed reset request
        to every dyad marked for one, each with a fresh one-time key of our own account, in a
        transaction of its own. Returns how many were queued."""
        state = restore.current(self.vault)
        restored = restore.restored_from(self.vault)
        # Ours delivered before the state we went back to was made are surely the partner's;
        # any later (in that last sync, or on the stale session) it is asked to echo. A backup
        # from before vaults kept a generation: every delivery it lists was before it.
        before = restored.timestamp() if restored else float("inf")
        sent = 0
        for partner_id in self.repo.resets_needed():
            with self.vault.transaction():
                record = self._record(partner_id)
                if record.reset_state != "needed":
                    continue  # another process did it
                account = self._stored_account()
                one_time_key = olm.fresh_one_time_key(account)
                from_n = self.repo.highest_counter(partner_id, outgoing=True,
                                                   delivered_before=before) + 1
                request = restore.ResetRequest(
                    self.identity_key, record.ed25519, state.epoch, state.generation,
                    self._now(), account.curve25519_key.to_base64(), one_time_key,
                    self.repo.highest_counter(partner_id, outgoing=False), from_n)
                sealed = olm.seal(record.envelope_key, record.outbound_mailbox, olm.OlmEnvelope(
                    olm.RESET, restore.encode_request(request, account)))
                self.repo.save_reset_sent(
                    partner_id, state.epoch, from_n, account.pickle(self._pickle_key),
                    Outgoing(wire.new_id(), record.outbound_mailbox, sealed, epoch_seconds()))
                sent += 1
        return sent

    def resets_open(self) -> int:
        """Dyads still waiting for their partner's answer to a reset."""
        return self.repo.resets_open()

    def _reset_requested(self, record: PartnerRecord, inbox_id: int, payload: bytes) -> None:
        """The partner's vault was restored from a backup and asks for a new session. Checked
        (signed with the partner's identity key, its Curve25519 key the paired one, an epoch
        never seen) before anything changes; then, in one transaction: a new outbound session
        to its one-time key replaces ours, and on it go the answer, our messages after the
        last one it holds, and its own messages from its ``from_n`` on (so it has them again)."""
        me = self.identity_key
        request = restore.decode_request(payload, sender=record.ed25519, recipient=me)
        if request.curve25519 != record.curve25519:
            raise ProtocolError(_("A reset request named another key than the paired one; it "
                                  "was refused."))
        if self.repo.epoch_seen(record.id, request.epoch, request.generation):
            raise ProtocolError(_("A reset request arrived again; the copy was refused."))
        try:
            session = self._identity().create_outbound_session(
                vodozemac.Curve25519PublicKey.from_base64(record.curve25519),
                vodozemac.Curve25519PublicKey.from_base64(request.one_time_key))
        except olm.OlmError:
            raise ProtocolError(_("A reset request could not be verified.")) from None
        now = self._now()
        outgoing: list[Outgoing] = []

        def queue(inner: messages.DyadPlaintext) -> str:
            sealed = olm.seal(record.envelope_key, record.outbound_mailbox,
                              olm.encrypt(session, inner.encode()))
            outgoing.append(Outgoing(wire.new_id(), record.outbound_mailbox, sealed,
                                     epoch_seconds()))
            return outgoing[-1].envelope_id

        theirs = self.repo.messages_from_counter(record.id, False, request.from_n)
        manifest_seq, share_epoch = self.repo.share_state(record.id)
        queue(messages.DyadPlaintext(
            "reset-ack", wire.new_id(), me, record.ed25519, now, record.sent_counter,
            {"epoch": request.epoch,
             "received_n": self.repo.highest_counter(record.id, outgoing=False),
             "have": [row.message_id for row in theirs],
             "manifest_seq": manifest_seq, "share_epoch": share_epoch}))
        resent = {}
        for row in self.repo.messages_from_counter(record.id, True, request.received_n + 1):
            resent[row.message_id] = queue(messages.DyadPlaintext(
                "message", row.message_id, me, record.ed25519, row.sent_at, row.counter,
                {**_message_fields(row), "resent": True}))
        for row in theirs:
            queue(messages.DyadPlaintext(
                "echo", wire.new_id(), me, record.ed25519, now, record.sent_counter,
                {"epoch": request.epoch,
                 "of": {**_message_fields(row), "id": row.message_id, "n": row.counter,
                        "time": row.sent_at.astimezone(UTC).isoformat(),
                        "read": row.status == "read"}}))
        # A service user's shares are announced again: the restored provider's vault may lack
        # the newest key and list (docs/sharing.md).
        sharer = self.vault.profile().role is Role.USER
        self.repo.accept_reset(record.id, request.epoch, request.generation, now,
                               session.pickle(self._pickle_key), inbox_id, outgoing, resent,
                               (0, 0) if sharer else None)

    def _reset_answered(self, record: PartnerRecord, inbox_id: int,
                        pre_key: vodozemac.PreKeyMessage) -> None:
        """The partner's answer to our reset request: the first message of a new session to our
        one-time key. It replaces the stale session; our messages it does not hold leave again
        on it, numbered after the last one it holds."""
        account = self._stored_account()  # inside _process_one's transaction
        try:
            session, plaintext = account.create_inbound_session(
                vodozemac.Curve25519PublicKey.from_base64(record.curve25519), pre_key)
        except olm.OlmError:  # a pre-key message of the stale session
            raise Superseded(_("A message on a session being replaced was set aside; it is "
                               "sent again.")) from None
        me = self.identity_key
        inner = messages.decode(plaintext, sender=record.ed25519, recipient=me)
        if (inner.type != "reset-ack" or record.reset_state != "sent"
                or inner.fields["epoch"] != record.reset_epoch):
            raise ProtocolError(_("A received message had an unexpected kind."))
        have = set(inner.fields["have"])
        counter = int(inner.fields["received_n"])
        renumbered: dict[str, tuple[int, str]] = {}
        outgoing: list[Outgoing] = []
        for row in self.repo.messages_from_counter(record.id, True, record.reset_from_n):
            if row.message_id in have:
                continue
            counter += 1
            again = messages.DyadPlaintext("message", row.message_id, me, record.ed25519,
                                           row.sent_at, counter,
                                           {**_message_fields(row), "resent": True})
            sealed = olm.seal(record.envelope_key, record.outbound_mailbox,
                              olm.encrypt(session, again.encode()))
            outgoing.append(Outgoing(wire.new_id(), record.outbound_mailbox, sealed,
                                     epoch_seconds()))
            renumbered[row.message_id] = (counter, outgoing[-1].envelope_id)
        # A service user's shares are announced again, numbered above what the provider's
        # vault holds: it may list shares made after the backup (docs/sharing.md).
        sharer = self.vault.profile().role is Role.USER
        self.repo.complete_reset(
            record.id, session.pickle(self._pickle_key), account.pickle(self._pickle_key),
            inbox_id, inner.id, counter, renumbered, outgoing,
            (int(inner.fields["manifest_seq"]), int(inner.fields["share_epoch"])) if sharer
            else None)

    def _echo(self, record: PartnerRecord, pickle: str, inbox_id: int,
              inner: messages.DyadPlaintext) -> None:
        """One of our own messages the partner sent back after our reset: only for the reset
        we asked for last, and only from the counter we asked from."""
        of = inner.fields["of"]
        if (not record.reset_epoch or inner.fields["epoch"] != record.reset_epoch
                or of["n"] < record.reset_from_n):
            raise ProtocolError(_("A received message had an unexpected kind."))
        about = of.get("about")
        sent_at = wire.utc_time(of["time"])
        assert sent_at is not None  # messages.check_echo
        row = MessageRow(of["id"], True, of["text"], sent_at, of["n"],
                         "read" if of["read"] else "queued", of.get("reply_to"),
                         (about["module"], about["item_id"], about["title"]) if about else None,
                         "")  # "": delivered, by no envelope of this vault
        self.repo.record_echo(record.id, pickle, inbox_id, inner.id, row)


def _message_fields(row: MessageRow) -> dict[str, object]:
    """A stored message as the fields of a "message" envelope (sent again after a reset)."""
    fields: dict[str, object] = {"text": row.text}
    if row.reply_to is not None:
        fields["reply_to"] = row.reply_to
    if row.about is not None:
        fields["about"] = {"module": row.about[0], "item_id": row.about[1],
                           "title": row.about[2]}
    return fields


# --- wiring for the app and the CLI -----------------------------------------------------------


@contextlib.contextmanager
def relay_for(vault: Vault, relay_url: str, *, timeout: float = 10.0) -> Iterator[RelayPort]:
    """A relay client for pairing (``create_invitation``/``join``), closed afterwards."""
    from .service import connect

    with connect(vault, relay_url, timeout=timeout) as engine:
        yield engine.relay

