"""Linked devices: link a new device with a one-time code, list and remove devices
(docs/devices.md). Headless; the pure parts are in ``device_keys.py``, storage in
``store/repositories/devices.py``.

Every step of each side is one vault transaction (load the Olm account or session – decrypt or
encrypt – store it with everything the step produces), so a process killed at any point leaves
each vault before or after the step, never between. The new vault is made in a staging folder
and moved into place only once the answer to the first device is stored in it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import platform
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import nacl.signing
import vodozemac

from .. import wire
from ..clock import Clock, epoch_seconds, utc_now
from ..errors import ImportRefused, NotFound, ProtocolError, ReconnectError
from ..i18n import _
from ..model import Profile, Role
from ..store import failures
from ..store import keys as vault_keys
from ..store.repositories.devices import DeviceRepository, DeviceRow
from ..store.repositories.dyads import DyadRepository
from ..store.repositories.sync_state import SyncStateRepository
from ..store.vault import Vault
from ..text_safety import clean_text
from . import device_fanout, olm, padding
from . import device_keys as dk
from .device_records import SENT_SETTING, DeviceRecords
from .device_records import decode as decode_record
from .device_rows import DeviceRows
from .device_tables import BY_MODULE as ROW_MODULES
from .device_tables import SNAPSHOT_BLANKS
from .pairing import PairingRelay, WrongCode, canonical_json

LINK_LIFETIME = timedelta(hours=1)
"""A link code is answered within this time or not at all (both devices check it)."""
JOIN_PERSON_SETTING = "device-link/person"
JOIN_CONTEXT = b"reconnect/v1/device-join\n"


@dataclass(frozen=True, slots=True)
class DeviceView:
    name: str
    this_device: bool
    linked_at: datetime
    ed25519: str
    status: str


@dataclass(frozen=True, slots=True)
class LinkCode:
    """A one-time code put at the relay, and when it stops working."""

    code: str
    expires_at: datetime


class NotLinked(ReconnectError):
    """The command needs a vault that is one of a person's linked devices."""


def default_device_name() -> str:
    """This computer's name, if it makes a valid device name; else a plain one."""
    name = clean_text(platform.node().split(".")[0]).strip()[: dk.MAX_NAME_LENGTH]
    return name if dk.valid_device_name(name) else _("First device")


def _inner(obj: dict[str, Any]) -> bytes:
    return padding.pad(canonical_json(obj))


