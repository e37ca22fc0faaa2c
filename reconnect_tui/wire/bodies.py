"""The JSON bodies of each relay endpoint (envelopes, fetch pages, acks, items, invitations)
and their strict parsing. Pure: no I/O."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .codes import ErrorCode, WireError
from .encoding import b64decode, b64encode, require_id
from .limits import MAX_ACK_IDS, MAX_FETCH_LIMIT, MAX_ITEM_VERSION, PROTOCOL_VERSION


def dumps(obj: Mapping[str, Any]) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode("utf-8")


def parse_object(body: bytes) -> dict[str, Any]:
    """Parse a JSON object body; anything else is ``bad_json``."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise WireError(ErrorCode.BAD_JSON, "body is not valid UTF-8 JSON") from error
    if not isinstance(value, dict):
        raise WireError(ErrorCode.BAD_JSON, "body must be a JSON object")
    return value


def require_int(obj: Mapping[str, Any], name: str, *, low: int = 0, high: int = 2**62) -> int:
    value = obj.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise WireError(ErrorCode.BAD_FIELD, f"{name} must be an integer in [{low}, {high}]")
    return value


def require_version(obj: Mapping[str, Any]) -> None:
    """``v`` must be the JSON integer 1: not ``true``, not ``1.0`` (which ``json`` reads as a
    float equal to 1)."""
    value = obj.get("v")
    if type(value) is not int or value != PROTOCOL_VERSION:
        raise WireError(ErrorCode.BAD_VERSION, f"v must be the integer {PROTOCOL_VERSION}")


def require_bytes(obj: Mapping[str, Any], name: str, *, nonempty: bool = False) -> bytes:
    if name not in obj:
        raise WireError(ErrorCode.BAD_FIELD, f"{name} is missing")
    data = b64decode(obj[name], name)
    if nonempty and not data:
        raise WireError(ErrorCode.BAD_FIELD, f"{name} is empty")
    return data


def require_id_list(obj: Mapping[str, Any], name: str, limit: int) -> list[str]:
    value = obj.get(name)
    if not isinstance(value, list) or not 1 <= len(value) <= limit:
        raise WireError(ErrorCode.BAD_FIELD, f"{name} must be a list of 1-{limit} ids")
    return [require_id(item, name) for item in value]


@dataclass(frozen=True, slots=True)
class Deposit:
    """An envelope as uploaded: a client-chosen id and opaque ciphertext."""

    id: str
    ciphertext: bytes


def encode_deposit(envelope_id: str, ciphertext: bytes) -> bytes:
    return dumps({"v": PROTOCOL_VERSION, "id": require_id(envelope_id, "id"),
                  "ciphertext": b64encode(ciphertext)})


def decode_deposit(body: bytes) -> Deposit:
    obj = parse_object(body)
    require_version(obj)
    return Deposit(id=require_id(obj.get("id"), "id"),
                   ciphertext=require_bytes(obj, "ciphertext", nonempty=True))


@dataclass(frozen=True, slots=True)
class StoredEnvelope:
    """An envelope as fetched: ``seq`` orders it within the mailbox and is the fetch cursor."""

    id: str
    seq: int
    ciphertext: bytes


@dataclass(frozen=True, slots=True)
class FetchPage:
    envelopes: list[StoredEnvelope]
    cursor: int
    more: bool


def encode_fetch_page(page: FetchPage) -> bytes:
    return dumps({
        "v": PROTOCOL_VERSION,
        "envelopes": [{"id": e.id, "seq": e.seq, "ciphertext": b64encode(e.ciphertext)}
                      for e in page.envelopes],
        "cursor": page.cursor,
        "more": page.more,
    })


def decode_fetch_page(body: bytes) -> FetchPage:
    obj = parse_object(body)
    require_version(obj)
    items = obj.get("envelopes")
    if not isinstance(items, list):
        raise WireError(ErrorCode.BAD_FIELD, "envelopes must be a list")
    envelopes = []
    for item in items:
        if not isinstance(item, dict):
            raise WireError(ErrorCode.BAD_FIELD, "each envelope must be an object")
        envelopes.append(StoredEnvelope(id=require_id(item.get("id"), "id"),
                                        seq=require_int(item, "seq"),
                                        ciphertext=require_bytes(item, "ciphertext")))
    more = obj.get("more")
    if not isinstance(more, bool):
        raise WireError(ErrorCode.BAD_FIELD, "more must be a boolean")
    return FetchPage(envelopes=envelopes, cursor=require_int(obj, "cursor"), more=more)


def encode_ack(envelope_ids: list[str]) -> bytes:
    return dumps({"v": PROTOCOL_VERSION, "ids": envelope_ids})


def decode_ack(body: bytes) -> list[str]:
    obj = parse_object(body)
    require_version(obj)
    return require_id_list(obj, "ids", MAX_ACK_IDS)


@dataclass(frozen=True, slots=True)
class ItemVersion:
    """One shared-item slot's content: the latest version only."""

    version: int
    ciphertext: bytes


def encode_item(version: int, ciphertext: bytes) -> bytes:
    return dumps({"v": PROTOCOL_VERSION, "version": version, "ciphertext": b64encode(ciphertext)})


def decode_item(body: bytes) -> ItemVersion:
    obj = parse_object(body)
    require_version(obj)
    return ItemVersion(version=require_int(obj, "version", low=1, high=MAX_ITEM_VERSION),
                       ciphertext=require_bytes(obj, "ciphertext", nonempty=True))


def encode_invitation(bundle: bytes) -> bytes:
    return dumps({"v": PROTOCOL_VERSION, "bundle": b64encode(bundle)})


def decode_invitation(body: bytes) -> bytes:
    obj = parse_object(body)
    require_version(obj)
    return require_bytes(obj, "bundle", nonempty=True)


def parse_query(pairs: list[tuple[str, str]], allowed: frozenset[str] = frozenset()
                ) -> dict[str, str]:
    """The query's ``name=value`` pairs as a dict: only ``allowed`` names, each at most once
    (``since=1&since=9`` would leave it to the server to guess which one counts)."""
    params: dict[str, str] = {}
    for name, value in pairs:
        if name not in allowed:
            raise WireError(ErrorCode.BAD_FIELD, "this query parameter is not allowed here"
                            if allowed else "this request takes no query")
        if name in params:
            raise WireError(ErrorCode.BAD_FIELD, "a query parameter is repeated")
        params[name] = value
    return params


def parse_fetch_query(params: Mapping[str, str]) -> tuple[int, int]:
    """``since`` (cursor, default 0) and ``limit`` (1-500, default 100) of a fetch."""
    unknown = set(params) - {"since", "limit"}
    if unknown:
        raise WireError(ErrorCode.BAD_FIELD, "only since and limit are allowed in the query")
    values = []
    for name, default, high in (("since", 0, 2**62), ("limit", 100, MAX_FETCH_LIMIT)):
        text = params.get(name, str(default))
        if not text.isascii() or not text.isdigit() or len(text) > 19 or not 0 <= int(text) <= high:
            raise WireError(ErrorCode.BAD_FIELD, f"{name} must be an integer in [0, {high}]")
        values.append(int(text))
    since, limit = values
    if limit == 0:
        raise WireError(ErrorCode.BAD_FIELD, "limit must be at least 1")
    return since, limit
