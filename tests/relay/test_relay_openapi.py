"""The relay's OpenAPI document: served, kept in docs/, and true to the relay.

A bounded schemathesis run drives every operation in process, both as generated (mostly
refused with 401) and signed with a real key (so requests reach the handlers): 0 server errors,
every answer's status, content type, headers and body as the document says."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import httpx
import nacl.signing
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from reconnect_tui import wire as p
from reconnect_tui.relay.app import create_app
from reconnect_tui.relay.config import RelayConfig
from reconnect_tui.relay.openapi import document, dumps
from reconnect_tui.relay.sqlite_storage import SQLiteRelayStorage

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

DOCS = Path(__file__).resolve().parents[2] / "docs" / "relay-openapi.json"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
KEY = nacl.signing.SigningKey(bytes(range(32)))


def test_served_document_is_the_one_in_docs(relay) -> None:
    served = relay.http.get("/openapi.json")
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/json"
    assert served.content.decode("utf-8") == DOCS.read_text(encoding="utf-8") == dumps(), (
        "regenerate: python -m reconnect_tui.relay.openapi > docs/relay-openapi.json")


def test_every_route_and_error_code_is_documented(relay) -> None:
    doc = document()
    app_routes = {(method, route.path) for route in relay.http.app.routes
                  if hasattr(route, "methods") for method in route.methods - {"HEAD"}}
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    assert documented == app_routes
    websockets = {route.path for route in relay.http.app.routes if not hasattr(route, "methods")}
    assert set(doc["x-websockets"]) == websockets  # the push channel, in an extension
    codes = set(doc["components"]["schemas"]["Error"]["properties"]["error"]["enum"])
    assert codes == {str(code) for code in p.ErrorCode}
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if path in ("/health", "/openapi.json"):
                continue
            statuses = set(op["responses"])
            assert {"400", "401", "413", "429", "503"} <= statuses, (method, path)
            if "requestBody" in op:
                assert "415" in statuses, (method, path)
    for status in ("400", "401", "413", "415", "429", "507"):
        assert status in doc["components"]["responses"]


# --- schemathesis -----------------------------------------------------------------------------

schema = schemathesis.openapi.from_dict(document())  # the served one: test above
_http: list[TestClient] = []
_folders: list[Path] = []


def _client() -> TestClient:
    """One relay over a fresh database for the whole run, built on first use."""
    if not _http:
        folder = Path(tempfile.mkdtemp(prefix="relay-openapi-"))
        _folders.append(folder)
        config = RelayConfig(rate_limit_per_minute=10**9, address_rate_per_minute=10**9,
                             address_bytes_per_hour=10**12)
        app = create_app(SQLiteRelayStorage(folder / "relay.db"), config)
        client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
        client.__enter__()
        _http.append(client)
    return _http[0]


@pytest.fixture(scope="module", autouse=True)
def _closed_relay():  # noqa: ANN202
    yield
    for client in _http:
        client.__exit__(None, None, None)
    _http.clear()
    for folder in _folders:
        shutil.rmtree(folder, ignore_errors=True)


def _send(case, *, sign: bool) -> httpx.Response:  # noqa: ANN001 - a schemathesis Case
    """Send the generated request as schemathesis would; signed: with a real signature over
    exactly the bytes sent (and the generated X-Reconnect-* headers replaced)."""
    prepared = requests.Request(**{
        k: v for k, v in case.as_transport_kwargs(base_url="http://127.0.0.1").items()
        if k in ("method", "url", "headers", "params", "data", "json", "cookies")
    }).prepare()
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    url = httpx.URL(prepared.url)
    headers = {k: v for k, v in prepared.headers.items() if k.lower() != "content-length"}
    if sign:
        headers = {k: v for k, v in headers.items() if not k.lower().startswith("x-reconnect-")}
        headers.update(p.sign_request(KEY, prepared.method, url.raw_path.decode("ascii"), body,
                                      timestamp=int(time.time())))
    return _client().request(prepared.method, url, content=body, headers=headers)


_FAST = settings(max_examples=15, deadline=None, derandomize=True,
                 suppress_health_check=list(HealthCheck))


@schema.parametrize()
@_FAST
def test_generated_requests_get_documented_answers(case) -> None:  # noqa: ANN001
    response = _send(case, sign=False)
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@_FAST
def test_signed_generated_requests_get_documented_answers(case) -> None:  # noqa: ANN001
    response = _send(case, sign=True)
    case.validate_response(response, checks=CHECKS)


def test_the_document_is_valid_json_with_sorted_keys() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert json.loads(text) == document()
