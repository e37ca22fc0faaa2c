"""The relay client: the only module that speaks HTTP (httpx is imported here and nowhere else).

Every call signs its request (``wire.sign_request``) and maps failures to
:class:`RelayError` with a message for the person at the keyboard; refusals carry the relay's
``status`` and ``code`` as :class:`RelayRefused`.
"""

from __future__ import annotations

import functools
import ipaddress
import ssl
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
import nacl.signing

from reconnect_tui import wire as p
from reconnect_tui.clock import EpochClock, epoch_seconds
from reconnect_tui.errors import RelayError, RelayRefused
from reconnect_tui.i18n import _
from reconnect_tui.wire import ErrorCode, FetchPage, ItemVersion, WireError
from reconnect_tui.wire.batch import (
    MAX_BATCH_BODY_BYTES,
    MAX_BATCH_ENVELOPES,
    BatchEnvelope,
    BatchResult,
    decode_batch_results,
    encode_deposit_batch,
    entry_size,
)

__all__ = ["RelayClient", "RelayError", "RelayRefused", "check_relay_url", "is_loopback",
           "relay_refusal"]

T = TypeVar("T")


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_relay_url(base_url: str) -> str:
    """``base_url`` without a trailing slash; https, or http only to a loopback address."""
    parts = urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise RelayError(_("The relay address {url} is not an http(s) URL.").format(url=base_url))
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0 or (port is None and parts.netloc.endswith(":")):
        raise RelayError(_("The relay address {url} has no valid port (1-65535).").format(
            url=base_url))
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise RelayError(_("Refusing plain http to the relay at {url}: use https (plain http is "
                           "only allowed to this computer).").format(url=base_url))
    return base_url.rstrip("/")


@functools.cache
def system_trust() -> ssl.SSLContext:
    """The system's certificate authorities, loaded once per process: httpx would build a new
    context and read the whole CA bundle for every client (60-110 ms on a 2-core machine, and
    every sync, forum and share makes clients). A context is safe to share between clients."""
    return httpx.create_ssl_context()


