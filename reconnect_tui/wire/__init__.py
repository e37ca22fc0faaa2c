"""The relay wire format, shared by the relay server and the client. Pure: no I/O.

Everything the two sides must agree on lives here: the numbers (``limits``), error codes and
their HTTP statuses (``codes``), id shapes, base64 and key derivation (``encoding``), the
canonical string a request signature covers (``signing``), the JSON bodies of each endpoint
(``bodies``) and the padding buckets (``padding``). ``docs/protocol.md`` describes the same
thing in prose. This package imports nothing of ours but ``reconnect_tui.errors``
(``tests/test_import_graph.py``), so the relay can take it without the client.

The names below are the package's API: ``from reconnect_tui import wire`` then ``wire.X``.
"""

from __future__ import annotations

from .bodies import (
    Deposit,
    FetchPage,
    ItemVersion,
    StoredEnvelope,
    decode_ack,
    decode_deposit,
    decode_fetch_page,
    decode_invitation,
    decode_item,
    dumps,
    encode_ack,
    encode_deposit,
    encode_fetch_page,
    encode_invitation,
    encode_item,
    parse_fetch_query,
    parse_object,
    parse_query,
    require_bytes,
    require_id_list,
    require_int,
    require_version,
)
from .codes import PEER_INPUT_ERRORS, STATUS, ErrorCode, WireError
from .encoding import (
    b64decode,
    b64encode,
    derive_key,
    invitation_lookup_id,
    is_valid_id,
    new_id,
    require_id,
    utc_time,
)
from .limits import (
    ID_PATTERN,
    JSON_MEDIA_TYPE,
    MAX_ACK_IDS,
    MAX_CLOCK_SKEW,
    MAX_ENVELOPE_BYTES,
    MAX_FETCH_LIMIT,
    MAX_ITEM_VERSION,
    MAX_VERSION_STEP,
    NONCE_PATTERN,
    PROTOCOL_VERSION,
)
from .signing import (
    HEADER_KEY,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    REQUEST_CONTEXT,
    RequestAuth,
    canonical_request,
    parse_auth_headers,
    relay_signing_key,
    sign_request,
    verify_request,
)

__all__ = [
    "HEADER_KEY", "HEADER_NONCE", "HEADER_SIGNATURE", "HEADER_TIMESTAMP", "ID_PATTERN",
    "JSON_MEDIA_TYPE", "MAX_ACK_IDS", "MAX_CLOCK_SKEW", "MAX_ENVELOPE_BYTES", "MAX_FETCH_LIMIT",
    "MAX_ITEM_VERSION", "MAX_VERSION_STEP", "NONCE_PATTERN", "PEER_INPUT_ERRORS",
    "PROTOCOL_VERSION", "REQUEST_CONTEXT", "STATUS", "Deposit", "ErrorCode", "FetchPage",
    "ItemVersion", "RequestAuth", "StoredEnvelope", "WireError", "b64decode", "b64encode",
    "canonical_request", "decode_ack", "decode_deposit", "decode_fetch_page",
    "decode_invitation", "decode_item", "derive_key", "dumps", "encode_ack", "encode_deposit",
    "encode_fetch_page", "encode_invitation", "encode_item", "invitation_lookup_id",
    "is_valid_id", "new_id", "parse_auth_headers", "parse_fetch_query", "parse_object",
    "parse_query", "relay_signing_key", "require_bytes", "require_id", "require_id_list",
    "require_int", "require_version", "sign_request", "utc_time", "verify_request",
]