def _read_inner(data: bytes, *kinds: str) -> dict[str, Any]:
    try:
        obj = json.loads(padding.unpad(data))
    except ValueError:
        raise ProtocolError(_("A message from one of your devices could not be read.")) from None
    if not isinstance(obj, dict) or obj.get("v") != 1 or obj.get("type") not in kinds:
        raise ProtocolError(_("A message from one of your devices could not be read."))
    return obj


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class Devices:
    """The linked devices of one unlocked vault."""

    def __init__(self, vault: Vault, *, clock: Clock = utc_now) -> None:
        self.vault = vault
        self.clock = clock
        self.repo = DeviceRepository(vault)
        self.dyad_repo = DyadRepository(vault)
        self._pickle_key = olm.pickle_key(vault.key)

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    # -- the Olm account (the vault's device key, shared with dyads) --------------------------

    def _account(self) -> vodozemac.Account:
        """The account as stored now, made on first use. Call inside a transaction when it is
        changed and stored again."""
        pickled = self.dyad_repo.account_pickle()
        if pickled is None:
            account = olm.new_account()
            self.dyad_repo.save_account(account.pickle(self._pickle_key))
            return account
        return olm.load_account(pickled, self._pickle_key)

    # -- the person key and the list ----------------------------------------------------------

    def _person(self) -> tuple[bytes, str]:
        held = self.repo.person_key()
        if held is None:
            raise NotLinked(_("This vault has no linked devices. Link one with: reconnect device"
                              " invite"))
        return held

    def _current_list(self) -> dk.DeviceList:
        seed, person = self._person()
        stored = self.repo.device_list()
        assert stored is not None  # stored with the person key, in one transaction
        return dk.open_device_list(stored[1], person)

    def ensure_person(self, own_name: str | None = None) -> str:
        """Make the person key, this device's certificate and list version 1 if there are none
        yet (the first device). Returns the person key."""
        with self.vault.transaction():
            held = self.repo.person_key()
            if held is not None:
                return held[1]
            account = self._account()
            seed = dk.new_person_seed()
            person = dk.person_public_key(seed)
            now = self._now()
            name = own_name or default_device_name()
            certificate = dk.sign_certificate(seed, dk.DeviceCertificate(
                person, account.ed25519_key.to_base64(), account.curve25519_key.to_base64(),
                name, now.isoformat()))
            self.repo.save_person_key(seed, person, now)
            self.repo.save_device_list(1, dk.sign_device_list(seed, 1, now, [certificate]), now)
            self.repo.upsert_device(
                ed25519=account.ed25519_key.to_base64(),
                curve25519=account.curve25519_key.to_base64(), name=name,
                linked_at=now.isoformat(), this_device=True,
                certificate=canonical_json(certificate).decode())
            return person

    def devices(self) -> list[DeviceView]:
        """The person's devices in the list this vault accepted last (this one included)."""
        rows = self.repo.devices()
        return [DeviceView(r.name, r.this_device, wire.utc_time(r.linked_at) or self._now(),
                           r.ed25519, r.status) for r in rows]

    def is_linked(self) -> bool:
        return self.repo.person_key() is not None

    def joining(self) -> bool:
        """This vault waits for the first device's welcome."""
        return any(r.status == "joining" for r in self.repo.devices())

    # -- the first device: the code and the answer --------------------------------------------

    def invite(self, relay_url: str, own_name: str | None = None, *,
               timeout: float = 10.0) -> LinkCode:
        """``create_invitation`` through the relay at ``relay_url`` (the app's Devices screen
        calls this in a thread worker); a relay that cannot be reached raises RelayError."""
        from .service import connect

        with connect(self.vault, relay_url, timeout=timeout) as engine:
            return self._create_invitation(engine.relay, own_name)

    def create_invitation(self, relay: PairingRelay, own_name: str | None = None) -> str:
        """Put a sealed link bundle at the relay; returns the code to type on the new device."""
        return self._create_invitation(relay, own_name).code

    def _create_invitation(self, relay: PairingRelay, own_name: str | None) -> LinkCode:
        if self.joining():
            raise ReconnectError(_("This vault is still being linked; finish that first."))
        person = self.ensure_person(own_name)
        profile = self.vault.profile()
        code = dk.new_link_code()
        keys = dk.link_code_keys(code)
        mailbox_id = wire.new_id(32)
        now = self._now()
        with self.vault.transaction():
            account = self._account()
            one_time_key = olm.fresh_one_time_key(account)
            self.dyad_repo.save_account(account.pickle(self._pickle_key))
            self.repo.add_invitation(keys.lookup_id, mailbox_id, keys.pairing_key,
                                     keys.envelope_key, keys.mac_key, now, now + LINK_LIFETIME)
        bundle = dk.LinkBundle(profile.name, profile.role.value, profile.locale, person,
                               account.ed25519_key.to_base64(),
                               account.curve25519_key.to_base64(), one_time_key, mailbox_id,
                               (now + LINK_LIFETIME).isoformat())
        relay.claim_mailbox(mailbox_id)
        SyncStateRepository(self.vault).mark_claimed(mailbox_id)
        relay.put_invitation(keys.lookup_id, dk.seal_link_bundle(bundle, account,
                                                                 keys.bundle_key))
        return LinkCode(code, now + LINK_LIFETIME)

    def _accept_join(self, inbox_id: int, mailbox_id: str, ciphertext: bytes) -> None:
        """First device: a new device's answer. Verified whole before anything is stored."""
        now = self._now()
        invitation = self.repo.open_invitation(mailbox_id, now)
        if invitation is None:
            raise ProtocolError(_("A link answer arrived for a code that is used or expired."))
        envelope = olm.open_sealed(invitation.pairing_key, mailbox_id, ciphertext)
        pre_key = envelope.olm_message().to_pre_key()
        if pre_key is None or not envelope.sender_key:
            raise ProtocolError(_("A link answer was not a first message."))
        seed, person = self._person()
        account = self._account()
        try:
            session, plaintext = account.create_inbound_session(
                vodozemac.Curve25519PublicKey.from_base64(envelope.sender_key), pre_key)
        except olm.OlmError:
            raise ProtocolError(_("A link answer could not be decrypted.")) from None
        fields = _read_inner(plaintext, "device-join")
        new = {"ed25519": fields.get("ed25519"), "curve25519": fields.get("curve25519"),
               "mailbox": fields.get("mailbox")}
        first = {"ed25519": account.ed25519_key.to_base64(),
                 "curve25519": account.curve25519_key.to_base64(), "mailbox": mailbox_id,
                 "person": person}
        dk.check_join_mac(invitation.mac_key, new, first, fields.get("mac"))
        name = fields.get("name")
        if (new["curve25519"] != envelope.sender_key or not wire.is_valid_id(new["mailbox"])
                or not isinstance(new["ed25519"], str) or not dk.valid_device_name(name)):
            raise ProtocolError(_("A link answer was not well formed."))
        _check_self_signature(new["ed25519"], new["curve25519"], fields.get("self_sig"))
        current = self._current_list()
        if current.by_key(new["ed25519"]) is not None:
            raise ProtocolError(_("A link answer named a device that is linked already."))
        name = _unique_name(str(name), {d.name.casefold() for d in current.devices})
        certificate = dk.sign_certificate(seed, dk.DeviceCertificate(
            person, new["ed25519"], new["curve25519"], name, now.isoformat()))
        version = current.version + 1
        signed_list = dk.sign_device_list(seed, version, now,
                                          [*current.signed_certificates, certificate])
        welcome: dict[str, Any] = {"v": 1, "type": "device-welcome", "person_seed": _b64(seed),
                                   "list": signed_list.decode()}
        try:
            from ..store import portable

            snapshot = portable.export_all(self.vault)
            snapshot.update(SNAPSHOT_BLANKS)  # sent as records after the welcome, with ids
            plaintext_out = _inner({**welcome, "snapshot": snapshot})
        except ProtocolError:  # more than one envelope holds: the toolbox is not sent
            plaintext_out = _inner({**welcome, "snapshot": None})
        sealed = olm.seal(invitation.envelope_key, new["mailbox"],
                          olm.encrypt(session, plaintext_out))
        self.repo.upsert_device(
            ed25519=new["ed25519"], curve25519=new["curve25519"], name=name,
            linked_at=now.isoformat(), certificate=canonical_json(certificate).decode(),
            inbound_mailbox=mailbox_id, outbound_mailbox=new["mailbox"],
            envelope_key=invitation.envelope_key,
            session_pickle=session.pickle(self._pickle_key))
        self.repo.save_device_list(version, signed_list, now)
        self._send_linked(_inner({"v": 1, "type": "device-list", "list": signed_list.decode()}),
                          skip=new["ed25519"])  # the devices linked before learn of it
        self.dyad_repo.save_account(account.pickle(self._pickle_key))
        self.repo.mark_invitation_used(invitation.id, now)
        self.repo.mark_processed(inbox_id)
        state = SyncStateRepository(self.vault)
        state.enqueue(wire.new_id(), new["mailbox"], sealed, epoch_seconds())
        state.set_setting(SENT_SETTING, "")  # the new device gets our toolbox records,
        DeviceRows(self.vault, first["ed25519"]).mark_all_unsent()  # right after the welcome
        self._send_records_locked()

    # -- the new device -------------------------------------------------------------------------

    def start_join(self, bundle: dk.LinkBundle, keys_envelope: bytes, keys_pairing: bytes,
                   mac_key: bytes, name: str, relay: PairingRelay) -> None:
        """New device (a vault just made for it): open the session to the first device, claim
        our mailbox and queue the answer, in one transaction."""
        mailbox_id = wire.new_id(32)
        relay.claim_mailbox(mailbox_id)
        with self.vault.transaction():
            account = self._account()
            me = {"ed25519": account.ed25519_key.to_base64(),
                  "curve25519": account.curve25519_key.to_base64(), "mailbox": mailbox_id}
            first = {"ed25519": bundle.ed25519, "curve25519": bundle.curve25519,
                     "mailbox": bundle.mailbox_id, "person": bundle.person}
            session = account.create_outbound_session(
                vodozemac.Curve25519PublicKey.from_base64(bundle.curve25519),
                vodozemac.Curve25519PublicKey.from_base64(bundle.one_time_key))
            answer = _inner({"v": 1, "type": "device-join", "name": name, **me,
                             "self_sig": account.sign(
                                 JOIN_CONTEXT + canonical_json(
                                     {"ed25519": me["ed25519"],
                                      "curve25519": me["curve25519"]})).to_base64(),
                             "mac": dk.join_mac(mac_key, me, first)})
            envelope = olm.encrypt(session, answer)
            envelope = olm.OlmEnvelope(envelope.message_type, envelope.ciphertext,
                                       me["curve25519"])
            sealed = olm.seal(keys_pairing, bundle.mailbox_id, envelope)
            state = SyncStateRepository(self.vault)
            self.repo.upsert_device(
                ed25519=bundle.ed25519, curve25519=bundle.curve25519, name="",
                linked_at=self._now().isoformat(), inbound_mailbox=mailbox_id,
                outbound_mailbox=bundle.mailbox_id, envelope_key=keys_envelope,
                session_pickle=session.pickle(self._pickle_key), status="joining")
            state.set_setting(JOIN_PERSON_SETTING, bundle.person)
            state.add_mailbox(mailbox_id, "in", "device-link")
            state.mark_claimed(mailbox_id)
            state.enqueue(wire.new_id(), bundle.mailbox_id, sealed, epoch_seconds())

    def _open_link(self, row: DeviceRow, ciphertext: bytes) -> tuple[vodozemac.Session, bytes]:
        """Open an envelope on a link session: the outer layer, then a fresh copy of the
        session decrypts (stored by the caller only when everything checked out)."""
        assert row.envelope_key is not None and row.session_pickle is not None
        assert row.inbound_mailbox is not None
        envelope = olm.open_sealed(row.envelope_key, row.inbound_mailbox, ciphertext)
        session = olm.load_session(row.session_pickle, self._pickle_key)
        try:
            return session, session.decrypt(envelope.olm_message())
        except olm.OlmError:
            raise ProtocolError(_("A message from one of your devices could not be decrypted."
                                  )) from None

    def _welcome(self, row: DeviceRow, inbox_id: int, ciphertext: bytes) -> None:
        """New device: the first device's welcome: the person key, the list, the toolbox."""
        session, plaintext = self._open_link(row, ciphertext)
        fields = _read_inner(plaintext, "device-welcome")
        state = SyncStateRepository(self.vault)
        person = state.setting(JOIN_PERSON_SETTING)
        try:
            seed = base64.b64decode(str(fields.get("person_seed")), validate=True)
            ok = len(seed) == dk.SEED_BYTES and dk.person_public_key(seed) == person
        except ValueError:
            ok = False
        if not ok or person is None:
            raise ProtocolError(_("The welcome from your other device did not hold your key."))
        device_list = dk.open_device_list(str(fields.get("list", "")).encode(), person)
        account = self._account()
        mine = device_list.by_key(account.ed25519_key.to_base64())
        theirs = device_list.by_key(row.ed25519)
        if (mine is None or mine.curve25519 != account.curve25519_key.to_base64()
                or theirs is None or theirs.curve25519 != row.curve25519):
            raise ProtocolError(_("The welcome from your other device did not list this one."))
        now = self._now()
        self.repo.save_person_key(seed, person, now)
        self.repo.save_device_list(device_list.version, str(fields["list"]).encode(), now)
        self._store_list(device_list, session_for=(row.ed25519, session.pickle(self._pickle_key)))
        snapshot = fields.get("snapshot")
        from ..store import portable

        imported = False
        if isinstance(snapshot, dict):
            with contextlib.suppress(ImportRefused):  # linked all the same
                portable.import_all(self.vault, snapshot, replace=True)
                imported = True
        if not imported:  # the many-item modules come as records: the new vault's own
            portable.import_all(self.vault, {  # starting rows would be second copies
                "format": portable.FORMAT, "version": portable.VERSION, **SNAPSHOT_BLANKS},
                replace=True)
        # The toolbox as received is "before any edit": an edit made here after the welcome,
        # even before this device's first sync, orders after it (docs/devices.md).
        DeviceRecords(self.vault, account.ed25519_key.to_base64()).baseline()
        DeviceRows(self.vault, account.ed25519_key.to_base64()).baseline()
        self.repo.mark_processed(inbox_id)

    def _store_list(self, device_list: dk.DeviceList,
                    session_for: tuple[str, str] | None = None) -> None:
        own = self._account().ed25519_key.to_base64()
        listed = set()
        for certificate, signed in zip(device_list.devices, device_list.signed_certificates,
                                       strict=True):
            listed.add(certificate.ed25519)
            pickle = (session_for[1] if session_for and session_for[0] == certificate.ed25519
                      else None)
            self.repo.upsert_device(
                ed25519=certificate.ed25519, curve25519=certificate.curve25519,
                name=certificate.name, linked_at=certificate.linked_at,
                this_device=certificate.ed25519 == own,
                certificate=canonical_json(signed).decode(), session_pickle=pickle)
        for row in self.repo.devices():
            if row.ed25519 not in listed:
                self.repo.retire(row.ed25519, self._now())

    # -- lists between linked devices, and removal ----------------------------------------------

    def remove(self, name: str) -> DeviceView:
        """Sign a list without NAME, retire its keys, send the list to the other devices."""
        with self.vault.transaction():
            seed, person = self._person()
            current = self._current_list()
            target = current.named(name.strip())
            if target is None:
                raise NotFound(_("No device named {name}. See: reconnect device list").format(
                    name=name))
            own = self._account().ed25519_key.to_base64()
            if target.ed25519 == own:
                raise ReconnectError(_("This is the device you are using: remove it from one of"
                                       " your other devices."))
            now = self._now()
            version = current.version + 1
            kept = [signed for cert, signed in zip(current.devices, current.signed_certificates,
                                                   strict=True) if cert.ed25519 != target.ed25519]
            signed_list = dk.sign_device_list(seed, version, now, kept)
            self.repo.save_device_list(version, signed_list, now)
            self._send_linked(_inner({"v": 1, "type": "device-list",
                                      "list": signed_list.decode()}))
            # The removed device gets the list too (an honest one then forgets the person key);
            # its session and envelope key go now: nothing later is encrypted to it.
            self.repo.retire(target.ed25519, now)
        return DeviceView(target.name, False, wire.utc_time(target.linked_at) or now,
                          target.ed25519, "removed")

    def _linked_message(self, row: DeviceRow, inbox_id: int, ciphertext: bytes) -> None:
        """A message on a link session: a newer device list, or a toolbox record."""
        session, plaintext = self._open_link(row, ciphertext)
        fields = _read_inner(plaintext, "device-list", "record", "records",
                             *device_fanout.LINK_KINDS)
        self.repo.save_session(row.id, session.pickle(self._pickle_key))
        if fields["type"] in device_fanout.LINK_KINDS:  # dyads between own devices
            device_fanout.Fanout(self.vault, clock=self.clock).on_link(row, fields)
            self.repo.mark_processed(inbox_id)
            return
        own = self._account().ed25519_key.to_base64()
        if fields["type"] == "record":
            DeviceRecords(self.vault, own).merge_remote(decode_record(fields), self._now())
            self.repo.mark_processed(inbox_id)
            return
        if fields["type"] == "records":
            items, module = fields.get("items"), fields.get("module")
            if module not in ROW_MODULES or not isinstance(items, list):
                raise ProtocolError(_("A toolbox record from one of your devices could not be"
                                      " read."))
            DeviceRows(self.vault, own).merge_remote(str(module), items, self._now())
            self.repo.mark_processed(inbox_id)
            return
        _seed, person = self._person()
        held = self.repo.device_list()
        signed = str(fields.get("list", "")).encode()
        device_list = dk.open_device_list(signed, person, newer_than=held[0] if held else 0)
        if device_list.by_key(own) is None:  # this device was removed
            self.repo.forget_person_key()
        else:
            self.repo.save_device_list(device_list.version, signed, self._now())
            self._store_list(device_list)
        self.repo.mark_processed(inbox_id)

    def send_records(self) -> int:
        """Queue this device's toolbox records (every module) to the person's other devices
        when they changed here since last sent; returns how many envelopes were queued."""
        if not self.is_linked() or self.joining():
            return 0
        with self.vault.transaction():
            return self._send_records_locked()

    def _send_records_locked(self) -> int:
        own = self._account().ed25519_key.to_base64()
        now = self._now()
        queued = 0
        record = DeviceRecords(self.vault, own).local_changes(now)
        if record is not None:
            queued += self._send_linked(_inner({"v": 1, "type": "record", **record}))
        rows = DeviceRows(self.vault, own)
        rows.local_changes(now)
        for module, batch in list(rows.unsent()):
            queued += self._send_linked(_inner({"v": 1, "type": "records",
                                                "module": module, "items": batch}))
        return queued

    def _send_linked(self, message: bytes, *, skip: str = "") -> int:
        """Queue ``message`` on the session to each other device that has one (inside the
        caller's transaction); ``skip``: a device's Ed25519 key not to send it to."""
        queued = 0
        for row in self.repo.devices():
            if (row.this_device or row.ed25519 == skip or row.status != "linked"
                    or row.session_pickle is None or row.envelope_key is None
                    or row.outbound_mailbox is None):
                continue
            session = olm.load_session(row.session_pickle, self._pickle_key)
            sealed = olm.seal(row.envelope_key, row.outbound_mailbox,
                              olm.encrypt(session, message))
            self.repo.save_session(row.id, session.pickle(self._pickle_key))
            SyncStateRepository(self.vault).enqueue(wire.new_id(), row.outbound_mailbox,
                                                    sealed, epoch_seconds())
            queued += 1
        return queued

    # -- receiving ---------------------------------------------------------------------------------

    def process_inbox(self) -> int:
        """Handle what sync fetched into link mailboxes; returns how many were taken."""
        taken = 0
        while batch := self.repo.unprocessed():
            with self.vault.transaction():  # one commit for the batch, a savepoint each
                for inbox_id, envelope_id, mailbox_id, ciphertext in batch:
                    taken += self._process_one(inbox_id, envelope_id, mailbox_id, ciphertext)
        return taken

    def _process_one(self, inbox_id: int, envelope_id: str, mailbox_id: str,
                     ciphertext: bytes) -> int:
        with self.vault.transaction(savepoint=False):  # process_inbox's; a savepoint below
            if not self.repo.still_unprocessed(inbox_id):
                return 0
            try:
                with self.vault.transaction():  # a failure undoes this part only
                    row = self.repo.device_by_mailbox(mailbox_id)
                    if row is None:
                        self._accept_join(inbox_id, mailbox_id, ciphertext)
                    elif row.status == "joining":
                        self._welcome(row, inbox_id, ciphertext)
                    else:
                        self._linked_message(row, inbox_id, ciphertext)
                return 1
            except ProtocolError as error:
                reason = str(error)  # our own fixed text, never the envelope's content
            except wire.PEER_INPUT_ERRORS:
                reason = _("A message from one of your devices could not be read.")
            self.repo.record_rejected(envelope_id, mailbox_id, inbox_id, reason, self._now())
            return 0


