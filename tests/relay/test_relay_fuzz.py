"""Whatever arrives, the relay answers 2xx-4xx with a JSON reason: never a 5xx, never a crash."""

from __future__ import annotations

import json

import httpx
import nacl.signing
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from reconnect_tui import wire as p

KEY = nacl.signing.SigningKey(bytes(range(32)))
OWNED_MAILBOX = "M" * 22

TEMPLATES = [
    "/v1/mailboxes/{}", "/v1/mailboxes/{}/envelopes", "/v1/mailboxes/{}/ack",
    "/v1/items/{}", "/v1/invitations/{}", "/health", "/v1/{}", "/{}",
]
METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"]
ROUTES = [  # the real (method, route) pairs, drawn most of the time so requests get deep
    ("PUT", "/v1/mailboxes/{}"), ("POST", "/v1/mailboxes/{}/envelopes"),
    ("GET", "/v1/mailboxes/{}/envelopes"), ("POST", "/v1/mailboxes/{}/ack"),
    ("PUT", "/v1/items/{}"), ("GET", "/v1/items/{}"), ("DELETE", "/v1/items/{}"),
    ("PUT", "/v1/invitations/{}"), ("GET", "/v1/invitations/{}"),
]
requests = st.one_of(
    st.sampled_from(ROUTES), st.sampled_from(ROUTES), st.sampled_from(ROUTES),
    st.tuples(st.sampled_from(METHODS), st.sampled_from(TEMPLATES)),
)

segments = st.one_of(
    st.just(OWNED_MAILBOX),
    st.from_regex(p.ID_PATTERN, fullmatch=True),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
)
queries = st.one_of(
    st.just(""),
    st.builds(lambda s, n: f"?since={s}&limit={n}", st.integers(-5, 2**70), st.integers(-5, 999)),
    st.text(max_size=40).map(lambda q: "?" + q),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
envelope_like = st.fixed_dictionaries(
    {},
    optional={
        "v": st.one_of(st.just(1), json_values),
        "id": st.one_of(st.from_regex(p.ID_PATTERN, fullmatch=True), json_values),
        "ids": st.one_of(st.lists(st.from_regex(p.ID_PATTERN, fullmatch=True), max_size=3),
                         json_values),
        "ciphertext": st.one_of(st.binary(max_size=64).map(p.b64encode), json_values),
        "bundle": st.one_of(st.binary(max_size=64).map(p.b64encode), json_values),
        "version": st.one_of(st.integers(-3, 2**70), json_values),
    },
)
bodies = st.one_of(
    st.just(b""),
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    envelope_like.map(lambda v: json.dumps(v).encode()),
)


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(request=requests, segment=segments, query=queries, body=bodies,
       signed=st.integers(0, 3).map(bool))
def test_any_request_gets_a_4xx_or_success_never_5xx(make_relay, request: tuple[str, str],
                                                     segment: str, query: str, body: bytes,
                                                     signed: bool) -> None:
    relay = _shared_relay(make_relay)
    method, template = request
    path = template.format(segment) + query
    try:
        url = httpx.URL(path)
        target = url.raw_path.decode("ascii")
    except (httpx.InvalidURL, UnicodeError):
        return
    headers = (p.sign_request(KEY, method, target, body, timestamp=int(relay.clock()))
               if signed else {})
    if body:
        headers["Content-Type"] = "application/json"
    response = relay.http.request(method, path, content=body, headers=headers)
    assert response.status_code < 500, (method, path, body[:80])
    outcome = str(response.status_code)
    if response.status_code >= 400 and method != "HEAD":
        error = response.json()
        assert set(error) == {"error", "reason"}
        outcome += " " + error["error"]
    event(outcome)


_relays: dict[int, object] = {}


def _shared_relay(make_relay):  # noqa: ANN001, ANN202 - one relay per test run, built lazily
    relay = _relays.get(id(make_relay))
    if relay is None:
        _relays.clear()
        relay = make_relay(rate_limit_per_minute=10**9)
        relay.claim(KEY, OWNED_MAILBOX)
        relay.deposit(KEY, OWNED_MAILBOX, "E" * 22, b"sealed")
        _relays[id(make_relay)] = relay
    return relay