class RelayClient:
    """Signed calls to one relay. Use as a context manager, or call :meth:`close`."""

    def __init__(
        self,
        base_url: str,
        signing_key: nacl.signing.SigningKey,
        *,
        timeout: float = 10.0,
        verify: bool | str | ssl.SSLContext = True,
        clock: EpochClock = epoch_seconds,
    ) -> None:
        self.base_url = check_relay_url(base_url)
        self.signing_key = signing_key
        self.clock = clock
        self._options: dict[str, Any] = {"timeout": timeout, "verify": verify, "clock": clock}
        self._others: list[RelayClient] = []
        self._batch_route = True  # until a relay without POST /v1/envelopes says otherwise
        if isinstance(verify, str):  # a CA bundle or a pinned self-signed certificate
            verify = ssl.create_default_context(cafile=verify)
        elif verify is True:
            verify = system_trust()
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, verify=verify,
                                  follow_redirects=False)

    def __enter__(self) -> RelayClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        for other in self._others:
            other.close()
        self._http.close()

    def with_key(self, signing_key: nacl.signing.SigningKey) -> RelayClient:
        """The same relay, signing with another key, on a connection of its own (requests under
        two keys never share a connection the relay could link them by). Closed with this one."""
        other = RelayClient(self.base_url, signing_key, **self._options)
        self._others.append(other)
        return other

    # --- plumbing -----------------------------------------------------------------------

    def request(self, method: str, path: str, body: bytes = b"", *,
                params: dict[str, Any] | None = None, signed: bool = True) -> httpx.Response:
        """Send one request; a 4xx/5xx answer raises :class:`RelayRefused`."""
        headers = {"Content-Type": "application/json"} if body else {}
        request = self._http.build_request(method, path, content=body, params=params,
                                           headers=headers)
        if signed:
            target = request.url.raw_path.decode("ascii")
            request.headers.update(p.sign_request(self.signing_key, method, target, body,
                                                  timestamp=int(self.clock())))
        try:
            response = self._http.send(request)
        except httpx.TimeoutException as error:
            raise RelayError(_("The relay at {url} did not answer in time.").format(
                url=self.base_url)) from error
        except httpx.HTTPError as error:
            raise RelayError(_("The relay at {url} could not be reached.").format(
                url=self.base_url)) from error
        if response.status_code >= 400:
            raise self._refusal(response)
        return response

    def _refusal(self, response: httpx.Response) -> RelayRefused:
        code = "unknown"
        reason = ""
        try:
            body = response.json()
            if isinstance(body, dict):
                code = str(body.get("error", code))[:40]
                reason = str(body.get("reason", ""))[:200]
        except ValueError:
            pass
        return self.refusal(response.status_code, code, reason)

    def refusal(self, status: int, code: str, reason: str = "") -> RelayRefused:
        """The refusal a user reads for an answer of ``status`` with wire ``code``: also for
        one envelope of a batched deposit (``status`` then the code's own)."""
        return relay_refusal(self.base_url, status, code, reason)

    def _decode(self, decoder: Callable[[bytes], T], content: bytes) -> T:
        try:
            return decoder(content)
        except WireError as error:
            raise RelayError(_("The relay at {url} sent an answer that could not be read.")
                             .format(url=self.base_url)) from error

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        return self._decode(p.parse_object, response.content)

    # --- endpoints ----------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return self._json(self.request("GET", "/health", signed=False))

    def claim_mailbox(self, mailbox_id: str) -> bool:
        """Become the owner of a mailbox; True if newly claimed."""
        p.require_id(mailbox_id, "mailbox id")
        return self.request("PUT", f"/v1/mailboxes/{mailbox_id}").status_code == 201

    def deposit(self, mailbox_id: str, envelope_id: str, ciphertext: bytes) -> bool:
        """Upload an envelope; True if stored now, False if the relay had it already."""
        p.require_id(mailbox_id, "mailbox id")
        body = p.encode_deposit(envelope_id, ciphertext)
        return self.request("POST", f"/v1/mailboxes/{mailbox_id}/envelopes", body
                            ).status_code == 201

    def deposit_batch(self, envelopes: Sequence[BatchEnvelope]) -> list[BatchResult]:
        """Upload envelopes for many mailboxes in as few signed requests as fit (at most
        ``MAX_BATCH_ENVELOPES`` and ``MAX_BATCH_BODY_BYTES`` each); one result per envelope, in
        order. A relay without the batch route gets one deposit per envelope instead. A whole
        request refused raises :class:`RelayRefused`; one envelope refused is its result's
        ``error`` (:meth:`refusal` words it)."""
        results: list[BatchResult] = []
        for chunk in _batches(envelopes):
            if self._batch_route:
                try:
                    response = self.request("POST", "/v1/envelopes",
                                            encode_deposit_batch(chunk))
                except RelayRefused as refusal:
                    if refusal.code not in ("not_found", "method_not_allowed"):
                        raise
                    self._batch_route = False  # an older relay: no such route
                else:
                    results.extend(self._decode(
                        functools.partial(decode_batch_results, sent=chunk), response.content))
                    continue
            for envelope in chunk:
                try:
                    stored = self.deposit(envelope.mailbox, envelope.id, envelope.ciphertext)
                except RelayRefused as refusal:
                    results.append(BatchResult(envelope.mailbox, envelope.id, False,
                                               _known(refusal.code), str(refusal)))
                else:
                    results.append(BatchResult(envelope.mailbox, envelope.id, stored))
        return results

    def fetch(self, mailbox_id: str, since: int = 0, limit: int = 100) -> FetchPage:
        """Envelopes after cursor ``since`` (owner only); pass ``page.cursor`` next time."""
        p.require_id(mailbox_id, "mailbox id")
        response = self.request("GET", f"/v1/mailboxes/{mailbox_id}/envelopes",
                                params={"since": since, "limit": limit})
        return self._decode(p.decode_fetch_page, response.content)

    def acknowledge(self, mailbox_id: str, envelope_ids: list[str]) -> int:
        """Delete received envelopes at the relay; returns how many were still there."""
        p.require_id(mailbox_id, "mailbox id")
        deleted = 0
        for start in range(0, len(envelope_ids), p.MAX_ACK_IDS):
            chunk = envelope_ids[start:start + p.MAX_ACK_IDS]
            answer = self._json(self.request("POST", f"/v1/mailboxes/{mailbox_id}/ack",
                                             p.encode_ack(chunk)))
            deleted += int(answer.get("deleted", 0))
        return deleted

    def put_item(self, item_id: str, version: int, ciphertext: bytes) -> bool:
        """Write a shared-item slot (owner only, versions only go up); True if created."""
        p.require_id(item_id, "item id")
        return self.request("PUT", f"/v1/items/{item_id}", p.encode_item(version, ciphertext)
                            ).status_code == 201

    def get_item(self, item_id: str) -> ItemVersion | None:
        p.require_id(item_id, "item id")
        try:
            response = self.request("GET", f"/v1/items/{item_id}")
        except RelayRefused as error:
            if error.code == ErrorCode.NOT_FOUND:
                return None
            raise
        return self._decode(p.decode_item, response.content)

    def delete_item(self, item_id: str) -> None:
        p.require_id(item_id, "item id")
        self.request("DELETE", f"/v1/items/{item_id}")

    def put_invitation(self, lookup_id: str, bundle: bytes) -> None:
        p.require_id(lookup_id, "invitation id")
        try:
            self.request("PUT", f"/v1/invitations/{lookup_id}", p.encode_invitation(bundle))
        except RelayRefused as error:
            if error.code != ErrorCode.RELAY_FULL:
                raise
            # Nothing is queued for an invitation: "kept and sent later" would not be true.
            raise RelayRefused(_("The relay at {url} is full and cannot take an invitation "
                                 "now; try again later.").format(url=self.base_url),
                               error.status, error.code) from error

    def take_invitation(self, lookup_id: str) -> bytes | None:
        """Fetch an invitation bundle; the relay deletes it. None if absent or taken."""
        p.require_id(lookup_id, "invitation id")
        try:
            response = self.request("GET", f"/v1/invitations/{lookup_id}")
        except RelayRefused as error:
            if error.code == ErrorCode.NOT_FOUND:
                return None
            raise
        return self._decode(p.decode_invitation, response.content)


