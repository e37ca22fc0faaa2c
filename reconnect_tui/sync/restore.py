"""Restore and rollback: a vault knows when it was put back to an older state (a backup
restored, an older copy of the file copied back), and the reset request that brings each dyad
onto a new Olm session without pairing again. ``docs/dyads.md``, "Restore and rollback".

Detection. Each vault keeps a monotonic *generation* (with a random stamp, the time it was made,
and a random 16-byte *epoch* that changes only when a rollback is found) in its ``settings``. At
the start of every sync, before anything is deposited or fetched, the generation goes up by one
and is committed in the vault first; then it is written to the relay as an item at an id derived
from the vault's device seed (a restored copy derives the same id and owns it with the same relay
key), with ``version = generation`` and the state sealed under a key from the same seed. The
relay refuses a version not above the one it holds (``409 version_conflict``): then it holds a
newer state of this vault than the vault itself, i.e. the vault was rolled back. Committing
before writing means a crash never looks like a rollback; a relay that cannot be reached leaves
the sync offline with nothing exchanged.

This module does no Olm and touches no dyad: ``dyads.py`` sends and answers the reset requests.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import nacl.bindings
import nacl.exceptions
import vodozemac

from .. import wire
from ..errors import ProtocolError, RelayRefused
from ..i18n import _
from ..store.repositories.sync_state import SyncStateRepository
from ..store.vault import Vault
from . import padding

GENERATION = "vault_generation"
STAMP = "vault_generation_stamp"
MADE_AT = "vault_generation_at"
EPOCH = "vault_epoch"
RESTORED_FROM = "vault_restored_from"
"""The date of the backup this vault was last found restored from (ISO), kept for the notice."""
NOTICE_DUE = "vault_restore_notice_due"
"""Set with a rollback found, taken by the sync that tells the person (it may not be the one
that found it: the relay can go away in between)."""

ITEM_CONTEXT = b"reconnect/v1/vault-generation\n"
REQUEST_CONTEXT = b"reconnect/v1/reset-request\n"
NONCE_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES


class ItemPort(Protocol):
    """The relay calls detection needs (``RelayClient`` provides them)."""

    def put_item(self, item_id: str, version: int, ciphertext: bytes) -> bool: ...
    def get_item(self, item_id: str) -> wire.ItemVersion | None: ...


@dataclass(frozen=True, slots=True)
class VaultState:
    generation: int
    stamp: str
    made_at: datetime | None
    epoch: str


@dataclass(frozen=True, slots=True)
class Rollback:
    """A rollback found by this sync."""

    restored_from: datetime | None
    """When the state this vault went back to was made (its last sync before the backup)."""
    epoch: str
    generation: int


def item_id(seed: bytes) -> str:
    return wire.b64encode(wire.derive_key(seed, "vault-generation/item", 24))


def _item_key(seed: bytes) -> bytes:
    return wire.derive_key(seed, "vault-generation/seal")


def seal_state(seed: bytes, state: VaultState) -> bytes:
    body = json.dumps({"v": 1, "epoch": state.epoch, "generation": state.generation,
                       "stamp": state.stamp,
                       "time": state.made_at.isoformat() if state.made_at else None},
                      separators=(",", ":")).encode()
    nonce = secrets.token_bytes(NONCE_BYTES)
    aad = ITEM_CONTEXT + item_id(seed).encode("ascii")
    return nonce + nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        padding.pad(body), aad, nonce, _item_key(seed))


def open_state(seed: bytes, sealed: bytes) -> VaultState | None:
    """The state in the relay's item, or None if it does not open as ours."""
    aad = ITEM_CONTEXT + item_id(seed).encode("ascii")
    try:
        plain = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            sealed[NONCE_BYTES:], aad, sealed[:NONCE_BYTES], _item_key(seed))
        obj = json.loads(padding.unpad(plain).decode("utf-8"))
    except (nacl.exceptions.CryptoError, ProtocolError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(obj, dict) or obj.get("v") != 1:
        return None
    generation, stamp, epoch = obj.get("generation"), obj.get("stamp"), obj.get("epoch")
    if (not isinstance(generation, int) or isinstance(generation, bool)
            or not isinstance(stamp, str) or not isinstance(epoch, str)):
        return None
    return VaultState(generation, stamp, wire.utc_time(obj.get("time")), epoch)


def _read(state: SyncStateRepository) -> VaultState:
    made = state.setting(MADE_AT)
    return VaultState(int(state.setting(GENERATION) or 0), state.setting(STAMP) or "",
                      wire.utc_time(made) if made else None, state.setting(EPOCH) or "")


def current(vault: Vault) -> VaultState:
    return _read(SyncStateRepository(vault))


def take_notice(vault: Vault) -> bool:
    """Whether the person is still to be told of a rollback found; told once."""
    with vault.transaction() as conn:
        return conn.execute("DELETE FROM settings WHERE key = ?", (NOTICE_DUE,)).rowcount > 0


def restored_from(vault: Vault) -> datetime | None:
    """When the state this vault was last found rolled back to was made, if known."""
    value = SyncStateRepository(vault).setting(RESTORED_FROM)
    return wire.utc_time(value) if value else None


def _store(vault: Vault, state: VaultState) -> None:
    repo = SyncStateRepository(vault)
    repo.set_setting(GENERATION, str(state.generation))
    repo.set_setting(STAMP, state.stamp)
    repo.set_setting(EPOCH, state.epoch)
    if state.made_at is not None:
        repo.set_setting(MADE_AT, state.made_at.isoformat())


def _advance(vault: Vault, now: datetime) -> tuple[VaultState, VaultState]:
    """Generation + 1, committed before anything reaches the relay: (before, after)."""
    with vault.transaction():
        before = current(vault)
        after = VaultState(before.generation + 1, wire.new_id(),
                           now.astimezone(UTC), before.epoch or secrets.token_hex(16))
        _store(vault, after)
    return before, after


def check(vault: Vault, relay: ItemPort, now: datetime) -> Rollback | None:
    """Announce this sync's generation to the relay; a Rollback if the relay holds a newer state
    of this vault. Then the new generation, a new epoch and every paired dyad marked for a reset
    are stored in one transaction. An unreachable relay raises RelayError (nothing changed but
    the local generation, which only ever goes up)."""
    from ..store.repositories.dyads import DyadRepository

    seed = SyncStateRepository(vault).device_seed()
    slot = item_id(seed)
    before, mine = _advance(vault, now)
    try:
        relay.put_item(slot, mine.generation, seal_state(seed, mine))
        return None
    except RelayRefused as refusal:
        if refusal.code != wire.ErrorCode.VERSION_CONFLICT:
            return None  # a relay that keeps no items (full, …): no detection this time
    held = relay.get_item(slot)
    if held is None:
        return None
    theirs = open_state(seed, held.ciphertext)
    with vault.transaction():
        fresh = current(vault)  # another process may have gone further meanwhile
        if theirs is None:  # not ours to read: move above it, claim nothing
            rolled_back = False
        else:
            rolled_back = theirs.generation > fresh.generation or (
                theirs.generation == fresh.generation and theirs.stamp != fresh.stamp)
        top = max(held.version, fresh.generation, theirs.generation if theirs else 0)
        epoch = secrets.token_hex(16) if rolled_back else fresh.epoch
        mine = VaultState(top + 1, wire.new_id(), now.astimezone(UTC), epoch)
        _store(vault, mine)
        if rolled_back:
            settings = SyncStateRepository(vault)
            settings.set_setting(RESTORED_FROM,
                                 before.made_at.isoformat() if before.made_at else "")
            settings.set_setting(NOTICE_DUE, "1")
            DyadRepository(vault).mark_resets_needed()
    try:
        relay.put_item(slot, mine.generation, seal_state(seed, mine))
    except RelayRefused as refusal:  # another process of this vault went higher meanwhile:
        if refusal.code != wire.ErrorCode.VERSION_CONFLICT:  # its sync compares again
            raise
    if not rolled_back:
        return None
    return Rollback(before.made_at, epoch, mine.generation)


def notice(restored_from: datetime | None) -> str:
    """What the person reads once a rollback was found."""
    if restored_from is None:
        return _("This vault was restored from a backup; messages since then are being fetched "
                 "again from your partners' vaults.")
    from ..formats import format_moment

    return _("This vault was restored from a backup of {date}; messages since then are being "
             "fetched again from your partners' vaults.").format(
        date=format_moment(restored_from))


# --- the reset request ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResetRequest:
    sender: str
    """Ed25519 identity key of the vault asking."""
    recipient: str
    epoch: str
    generation: int
    time: datetime
    curve25519: str
    one_time_key: str
    received_n: int
    """The highest counter of the recipient's messages the asking vault holds."""
    from_n: int
    """The first counter of the asking vault's own messages the recipient should echo back."""

    def fields(self) -> dict[str, Any]:
        return {"v": 1, "type": "reset-request", "from": self.sender, "to": self.recipient,
                "epoch": self.epoch, "generation": self.generation,
                "time": self.time.astimezone(UTC).isoformat(), "curve25519": self.curve25519,
                "one_time_key": self.one_time_key, "received_n": self.received_n,
                "from_n": self.from_n}


def _canonical(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


def encode_request(request: ResetRequest, account: vodozemac.Account) -> bytes:
    """The request, signed with the asking vault's Ed25519 identity key, padded."""
    body = _canonical(request.fields())
    signature = account.sign(REQUEST_CONTEXT + body).to_base64()
    return padding.pad(_canonical({"body": body.decode(), "sig": signature}))


def decode_request(padded: bytes, *, sender: str, recipient: str) -> ResetRequest:
    """Check a reset request: well formed, from ``sender`` to ``recipient``, signed with the
    sender's identity key. Anything else raises ProtocolError."""
    bad = ProtocolError(_("A reset request could not be verified."))
    try:
        signed = json.loads(padding.unpad(padded).decode("utf-8"))
        body = signed["body"]
        vodozemac.Ed25519PublicKey.from_base64(sender).verify_signature(
            REQUEST_CONTEXT + body.encode(), vodozemac.Ed25519Signature.from_base64(signed["sig"]))
        obj = json.loads(body)
        vodozemac.Curve25519PublicKey.from_base64(obj["curve25519"])
        vodozemac.Curve25519PublicKey.from_base64(obj["one_time_key"])
    except (ProtocolError, ValueError, KeyError, TypeError, AttributeError):
        raise bad from None  # vodozemac's exceptions are ValueErrors
    when = wire.utc_time(obj.get("time"))
    ints = [obj.get(k) for k in ("generation", "received_n", "from_n")]
    epoch = obj.get("epoch")
    if (obj.get("v") != 1 or obj.get("type") != "reset-request" or obj.get("from") != sender
            or obj.get("to") != recipient or when is None
            or not isinstance(epoch, str) or len(epoch) != 32
            or not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0
                       for i in ints)):
        raise bad
    return ResetRequest(sender, recipient, epoch, obj["generation"], when, obj["curve25519"],
                        obj["one_time_key"], obj["received_n"], obj["from_n"])
