"""The vault's key hierarchy (as in Standard Notes and Bitwarden).

passphrase --Argon2id--> key-encryption key --XChaCha20-Poly1305--> vault key (32 random bytes)

The vault key is SQLCipher's raw key; SQLCipher's own PBKDF2 is never used. A second wrap of the
same vault key under a recovery code lets a person who forgot the passphrase back in. Changing the
passphrase re-wraps the vault key; the database is not rewritten.

The wrapped keys live in a small JSON *key header* beside the database (``vault.db.keys``). The
associated data of each wrap binds the vault id, the slot name and the KDF parameters, so a header
edited to other parameters no longer unwraps; parameters below the built-in minimum are refused
before any work is done.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import nacl.exceptions
import nacl.pwhash
import nacl.utils
from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
)

from ..errors import VaultDamaged, WeakKdfParameters, WrongPassphrase
from ..i18n import _

HEADER_FORMAT = "reconnect-vault-keys"
HEADER_VERSION = 1
KEY_BYTES = 32
SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES  # 16

MIN_OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_MODERATE
MIN_MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_MODERATE

# Recovery codes: 25 characters from an alphabet without look-alikes (no 0/O, 1/I/L, U),
# about 122 bits, shown as five groups of five. They never begin with "-".
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
RECOVERY_GROUPS = 5
RECOVERY_GROUP_LEN = 5


@dataclass(frozen=True, slots=True)
class KdfParams:
    opslimit: int = MIN_OPSLIMIT
    memlimit: int = MIN_MEMLIMIT
    alg: str = "argon2id13"

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
        try:
            data = json.loads(text)
            if data.get("format") != HEADER_FORMAT or data.get("version") != HEADER_VERSION:
                raise ValueError("format")
            kdf = KdfParams(
                opslimit=int(data["kdf"]["opslimit"]),
                memlimit=int(data["kdf"]["memlimit"]),
                alg=str(data["kdf"]["alg"]),
            )
            slots = {
                str(name): WrappedKey(
                    salt=_unb64(slot["salt"]),
                    nonce=_unb64(slot["nonce"]),
                    ciphertext=_unb64(slot["wrapped"]),
                )
                for name, slot in data["slots"].items()
            }
            return cls(vault_id=str(data["vault_id"]), kdf=kdf, slots=slots)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise VaultDamaged(damaged_message(source)) from exc


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


PASSPHRASE_SLOT = "passphrase"
RECOVERY_SLOT = "recovery"


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
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VaultDamaged(damaged_message(vault_path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise VaultDamaged(damaged_message(vault_path)) from exc
    return KeyHeader.from_json(text, vault_path)


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
