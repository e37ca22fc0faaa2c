"""The Olm layer: vodozemac accounts and sessions, pickled, and the outer envelope.

Nothing here does I/O. The double ratchet is vodozemac's (Matrix's audited Rust Olm); this
module only (un)pickles its objects under a key derived from the vault key and wraps each Olm
message in an outer XChaCha20-Poly1305 layer under a per-dyad key, so the relay sees neither
the Olm message type nor the identity key a pre-key message carries in the clear.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

import nacl.bindings
import nacl.exceptions
import vodozemac

from .. import wire
from ..errors import ProtocolError
from ..i18n import _

PICKLE_PURPOSE = "olm-pickle"
ENVELOPE_CONTEXT = b"reconnect/v1/dyad-envelope\n"
NONCE_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
PRE_KEY = 0
NORMAL = 1
RESET = 2
"""Not an Olm message: a signed reset request (``restore.py``), for a session gone stale."""

OlmError = (
    vodozemac.OlmDecryptionException,
    vodozemac.DecodeException,
    vodozemac.SessionCreationException,
    vodozemac.KeyException,
    vodozemac.PickleException,
)
"""What vodozemac raises for a message or key that does not check out."""


def pickle_key(vault_key: bytes) -> bytes:
    return wire.derive_key(vault_key, PICKLE_PURPOSE)


def key_bytes(b64_key: str) -> bytes:
    """Raw bytes of a vodozemac public key (unpadded standard base64)."""
    return base64.b64decode(b64_key + "=" * (-len(b64_key) % 4), validate=True)


@dataclass(frozen=True, slots=True)
class OlmEnvelope:
    """What the outer layer carries: the Olm message (type and bytes) and, for the pairing
    response only, the sender's Curve25519 identity key that vodozemac needs to open it."""

    message_type: int
    ciphertext: bytes
    sender_key: str = ""

    def olm_message(self) -> vodozemac.AnyOlmMessage:
        return vodozemac.AnyOlmMessage.from_parts(self.message_type, self.ciphertext)


def seal(key: bytes, mailbox_id: str, envelope: OlmEnvelope) -> bytes:
    """Encrypt the outer layer; the destination mailbox is bound as associated data, so an
    envelope moved to another mailbox does not open."""
    sender = key_bytes(envelope.sender_key) if envelope.sender_key else b""
    plaintext = bytes([envelope.message_type, len(sender)]) + sender + envelope.ciphertext
    nonce = secrets.token_bytes(NONCE_BYTES)
    aad = ENVELOPE_CONTEXT + mailbox_id.encode("ascii")
    return nonce + nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, aad, nonce, key
    )


def open_sealed(key: bytes, mailbox_id: str, sealed: bytes) -> OlmEnvelope:
    """Undo :func:`seal`; anything altered, truncated or re-addressed raises ProtocolError."""
    bad = ProtocolError(_("A received message could not be verified."))
    if len(sealed) < NONCE_BYTES + 16 + 2:
        raise bad
    aad = ENVELOPE_CONTEXT + mailbox_id.encode("ascii")
    try:
        plain = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            sealed[NONCE_BYTES:], aad, sealed[:NONCE_BYTES], key
        )
    except nacl.exceptions.CryptoError:
        raise bad from None
    message_type, sender_len = plain[0], plain[1]
    if message_type not in (PRE_KEY, NORMAL, RESET) or sender_len not in (0, 32):
        raise bad
    sender = plain[2 : 2 + sender_len]
    sender_key = base64.b64encode(sender).decode("ascii").rstrip("=") if sender else ""
    return OlmEnvelope(message_type, plain[2 + sender_len :], sender_key)


# --- accounts and sessions ------------------------------------------------------------------


def new_account() -> vodozemac.Account:
    return vodozemac.Account()


def load_account(pickled: str, key: bytes) -> vodozemac.Account:
    return vodozemac.Account.from_pickle(pickled, key)


def load_session(pickled: str, key: bytes) -> vodozemac.Session:
    """A fresh copy of a stored session: decrypting advances only this copy, and the caller
    stores the new pickle only after everything checked out."""
    return vodozemac.Session.from_pickle(pickled, key)


def encrypt(session: vodozemac.Session, plaintext: bytes) -> OlmEnvelope:
    message_type, ciphertext = session.encrypt(plaintext).to_parts()
    return OlmEnvelope(message_type, ciphertext)


def fresh_one_time_key(account: vodozemac.Account) -> str:
    """Make one new one-time key and return it (base64); the account must be stored after."""
    account.generate_one_time_keys(1)
    keys = account.one_time_keys
    account.mark_keys_as_published()
    if not keys:
        raise ProtocolError(_("Could not make a one-time key for the invitation."))
    return list(keys.values())[-1].to_base64()
