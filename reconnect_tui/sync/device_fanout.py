"""What partners see of linked devices (docs/devices.md, "What partners see").

Person side: the device a partner paired with (the *paired device*) hands each dyad to the
person's other linked devices over the link sessions (``dyad-share``); each of them publishes a
one-time key and a mailbox of its own for that partner (``dyad-keys``), which the paired device
sends to the partner, with the signed device list, inside the dyad session (``device-list``).
Every message the person's devices hold of a dyad travels between them as a copy
(``dyad-copy``): a device's own sent messages to the paired device, and the paired device's
sent, received and copied ones to the others.

Partner side: a ``device-list`` is accepted only from the paired device's session, signed by the
person key it introduced first (the paired device's keys must be in that first list), and newer
than the one held (or the same list again, with new one-time keys). For each listed device with
a one-time key, an outbound Olm session and a mailbox are made and the first message
(``device-hello``, carrying the mailbox) queued; every later message and read receipt is
encrypted to each open device as well. A device missing from a newer list is retired: its
session is deleted, its mailbox no longer read.

Safety numbers are per person: from the two person keys, where a vault that never sent a device
list to this partner (no linked device) counts its Olm identity key as its person key, so the
number of a pair without linked devices is the one it always was.

Called inside the callers' transactions (``Dyads``, ``Devices``, ``SyncService``); imports
neither of them.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import vodozemac

from .. import wire
from ..clock import Clock, epoch_seconds, utc_now
from ..errors import ProtocolError
from ..i18n import _
from ..store.repositories.devices import DeviceRepository, DeviceRow
from ..store.repositories.dyads import DyadRepository, MessageRow, PartnerRecord
from ..store.repositories.partner_devices import PartnerDevice, PartnerDeviceRepository
from ..store.repositories.sync_state import SyncStateRepository
from ..store.vault import Vault
from . import device_keys as dk
from . import messages, olm, padding
from .pairing import canonical_json

LINK_KINDS = ("dyad-share", "dyad-keys", "dyad-copy", "partner-list")
"""Inner types on a link session handled here (``Devices._linked_message`` hands them over)."""
WAITING_KEYS = "device_keys_waiting"
"""Setting: one-time keys and mailboxes of the person's devices for partners whose dyad was
being reset when they arrived, ``{partner Ed25519: {device Ed25519: {one_time_key, mailbox}}}``;
sent with the list once the reset is over (``Fanout.step``)."""
HISTORY = 200
"""At most this many of a conversation's newest messages go with a dyad handed to a device."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ProtocolError(_("A message from one of your devices could not be read."))
    return base64.b64decode(text, validate=True)


def _message_dict(row: MessageRow) -> dict[str, Any]:
    out: dict[str, Any] = {"id": row.message_id, "outgoing": row.outgoing, "text": row.text,
                           "time": row.sent_at.astimezone(UTC).isoformat(), "n": row.counter,
                           "read": row.status == "read"}
    if row.reply_to is not None:
        out["reply_to"] = row.reply_to
    if row.about is not None:
        out["about"] = {"module": row.about[0], "item_id": row.about[1], "title": row.about[2]}
    return out


def _message_row(obj: object) -> MessageRow:
    """A message as another of the person's devices sent it: checked as a received message."""
    bad = ProtocolError(_("A message from one of your devices could not be read."))
    if not isinstance(obj, dict) or not wire.is_valid_id(obj.get("id")):
        raise bad
    messages.check_message_fields(obj)
    when = wire.utc_time(obj.get("time"))
    n = obj.get("n")
    outgoing = obj.get("outgoing")
    if when is None or not isinstance(n, int) or isinstance(n, bool) or not isinstance(
            outgoing, bool):
        raise bad
    about = obj.get("about")
    status = "read" if obj.get("read") is True else ("queued" if outgoing else "unread")
    # A copy of one's own message counts as delivered ("": by no envelope of this vault) and
    # takes counter 0, so a restore's counters (docs/dyads.md) count only this device's own.
    return MessageRow(obj["id"], outgoing, obj["text"], when, n if not outgoing else 0, status,
                      obj.get("reply_to"),
                      (about["module"], about["item_id"], about["title"]) if about else None,
                      "" if outgoing else None)


