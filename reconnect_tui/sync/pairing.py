"""Pairing a dyad: the invitation code, the keys derived from it, the bundle and the MAC.

Pure functions, no I/O (``sync/dyads.py`` does the storing and the relay calls). The code is
the only secret the two people share at the start; everything that must not be forged by the
relay is bound to it:

- the relay lookup id (``wire.invitation_lookup_id``): the relay never sees the code;
- the bundle key: the provider's bundle (name, keys, one-time key, mailbox) is sealed with
  XChaCha20-Poly1305 under it, so a relay cannot read it nor put its own keys in;
- the pairing key and MAC key: the service user's answer is sealed under the first and carries a
  MAC under the second over both sides' identity keys, so a relay cannot answer in the
  provider's place nor substitute the service user's keys;
- the envelope key: the outer layer of every later envelope of this dyad.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import nacl.bindings
import nacl.exceptions
import vodozemac

from .. import wire
from ..errors import ProtocolError, ReconnectError
from ..i18n import _, ngettext
from ..store.keys import RECOVERY_ALPHABET

CODE_GROUPS = 3
CODE_GROUP_LEN = 4
CODE_LENGTH = CODE_GROUPS * CODE_GROUP_LEN
"""12 characters of a 30-letter alphabet: about 59 bits, and no look-alikes (no 0/O, 1/I/L)."""

BUNDLE_CONTEXT = b"reconnect/v1/invitation-bundle"
NONCE_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES


class PairingRelay(Protocol):
    """The relay calls pairing needs (``sync.client.RelayClient`` provides them)."""

    def claim_mailbox(self, mailbox_id: str) -> bool: ...
    def put_invitation(self, lookup_id: str, bundle: bytes) -> None: ...
    def take_invitation(self, lookup_id: str) -> bytes | None: ...


class WrongCode(ReconnectError):
    """A code that is mistyped, used already or expired."""


def new_code() -> str:
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(chars[i : i + CODE_GROUP_LEN] for i in range(0, CODE_LENGTH, CODE_GROUP_LEN))


def normalize_code(code: str) -> str:
    """What people type, in any case, with or without spaces and hyphens -> the canonical
    grouped form; anything that cannot be a code raises WrongCode."""
    cleaned = "".join(code.replace("-", " ").split()).upper()
    if len(cleaned) != CODE_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in cleaned):
        raise WrongCode(
            ngettext(
                "That is not an invitation code: a code is {n} letter or digit, like"
                " ABCD-EFGH-JKMN.",
                "That is not an invitation code: a code is {n} letters and digits, like"
                " ABCD-EFGH-JKMN.",
                CODE_LENGTH,
            ).format(n=CODE_LENGTH)
        )
    return "-".join(
        cleaned[i : i + CODE_GROUP_LEN] for i in range(0, CODE_LENGTH, CODE_GROUP_LEN)
    )


@dataclass(frozen=True, slots=True)
class CodeKeys:
    lookup_id: str
    bundle_key: bytes
    pairing_key: bytes
    mac_key: bytes
    envelope_key: bytes


def code_keys(code: str) -> CodeKeys:
    canonical = normalize_code(code)
    root = hashlib.sha256(canonical.replace("-", "").encode("ascii")).digest()
    return CodeKeys(
        lookup_id=wire.invitation_lookup_id(canonical),
        bundle_key=wire.derive_key(root, "pairing/bundle"),
        pairing_key=wire.derive_key(root, "pairing/response-envelope"),
        mac_key=wire.derive_key(root, "pairing/response-mac"),
        envelope_key=wire.derive_key(root, "dyad/envelope"),
    )


def canonical_json(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


# --- the provider's bundle ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairingBundle:
    """A provider's pairing invitation, sealed under the pairing code's key."""

    name: str
    role: str
    ed25519: str
    curve25519: str
    one_time_key: str
    mailbox_id: str

    def fields(self) -> dict[str, Any]:
        return {"v": 1, "type": "invitation", "name": self.name, "role": self.role,
                "ed25519": self.ed25519, "curve25519": self.curve25519,
                "one_time_key": self.one_time_key, "mailbox": self.mailbox_id}


def seal_bundle(bundle: PairingBundle, account: vodozemac.Account, key: bytes) -> bytes:
    body = canonical_json(bundle.fields())
    signed = canonical_json({"body": body.decode(), "sig": account.sign(body).to_base64()})
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        signed, BUNDLE_CONTEXT, nonce, key
    )


def open_bundle(sealed: bytes, key: bytes) -> PairingBundle:
    """Decrypt and check a bundle: sealed under the code's key, signed by the key it names."""
    bad = ProtocolError(
        _("The invitation could not be verified. Ask for a new code; do not pair on this one.")
    )
    try:
        signed = json.loads(nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            sealed[NONCE_BYTES:], BUNDLE_CONTEXT, sealed[:NONCE_BYTES], key))
        body = signed["body"].encode()
        fields = json.loads(body)
        bundle = PairingBundle(fields["name"], fields["role"], fields["ed25519"],
                        fields["curve25519"], fields["one_time_key"], fields["mailbox"])
        vodozemac.Ed25519PublicKey.from_base64(bundle.ed25519).verify_signature(
            body, vodozemac.Ed25519Signature.from_base64(signed["sig"]))
        vodozemac.Curve25519PublicKey.from_base64(bundle.curve25519)
        vodozemac.Curve25519PublicKey.from_base64(bundle.one_time_key)
    except (ValueError, KeyError, TypeError, AttributeError, nacl.exceptions.CryptoError):
        raise bad from None
    if fields.get("v") != 1 or fields.get("type") != "invitation" or not isinstance(
            bundle.name, str) or not wire.is_valid_id(bundle.mailbox_id):
        raise bad
    return bundle


# --- the service user's response ------------------------------------------------------------


def response_mac(mac_key: bytes, user: Mapping[str, object],
                 provider: Mapping[str, object]) -> str:
    """MAC over both sides' identity keys and the user's mailbox, under the code's MAC key."""
    data = canonical_json({"user": user, "provider": provider})
    return wire.b64encode(hmac.new(mac_key, data, hashlib.sha256).digest())


def check_response_mac(mac_key: bytes, user: Mapping[str, object],
                       provider: Mapping[str, object],
                       mac: object) -> None:
    if not isinstance(mac, str) or not hmac.compare_digest(
            response_mac(mac_key, user, provider), mac):
        raise ProtocolError(_("A pairing answer did not carry the invitation's proof."))
