"""Relay endpoints in process (Starlette TestClient over a real SQLite file, settable clock)."""

from __future__ import annotations

import nacl.signing
import pytest

from reconnect_tui import wire as p
from reconnect_tui.relay.config import DAY

Key = nacl.signing.SigningKey


def mailbox_path(mailbox: str, suffix: str = "") -> str:
    return f"/v1/mailboxes/{mailbox}{suffix}"


def test_health_needs_no_signature(relay) -> None:
    response = relay.http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "protocol": 1}


def test_unsigned_request_is_refused(relay) -> None:
    response = relay.call(None, "PUT", mailbox_path(p.new_id()))
    assert response.status_code == 401
    assert response.json()["error"] == "missing_auth"


def test_replayed_request_is_refused(relay, key: Key) -> None:
    path = mailbox_path(p.new_id())
    first = relay.call(key, "PUT", path, nonce="N" * 22)
    assert first.status_code == 201
    again = relay.call(key, "PUT", path, nonce="N" * 22)
    assert again.status_code == 401
    assert again.json() == {"error": "replayed_nonce", "reason": "nonce was already used"}


@pytest.mark.parametrize("offset", [-p.MAX_CLOCK_SKEW - 1, p.MAX_CLOCK_SKEW + 1])
def test_stale_timestamp_is_refused(relay, key: Key, offset: int) -> None:
    response = relay.call(key, "PUT", mailbox_path(p.new_id()),
                          timestamp=int(relay.clock()) + offset)
    assert response.status_code == 401
    assert response.json()["error"] == "stale_timestamp"
    ok = relay.call(key, "PUT", mailbox_path(p.new_id()),
                    timestamp=int(relay.clock()) + p.MAX_CLOCK_SKEW)
    assert ok.status_code == 201


