"""Linked devices, the pure part: the person key, device certificates, signed device lists, and
the keys, bundle and MAC of a link code (docs/devices.md). No I/O (``sync/devices.py`` stores
and talks to the relay).

The person key is an Ed25519 key (PyNaCl) held inside the vault of each of the person's
devices. It signs a certificate for each device's Olm identity and the list of the person's
devices; a list is accepted only when signed by the person key we hold and newer than the one we
accepted last, so neither a relay nor a stale device can roll it back.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import nacl.bindings
import nacl.exceptions
import nacl.signing
import vodozemac

from .. import wire
from ..errors import ProtocolError
from ..i18n import _
from .pairing import CodeKeys, canonical_json, new_code, normalize_code

new_link_code = new_code
"""A link code looks like a pairing code (the same alphabet and length)."""

CERTIFICATE_CONTEXT = b"reconnect/v1/device-certificate\n"
LIST_CONTEXT = b"reconnect/v1/device-list\n"
BUNDLE_CONTEXT = b"reconnect/v1/device-link-bundle"
NONCE_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
SEED_BYTES = 32
MAX_DEVICES = 16
MAX_NAME_LENGTH = 60


class DeviceListRefused(ProtocolError):
    """A device list (or certificate) that does not check out: never stored."""


def _b64(data: bytes) -> str:
    """Unpadded standard base64, as vodozemac writes its keys (``olm.key_bytes`` reads it)."""
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


# --- the person key ------------------------------------------------------------------------


def new_person_seed() -> bytes:
    return secrets.token_bytes(SEED_BYTES)


def person_public_key(seed: bytes) -> str:
    return _b64(bytes(nacl.signing.SigningKey(seed).verify_key))


def _sign(seed: bytes, context: bytes, body: bytes) -> str:
    return _b64(nacl.signing.SigningKey(seed).sign(context + body).signature)


def _verify(public: str, context: bytes, body: bytes, signature: str) -> None:
    try:
        nacl.signing.VerifyKey(_unb64(public)).verify(context + body, _unb64(signature))
    except (ValueError, TypeError, nacl.exceptions.BadSignatureError,
            nacl.exceptions.ValueError) as error:
        raise DeviceListRefused(_("A device list was not signed by this person.")) from error


# --- certificates and lists ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeviceCertificate:
    """The person key's word that this Olm identity is one of the person's devices."""

    person: str
    ed25519: str
    curve25519: str
    name: str
    linked_at: str
    """UTC ISO 8601."""

    def body(self) -> dict[str, Any]:
        return {"v": 1, "type": "device-certificate", "person": self.person,
                "ed25519": self.ed25519, "curve25519": self.curve25519, "name": self.name,
                "linked_at": self.linked_at}


def sign_certificate(seed: bytes, certificate: DeviceCertificate) -> dict[str, str]:
    if person_public_key(seed) != certificate.person:
        raise ValueError("the certificate names another person key")
    body = canonical_json(certificate.body())
    return {"body": body.decode(), "sig": _sign(seed, CERTIFICATE_CONTEXT, body)}


def open_certificate(signed: object, person: str) -> DeviceCertificate:
    bad = DeviceListRefused(_("A device certificate could not be verified."))
    if not isinstance(signed, dict) or not isinstance(signed.get("body"), str) or not isinstance(
            signed.get("sig"), str):
        raise bad
    body = signed["body"].encode()
    _verify(person, CERTIFICATE_CONTEXT, body, signed["sig"])
    try:
        fields = json.loads(body)
        certificate = DeviceCertificate(fields["person"], fields["ed25519"],
                                        fields["curve25519"], fields["name"],
                                        fields["linked_at"])
        vodozemac.Ed25519PublicKey.from_base64(certificate.ed25519)
        vodozemac.Curve25519PublicKey.from_base64(certificate.curve25519)
    except (ValueError, KeyError, TypeError):
        raise bad from None
    if (fields.get("v") != 1 or fields.get("type") != "device-certificate"
            or certificate.person != person or not valid_device_name(certificate.name)
            or wire.utc_time(certificate.linked_at) is None):
        raise bad
    return certificate


@dataclass(frozen=True, slots=True)
class DeviceList:
    person: str
    version: int
    time: str
    devices: tuple[DeviceCertificate, ...]
    signed_certificates: tuple[dict[str, str], ...]

    def named(self, name: str) -> DeviceCertificate | None:
        return next((d for d in self.devices if d.name.casefold() == name.casefold()), None)

    def by_key(self, ed25519: str) -> DeviceCertificate | None:
        return next((d for d in self.devices if d.ed25519 == ed25519), None)


def sign_device_list(seed: bytes, version: int, when: datetime,
                     certificates: tuple[dict[str, str], ...] | list[dict[str, str]]) -> bytes:
    """The signed list (canonical JSON bytes): what is stored and what travels."""
    body = canonical_json({"v": 1, "type": "device-list", "person": person_public_key(seed),
                           "version": version, "time": when.astimezone(UTC).isoformat(),
                           "devices": list(certificates)})
    return canonical_json({"body": body.decode(), "sig": _sign(seed, LIST_CONTEXT, body)})


def open_device_list(signed: bytes, person: str, *, newer_than: int = 0) -> DeviceList:
    """Check a signed list: by ``person``'s key, every certificate too, no duplicates, and a
    version above ``newer_than`` (the version accepted last). Anything else: DeviceListRefused."""
    bad = DeviceListRefused(_("A device list could not be verified."))
    try:
        outer = json.loads(signed)
        body = outer["body"].encode()
        signature = outer["sig"]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise bad from None
    if not isinstance(signature, str):
        raise bad
    _verify(person, LIST_CONTEXT, body, signature)
    try:
        fields = json.loads(body)
        version, when, entries = fields["version"], fields["time"], fields["devices"]
    except (ValueError, KeyError, TypeError):
        raise bad from None
    if (fields.get("v") != 1 or fields.get("type") != "device-list"
            or fields.get("person") != person or not isinstance(version, int)
            or isinstance(version, bool) or version < 1 or not isinstance(entries, list)
            or not isinstance(when, str) or wire.utc_time(when) is None
            or not 1 <= len(entries) <= MAX_DEVICES):
        raise bad
    if version <= newer_than:
        raise DeviceListRefused(_(
            "A device list older than the one this vault holds was refused (version {got},"
            " this vault has {have}).").format(got=version, have=newer_than))
    devices = tuple(open_certificate(entry, person) for entry in entries)
    if (len({d.ed25519 for d in devices}) != len(devices)
            or len({d.name.casefold() for d in devices}) != len(devices)):
        raise bad
    return DeviceList(person, version, when, devices, tuple(entries))


def valid_device_name(name: object) -> bool:
    return (isinstance(name, str) and 0 < len(name) <= MAX_NAME_LENGTH
            and name == name.strip() and name.isprintable())


# --- the link code -------------------------------------------------------------------------


def link_code_keys(code: str) -> CodeKeys:
    """The keys of a device-link code: the pairing construction under labels of their own, so
    a link code never opens a pairing invitation, nor the other way round."""
    canonical = normalize_code(code)
    root = hashlib.sha256(canonical.replace("-", "").encode("ascii")).digest()
    return CodeKeys(
        lookup_id=wire.b64encode(wire.derive_key(root, "device-link/lookup")),
        bundle_key=wire.derive_key(root, "device-link/bundle"),
        pairing_key=wire.derive_key(root, "device-link/response-envelope"),
        mac_key=wire.derive_key(root, "device-link/response-mac"),
        envelope_key=wire.derive_key(root, "device-link/envelope"),
    )


@dataclass(frozen=True, slots=True)
class LinkBundle:
    """What the first device puts at the relay, sealed under the link code's bundle key."""

    name: str
    role: str
    locale: str
    person: str
    ed25519: str
    curve25519: str
    one_time_key: str
    mailbox_id: str
    expires_at: str
    """UTC ISO 8601: the new device refuses the code after it (the first device too)."""

    def fields(self) -> dict[str, Any]:
        return {"v": 1, "type": "device-invitation", "name": self.name, "role": self.role,
                "locale": self.locale, "person": self.person, "ed25519": self.ed25519,
                "curve25519": self.curve25519, "one_time_key": self.one_time_key,
                "mailbox": self.mailbox_id, "expires": self.expires_at}


