"""The sync engine: deliver the outbox, fetch what is new, acknowledge what was kept.

It holds no state of its own: everything lives in the vault (``SyncStateRepository``), so a
sync interrupted at any instant — the relay gone, the process killed — is resumed by the next
one with nothing lost and nothing duplicated. It talks to the relay only through the
``RelayPort`` methods that ``sync.client.RelayClient`` provides; httpx is never imported here.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from .. import wire
from ..clock import EpochClock, epoch_seconds
from ..errors import RelayError, RelayRefused
from ..i18n import _, ngettext
from ..store.repositories.sync_state import OutgoingEnvelope, SyncStateRepository
from ..wire.batch import MAX_BATCH_ENVELOPES, BatchEnvelope, BatchResult

FETCH_BATCH = 500
"""Envelopes per fetch: large enough that 1,000 new messages need two round trips."""


class RelayPort(Protocol):
    """The relay calls the engine needs (RelayClient implements them)."""

    def health(self) -> dict[str, Any]: ...
    def claim_mailbox(self, mailbox_id: str) -> bool: ...
    def deposit(self, mailbox_id: str, envelope_id: str, ciphertext: bytes) -> bool: ...
    def deposit_batch(self, envelopes: Sequence[BatchEnvelope]) -> list[BatchResult]: ...
    def refusal(self, status: int, code: str, reason: str = "") -> RelayRefused: ...
    def fetch(self, mailbox_id: str, since: int = 0, limit: int = 100) -> wire.FetchPage: ...
    def acknowledge(self, mailbox_id: str, envelope_ids: list[str]) -> int: ...


@dataclass(slots=True)
class SyncReport:
    sent: int = 0
    received: int = 0
    waiting: int = 0
    offline: bool = False
    error: str = ""
    refused: list[str] = field(default_factory=list)
    """Envelopes the relay refused for a reason other than being unreachable (kept, retried)."""
    shared: bool = False
    """Shared items were published, deleted or received (docs/sharing.md)."""
    problems: list[str] = field(default_factory=list)
    """Plain-language notes on shared items refused or not published."""
    dropped: int = 0
    """Envelopes larger than the protocol allows (``wire.MAX_ENVELOPE_BYTES``): deleted at
    the relay unread, never stored in the vault."""
    restored: bool = False
    """This sync found the vault rolled back (restored from a backup): docs/dyads.md."""
    restored_from: datetime | None = None
    """When the state it went back to was made (its last sync before the backup), if known."""

    def summary(self) -> str:
        if self.offline:
            return ngettext(
                "Offline — {n} waiting. {reason}", "Offline — {n} waiting. {reason}", self.waiting
            ).format(n=self.waiting, reason=self.error)
        parts = [
            ngettext("sent {n} message", "sent {n} messages", self.sent).format(n=self.sent),
            ngettext("received {n}", "received {n}", self.received).format(n=self.received),
        ]
        if self.waiting:
            parts.append(ngettext(
                "{n} still waiting", "{n} still waiting", self.waiting).format(n=self.waiting))
        if self.dropped:
            parts.append(ngettext(
                "{n} oversized envelope deleted unread",
                "{n} oversized envelopes deleted unread", self.dropped).format(n=self.dropped))
        return _("Synced: {parts}.").format(parts=", ".join(parts))


R = TypeVar("R", bound=RelayPort)


class SyncEngine(Generic[R]):
    """Sync for one vault over ``relay`` (its type kept, so a caller that gave a
    ``RelayClient`` gets one back for the item and pairing calls the engine does not make)."""

    def __init__(
        self,
        state: SyncStateRepository,
        relay: R,
        *,
        clock: EpochClock = epoch_seconds,
        rng: random.Random | None = None,
        relay_as: Callable[[str], RelayPort] | None = None,
    ) -> None:
        """``relay_as(signer)``: the same relay under another signing key, for the mailboxes
        and envelopes marked with that signer (a forum's own key, docs/forum.md)."""
        self.state = state
        self.relay = relay
        self.clock = clock
        self.rng = rng or random.Random()
        self.relay_as = relay_as
        self._signers: dict[str, str] = {}

    def _relay(self, signer: str) -> RelayPort:
        if not signer or self.relay_as is None:
            return self.relay
        return self.relay_as(signer)

    def _mailbox_relay(self, mailbox_id: str) -> RelayPort:
        return self._relay(self._signers.get(mailbox_id, ""))

    def send(self, mailbox_id: str, ciphertext: bytes) -> str:
        """Queue an envelope in the vault (delivered by the next sync). Returns its id."""
        envelope_id = wire.new_id()
        self.state.enqueue(envelope_id, mailbox_id, ciphertext, self.clock())
        return envelope_id

    def sync(self, *, force: bool = False) -> SyncReport:
        """One round: check the relay answers, deliver, fetch, acknowledge.

        ``force`` retries every waiting envelope now (the person asked to sync); otherwise
        envelopes that failed wait for their backoff.
        """
        report = SyncReport()
        self._signers = self.state.mailbox_signers()
        try:
            self.relay.health()
            self._claim_mailboxes()
            self._acknowledge_pending()
            self._deliver(report, force)
            self._fetch(report)
            self._acknowledge_pending()
        except RelayError as error:
            report.offline = True
            report.error = str(error)
        report.waiting = self.state.waiting_count()
        return report

    def _claim_mailboxes(self) -> None:
        for mailbox_id, claimed, _cursor in self.state.inbound_mailboxes():
            if not claimed:
                self._mailbox_relay(mailbox_id).claim_mailbox(mailbox_id)
                self.state.mark_claimed(mailbox_id)

    def _deliver(self, report: SyncReport, force: bool) -> None:
        """Deliver due envelopes, counting into ``report`` as it goes (a relay lost midway
        still leaves an exact count of what was delivered before)."""
        while True:
            batch = self.state.due(None if force else self.clock())
            batch = [e for e in batch if e.envelope_id not in report.refused]
            if not batch:
                return
            # One signed request per signing key (a forum post to every member is one).
            by_signer: dict[str, list[OutgoingEnvelope]] = {}
            for envelope in batch:
                by_signer.setdefault(envelope.signer, []).append(envelope)
            for signer, group in by_signer.items():
                for start in range(0, len(group), MAX_BATCH_ENVELOPES):
                    self._deliver_group(self._relay(signer),
                                        group[start:start + MAX_BATCH_ENVELOPES], report)

    def _deliver_group(self, relay: RelayPort, group: list[OutgoingEnvelope],
                       report: SyncReport) -> None:
        try:
            results = relay.deposit_batch([BatchEnvelope(e.mailbox_id, e.envelope_id,
                                                         e.ciphertext) for e in group])
        except RelayRefused as refusal:  # the request as a whole (signature, rate limit)
            for envelope in group:
                self._refused(envelope, refusal, report)
            return
        except RelayError:
            for envelope in group:
                self.state.mark_failed(envelope.id, "unreachable", self.clock(),
                                       self.rng.random())
            raise
        delivered: list[int] = []
        for envelope, result in zip(group, results, strict=True):
            if result.error is not None:
                status = wire.STATUS.get(result.error, 503)
                self._refused(envelope, relay.refusal(status, str(result.error), result.reason),
                              report)
                continue
            # Accepted now or earlier (duplicate): delivered either way.
            delivered.append(envelope.id)
        self.state.mark_delivered_many(delivered, self.clock())  # one transaction
        report.sent += len(delivered)

    def _refused(self, envelope: OutgoingEnvelope, refusal: RelayRefused,
                 report: SyncReport) -> None:
        """Kept and retried with backoff: the partner may not have claimed the mailbox yet, or
        the relay is rate limiting. Never dropped silently."""
        self.state.mark_failed(envelope.id, refusal.code, self.clock(), self.rng.random())
        report.refused.append(envelope.envelope_id)
        if refusal.status == 507 and str(refusal) not in report.problems:
            report.problems.append(str(refusal))  # the relay is full: say so

    def _fetch(self, report: SyncReport) -> None:
        for mailbox_id, _claimed, cursor in self.state.inbound_mailboxes():
            while True:
                page = self._mailbox_relay(mailbox_id).fetch(mailbox_id, since=cursor,
                                                             limit=FETCH_BATCH)
                # Nothing larger than the protocol allows is stored (no sender makes one: the
                # relay was bypassed or is hostile); it is acknowledged so the relay deletes it.
                oversized = [e.id for e in page.envelopes
                             if len(e.ciphertext) > wire.MAX_ENVELOPE_BYTES]
                report.received += self.state.store_received(
                    mailbox_id,
                    [(e.id, e.seq, e.ciphertext) for e in page.envelopes
                     if len(e.ciphertext) <= wire.MAX_ENVELOPE_BYTES],
                    page.cursor,
                    self.clock(),
                    dropped=oversized,
                )
                report.dropped += len(oversized)
                cursor = max(cursor, page.cursor)
                if not page.more or not page.envelopes:
                    break

    def _acknowledge_pending(self) -> None:
        for mailbox_id, envelope_ids in self.state.unacked().items():
            for start in range(0, len(envelope_ids), FETCH_BATCH):
                chunk = envelope_ids[start : start + FETCH_BATCH]
                self._mailbox_relay(mailbox_id).acknowledge(mailbox_id, chunk)
                self.state.mark_acked(chunk)
