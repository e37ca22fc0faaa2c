"""Fixtures for the relay tests: an in-process app (Starlette TestClient) with a settable clock,
signing helpers, and a real relay subprocess (``tests/relay_server.py``).

Every relay fixture runs once per storage (``backend``: SQLite, and PostgreSQL where one
answers, ``tests/relay_backends.py``)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nacl.signing
import pytest

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its TestClient; httpx is what we ship with.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from reconnect_tui import wire as p  # noqa: E402
from reconnect_tui.relay.app import create_app  # noqa: E402
from reconnect_tui.relay.backends import open_storage  # noqa: E402
from reconnect_tui.relay.config import RelayConfig  # noqa: E402
from tests.relay_backends import BACKENDS, RelayDatabase, postgres_unavailable  # noqa: E402
from tests.relay_server import RelayProcess  # noqa: E402

START = 1_800_000_000


@dataclass
class Clock:
    now: float = START

    def __call__(self) -> float:
        return self.now


@dataclass
class Relay:
    """An in-process relay: ``call(key, method, path, body)`` sends a signed request."""

    http: TestClient
    clock: Clock
    database: RelayDatabase
    keys: list[nacl.signing.SigningKey] = field(default_factory=list)

    def call(self, key: nacl.signing.SigningKey | None, method: str, path: str,
             body: bytes = b"", *, timestamp: int | None = None, nonce: str | None = None,
             headers: dict[str, str] | None = None):  # noqa: ANN201 - httpx.Response
        all_headers = {"Content-Type": "application/json"} if body else {}
        all_headers.update(headers or {})
        if key is not None:
            ts = int(self.clock()) if timestamp is None else timestamp
            all_headers.update(p.sign_request(key, method, path, body, timestamp=ts,
                                              nonce=nonce))
        return self.http.request(method, path, content=body, headers=all_headers)

    def from_address(self, host: str) -> Relay:
        """The same app and clock, reached from ``host`` (no second lifespan: not entered)."""
        http = TestClient(self.http.app, base_url="http://127.0.0.1", client=(host, 40000))
        return Relay(http=http, clock=self.clock, database=self.database)

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        """Read the relay's database directly (SQL that suits SQLite and PostgreSQL)."""
        return self.database.rows(sql)

    def claim(self, key: nacl.signing.SigningKey, mailbox: str) -> None:
        assert self.call(key, "PUT", f"/v1/mailboxes/{mailbox}").status_code == 201

    def deposit(self, key: nacl.signing.SigningKey, mailbox: str, envelope_id: str,
                ciphertext: bytes):  # noqa: ANN201
        return self.call(key, "POST", f"/v1/mailboxes/{mailbox}/envelopes",
                         p.encode_deposit(envelope_id, ciphertext))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgres`` (skipped, saying how to name a server, where none answers)."""
    if request.param == "postgres":
        reason = postgres_unavailable()
        if reason:
            pytest.skip(reason)
    return str(request.param)


@pytest.fixture
def relay_database(backend: str, tmp_path: Path) -> Iterator[Callable[..., RelayDatabase]]:
    """``relay_database()``: a fresh relay database on this test's backend (its ``target``
    is what ``--db`` takes); PostgreSQL schemas are dropped afterwards."""
    made: list[RelayDatabase] = []

    def make(name: str = "relay") -> RelayDatabase:
        database = RelayDatabase.create(backend, tmp_path, f"{name}{len(made)}")
        made.append(database)
        return database

    yield make
    for database in made:
        database.drop()


@pytest.fixture
def make_relay(relay_database: Callable[..., RelayDatabase]) -> Iterator[Callable[..., Relay]]:
    """Build in-process relays with config overrides: ``make_relay(rate_limit_per_minute=3)``.
    ``relay.from_address("10.0.0.7")``: the same relay as seen from another address."""
    opened: list[TestClient] = []

    def build(*, client: tuple[str, int] = ("127.0.0.1", 50000), **overrides: object) -> Relay:
        """``client``: the TCP peer the app sees (the address the per-address budgets count)."""
        database = relay_database()
        clock = Clock()
        app = create_app(open_storage(database.target), RelayConfig(**overrides), clock=clock)
        http = TestClient(app, base_url="http://127.0.0.1", client=client)
        http.__enter__()
        opened.append(http)
        return Relay(http=http, clock=clock, database=database)

    yield build
    for http in opened:
        http.__exit__(None, None, None)


@pytest.fixture
def relay(make_relay: Callable[..., Relay]) -> Relay:
    return make_relay()


@pytest.fixture
def key() -> nacl.signing.SigningKey:
    return nacl.signing.SigningKey.generate()


@pytest.fixture
def other_key() -> nacl.signing.SigningKey:
    return nacl.signing.SigningKey.generate()


@pytest.fixture
def relay_process(tmp_path: Path, relay_database: Callable[..., RelayDatabase]
                  ) -> Iterator[RelayProcess]:
    """A real relay subprocess on 127.0.0.1 (generous rate limit for bulk tests)."""
    with RelayProcess(tmp_path / "relay", db=relay_database().target,
                      extra_args=["--rate-limit", "100000", "--no-address-limits"]) as process:
        yield process