def test_signature_must_cover_the_body(relay, key: Key) -> None:
    mailbox = p.new_id()
    relay.claim(key, mailbox)
    body = p.encode_deposit(p.new_id(), b"abc")
    headers = p.sign_request(key, "POST", mailbox_path(mailbox, "/envelopes"), body,
                             timestamp=int(relay.clock()))
    tampered = p.encode_deposit(p.new_id(), b"abd")
    response = relay.http.post(mailbox_path(mailbox, "/envelopes"), content=tampered,
                               headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 401
    assert response.json()["error"] == "bad_signature"


def test_upload_twice_is_stored_once(relay, key: Key, other_key: Key) -> None:
    mailbox, eid = p.new_id(), p.new_id()
    relay.claim(key, mailbox)
    first = relay.deposit(other_key, mailbox, eid, b"sealed")
    assert first.status_code == 201
    assert first.json() == {"id": eid, "stored": True, "duplicate": False}
    second = relay.deposit(other_key, mailbox, eid, b"sealed")
    assert second.status_code == 200
    assert second.json() == {"id": eid, "stored": False, "duplicate": True}
    page = p.decode_fetch_page(relay.call(key, "GET", mailbox_path(mailbox, "/envelopes")
                                          ).content)
    assert [e.id for e in page.envelopes] == [eid]
    # Even after acknowledgement a retried upload is recognised, not delivered again.
    assert relay.call(key, "POST", mailbox_path(mailbox, "/ack"), p.encode_ack([eid])
                      ).json() == {"deleted": 1}
    assert relay.deposit(other_key, mailbox, eid, b"sealed").json()["duplicate"] is True
    page = p.decode_fetch_page(relay.call(key, "GET", mailbox_path(mailbox, "/envelopes")
                                          ).content)
    assert page.envelopes == []


def test_only_the_owner_fetches_and_acknowledges(relay, key: Key, other_key: Key) -> None:
    mailbox = p.new_id()
    relay.claim(key, mailbox)
    assert relay.call(key, "PUT", mailbox_path(mailbox)).status_code == 200
    assert relay.call(other_key, "PUT", mailbox_path(mailbox)).status_code == 403
    eid = p.new_id()
    assert relay.deposit(other_key, mailbox, eid, b"x").status_code == 201
    fetched = relay.call(other_key, "GET", mailbox_path(mailbox, "/envelopes"))
    assert fetched.status_code == 403
    assert fetched.json()["error"] == "forbidden"
    ack = relay.call(other_key, "POST", mailbox_path(mailbox, "/ack"), p.encode_ack([eid]))
    assert ack.status_code == 403
    page = p.decode_fetch_page(relay.call(key, "GET", mailbox_path(mailbox, "/envelopes")
                                          ).content)
    assert [e.ciphertext for e in page.envelopes] == [b"x"]


def test_deposit_to_unclaimed_mailbox_is_404(relay, key: Key) -> None:
    response = relay.deposit(key, p.new_id(), p.new_id(), b"x")
    assert response.status_code == 404
    assert relay.call(key, "GET", mailbox_path(p.new_id(), "/envelopes")).status_code == 404


def test_fetch_pages_by_cursor(relay, key: Key) -> None:
    mailbox = p.new_id()
    relay.claim(key, mailbox)
    ids = [p.new_id() for _ in range(7)]
    for i, eid in enumerate(ids):
        assert relay.deposit(key, mailbox, eid, bytes([i])).status_code == 201
    seen: list[str] = []
    cursor, pages = 0, 0
    while True:
        page = p.decode_fetch_page(relay.call(
            key, "GET", mailbox_path(mailbox, f"/envelopes?since={cursor}&limit=3")).content)
        seen += [e.id for e in page.envelopes]
        cursor, pages = page.cursor, pages + 1
        if not page.more:
            break
    assert seen == ids
    assert pages == 3
    empty = p.decode_fetch_page(relay.call(
        key, "GET", mailbox_path(mailbox, f"/envelopes?since={cursor}")).content)
    assert empty.envelopes == [] and empty.cursor == cursor and not empty.more


def test_retention_expires_unacknowledged_envelopes(make_relay, key: Key) -> None:
    relay = make_relay(retention_seconds=2 * DAY)
    mailbox = p.new_id()
    relay.claim(key, mailbox)
    relay.deposit(key, mailbox, p.new_id(), b"old")
    relay.clock.now += DAY
    relay.deposit(key, mailbox, p.new_id(), b"new")
    relay.clock.now += DAY + 1
    page = p.decode_fetch_page(relay.call(key, "GET", mailbox_path(mailbox, "/envelopes")
                                          ).content)
    assert [e.ciphertext for e in page.envelopes] == [b"new"]
    relay.http.app.state.relay.storage.purge_expired(int(relay.clock()), item_tombstone_seconds=1)
    assert relay.rows("SELECT COUNT(*) FROM envelopes") == [(1,)]


def test_invitation_is_fetched_once_and_expires(make_relay, key: Key, other_key: Key) -> None:
    relay = make_relay(invitation_ttl_seconds=3600)
    lookup = p.invitation_lookup_id("K7Q-M3P")
    path = f"/v1/invitations/{lookup}"
    assert relay.call(key, "PUT", path, p.encode_invitation(b"bundle")).status_code == 201
    assert relay.call(key, "PUT", path, p.encode_invitation(b"again")).status_code == 409
    assert relay.call(other_key, "HEAD", path).status_code == 405
    taken = relay.call(other_key, "GET", path)
    assert taken.status_code == 200
    assert p.decode_invitation(taken.content) == b"bundle"
    assert relay.call(other_key, "GET", path).status_code == 404
    assert relay.call(key, "PUT", path, p.encode_invitation(b"late")).status_code == 201
    relay.clock.now += 3601
    assert relay.call(other_key, "GET", path).status_code == 404


def test_item_slot_owner_writes_and_versions(relay, key: Key, other_key: Key) -> None:
    path = f"/v1/items/{p.new_id()}"
    assert relay.call(key, "PUT", path, p.encode_item(1, b"v1")).status_code == 201
    assert relay.call(key, "PUT", path, p.encode_item(3, b"v3")).status_code == 200
    for version in (3, 2):
        refused = relay.call(key, "PUT", path, p.encode_item(version, b"old"))
        assert refused.status_code == 409
        assert refused.json()["error"] == "version_conflict"
    assert relay.call(other_key, "PUT", path, p.encode_item(9, b"evil")).status_code == 403
    assert relay.call(other_key, "DELETE", path).status_code == 403
    got = relay.call(other_key, "GET", path)
    assert p.decode_item(got.content) == p.ItemVersion(3, b"v3")
    assert relay.call(key, "DELETE", path).status_code == 200
    assert relay.call(other_key, "GET", path).status_code == 404
    assert relay.call(key, "DELETE", path).status_code == 404
    # No rollback after a delete: the old version number is still remembered.
    assert relay.call(key, "PUT", path, p.encode_item(2, b"old")).status_code == 409
    assert relay.call(other_key, "PUT", path, p.encode_item(9, b"x")).status_code == 403
    assert relay.call(key, "PUT", path, p.encode_item(4, b"v4")).status_code == 200


def test_oversized_body_and_ciphertext_are_413(make_relay, key: Key) -> None:
    relay = make_relay(max_envelope_bytes=1000)
    mailbox = p.new_id()
    relay.claim(key, mailbox)
    too_big = relay.deposit(key, mailbox, p.new_id(), b"x" * 1001)
    assert too_big.status_code == 413
    assert too_big.json()["error"] == "too_large"
    assert relay.deposit(key, mailbox, p.new_id(), b"x" * 1000).status_code == 201
    huge = relay.call(key, "POST", mailbox_path(mailbox, "/envelopes"), b"x" * 10_000)
    assert huge.status_code == 413
    item = relay.call(key, "PUT", f"/v1/items/{p.new_id()}", p.encode_item(1, b"x" * 1001))
    assert item.status_code == 413


def test_default_limit_accepts_the_largest_padded_bucket(relay, key: Key) -> None:
    mailbox = p.new_id()
    relay.claim(key, mailbox)
    assert relay.deposit(key, mailbox, p.new_id(), b"x" * (262144 + 40)).status_code == 201
    assert relay.deposit(key, mailbox, p.new_id(), b"x" * 300_000).status_code == 413


@pytest.mark.parametrize(("body", "code"), [
    (b"{not json", "bad_json"),
    (b"\xff\xfe", "bad_json"),
    (b'"a string"', "bad_json"),
    (b'{"v":1,"id":"AAAAAAAAAAAAAAAAAAAAAA","ciphertext":"***"}', "bad_base64"),
    (b'{"v":1,"id":"AAAAAAAAAAAAAAAAAAAAAA","ciphertext":["a"]}', "bad_base64"),
    (b'{"v":1,"id":12,"ciphertext":"AA"}', "bad_id"),
    (b'{"v":"1","id":"AAAAAAAAAAAAAAAAAAAAAA","ciphertext":"AA"}', "bad_version"),
    (b'{"v":1,"id":"AAAAAAAAAAAAAAAAAAAAAA"}', "bad_field"),
])
def test_malformed_bodies_are_400(relay, key: Key, body: bytes, code: str) -> None:
    mailbox = p.new_id()
    relay.claim(key, mailbox)
    response = relay.call(key, "POST", mailbox_path(mailbox, "/envelopes"), body)
    assert response.status_code == 400
    assert response.json()["error"] == code
    assert set(response.json()) == {"error", "reason"}


def test_bad_ids_routes_methods_and_queries(relay, key: Key) -> None:
    assert relay.call(key, "PUT", "/v1/mailboxes/short").json()["error"] == "bad_id"
    missing = relay.call(key, "GET", "/v2/anything")
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    wrong = relay.call(key, "PATCH", f"/v1/items/{p.new_id()}")
    assert (wrong.status_code, wrong.json()["error"]) == (405, "method_not_allowed")
    mailbox = p.new_id()
    relay.claim(key, mailbox)
    bad_query = relay.call(key, "GET", mailbox_path(mailbox, "/envelopes?limit=abc"))
    assert (bad_query.status_code, bad_query.json()["error"]) == (400, "bad_field")
    bad_ack = relay.call(key, "POST", mailbox_path(mailbox, "/ack"), b'{"v":1,"ids":[]}')
    assert bad_ack.status_code == 400


def test_rate_limit_per_key(make_relay, key: Key, other_key: Key) -> None:
    relay = make_relay(rate_limit_per_minute=3)
    for _ in range(3):
        assert relay.call(key, "GET", f"/v1/items/{p.new_id()}").status_code == 404
    limited = relay.call(key, "GET", f"/v1/items/{p.new_id()}")
    assert limited.status_code == 429
    assert limited.json()["error"] == "rate_limited"
    assert limited.headers["retry-after"] == "60"
    assert relay.call(other_key, "GET", f"/v1/items/{p.new_id()}").status_code == 404
    relay.clock.now += 60
    assert relay.call(key, "GET", f"/v1/items/{p.new_id()}").status_code == 404


def test_mailbox_quota(make_relay, key: Key) -> None:
    relay = make_relay(mailbox_max_envelopes=2, mailbox_max_bytes=10)
    mailbox = p.new_id()
    relay.claim(key, mailbox)
    assert relay.deposit(key, mailbox, p.new_id(), b"12345").status_code == 201
    over_bytes = relay.deposit(key, mailbox, p.new_id(), b"123456")
    assert (over_bytes.status_code, over_bytes.json()["error"]) == (429, "mailbox_full")
    first_id = p.new_id()
    assert relay.deposit(key, mailbox, first_id, b"1").status_code == 201
    assert relay.deposit(key, mailbox, p.new_id(), b"1").status_code == 429
    page = p.decode_fetch_page(relay.call(key, "GET", mailbox_path(mailbox, "/envelopes")
                                          ).content)
    relay.call(key, "POST", mailbox_path(mailbox, "/ack"),
               p.encode_ack([e.id for e in page.envelopes]))
    assert relay.deposit(key, mailbox, p.new_id(), b"1234567890").status_code == 201


def test_envelopes_table_holds_no_sender_key(relay, key: Key, other_key: Key) -> None:
    mailbox = p.new_id()
    relay.claim(key, mailbox)
    relay.deposit(other_key, mailbox, p.new_id(), b"sealed")
    sender = bytes(other_key.verify_key)
    for table in ("envelopes", "mailboxes", "items", "invitations"):
        for row in relay.rows(f"SELECT * FROM {table}"):
            assert all(sender not in v for v in row if isinstance(v, bytes))


def test_a_refused_deposit_still_spends_its_nonce_and_counts(make_relay, key: Key) -> None:
    """Deposits are admitted in their own transaction; a refusal must not undo the admission."""
    relay = make_relay(rate_limit_per_minute=3)
    path = mailbox_path(p.new_id(), "/envelopes")  # never claimed: 404
    body = p.encode_deposit(p.new_id(), b"sealed")
    headers = p.sign_request(key, "POST", path, body, timestamp=int(relay.clock()))
    headers["Content-Type"] = "application/json"
    first = relay.http.post(path, content=body, headers=headers)
    assert (first.status_code, first.json()["error"]) == (404, "not_found")
    again = relay.http.post(path, content=body, headers=headers)
    assert (again.status_code, again.json()["error"]) == (401, "replayed_nonce")
    bad_body = relay.call(key, "POST", path, b'{"v": 1}')
    assert bad_body.status_code == 400
    assert relay.deposit(key, p.new_id(), p.new_id(), b"x").status_code == 404
    limited = relay.deposit(key, p.new_id(), p.new_id(), b"x")
    assert (limited.status_code, limited.json()["error"]) == (429, "rate_limited")


def test_a_batched_deposit_answers_each_envelope_as_a_deposit_would(make_relay, key: Key,
                                                                     other_key: Key) -> None:
    from reconnect_tui.wire.batch import BatchEnvelope, decode_batch_results, encode_deposit_batch

    relay = make_relay(max_envelope_bytes=1000, mailbox_max_envelopes=2)
    first, second, unclaimed = p.new_id(), p.new_id(), p.new_id()
    relay.claim(key, first)
    relay.claim(key, second)
    seen = p.new_id()
    assert relay.deposit(other_key, first, seen, b"earlier").status_code == 201
    sent = [BatchEnvelope(first, p.new_id(), b"to first"),
            BatchEnvelope(second, p.new_id(), b"to second"),
            BatchEnvelope(first, seen, b"earlier"),  # seen before: a duplicate
            BatchEnvelope(unclaimed, p.new_id(), b"nobody's"),
            BatchEnvelope(second, p.new_id(), b"x" * 1001),  # over the envelope limit
            BatchEnvelope(second, p.new_id(), b"second's second"),
            BatchEnvelope(second, p.new_id(), b"one too many")]  # the mailbox holds 2
    response = relay.call(other_key, "POST", "/v1/envelopes", encode_deposit_batch(sent))
    assert response.status_code == 200
    results = decode_batch_results(response.content, sent)
    assert [(r.stored, r.error) for r in results] == [
        (True, None), (True, None), (False, None), (False, "not_found"), (False, "too_large"),
        (True, None), (False, "mailbox_full")]
    for mailbox, expected in ((first, [b"earlier", b"to first"]),
                              (second, [b"to second", b"second's second"])):
        page = p.decode_fetch_page(relay.call(key, "GET", mailbox_path(mailbox, "/envelopes")
                                              ).content)
        assert [e.ciphertext for e in page.envelopes] == expected
    assert response.json()["results"][2] == {"mailbox": first, "id": seen, "stored": False,
                                             "duplicate": True}


def test_a_batched_deposit_is_one_signed_request(make_relay, key: Key) -> None:
    from reconnect_tui.wire.batch import MAX_BATCH_ENVELOPES, BatchEnvelope, encode_deposit_batch

    relay = make_relay(rate_limit_per_minute=4, max_batch_body_bytes=10_000)  # 100 count 1
    mailbox = p.new_id()
    relay.claim(key, mailbox)
    body = encode_deposit_batch([BatchEnvelope(mailbox, p.new_id(), b"e%d" % n)
                                 for n in range(MAX_BATCH_ENVELOPES)])
    headers = {"Content-Type": "application/json",
               **p.sign_request(key, "POST", "/v1/envelopes", body,
                                timestamp=int(relay.clock()))}
    assert relay.http.post("/v1/envelopes", content=body, headers=headers).status_code == 200
    replayed = relay.http.post("/v1/envelopes", content=body, headers=headers)
    assert (replayed.status_code, replayed.json()["error"]) == (401, "replayed_nonce")
    too_many = encode_deposit_batch([BatchEnvelope(mailbox, p.new_id(), b"e")] * 101)
    assert relay.call(key, "POST", "/v1/envelopes", too_many).json()["error"] == "bad_field"
    too_big = encode_deposit_batch([BatchEnvelope(mailbox, p.new_id(), b"x" * 9000)])
    assert relay.call(key, "POST", "/v1/envelopes", too_big).status_code == 413
    page = p.decode_fetch_page(relay.call(key, "GET", mailbox_path(
        mailbox, f"/envelopes?limit={p.MAX_FETCH_LIMIT}")).content)
    assert len(page.envelopes) == MAX_BATCH_ENVELOPES
