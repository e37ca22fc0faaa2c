"""The vault's key hierarchy (as in Standard Notes and Bitwarden).

passphrase --Argon2id--> key-encryption key --XChaCha20-Poly1305--> vault key (32 random bytes)

The vault key is SQLCipher's raw key; SQLCipher's own PBKDF2 is never used. A second wrap of the
same vault key under a recovery code lets a person who forgot the passphrase back in. Changing the
passphrase re-wraps the vault key; the database is not rewritten.

The wrapped keys live in a small JSON *key header* beside the database (``vault.db.keys``). The
associated data of each wrap binds the vault id, the slot name and the KDF parameters, so a header
edited to other parameters no longer unwraps. Parameters below the built-in minimum, or costlier
than the maximum (which keeps a tampered header from hanging the app in Argon2id), are refused
before any work is done, and every field of the header is checked on reading, each problem with
its own message (``KeyHeaderInvalid``).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nacl.exceptions
import nacl.pwhash
import nacl.utils
from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
)

from ..errors import (
    ExcessiveKdfParameters,
    KeyHeaderInvalid,
    VaultDamaged,
    WeakKdfParameters,
    WrongPassphrase,
)
from ..i18n import _

HEADER_FORMAT = "reconnect-vault-keys"
HEADER_VERSION = 1
KEY_BYTES = 32
SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES  # 16
PASSPHRASE_SLOT = "passphrase"
RECOVERY_SLOT = "recovery"

MIN_OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_MODERATE
MIN_MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_MODERATE
# The maximum: nothing costlier than libsodium's SENSITIVE preset (4 passes over 1 GiB, about 5 s
# on a 2-core machine; ReConnect itself writes MODERATE, 0.5 s). More passes are allowed with less
# memory, up to the same cost (16 passes over 256 MiB, about 2 s). A header asking for more was not
# written by ReConnect, and Argon2id would otherwise run for minutes or exhaust memory.
MAX_OPSLIMIT = 16
MAX_MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_SENSITIVE
MAX_COST = nacl.pwhash.argon2id.OPSLIMIT_SENSITIVE * nacl.pwhash.argon2id.MEMLIMIT_SENSITIVE
MAX_HEADER_BYTES = 64 * 1024  # a real header is about 600 bytes
WRAPPED_BYTES = KEY_BYTES + 16  # the vault key and the Poly1305 tag
VAULT_ID = re.compile(r"[0-9a-f]{32}")

# Recovery codes: 25 characters from an alphabet without look-alikes (no 0/O, 1/I/L, U),
# about 122 bits, shown as five groups of five. They never begin with "-".
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
RECOVERY_GROUPS = 5
RECOVERY_GROUP_LEN = 5


@dataclass(frozen=True, slots=True)
class KdfParams:
    opslimit: int
    memlimit: int
    alg: str = "argon2id13"

    @classmethod
    def default(cls) -> KdfParams:
        """What ReConnect writes into a new vault: the minimum it accepts (read at call time)."""
        return cls(opslimit=MIN_OPSLIMIT, memlimit=MIN_MEMLIMIT)

    def check(self) -> None:
        if self.alg != "argon2id13":
            raise WeakKdfParameters(_("The vault's key header names an unknown key derivation."))
        if self.opslimit < MIN_OPSLIMIT or self.memlimit < MIN_MEMLIMIT:
            raise WeakKdfParameters(
                _(
                    "The vault's key header asks for weaker key-derivation settings than ReConnect"
                    " allows. It may have been tampered with; it was not opened."
                )
            )
        if (
            self.opslimit > MAX_OPSLIMIT
            or self.memlimit > MAX_MEMLIMIT
            or self.opslimit * self.memlimit > MAX_COST
        ):
            raise ExcessiveKdfParameters(
                _(
                    "The vault's key header asks for costlier key-derivation settings than"
                    " ReConnect allows (at most {ops} passes, {mem} MiB of memory, and no more"
                    " work than {cost_ops} passes over {cost_mem} MiB). It may have been tampered"
                    " with; it was not opened."
                ).format(
                    ops=MAX_OPSLIMIT,
                    mem=MAX_MEMLIMIT >> 20,
                    cost_ops=nacl.pwhash.argon2id.OPSLIMIT_SENSITIVE,
                    cost_mem=MAX_MEMLIMIT >> 20,
                )
            )


@dataclass(frozen=True, slots=True)
class WrappedKey:
    salt: bytes
    nonce: bytes
    ciphertext: bytes


@dataclass(frozen=True, slots=True)
class KeyHeader:
    vault_id: str
    kdf: KdfParams
    slots: dict[str, WrappedKey]

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": HEADER_FORMAT,
                "version": HEADER_VERSION,
                "vault_id": self.vault_id,
                "kdf": {
                    "alg": self.kdf.alg,
                    "opslimit": self.kdf.opslimit,
                    "memlimit": self.kdf.memlimit,
                },
                "slots": {
                    name: {
                        "salt": _b64(w.salt),
                        "nonce": _b64(w.nonce),
                        "wrapped": _b64(w.ciphertext),
                    }
                    for name, w in sorted(self.slots.items())
                },
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str, source: Path) -> KeyHeader:
        """Parse and check every field; the KDF settings are checked before anything runs.

        Raises ``KeyHeaderInvalid`` naming the first malformed field, or ``WeakKdfParameters`` /
        ``ExcessiveKdfParameters`` for settings outside the allowed range.
        """
        return _HeaderParser(source).parse(text)


class _HeaderParser:
    """Reads a key header field by field, so that each problem gets its own message."""

    def __init__(self, source: Path) -> None:
        self.source = source

    def problem(self, problem: str) -> KeyHeaderInvalid:
        return KeyHeaderInvalid(
            _(
                "The key header of the vault at {path} is damaged: {problem}. If you have a"
                " backup, restore it with: reconnect restore BACKUP_FILE"
            ).format(path=self.source, problem=problem),
            problem=problem,
        )

    def parse(self, text: str) -> KeyHeader:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # JSONDecodeError is a ValueError; so is 10**5000
            raise self.problem(_("it is not valid JSON")) from None
        if not isinstance(data, dict):
            raise self.problem(_("it does not hold a JSON object"))
        if data.get("format") != HEADER_FORMAT:
            if "format" not in data:
                raise self.problem(_('"format" is missing'))
            raise self.problem(_('"format" does not name a ReConnect key header'))
        version = self.field(data, "version", int, "version")
        if version != HEADER_VERSION:
            raise self.problem(
                _("it has version {version}; this ReConnect reads version {known}").format(
                    version=version, known=HEADER_VERSION
                )
            )
        vault_id = self.field(data, "vault_id", str, "vault_id")
        if not VAULT_ID.fullmatch(vault_id):
            raise self.problem(_('"vault_id" should be 32 hexadecimal characters'))
        kdf_data = self.field(data, "kdf", dict, "kdf")
        alg = self.field(kdf_data, "alg", str, "kdf.alg")
        if alg != "argon2id13":
            raise self.problem(_('"kdf.alg" names a key derivation ReConnect does not know'))
        kdf = KdfParams(
            opslimit=self.field(kdf_data, "opslimit", int, "kdf.opslimit"),
            memlimit=self.field(kdf_data, "memlimit", int, "kdf.memlimit"),
            alg=alg,
        )
        kdf.check()  # before any slot is read: no work is done for out-of-range settings
        slots_data = self.field(data, "slots", dict, "slots")
        slots: dict[str, WrappedKey] = {}
        for name, slot in slots_data.items():
            if name not in (PASSPHRASE_SLOT, RECOVERY_SLOT):
                raise self.problem(_('"slots" holds a key slot ReConnect does not know'))
            if not isinstance(slot, dict):
                raise self.problem(_('"{field}" should be an object').format(field=f"slots.{name}"))
            slots[name] = WrappedKey(
                salt=self.blob(slot, "salt", f"slots.{name}.salt", SALT_BYTES),
                nonce=self.blob(
                    slot,
                    "nonce",
                    f"slots.{name}.nonce",
                    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                ),
                ciphertext=self.blob(slot, "wrapped", f"slots.{name}.wrapped", WRAPPED_BYTES),
            )
        if not slots:
            raise self.problem(_('"slots" holds no key'))
        return KeyHeader(vault_id=vault_id, kdf=kdf, slots=slots)

    def field(self, data: dict[str, Any], key: str, kind: type, path: str) -> Any:
        if key not in data:
            raise self.problem(_('"{field}" is missing').format(field=path))
        value = data[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.problem(_('"{field}" should be a whole number').format(field=path))
        if kind is str and not isinstance(value, str):
            raise self.problem(_('"{field}" should be text').format(field=path))
        if kind is dict and not isinstance(value, dict):
            raise self.problem(_('"{field}" should be an object').format(field=path))
        return value

    def blob(self, data: dict[str, Any], key: str, path: str, length: int) -> bytes:
        text = self.field(data, key, str, path)
        try:
            raw = _unb64(text)
        except (ValueError, UnicodeEncodeError, binascii.Error):
            raise self.problem(_('"{field}" is not valid base64').format(field=path)) from None
        if len(raw) != length:
            raise self.problem(
                _('"{field}" should be {expected} bytes long, not {actual}').format(
                    field=path, expected=length, actual=len(raw)
                )
            )
        return raw


def damaged_message(path: Path) -> str:
    return _(
        "The vault at {path} is damaged or is not a ReConnect vault. If you have a backup,"
        " restore it with: reconnect restore BACKUP_FILE"
    ).format(path=path)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _associated_data(vault_id: str, slot: str, kdf: KdfParams) -> bytes:
    return (
        f"reconnect-vault-key-v1|{vault_id}|{slot}|{kdf.alg}|{kdf.opslimit}|{kdf.memlimit}".encode()
    )


def derive_kek(secret: str, salt: bytes, kdf: KdfParams) -> bytes:
    """Argon2id: the slow step. Run it in a worker thread in the app."""
    kdf.check()
    return nacl.pwhash.argon2id.kdf(
        KEY_BYTES, secret.encode("utf-8"), salt, opslimit=kdf.opslimit, memlimit=kdf.memlimit
    )


def wrap(vault_key: bytes, secret: str, vault_id: str, slot: str, kdf: KdfParams) -> WrappedKey:
    salt = nacl.utils.random(SALT_BYTES)
    nonce = nacl.utils.random(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    kek = derive_kek(secret, salt, kdf)
    ad = _associated_data(vault_id, slot, kdf)
    return WrappedKey(
        salt, nonce, crypto_aead_xchacha20poly1305_ietf_encrypt(vault_key, ad, nonce, kek)
    )


def unwrap(header: KeyHeader, slot: str, secret: str) -> bytes:
    """Return the vault key, or raise WrongPassphrase (nothing is written either way)."""
    header.kdf.check()
    wrapped = header.slots.get(slot)
    if wrapped is None:
        raise WrongPassphrase(_("This vault has no {slot} key.").format(slot=slot))
    kek = derive_kek(secret, wrapped.salt, header.kdf)
    try:
        return crypto_aead_xchacha20poly1305_ietf_decrypt(
            wrapped.ciphertext,
            _associated_data(header.vault_id, slot, header.kdf),
            wrapped.nonce,
            kek,
        )
    except nacl.exceptions.CryptoError:
        if slot == RECOVERY_SLOT:
            raise WrongPassphrase(_("That recovery code does not open this vault.")) from None
        raise WrongPassphrase(_("Wrong passphrase. Nothing was changed.")) from None


def new_vault_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)


def new_recovery_code() -> str:
    chars = "".join(
        secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_LEN)
    )
    groups = [chars[i : i + RECOVERY_GROUP_LEN] for i in range(0, len(chars), RECOVERY_GROUP_LEN)]
    return "-".join(groups)


def normalize_recovery_code(code: str) -> str:
    """Accept what people type: any case, with or without spaces and dashes."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    groups = [
        cleaned[i : i + RECOVERY_GROUP_LEN] for i in range(0, len(cleaned), RECOVERY_GROUP_LEN)
    ]
    return "-".join(groups)