def seal_link_bundle(bundle: LinkBundle, account: vodozemac.Account, key: bytes) -> bytes:
    body = canonical_json(bundle.fields())
    signed = canonical_json({"body": body.decode(), "sig": account.sign(body).to_base64()})
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        signed, BUNDLE_CONTEXT, nonce, key)


def open_link_bundle(sealed: bytes, key: bytes) -> LinkBundle:
    bad = ProtocolError(_(
        "The link code's invitation could not be verified. Make a new code on your other"
        " device; do not link with this one."))
    try:
        signed = json.loads(nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            sealed[NONCE_BYTES:], BUNDLE_CONTEXT, sealed[:NONCE_BYTES], key))
        body = signed["body"].encode()
        f = json.loads(body)
        bundle = LinkBundle(f["name"], f["role"], f["locale"], f["person"], f["ed25519"],
                            f["curve25519"], f["one_time_key"], f["mailbox"], f["expires"])
        vodozemac.Ed25519PublicKey.from_base64(bundle.ed25519).verify_signature(
            body, vodozemac.Ed25519Signature.from_base64(signed["sig"]))
        vodozemac.Curve25519PublicKey.from_base64(bundle.curve25519)
        vodozemac.Curve25519PublicKey.from_base64(bundle.one_time_key)
        nacl.signing.VerifyKey(_unb64(bundle.person))
    except (ValueError, KeyError, TypeError, AttributeError, nacl.exceptions.CryptoError):
        raise bad from None
    if (f.get("v") != 1 or f.get("type") != "device-invitation"
            or not all(isinstance(x, str) and x for x in (bundle.name, bundle.role,
                                                           bundle.locale))
            or not wire.is_valid_id(bundle.mailbox_id)
            or wire.utc_time(bundle.expires_at) is None):
        raise bad
    return bundle


def join_mac(mac_key: bytes, new: Mapping[str, object], first: Mapping[str, object]) -> str:
    """MAC over both devices' keys and mailboxes (and the person key), under the code's key."""
    data = canonical_json({"new": new, "first": first})
    return wire.b64encode(hmac.new(mac_key, data, hashlib.sha256).digest())


def check_join_mac(mac_key: bytes, new: Mapping[str, object], first: Mapping[str, object],
                   mac: object) -> None:
    if not isinstance(mac, str) or not hmac.compare_digest(join_mac(mac_key, new, first), mac):
        raise ProtocolError(_("A link answer did not carry the code's proof."))
