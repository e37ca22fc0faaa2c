"""Megolm and Olm for the forum: group sessions, key shares, rotation. No I/O.

Every member has one outbound Megolm session per forum (``GroupSession``) and keeps an inbound
copy of it, so it can hand a member who arrived later the key from the index that member may
read (``export_at``), never from earlier. Keys travel only inside pairwise Olm messages.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

import vodozemac

from ..errors import ProtocolError
from ..i18n import _
from .forum_wire import MEGOLM, OLM, ForumPlaintext, Outer

ROTATE_AFTER_MESSAGES = 100
ROTATE_AFTER = timedelta(days=7)


class _FallbackKeys(Protocol):
    """The part of ``vodozemac.Account`` its stub file leaves out (the binding has it)."""

    def generate_fallback_key(self) -> object: ...

    @property
    def fallback_key(self) -> dict[str, vodozemac.Curve25519PublicKey]: ...


def _with_fallback(account: vodozemac.Account) -> _FallbackKeys:
    return account  # type: ignore[return-value]  # vodozemac's .pyi omits the fallback key


def add_fallback_key(account: vodozemac.Account) -> None:
    """A fallback key on a new forum account: a member who arrives later opens a session to
    this one with it (``docs/forum.md``, "Hello")."""
    _with_fallback(account).generate_fallback_key()


def fallback_key(account: vodozemac.Account) -> str:
    """The account's current fallback key, as members' cards carry it."""
    return next(iter(_with_fallback(account).fallback_key.values())).to_base64()


def new_group() -> tuple[vodozemac.GroupSession, vodozemac.InboundGroupSession]:
    """A fresh outbound session and the inbound copy we keep of it."""
    group = vodozemac.GroupSession()
    return group, vodozemac.InboundGroupSession(group.session_key)


def load_group(pickled: str, key: bytes) -> vodozemac.GroupSession:
    return vodozemac.GroupSession.from_pickle(pickled, key)


def load_inbound(pickled: str, key: bytes) -> vodozemac.InboundGroupSession:
    return vodozemac.InboundGroupSession.from_pickle(pickled, key)


def needs_rotation(group: vodozemac.GroupSession, created_at: datetime, now: datetime) -> bool:
    return group.message_index >= ROTATE_AFTER_MESSAGES or now - created_at >= ROTATE_AFTER


def share_fields(own: vodozemac.InboundGroupSession, *, from_index: int | None = None
                 ) -> dict[str, Any]:
    """What a "key" message carries: our session from ``from_index`` (default: the start of
    what our inbound copy knows, which is index 0 of the session)."""
    index = own.first_known_index if from_index is None else max(from_index,
                                                                  own.first_known_index)
    exported = own.export_at(index)
    if exported is None:  # not reachable: ``index`` is never below ``first_known_index``
        raise ProtocolError(_("A forum key could not be read."))
    return {"session_key": exported.to_base64()}


def import_share(fields: dict[str, Any]) -> vodozemac.InboundGroupSession:
    key = fields.get("session_key")
    if not isinstance(key, str):
        raise ProtocolError(_("A forum key could not be read."))
    try:
        return vodozemac.InboundGroupSession.import_session(vodozemac.ExportedSessionKey(key))
    except ValueError:
        raise ProtocolError(_("A forum key could not be read.")) from None


def megolm_outer(group: vodozemac.GroupSession, inner: ForumPlaintext) -> Outer:
    """Encrypt once for everyone (the caller seals a copy per mailbox)."""
    return Outer(MEGOLM, group.encrypt(inner.encode()).to_bytes(), session_id=group.session_id)


def olm_outer(session: vodozemac.Session, inner: ForumPlaintext, sender_curve: str) -> Outer:
    message_type, ciphertext = session.encrypt(inner.encode()).to_parts()
    return Outer(OLM, ciphertext, olm_type=message_type, sender_key=sender_curve)


def decrypt_megolm(inbound: vodozemac.InboundGroupSession, body: bytes) -> bytes:
    """Decrypt and verify (Megolm signs every message with the session's Ed25519 key)."""
    try:
        return inbound.decrypt(vodozemac.MegolmMessage.from_bytes(body)).plaintext
    except ValueError:
        raise ProtocolError(_("A forum post could not be decrypted.")) from None