def new_header(vault_key: bytes, passphrase: str, recovery_code: str, kdf: KdfParams) -> KeyHeader:
    vault_id = secrets.token_hex(16)
    slots = {
        PASSPHRASE_SLOT: wrap(vault_key, passphrase, vault_id, PASSPHRASE_SLOT, kdf),
        RECOVERY_SLOT: wrap(vault_key, recovery_code, vault_id, RECOVERY_SLOT, kdf),
    }
    return KeyHeader(vault_id=vault_id, kdf=kdf, slots=slots)


def rewrap_passphrase(header: KeyHeader, vault_key: bytes, new_passphrase: str) -> KeyHeader:
    slots = dict(header.slots)
    slots[PASSPHRASE_SLOT] = wrap(
        vault_key, new_passphrase, header.vault_id, PASSPHRASE_SLOT, header.kdf
    )
    return KeyHeader(vault_id=header.vault_id, kdf=header.kdf, slots=slots)


def header_path(vault_path: Path) -> Path:
    return vault_path.with_name(vault_path.name + ".keys")


def read_header(vault_path: Path) -> KeyHeader:
    path = header_path(vault_path)
    parser = _HeaderParser(vault_path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_HEADER_BYTES + 1)
    except FileNotFoundError:
        raise VaultDamaged(damaged_message(vault_path)) from None
    except OSError as exc:
        raise VaultDamaged(damaged_message(vault_path)) from exc
    if len(raw) > MAX_HEADER_BYTES:
        raise parser.problem(_("it is far larger than a key header can be"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise parser.problem(_("it is not text")) from None
    return parser.parse(text)


def write_header(vault_path: Path, header: KeyHeader) -> None:
    """Write atomically: a crash leaves either the old or the new header, never half of one."""
    path = header_path(vault_path)
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(header.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
