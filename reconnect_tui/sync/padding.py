"""The client's face of ``wire/padding.py``: the same buckets, with refusals in the user's
language (the wire package speaks English to operators and imports no ``i18n``)."""

from __future__ import annotations

from reconnect_tui.errors import ProtocolError
from reconnect_tui.i18n import _
from reconnect_tui.wire import padding as wire_padding


def pad(plaintext: bytes) -> bytes:
    """Pad ``plaintext`` to its bucket; too long for the largest: ProtocolError."""
    try:
        return wire_padding.pad(plaintext)
    except wire_padding.PlaintextTooLong as error:
        raise ProtocolError(_("This is too long to send: at most {limit} bytes fit.").format(
            limit=error.limit)) from None


def unpad(padded: bytes) -> bytes:
    """Undo :func:`pad`; refuse anything that is not a well-formed padded buffer."""
    try:
        return wire_padding.unpad(padded)
    except wire_padding.PaddingError:
        if len(padded) not in wire_padding.BUCKETS:
            raise ProtocolError(_("A received message has an unexpected size.")) from None
        raise ProtocolError(_("A received message is not padded correctly.")) from None