def _check_self_signature(ed25519: str, curve25519: str, signature: object) -> None:
    try:
        vodozemac.Ed25519PublicKey.from_base64(ed25519).verify_signature(
            JOIN_CONTEXT + canonical_json({"ed25519": ed25519, "curve25519": curve25519}),
            vodozemac.Ed25519Signature.from_base64(str(signature)))
    except (ValueError, TypeError) + olm.OlmError:
        raise ProtocolError(_("A link answer was not signed by the device it names.")) from None


def _unique_name(name: str, taken: set[str]) -> str:
    if name.casefold() not in taken:
        return name
    n = 2
    while f"{name} ({n})".casefold() in taken:
        n += 1
    return f"{name} ({n})"[-dk.MAX_NAME_LENGTH:]


# --- joining: the new vault ------------------------------------------------------------------


def staging_folder(path: Path) -> Path:
    return path.with_name(f".{path.name}.linking")


def finish_interrupted_move(path: Path) -> None:
    """A join killed while moving the new vault into place: finish the move (the database is
    there, its key header still in the staging folder). A staging folder without a complete
    vault is what a killed join left before the vault was ready: it holds nothing of the
    person's and is removed."""
    staging = staging_folder(path)
    if not staging.exists():
        return
    staged = staging / path.name
    header = vault_keys.header_path(staged)
    if header.exists() and (path.exists() or staged.exists()):
        _move_into_place(staged, path)
        return
    shutil.rmtree(staging, ignore_errors=True)


