"""The relay's API as an OpenAPI 3.1 document, built from the wire format's own constants.

Served at ``GET /openapi.json`` and kept in ``docs/relay-openapi.json`` (a test keeps the two
identical; regenerate with ``python -m reconnect_tui.relay.openapi > docs/relay-openapi.json``).
It describes every route, body, query parameter, signature header and answer, errors included;
``docs/protocol.md`` says the same in prose. Limits that an operator configures are named in
descriptions, not fixed in schemas, so one document fits every relay.
"""

from __future__ import annotations

import json
from typing import Any

from reconnect_tui import wire as p
from reconnect_tui.wire.batch import MAX_BATCH_ENVELOPES

Schema = dict[str, Any]

_ID = {"type": "string", "pattern": f"^{p.ID_PATTERN.pattern}$"}
_B64 = {"type": "string", "pattern": "^[A-Za-z0-9_-]*$",
        "description": "base64url without padding (RFC 4648 section 5), canonical"}
_NONEMPTY_B64 = {**_B64, "minLength": 2}
_V = {"type": "integer", "const": p.PROTOCOL_VERSION,
      "description": "protocol version: the JSON integer 1 (not 1.0)"}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Schema], required: list[str] | None = None) -> Schema:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required}


SCHEMAS: dict[str, Schema] = {
    "Error": {
        **_object({
            "error": {"type": "string", "enum": sorted(str(code) for code in p.ErrorCode)},
            "reason": {"type": "string", "description": "English, for operators; never quotes "
                                                        "the request's content"},
        }),
        "additionalProperties": False,
    },
    "Health": _object({"status": {"type": "string", "const": "ok"},
                       "protocol": {"type": "integer", "const": p.PROTOCOL_VERSION}}),
    "Claimed": _object({"claimed": {"type": "boolean", "const": True},
                        "created": {"type": "boolean"}}),
    "Deposit": _object({"v": _V, "id": _ID, "ciphertext": _NONEMPTY_B64}),
    "Deposited": _object({"id": _ID, "stored": {"type": "boolean"},
                          "duplicate": {"type": "boolean"}}),
    "BatchEntry": _object({"mailbox": _ID, "id": _ID, "ciphertext": _NONEMPTY_B64}),
    "DepositBatch": _object({"v": _V, "envelopes": {
        "type": "array", "items": _ref("BatchEntry"), "minItems": 1,
        "maxItems": MAX_BATCH_ENVELOPES}}),
    "BatchStored": {**_object({"mailbox": _ID, "id": _ID, "stored": {"type": "boolean"},
                               "duplicate": {"type": "boolean"}}),
                    "additionalProperties": False},
    "BatchRefused": {**_object({
        "mailbox": _ID, "id": _ID,
        "error": {"type": "string", "enum": sorted(str(code) for code in p.ErrorCode),
                  "description": "what a deposit of this envelope alone would have been "
                                 "refused with: not_found, too_large, mailbox_full, "
                                 "relay_full, address_budget"},
        "reason": {"type": "string"}}), "additionalProperties": False},
    "BatchResults": _object({"v": _V, "results": {
        "type": "array", "items": {"oneOf": [_ref("BatchStored"), _ref("BatchRefused")]},
        "description": "one per envelope sent, in the same order"}}),
    "Envelope": _object({"id": _ID, "seq": {"type": "integer", "minimum": 1},
                         "ciphertext": _B64}),
    "FetchPage": _object({"v": _V, "envelopes": {"type": "array", "items": _ref("Envelope"),
                                                 "maxItems": p.MAX_FETCH_LIMIT},
                          "cursor": {"type": "integer", "minimum": 0},
                          "more": {"type": "boolean"}}),
    "Ack": _object({"v": _V, "ids": {"type": "array", "items": _ID, "minItems": 1,
                                     "maxItems": p.MAX_ACK_IDS}}),
    "Acknowledged": _object({"deleted": {"type": "integer", "minimum": 0}}),
    "Item": _object({"v": _V,
                     "version": {"type": "integer", "minimum": 1,
                                 "maximum": p.MAX_ITEM_VERSION,
                                 "description": "above every earlier version of the slot, by at "
                                                f"most {p.MAX_VERSION_STEP}"},
                     "ciphertext": _NONEMPTY_B64}),
    "ItemWritten": _object({"id": _ID, "version": {"type": "integer", "minimum": 1},
                            "created": {"type": "boolean"}}),
    "ItemDeleted": _object({"id": _ID, "deleted": {"type": "boolean", "const": True}}),
    "Invitation": _object({"v": _V, "bundle": _NONEMPTY_B64}),
    "InvitationStored": _object({"id": _ID, "expires": {"type": "integer",
                                                        "description": "Unix seconds"}}),
}

