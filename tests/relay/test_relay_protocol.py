"""The pure wire-format functions: exact bytes, strictness, padding."""

from __future__ import annotations

import hashlib

import nacl.signing
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconnect_tui import wire as p
from reconnect_tui.errors import ProtocolError
from reconnect_tui.wire.padding import BUCKETS, MAX_PLAINTEXT, bucket_for, pad, unpad

SEED = bytes(range(32))


def test_canonical_request_is_pinned() -> None:
    body = b'{"v":1}'
    expected = (
        "reconnect-relay/v1/request\nPOST\n/v1/x?since=3\n1800000000\nAAAAAAAAAAAAAAAAAAAAAA\n"
        + hashlib.sha256(body).hexdigest()
    ).encode()
    assert p.canonical_request("post", "/v1/x?since=3", 1800000000, "A" * 22, body) == expected


def test_signature_is_deterministic_and_verifies() -> None:
    key = nacl.signing.SigningKey(SEED)
    headers = p.sign_request(key, "GET", "/v1/items/" + "a" * 22, b"", timestamp=1800000000,
                             nonce="B" * 22)
    again = p.sign_request(key, "GET", "/v1/items/" + "a" * 22, b"", timestamp=1800000000,
                           nonce="B" * 22)
    assert headers == again
    auth = p.parse_auth_headers(headers.get)
    assert auth.key == bytes(key.verify_key)
    p.verify_request(auth, "GET", "/v1/items/" + "a" * 22, b"", now=1800000000)


@pytest.mark.parametrize("change", ["method", "target", "body", "later"])
def test_any_change_breaks_the_signature(change: str) -> None:
    key = nacl.signing.SigningKey(SEED)
    headers = p.sign_request(key, "POST", "/v1/a", b"x", timestamp=1800000000, nonce="C" * 22)
    auth = p.parse_auth_headers(headers.get)
    args = {"method": "POST", "target": "/v1/a", "body": b"x", "now": 1800000000}
    if change == "method":
        args["method"] = "PUT"
    elif change == "target":
        args["target"] = "/v1/a?limit=1"
    elif change == "body":
        args["body"] = b"y"
    else:
        args["now"] = 1800000000 + p.MAX_CLOCK_SKEW + 1
    with pytest.raises(p.WireError) as caught:
        p.verify_request(auth, args["method"], args["target"], args["body"], args["now"])
    expected = p.ErrorCode.STALE_TIMESTAMP if change == "later" else p.ErrorCode.BAD_SIGNATURE
    assert caught.value.code == expected
    assert caught.value.status == 401


def test_missing_and_malformed_auth_headers() -> None:
    with pytest.raises(p.WireError) as caught:
        p.parse_auth_headers({}.get)
    assert caught.value.code == p.ErrorCode.MISSING_AUTH
    good = p.sign_request(nacl.signing.SigningKey(SEED), "GET", "/", b"", timestamp=1)
    for name, bad in [(p.HEADER_TIMESTAMP, "-5"), (p.HEADER_TIMESTAMP, "1e9"),
                      (p.HEADER_NONCE, "short"), (p.HEADER_KEY, "AAAA"),
                      (p.HEADER_SIGNATURE, "!!!")]:
        headers = {**good, name: bad}
        with pytest.raises(p.WireError) as caught:
            p.parse_auth_headers(headers.get)
        assert caught.value.code == p.ErrorCode.BAD_AUTH, (name, bad)


@given(st.binary(max_size=200))
def test_base64_round_trip(data: bytes) -> None:
    text = p.b64encode(data)
    assert "=" not in text
    assert p.b64decode(text) == data


@pytest.mark.parametrize("text", ["a+b/", "QQ==", "QR", "A", " QQ", "QQ\n", 5, None])
def test_base64_is_strict(text: object) -> None:
    with pytest.raises(p.WireError) as caught:
        p.b64decode(text)
    assert caught.value.code == p.ErrorCode.BAD_BASE64


def test_ids() -> None:
    assert p.is_valid_id(p.new_id())
    assert len(p.new_id(32)) == 43
    assert p.new_id() != p.new_id()
    # ids are typed on command lines (forum post ids): none may read as an option
    assert not any(p.new_id().startswith("-") for _ in range(5000))
    for bad in ["", "a" * 21, "a" * 65, "a" * 21 + "/", "a" * 21 + "=", 7, None]:
        assert not p.is_valid_id(bad)