def direct_devices(fields: dict[str, Any]) -> frozenset[str]:
    """A message's ``devices``: the Ed25519 keys of the recipient's other devices the sender
    encrypted the same message to (they need no copy of it). Anything malformed counts as
    none, so every device gets a copy."""
    listed = fields.get("devices")
    if not isinstance(listed, list) or not all(isinstance(k, str) for k in listed):
        return frozenset()
    return frozenset(listed)


@dataclass(frozen=True, slots=True)
class SendPlan:
    """What a send on one dyad fans out to, read once before it is encrypted."""

    open_devices: tuple[PartnerDevice, ...]
    """The partner's other devices with a session (the message goes to each)."""
    via: str | None
    shared: bool


@dataclass(frozen=True, slots=True)
class SafetyKeys:
    own: bytes
    theirs: bytes
    devices: tuple[str, ...]
    """The partner's other devices this vault encrypts to (names)."""


class Fanout:
    """The partners' side of one vault's linked devices, and its own side towards partners."""

    def __init__(self, vault: Vault, *, clock: Clock = utc_now) -> None:
        self.vault = vault
        self.clock = clock
        self.repo = PartnerDeviceRepository(vault)
        self.dyads = DyadRepository(vault)
        self.devices = DeviceRepository(vault)
        self._pickle_key = olm.pickle_key(vault.key)
        self._via_cache: dict[tuple[int, str], str | None] = {}

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def _account(self) -> vodozemac.Account:
        pickled = self.dyads.account_pickle()
        if pickled is None:
            raise ProtocolError(_("This vault has no identity yet."))
        return olm.load_account(pickled, self._pickle_key)

    # -- safety numbers ---------------------------------------------------------------------------

    def safety_keys(self, record: PartnerRecord, identity_key: str) -> SafetyKeys:
        keys = self.repo.person_keys(record.id)
        own = identity_key
        if keys.own_person is not None and (keys.list_sent > 0 or keys.via_device):
            own = keys.own_person
        return SafetyKeys(olm.key_bytes(own), olm.key_bytes(keys.partner_person or record.ed25519),
                          keys.devices)

    # -- the person side: handing dyads to own devices ------------------------------------------

    def step(self) -> int:
        """Before a sync exchanges envelopes: hand each dyad this device paired to the person's
        linked devices that do not have it yet, and send a changed device list to each partner.
        Returns how many envelopes were queued."""
        if self.devices.person_key() is None:
            return 0
        queued = 0
        with self.vault.transaction():
            held = self.devices.device_list()
            if held is None:
                return 0
            version, signed = held
            linked = [d for d in self.devices.devices() if not d.this_device
                      and d.status == "linked" and d.session_pickle is not None]
            waiting, sent_waiting = self._waiting_keys(), False
            for record in self.dyads.partners():
                if (record.status != "paired" or record.reset_state is not None
                        or self.repo.via_device(record.id)):
                    continue
                shared = self.repo.shared_with(record.id)
                for device in linked:
                    if device.ed25519 not in shared:
                        queued += self._hand_over(record, device)
                sent = self.repo.person_keys(record.id).list_sent
                keys = waiting.pop(record.ed25519, {})
                sent_waiting = sent_waiting or bool(keys)
                if keys or (version > sent and (linked or sent > 0)):
                    queued += self._send_list(record, signed, version, keys)
            if sent_waiting:  # those sent now are no longer waiting
                self._keep_waiting_keys(waiting)
        return queued

    def _waiting_keys(self) -> dict[str, dict[str, dict[str, str]]]:
        text = SyncStateRepository(self.vault).setting(WAITING_KEYS)
        return json.loads(text) if text else {}

    def _keep_waiting_keys(self, waiting: dict[str, dict[str, dict[str, str]]]) -> None:
        SyncStateRepository(self.vault).set_setting(WAITING_KEYS, canonical_json(
            waiting).decode())

    def _hand_over(self, record: PartnerRecord, device: DeviceRow) -> int:
        rows = [s.row for s in self.dyads.conversation(record.id)
                if s.row.status != "unverified"][-HISTORY:]
        partner_list = self.repo.partner_list(record.id)
        share: dict[str, Any] = {
            "v": 1, "type": "dyad-share",
            "partner": {"name": record.name, "role": record.role, "ed25519": record.ed25519,
                        "curve25519": record.curve25519,
                        "envelope_key": _b64(record.envelope_key), "verified": record.verified,
                        "read_receipts": record.read_receipts},
            "partner_list": partner_list.signed.decode() if partner_list else None}
        while True:
            try:
                plaintext = padding.pad(canonical_json(
                    {**share, "history": [_message_dict(r) for r in rows]}))
                break
            except ProtocolError:  # more than an envelope holds: the newest half
                rows = rows[len(rows) // 2 + 1:]
        self.repo.mark_shared(record.id, device.ed25519)
        return self._send_link(device, plaintext)

    def _send_list(self, record: PartnerRecord, signed: bytes, version: int,
                   keys: dict[str, dict[str, str]]) -> int:
        account = self._account()
        inner = messages.DyadPlaintext(
            "device-list", wire.new_id(), account.ed25519_key.to_base64(), record.ed25519,
            self._now(), record.sent_counter, {"list": signed.decode(), "keys": keys})
        session = olm.load_session(record.session_pickle, self._pickle_key)
        sealed = olm.seal(record.envelope_key, record.outbound_mailbox,
                          olm.encrypt(session, inner.encode()))
        self.dyads.record_sent(record.id, session.pickle(self._pickle_key), record.sent_counter,
                               None, None)
        self._enqueue(record.outbound_mailbox, sealed)
        self.repo.set_list_sent(record.id, version)
        return 1

    def _send_link(self, device: DeviceRow, plaintext: bytes,
                   batch: list[tuple[str, str, bytes]] | None = None) -> int:
        """Encrypt ``plaintext`` on the link session to ``device``; the envelope is queued
        now, or added to ``batch`` for the caller to queue with others (``_enqueue_all``)."""
        if (device.session_pickle is None or device.envelope_key is None
                or device.outbound_mailbox is None):
            return 0
        session = olm.load_session(device.session_pickle, self._pickle_key)
        sealed = olm.seal(device.envelope_key, device.outbound_mailbox,
                          olm.encrypt(session, plaintext))
        self.devices.save_session(device.id, session.pickle(self._pickle_key))
        if batch is None:
            self._enqueue(device.outbound_mailbox, sealed)
        else:
            batch.append((wire.new_id(), device.outbound_mailbox, sealed))
        return 1

    def _enqueue(self, mailbox_id: str, sealed: bytes) -> None:
        SyncStateRepository(self.vault).enqueue(wire.new_id(), mailbox_id, sealed,
                                                epoch_seconds())

    def _enqueue_all(self, batch: list[tuple[str, str, bytes]]) -> None:
        """The envelopes of one message to several devices, in one statement."""
        SyncStateRepository(self.vault).enqueue_many(batch, epoch_seconds())

    # -- the person side: messages on link sessions -------------------------------------------

    def on_link(self, source: DeviceRow, fields: dict[str, Any]) -> None:
        """A ``dyad-share``, ``dyad-keys`` or ``dyad-copy`` from another of the person's devices
        (its link session already opened it; the caller stores that session)."""
        kind = fields["type"]
        if kind == "dyad-share":
            self._handed_over(source, fields)
        elif kind == "dyad-keys":
            self._device_keys(source, fields)
        elif kind == "partner-list":
            self._partner_list_arrived(source, fields)
        else:
            self._copy_arrived(source, fields)

    def _keep_partner_list(self, partner_id: int, partner_ed25519: str, signed_text: object,
                           now: datetime) -> None:
        """The partner's signed device list as the paired device accepted it: kept when it
        verifies under the person key it names (or the one held), is newer than the one held,
        and names the partner's paired device. Only for the safety number: this device talks
        to that partner's paired device, and its other devices reach this one through copies."""
        if not isinstance(signed_text, str):
            return
        held = self.repo.partner_list(partner_id)
        try:
            if held is None:
                person = str(json.loads(json.loads(signed_text)["body"])["person"])
                listed = dk.open_device_list(signed_text.encode(), person)
            else:
                listed = dk.open_device_list(signed_text.encode(), held.person_key,
                                             newer_than=held.version)
        except (ValueError, KeyError, TypeError, dk.DeviceListRefused):
            return
        if listed.by_key(partner_ed25519) is not None:
            self.repo.save_partner_list(partner_id, listed.person, listed.version,
                                        signed_text.encode(), now)

    def _partner_list_arrived(self, source: DeviceRow, fields: dict[str, Any]) -> None:
        partner = str(fields.get("partner"))
        partner_id = self.repo.partner_by_key(partner)
        if partner_id is not None and self.repo.via_device(partner_id) == source.ed25519:
            self._keep_partner_list(partner_id, partner, fields.get("list"), self._now())

    def _handed_over(self, source: DeviceRow, fields: dict[str, Any]) -> None:
        bad = ProtocolError(_("A message from one of your devices could not be read."))
        partner = fields.get("partner")
        if not isinstance(partner, dict):
            raise bad
        name, role = partner.get("name"), partner.get("role")
        ed, curve = partner.get("ed25519"), partner.get("curve25519")
        if not (isinstance(name, str) and name and role in ("user", "provider")
                and isinstance(ed, str) and isinstance(curve, str)):
            raise bad
        try:
            vodozemac.Ed25519PublicKey.from_base64(ed)
            vodozemac.Curve25519PublicKey.from_base64(curve)
        except olm.OlmError:
            raise bad from None
        envelope_key = _unb64(partner.get("envelope_key"))
        history = fields.get("history")
        if len(envelope_key) != 32 or not isinstance(history, list):
            raise bad
        rows = [_message_row(m) for m in history]
        if self.repo.partner_by_key(ed) is not None:  # handed over before, or paired here
            return
        account = self._account()
        one_time_key = olm.fresh_one_time_key(account)
        mailbox = wire.new_id(32)
        now = self._now()
        partner_id = self.repo.add_handed_over(
            name=name, role=str(role), ed25519=ed, curve25519=curve, inbound=mailbox,
            envelope_key=envelope_key, verified=partner.get("verified") is True,
            read_receipts=partner.get("read_receipts") is not False, via=source.ed25519,
            now=now)
        self.dyads.save_account(account.pickle(self._pickle_key))
        # the partner's own linked devices, as introduced
        self._keep_partner_list(partner_id, ed, fields.get("partner_list"), now)
        for row in rows:
            self.repo.insert_copy(partner_id, row)
        self._send_link(source, padding.pad(canonical_json(
            {"v": 1, "type": "dyad-keys", "partner": ed, "one_time_key": one_time_key,
             "mailbox": mailbox})))

    def _device_keys(self, source: DeviceRow, fields: dict[str, Any]) -> None:
        """The paired device: another device's one-time key and mailbox for a partner go to
        the partner with the current list."""
        partner_id = self.repo.partner_by_key(str(fields.get("partner")))
        otk, mailbox = fields.get("one_time_key"), fields.get("mailbox")
        if partner_id is None or not isinstance(otk, str) or not wire.is_valid_id(mailbox):
            raise ProtocolError(_("A message from one of your devices could not be read."))
        record = self.dyads.partner(partner_id)
        held = self.devices.device_list()
        if record is None or held is None:
            return
        offer = {"one_time_key": otk, "mailbox": str(mailbox)}
        if record.status != "paired" or record.reset_state is not None:
            # The dyad's session is being set up again (a restore, docs/dyads.md): the keys
            # wait, and go with the list at the first sync after the reset is over (step).
            waiting = self._waiting_keys()
            waiting.setdefault(record.ed25519, {})[source.ed25519] = offer
            self._keep_waiting_keys(waiting)
            return
        self._send_list(record, held[1], held[0], {source.ed25519: offer})

    def _copy_arrived(self, source: DeviceRow, fields: dict[str, Any]) -> None:
        partner_id = self.repo.partner_by_key(str(fields.get("partner")))
        row = _message_row(fields.get("message"))
        if partner_id is None:
            return  # a dyad this device does not hold (removed, or never handed over)
        if self.repo.insert_copy(partner_id, row) and not self.repo.via_device(partner_id):
            self._copy_on(partner_id, fields, skip=source.ed25519)

    def plan(self, record: PartnerRecord) -> SendPlan:
        """Read once before a send, in one query."""
        open_devices, via, shared = self.repo.send_plan(record.id)
        return SendPlan(tuple(d for d in open_devices if d.session_pickle is not None
                              and d.outbound_mailbox is not None), via, shared)

    def after_send(self, record: PartnerRecord, inner: messages.DyadPlaintext,
                   row: MessageRow, plan: SendPlan, *, encrypted: bool) -> None:
        """A message this device just wrote to ``record`` (``encrypted``: to the paired
        device; not while a reset waits): the same to the partner's other devices, and a copy
        to the person's own."""
        batch: list[tuple[str, str, bytes]] = []  # every envelope of it, one statement
        if plan.open_devices and encrypted:
            self.fan_out(record, inner, plan.open_devices, batch)
        self._copy(record, row, plan.via, plan.shared, batch=batch)
        self._enqueue_all(batch)

    def copy_own(self, record: PartnerRecord, row: MessageRow,
                 skip: frozenset[str] = frozenset()) -> None:
        """A message this device sent to, or received from, ``record``: a copy to the person's
        other devices holding the dyad (a handed-over dyad's device sends only its own, to the
        device that handed it over; the paired device sends everything to every other one
        but those in ``skip``, which the partner encrypted the message to itself)."""
        via = self._via(record)
        if via is not None and not row.outgoing:
            return  # the partner wrote to every device of this dyad itself
        self._copy(record, row, via, True, skip)

    def _via(self, record: PartnerRecord) -> str | None:
        """A dyad's ``via_device``: set when the dyad is stored, never changed, so read once
        per dyad (known by its row and its own random inbound mailbox)."""
        key = (record.id, record.inbound_mailbox)
        if key not in self._via_cache:
            self._via_cache[key] = self.repo.via_device(record.id)
        return self._via_cache[key]

    def _copy(self, record: PartnerRecord, row: MessageRow, via: str | None,
              shared: bool, skip: frozenset[str] = frozenset(),
              batch: list[tuple[str, str, bytes]] | None = None) -> None:
        if via is None and not shared:
            return
        fields = {"v": 1, "type": "dyad-copy", "partner": record.ed25519,
                  "message": _message_dict(row)}
        if via is not None:
            if row.outgoing:
                for device in self.devices.devices():
                    if device.ed25519 == via and device.status == "linked":
                        self._send_link(device, padding.pad(canonical_json(fields)), batch)
            return
        self._copy_on(record.id, fields, skip=skip, batch=batch)

    def _copy_on(self, partner_id: int, fields: dict[str, Any], *,
                 skip: frozenset[str] | str = "",
                 batch: list[tuple[str, str, bytes]] | None = None) -> None:
        """``fields`` to each other device holding the dyad but ``skip``; the envelopes are
        queued together (into ``batch`` when the caller queues more of the same message)."""
        skipped = {skip} if isinstance(skip, str) else skip
        targets = [d for d in self.devices.holding_dyad(partner_id) if d.ed25519 not in skipped]
        if not targets:
            return
        plaintext = padding.pad(canonical_json(fields))
        own: list[tuple[str, str, bytes]] = [] if batch is None else batch
        for device in targets:
            self._send_link(device, plaintext, own)
        if batch is None:
            self._enqueue_all(own)

    def hello(self, record: PartnerRecord, inbox_id: int, envelope: olm.OlmEnvelope,
              identity_key: str) -> None:
        """A handed-over dyad: the partner's first message, to the one-time key this device
        published, opens its session."""
        pre_key = envelope.olm_message().to_pre_key()
        if pre_key is None:
            raise ProtocolError(_("A received message could not be decrypted."))
        account = self._account()
        try:
            session, plaintext = account.create_inbound_session(
                vodozemac.Curve25519PublicKey.from_base64(record.curve25519), pre_key)
        except olm.OlmError:
            raise ProtocolError(_("A received message could not be decrypted.")) from None
        inner = messages.decode(plaintext, sender=record.ed25519, recipient=identity_key)
        mailbox = inner.fields.get("mailbox")
        if inner.type != "device-hello" or not wire.is_valid_id(mailbox):
            raise ProtocolError(_("A received message had an unexpected kind."))
        self.repo.opened(record.id, session.pickle(self._pickle_key), str(mailbox),
                         account.pickle(self._pickle_key), inbox_id, inner.id)

    # -- the partner side ------------------------------------------------------------------------

    def accept_list(self, record: PartnerRecord, inner: messages.DyadPlaintext,
                    identity_key: str) -> None:
        """A ``device-list`` from the paired device of ``record`` (its session opened it; the
        caller stores the session and marks the envelope processed). Checked whole before
        anything changes; a list that does not check out raises ProtocolError."""
        with self.vault.transaction():  # a list refused halfway changes nothing
            self._accept_list(record, inner, identity_key)

    def _accept_list(self, record: PartnerRecord, inner: messages.DyadPlaintext,
                     identity_key: str) -> None:
        signed_text, keys = inner.fields.get("list"), inner.fields.get("keys")
        if not isinstance(signed_text, str) or not isinstance(keys, dict):
            raise ProtocolError(_("A device list could not be verified."))
        signed = signed_text.encode()
        held = self.repo.partner_list(record.id)
        if held is None:  # the introduction: the paired device must be in it
            try:
                person = str(json.loads(json.loads(signed)["body"])["person"])
            except (ValueError, KeyError, TypeError):
                raise ProtocolError(_("A device list could not be verified.")) from None
            listed = dk.open_device_list(signed, person)
        elif signed == held.signed:  # the same list again, with new one-time keys
            listed = dk.open_device_list(signed, held.person_key)
        else:
            listed = dk.open_device_list(signed, held.person_key, newer_than=held.version)
        paired = listed.by_key(record.ed25519)
        if paired is None or paired.curve25519 != record.curve25519:
            raise ProtocolError(_("A device list did not name the device you paired with; it "
                                  "was refused."))
        now = self._now()
        self.repo.save_partner_list(record.id, listed.person, listed.version, signed, now)
        existing = {d.ed25519: d for d in self.repo.devices(record.id)}
        for certificate in listed.devices:
            if certificate.ed25519 == record.ed25519:
                continue
            self.repo.list_device(record.id, certificate.ed25519, certificate.curve25519,
                                  certificate.name)
            offer = keys.get(certificate.ed25519)
            known = existing.get(certificate.ed25519)
            if isinstance(offer, dict) and (known is None or known.status != "open"):
                self._open_device(record, certificate, offer, identity_key)
        named = {c.ed25519 for c in listed.devices}
        for device in self.repo.devices(record.id):
            if device.ed25519 not in named and device.status != "removed":
                self.repo.retire(device.id)
        if held is None or listed.version > held.version:  # own devices holding the dyad
            self._copy_on(record.id, {"v": 1, "type": "partner-list", "partner": record.ed25519,
                                      "list": signed_text})

    def _open_device(self, record: PartnerRecord, certificate: dk.DeviceCertificate,
                     offer: dict[str, Any], identity_key: str) -> None:
        otk, outbound = offer.get("one_time_key"), offer.get("mailbox")
        if not isinstance(otk, str) or not wire.is_valid_id(outbound):
            raise ProtocolError(_("A device list could not be verified."))
        try:
            session = self._account().create_outbound_session(
                vodozemac.Curve25519PublicKey.from_base64(certificate.curve25519),
                vodozemac.Curve25519PublicKey.from_base64(otk))
        except olm.OlmError:
            raise ProtocolError(_("A device list could not be verified.")) from None
        inbound = wire.new_id(32)
        hello = messages.DyadPlaintext("device-hello", wire.new_id(), identity_key,
                                       certificate.ed25519, self._now(), 0,
                                       {"mailbox": inbound})
        sealed = olm.seal(record.envelope_key, str(outbound),
                          olm.encrypt(session, hello.encode()))
        device = next(d for d in self.repo.devices(record.id)
                      if d.ed25519 == certificate.ed25519)
        self.repo.open_device(device.id, inbound, str(outbound), session.pickle(self._pickle_key))
        self._enqueue(str(outbound), sealed)

    def fan_out(self, record: PartnerRecord, inner: messages.DyadPlaintext,
                devices: tuple[PartnerDevice, ...] | None = None,
                into: list[tuple[str, str, bytes]] | None = None) -> int:
        """A message or read receipt just encrypted to the paired device: the same, addressed
        to each of the partner's other open devices (``devices``, read before the send, or
        read now), on its own session."""
        if devices is None:
            devices = tuple(self.repo.devices(record.id, status="open"))
        batch: list[tuple[str, str, bytes]] = []
        for device in devices:
            if device.session_pickle is None or device.outbound_mailbox is None:
                continue
            copy = messages.DyadPlaintext(inner.type, inner.id, inner.sender, device.ed25519,
                                          inner.time, inner.n, inner.fields)
            session = olm.load_session(device.session_pickle, self._pickle_key)
            sealed = olm.seal(record.envelope_key, device.outbound_mailbox,
                              olm.encrypt(session, copy.encode()))
            self.repo.save_session(device.id, session.pickle(self._pickle_key))
            batch.append((wire.new_id(), device.outbound_mailbox, sealed))
        if into is None:
            self._enqueue_all(batch)
        else:
            into.extend(batch)
        return len(batch)

    def device_by_mailbox(self, mailbox_id: str) -> PartnerDevice | None:
        return self.repo.by_mailbox(mailbox_id)

    def from_device(self, device: PartnerDevice, inbox_id: int, ciphertext: bytes,
                    identity_key: str) -> int:
        """What one of a partner's other devices sent (a message, or a read receipt)."""
        record = self.dyads.partner(device.partner_id)
        if record is None or device.session_pickle is None or device.inbound_mailbox is None:
            raise ProtocolError(_("A received message could not be decrypted."))
        envelope = olm.open_sealed(record.envelope_key, device.inbound_mailbox, ciphertext)
        session = olm.load_session(device.session_pickle, self._pickle_key)
        try:
            plaintext = session.decrypt(envelope.olm_message())
        except olm.OlmError:
            raise ProtocolError(_("A received message could not be decrypted.")) from None
        inner = messages.decode(plaintext, sender=device.ed25519, recipient=identity_key)
        pickle = session.pickle(self._pickle_key)
        row_kept: MessageRow | None = None
        if inner.type == "message":
            row = messages.received_row(inner)
            kept = self.repo.record_from_device(device, pickle, inbox_id, inner.id, row=row)
            row_kept = row
        elif inner.type == "receipt":
            kept = self.repo.record_from_device(device, pickle, inbox_id, inner.id,
                                                read_ids=list(inner.fields["ids"]))
        else:
            raise ProtocolError(_("A received message had an unexpected kind."))
        if not kept:
            raise ProtocolError(_("A message arrived twice; the copy was rejected."))
        if row_kept is not None:  # the paired device: on to the person's other devices
            self.copy_own(record, row_kept, direct_devices(inner.fields))
        return 1 if inner.type == "message" else 0
