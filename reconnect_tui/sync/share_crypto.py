"""The crypto of a shared item: per-item keys, wrapped by a per-dyad share key, signed by the owner.

After Standard Notes (a key per item) and Joplin's shared notebooks (item keys wrapped by a
key the members hold). Pure functions, no I/O; ``docs/sharing.md`` describes the format.

What the relay holds in an item slot is binary (it must fit the relay's envelope limit with
only 184 bytes over the padded snapshot):

    b"RCS1" | epoch (4 bytes, big-endian) | Ed25519 signature (64) |
    wrapped = nonce | XChaCha(item key) (72) |
    ciphertext = nonce | XChaCha(padded, zlib-compressed snapshot)

- the snapshot is encrypted under a fresh random item key, with associated data binding the
  slot id, version, dyad and schema: moved to another slot, version or dyad it does not open;
- the item key is wrapped under the dyad's share key of epoch ``e`` (associated data: slot,
  version, dyad, epoch); the share key travels only inside the Olm channel;
- the owner signs, with their Olm identity key, (dyad, slot, version, epoch, SHA-256 of both
  ciphertexts): a provider or relay cannot forge an edit, and the provider refuses any version
  not above the one it holds (no rollback).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import nacl.bindings
import nacl.exceptions
import vodozemac

from .. import wire
from ..errors import ProtocolError
from ..i18n import _
from . import padding

SCHEMA = 1
"""The snapshot schema: the portable export format's version."""
ITEM_CONTEXT = b"reconnect/v1/shared-item\n"
WRAP_CONTEXT = b"reconnect/v1/shared-item-key\n"
SIGN_CONTEXT = "reconnect/v1/shared-item-signature"
NONCE_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
KEY_BYTES = 32
MAX_CONTENT_BYTES = 16 * 1024 * 1024
"""A snapshot inflates to at most this (a compression bomb is refused, not unpacked)."""


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def dyad_id(user_ed25519: str, provider_ed25519: str) -> str:
    """Names the dyad in associated data and signatures: both identity keys, in roles."""
    digest = hashlib.sha256(f"{user_ed25519}\n{provider_ed25519}".encode("ascii")).digest()
    return wire.b64encode(digest)


@dataclass(frozen=True, slots=True)
class Opened:
    version: int
    epoch: int
    content: dict[str, Any]
    """The plaintext object: ``module``, ``item_id``, ``title``, ``sections``."""
    content_hash: bytes


def _aead(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, aad, nonce, key)


def _unaead(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < NONCE_BYTES + 16:
        raise ProtocolError(_("A shared item could not be verified."))
    try:
        return nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            sealed[NONCE_BYTES:], aad, sealed[:NONCE_BYTES], key)
    except nacl.exceptions.CryptoError:
        raise ProtocolError(_("A shared item could not be decrypted.")) from None


def _item_aad(slot: str, version: int, dyad: str) -> bytes:
    return ITEM_CONTEXT + f"{slot}\n{version}\n{dyad}\n{SCHEMA}".encode("ascii")


def _wrap_aad(slot: str, version: int, dyad: str, epoch: int) -> bytes:
    return WRAP_CONTEXT + f"{slot}\n{version}\n{dyad}\n{epoch}".encode("ascii")


def signed_bytes(dyad: str, slot: str, version: int, epoch: int, wrapped: bytes,
                 ciphertext: bytes) -> bytes:
    digest = hashlib.sha256(wrapped + ciphertext).hexdigest()
    return json.dumps({"context": SIGN_CONTEXT, "dyad": dyad, "slot": slot, "version": version,
                       "epoch": epoch, "sha256": digest}, sort_keys=True,
                      separators=(",", ":")).encode("ascii")


def content_bytes(content: Mapping[str, Any]) -> bytes:
    """Canonical bytes of a snapshot object (the same content always gives the same bytes)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def content_hash(content: Mapping[str, Any], epoch: int) -> bytes:
    """What decides whether a share needs a new version: its content and its key epoch."""
    return hashlib.sha256(content_bytes(content) + b"\n%d" % epoch).digest()


MAGIC = b"RCS1"
_WRAPPED_BYTES = NONCE_BYTES + KEY_BYTES + 16
_HEADER = len(MAGIC) + 4 + 64 + _WRAPPED_BYTES


def seal_item(*, share_key: bytes, epoch: int, slot: str, version: int, dyad: str,
              content: Mapping[str, Any], sign: Callable[[bytes], str]) -> bytes:
    """Encrypt and sign one version of a shared item; returns what goes in the relay slot.

    The snapshot is compressed before it is padded (a ten-year module is mostly repeated JSON
    keys); padding to a few bucket sizes keeps the length from telling much. Too large even so:
    ProtocolError."""
    item_key = new_key()
    ciphertext = _aead(item_key, padding.pad(zlib.compress(content_bytes(content), 6)),
                       _item_aad(slot, version, dyad))
    wrapped = _aead(share_key, item_key, _wrap_aad(slot, version, dyad, epoch))
    signature = _raw_signature(sign(signed_bytes(dyad, slot, version, epoch, wrapped,
                                                 ciphertext)))
    return MAGIC + epoch.to_bytes(4, "big") + signature + wrapped + ciphertext


def _raw_signature(b64: str) -> bytes:
    return base64.b64decode(b64 + "=" * (-len(b64) % 4))


def open_item(blob: bytes, *, version: int, slot: str, dyad: str, owner_ed25519: str,
              share_keys: Mapping[int, bytes]) -> Opened:
    """Verify the owner's signature, then decrypt. Anything forged, moved or altered raises
    ProtocolError; so does a key epoch this side never received."""
    bad = ProtocolError(_("A shared item could not be verified."))
    if len(blob) < _HEADER + NONCE_BYTES + 16 or not blob.startswith(MAGIC):
        raise bad
    epoch = int.from_bytes(blob[4:8], "big")
    raw_signature = blob[8:72]
    wrapped = blob[72:_HEADER]
    ciphertext = blob[_HEADER:]
    try:
        signature = vodozemac.Ed25519Signature.from_base64(
            base64.b64encode(raw_signature).decode("ascii").rstrip("="))
        vodozemac.Ed25519PublicKey.from_base64(owner_ed25519).verify_signature(
            signed_bytes(dyad, slot, version, epoch, wrapped, ciphertext), signature)
    except (vodozemac.SignatureException, vodozemac.KeyException, ValueError):
        raise ProtocolError(_("A shared item was not signed by its owner; it was refused.")
                            ) from None
    share_key = share_keys.get(epoch)
    if share_key is None:
        raise ProtocolError(_("A shared item uses a key this vault never received."))
    item_key = _unaead(share_key, wrapped, _wrap_aad(slot, version, dyad, epoch))
    compressed = padding.unpad(_unaead(item_key, ciphertext, _item_aad(slot, version, dyad)))
    try:
        inflater = zlib.decompressobj()
        plain = inflater.decompress(compressed, MAX_CONTENT_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            raise ValueError("larger than a snapshot may be")
        content = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, zlib.error):
        raise bad from None
    if (not isinstance(content, dict) or not isinstance(content.get("module"), str)
            or not isinstance(content.get("sections"), dict)
            or not isinstance(content.get("title"), str)):
        raise bad
    return Opened(version, epoch, content, content_hash(content, epoch))