_AUTH_HEADERS: list[tuple[str, str, Schema]] = [
    (p.HEADER_KEY, "the signing Ed25519 public key, base64url (32 bytes)",
     {"type": "string", "pattern": "^[A-Za-z0-9_-]{43}$"}),
    (p.HEADER_TIMESTAMP, f"whole seconds since the Unix epoch, within {p.MAX_CLOCK_SKEW} s of "
                         "the relay's clock",
     {"type": "string", "pattern": "^[0-9]{1,12}$"}),
    (p.HEADER_NONCE, "random per request, never reused by a key",
     {"type": "string", "pattern": f"^{p.NONCE_PATTERN.pattern}$"}),
    (p.HEADER_SIGNATURE, "Ed25519 signature, base64url (64 bytes), over the canonical request "
                         "(docs/protocol.md, Request signing)",
     {"type": "string", "pattern": "^[A-Za-z0-9_-]{86}$"}),
]

PARAMETERS: dict[str, Schema] = {
    name.replace("-", ""): {"name": name, "in": "header", "required": True,
                            "description": text, "schema": schema}
    for name, text, schema in _AUTH_HEADERS
}
PARAMETERS.update({
    "mailbox": {"name": "mailbox", "in": "path", "required": True, "schema": _ID,
                "description": "a mailbox id chosen by its owner"},
    "item": {"name": "item", "in": "path", "required": True, "schema": _ID,
             "description": "a shared-item slot id"},
    "lookup": {"name": "lookup", "in": "path", "required": True, "schema": _ID,
               "description": "protocol.invitation_lookup_id(code): never the code itself"},
    "since": {"name": "since", "in": "query", "required": False,
              "schema": {"type": "integer", "minimum": 0, "maximum": 2**62, "default": 0},
              "description": "the cursor of the previous page (0 at first); at most once"},
    "limit": {"name": "limit", "in": "query", "required": False,
              "schema": {"type": "integer", "minimum": 1, "maximum": p.MAX_FETCH_LIMIT,
                         "default": 100},
              "description": "envelopes per page; at most once"},
})

_ERRORS: dict[int, str] = {
    400: "Malformed: body, base64, field, id, query (unknown or repeated parameter), `v`, a "
         "body where none belongs, or an item version rising too far (`version_too_high`)",
    401: "Not signed, or the signature, timestamp or nonce is refused",
    403: "The mailbox or item belongs to another key",
    404: "No such mailbox, item or invitation (or it expired)",
    405: "Method not allowed (e.g. HEAD on a signed route)",
    409: "Item version not above the one held (`version_conflict`), or the invitation id is "
         "taken (`exists`)",
    413: "Body or ciphertext over the relay's limit (by default 257 KiB of ciphertext, a "
         "batched deposit's body 4 MiB, an invitation bundle 16 KiB)",
    415: "A body without `Content-Type: application/json` (a `charset=utf-8` parameter is "
         "allowed)",
    429: "Slow down: this key's or this client address's budget (`rate_limited`: by default "
         "600 requests a minute per key; `address_budget`: 1,200 a minute or 8 MiB of new data "
         "an hour per address), or the mailbox is full (`mailbox_full`: 10,000 envelopes or "
         "256 MiB)",
    503: "The relay's storage failed; retry later",
    507: "The relay's total storage is used up (`relay_full`; 8 GiB by default); keep the data "
         "and retry later",
}

RESPONSES: dict[str, Schema] = {}
for _status, _text in _ERRORS.items():
    _answer: Schema = {"description": _text,
                       "content": {"application/json": {"schema": _ref("Error")}}}
    if _status == 429:
        _answer["headers"] = {"Retry-After": {"description": "seconds to wait",
                                              "schema": {"type": "string",
                                                         "pattern": "^[0-9]+$"}}}
    RESPONSES[str(_status)] = _answer


def _ok(description: str, schema: str) -> Schema:
    return {"description": description,
            "content": {"application/json": {"schema": _ref(schema)}}}


def _operation(summary: str, op_id: str, answers: dict[str, Schema], errors: list[int], *,
               path: str | None = None, query: tuple[str, ...] = (),
               body: str | None = None) -> Schema:
    """One signed operation: its parameters, body and every answer it can give."""
    parameters = [{"$ref": f"#/components/parameters/{name}"}
                  for name in ([path] if path else []) + list(query)
                  + [h.replace("-", "") for h, _t, _s in _AUTH_HEADERS]]
    statuses = {400, 401, 405, 413, 429, 503, *errors}
    if body:
        statuses.add(415)
    operation: Schema = {
        "summary": summary,
        "operationId": op_id,
        "parameters": parameters,
        "responses": {**answers, **{str(s): {"$ref": f"#/components/responses/{s}"}
                                    for s in sorted(statuses)}},
    }
    if body:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": _ref(body)}}}
    return operation