def _move_into_place(staged: Path, path: Path) -> None:
    """Database first, key header last: a vault is there only when its header is."""
    for suffix in ("-wal", "-shm"):
        leftover = Path(f"{staged}{suffix}")
        if leftover.exists():
            os.replace(leftover, f"{path}{suffix}")
    if staged.exists():
        os.replace(staged, path)
    os.replace(vault_keys.header_path(staged), vault_keys.header_path(path))
    shutil.rmtree(staged.parent, ignore_errors=True)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def check_place(path: Path) -> None:
    """The folder of the new vault can be made and written: said before the code is used."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = staging_folder(path)
        probe.mkdir(mode=0o700, exist_ok=True)
        probe.rmdir()
    except OSError as error:
        raise failures.from_os_error(error, path.parent, failures.Outcome.NOT_CREATED) from None


def take_bundle(code: str, relay_url: str, *, clock: Clock = utc_now,
                relay_factory: Callable[[str], Any] | None = None) -> tuple[dk.LinkBundle, Any]:
    """Take and open the link bundle (the relay deletes it). Returns it and the code's keys.

    Signed with a throwaway key: the new vault does not exist yet, and nothing should link this
    request to it."""
    keys = dk.link_code_keys(code)  # a malformed code fails here, before the relay
    if relay_factory is None:
        from .client import RelayClient

        def relay_factory(url: str) -> Any:
            return RelayClient(url, nacl.signing.SigningKey.generate())

    with relay_factory(relay_url) as relay:
        sealed = relay.take_invitation(keys.lookup_id)
    if sealed is None:
        raise WrongCode(_(
            "No link code like this at the relay. Check it for typing mistakes, or make a new"
            " one on your other device: a code works once and expires after an hour."))
    bundle = dk.open_link_bundle(sealed, keys.bundle_key)
    expires = wire.utc_time(bundle.expires_at)
    if expires is None or expires <= clock().astimezone(UTC):
        raise WrongCode(_("This link code has expired. Make a new one on your other device"
                          " (reconnect device invite)."))
    return bundle, keys


def create_joined_vault(path: Path, passphrase: str, bundle: dk.LinkBundle, keys: Any,
                        name: str, relay_url: str) -> str:
    """Make the new device's vault in the staging folder, queue the answer inside it, and move
    it to ``path``: complete, or not there at all. Returns the new vault's recovery code."""
    from .service import RELAY_SETTING, connect

    staging = staging_folder(path)
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True, mode=0o700)
    except OSError as error:  # said as every vault that cannot be made is, in one line
        raise failures.from_os_error(error, path.parent, failures.Outcome.NOT_CREATED) from None
    staged = staging / path.name
    try:
        role = Role(bundle.role)
    except ValueError:
        raise ProtocolError(_("The link code's invitation could not be verified. Make a new"
                              " code on your other device; do not link with this one.")
                            ) from None
    profile = Profile(bundle.name, role, bundle.locale)
    vault, recovery_code = Vault.create(staged, passphrase, profile)
    try:
        SyncStateRepository(vault).set_setting(RELAY_SETTING, relay_url)
        with connect(vault, relay_url) as engine:
            Devices(vault).start_join(bundle, keys.envelope_key, keys.pairing_key, keys.mac_key,
                                      name, engine.relay)
    finally:
        vault.close()
    try:
        _move_into_place(staged, path)
    except OSError as error:  # the next join finishes the move (finish_interrupted_move)
        raise failures.from_os_error(error, path.parent, failures.Outcome.NOT_CREATED) from None
    return recovery_code