def relay_refusal(base_url: str, status: int, code: str, reason: str = "") -> RelayRefused:
    """The refusal a user reads for an answer of ``status`` with wire ``code`` from the relay
    at ``base_url`` (a request's, a batched envelope's, or the push channel's)."""
    reason = reason[:200]
    messages = {
        401: _("The relay at {url} refused our signature ({reason})."),
        403: _("The relay at {url} says this belongs to someone else."),
        404: _("The relay at {url} has no such thing (it may have expired)."),
        409: _("The relay at {url} already has a newer or identical version."),
        413: _("This is too large for the relay at {url}."),
        415: _("The relay at {url} did not accept how the request was sent ({reason})."),
        429: _("The relay at {url} asks us to slow down; try again in a minute."),
        507: _("The relay at {url} is full; your message is kept and will be sent "
               "later."),
    }
    template = messages.get(status)
    if template is None:
        template = (_("The relay at {url} is having trouble; try again later.")
                    if status >= 500
                    else _("The relay at {url} refused the request ({reason})."))
    message = template.format(url=base_url, reason=reason or code)
    return RelayRefused(message, status, code)


def _known(code: str) -> ErrorCode:
    try:
        return ErrorCode(code)
    except ValueError:
        return ErrorCode.UNAVAILABLE


def _batches(envelopes: Sequence[BatchEnvelope]) -> list[list[BatchEnvelope]]:
    """Split into requests of at most ``MAX_BATCH_ENVELOPES`` and ``MAX_BATCH_BODY_BYTES``."""
    batches: list[list[BatchEnvelope]] = []
    size = 0
    for envelope in envelopes:
        grow = entry_size(envelope)
        if (not batches or len(batches[-1]) >= MAX_BATCH_ENVELOPES
                or size + grow > MAX_BATCH_BODY_BYTES - 1024):
            batches.append([])
            size = 0
        batches[-1].append(envelope)
        size += grow
    return batches