def document() -> Schema:
    """The OpenAPI document (a fresh dict each call)."""
    mailbox = "/v1/mailboxes/{mailbox}"
    paths: dict[str, Schema] = {
        "/health": {"get": {
            "summary": "Is the relay up (unsigned)",
            "operationId": "health",
            "responses": {"200": _ok("Up", "Health"),
                          "405": {"$ref": "#/components/responses/405"}},
        }},
        "/openapi.json": {"get": {
            "summary": "This document (unsigned)",
            "operationId": "openapi",
            "responses": {"200": {"description": "The OpenAPI document",
                                  "content": {"application/json": {
                                      "schema": {"type": "object"}}}},
                          "405": {"$ref": "#/components/responses/405"}},
        }},
        mailbox: {"put": _operation(
            "Claim a mailbox (the first key to claim it owns it)", "claimMailbox",
            {"200": _ok("Already this key's", "Claimed"), "201": _ok("Claimed now", "Claimed")},
            [403], path="mailbox")},
        mailbox + "/envelopes": {
            "post": _operation(
                "Deposit an envelope (any key)", "deposit",
                {"200": _ok("Seen before: not stored again", "Deposited"),
                 "201": _ok("Stored", "Deposited")},
                [404, 507], path="mailbox", body="Deposit"),
            "get": _operation(
                "Fetch envelopes after a cursor (the owner)", "fetch",
                {"200": _ok("A page of envelopes", "FetchPage")},
                [403, 404], path="mailbox", query=("since", "limit")),
        },
        "/v1/envelopes": {"post": _operation(
            "Deposit envelopes into many mailboxes in one request and one commit (any key)",
            "depositBatch",
            {"200": _ok("Each envelope's own answer, in order: stored, seen before, or "
                        "refused as a deposit of it alone would have been", "BatchResults")},
            [], body="DepositBatch")},
        mailbox + "/ack": {"post": _operation(
            "Acknowledge envelopes: their ciphertext is deleted (the owner)", "acknowledge",
            {"200": _ok("How many were still there", "Acknowledged")},
            [403, 404], path="mailbox", body="Ack")},
        "/v1/items/{item}": {
            "put": _operation(
                "Write a shared-item slot (its first writer)", "putItem",
                {"200": _ok("Updated", "ItemWritten"), "201": _ok("Created", "ItemWritten")},
                [403, 409, 507], path="item", body="Item"),
            "get": _operation(
                "Read a shared-item slot (any key)", "getItem",
                {"200": _ok("The latest version", "Item")}, [404], path="item"),
            "delete": _operation(
                "Delete a slot's content; its version is kept (the owner)", "deleteItem",
                {"200": _ok("Deleted", "ItemDeleted")}, [403, 404], path="item"),
        },
        "/v1/invitations/{lookup}": {
            "put": _operation(
                "Leave a pairing invitation (any key)", "putInvitation",
                {"201": _ok("Stored until it expires", "InvitationStored")},
                [409, 507], path="lookup", body="Invitation"),
            "get": _operation(
                "Take an invitation: the relay deletes it (any key)", "takeInvitation",
                {"200": _ok("The bundle", "Invitation")}, [404], path="lookup"),
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ReConnect relay",
            "version": str(p.PROTOCOL_VERSION),
            "description": "Carries end-to-end encrypted envelopes, shared-item slots and "
                           "pairing invitations; never sees plaintext. Every route but /health "
                           "and /openapi.json is signed (the four X-Reconnect-* headers). Prose: "
                           "docs/protocol.md.",
        },
        "paths": paths,
        "components": {"schemas": SCHEMAS, "parameters": PARAMETERS, "responses": RESPONSES},
        "x-websockets": _websockets(),
    }


def _websockets() -> Schema:
    """The push channel: OpenAPI 3.1 has no words for a WebSocket, so it is described in an
    extension (prose: docs/protocol.md, "Push channel")."""
    from reconnect_tui.wire.push import (
        CLOSE_BASE,
        MAX_SUBSCRIBE_BYTES,
        MAX_SUBSCRIBE_MAILBOXES,
        SUBSCRIBE_PATH,
        SUBSCRIBE_TIMEOUT,
    )

    return {SUBSCRIBE_PATH: {
        "summary": "Push channel: be told the moment a deposit lands in one of this key's "
                   "mailboxes (never what, never which)",
        "description": (
            "A WebSocket. The handshake (GET) carries the four X-Reconnect-* headers, signed "
            f"as a request to GET {SUBSCRIBE_PATH} whose body is the first message, which is "
            f"the subscription (within {SUBSCRIBE_TIMEOUT:g} s, at most "
            f"{MAX_SUBSCRIBE_BYTES} bytes). A missing, malformed or stale signature is "
            "refused as the HTTP answer a request would get; a bad signature, a replayed "
            "nonce, a bad subscription or a limit reached closes the channel with "
            f"{CLOSE_BASE} + the status (4401, 4400, 4413, 4429, 4503) and the error code as "
            "the reason. Only mailboxes this key claimed are watched; nothing may be sent "
            "after the subscription."),
        "subscription": _object({
            "v": _V,
            "mailboxes": {"type": "array", "minItems": 1, "maxItems": MAX_SUBSCRIBE_MAILBOXES,
                          "uniqueItems": True, "items": _ID},
        }),
        "answers": [
            _object({"v": _V,
                      "subscribed": {"type": "integer", "minimum": 0,
                                     "description": "How many of the mailboxes are watched"}}),
            _object({"v": _V, "event": {"const": "new"}}),
        ],
    }}


def dumps() -> str:
    """The document as the exact text kept in ``docs/relay-openapi.json``."""
    return json.dumps(document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(dumps(), end="")