def test_keys_are_derived_per_purpose() -> None:
    assert p.derive_key(SEED, "a") != p.derive_key(SEED, "b")
    assert p.derive_key(SEED, "a") == p.derive_key(SEED, "a")
    assert bytes(p.relay_signing_key(SEED).verify_key) != bytes(
        nacl.signing.SigningKey(SEED).verify_key)


def test_invitation_lookup_id_ignores_case_and_spaces() -> None:
    assert p.invitation_lookup_id("ab3 k7q") == p.invitation_lookup_id("AB3K7Q")
    assert p.invitation_lookup_id("AB3-K7Q") == p.invitation_lookup_id("AB3K7Q")
    assert p.invitation_lookup_id("AB3K7Q") != p.invitation_lookup_id("AB3K7R")
    assert p.is_valid_id(p.invitation_lookup_id("AB3K7Q"))


def test_envelope_bodies_round_trip_and_validate() -> None:
    eid = p.new_id()
    deposit = p.decode_deposit(p.encode_deposit(eid, b"\x00\x01"))
    assert (deposit.id, deposit.ciphertext) == (eid, b"\x00\x01")
    page = p.FetchPage([p.StoredEnvelope(eid, 7, b"c")], cursor=7, more=True)
    assert p.decode_fetch_page(p.encode_fetch_page(page)) == page
    assert p.decode_item(p.encode_item(3, b"z")) == p.ItemVersion(3, b"z")
    assert p.decode_invitation(p.encode_invitation(b"b")) == b"b"
    assert p.decode_ack(p.encode_ack([eid])) == [eid]
    for body, code in [
        (b"not json", p.ErrorCode.BAD_JSON),
        (b"[1]", p.ErrorCode.BAD_JSON),
        (b'{"v":2,"id":"%s","ciphertext":""}' % eid.encode(), p.ErrorCode.BAD_VERSION),
        (b'{"v":true,"id":"%s","ciphertext":""}' % eid.encode(), p.ErrorCode.BAD_VERSION),
        (b'{"v":1,"id":"x","ciphertext":""}', p.ErrorCode.BAD_ID),
        (b'{"v":1,"id":"%s"}' % eid.encode(), p.ErrorCode.BAD_FIELD),
        (b'{"v":1,"id":"%s","ciphertext":1}' % eid.encode(), p.ErrorCode.BAD_BASE64),
    ]:
        with pytest.raises(p.WireError) as caught:
            p.decode_deposit(body)
        assert caught.value.code == code, body
    with pytest.raises(p.WireError):
        p.decode_item(b'{"v":1,"version":0,"ciphertext":""}')
    with pytest.raises(p.WireError):
        p.decode_item(b'{"v":1,"version":true,"ciphertext":""}')


def test_fetch_query() -> None:
    assert p.parse_fetch_query({}) == (0, 100)
    assert p.parse_fetch_query({"since": "12", "limit": "500"}) == (12, 500)
    for bad in [{"limit": "0"}, {"limit": "501"}, {"since": "-1"}, {"since": "x"},
                {"other": "1"}, {"since": "9" * 30}]:
        with pytest.raises(p.WireError):
            p.parse_fetch_query(bad)


@given(st.binary(max_size=70000))
def test_padding_round_trip_hides_length(data: bytes) -> None:
    padded = pad(data)
    assert len(padded) in BUCKETS
    assert len(padded) == bucket_for(len(data))
    assert unpad(padded) == data


def test_padding_edges() -> None:
    assert len(pad(b"")) == 256
    assert len(pad(b"x" * 255)) == 256
    assert len(pad(b"x" * 256)) == 1024
    assert len(pad(b"x" * MAX_PLAINTEXT)) == BUCKETS[-1]
    with pytest.raises(ProtocolError):
        pad(b"x" * (MAX_PLAINTEXT + 1))
    for bad in [b"", b"\x00" * 256, b"x" * 256, b"x\x80" + b"\x00" * 253]:
        with pytest.raises(ProtocolError):
            unpad(bad)
