"""The relay's storage interface: every bit of relay state goes through it.

Nonces, rate counters and quotas live here too, so relay processes hold no state of their own
and several of them can serve one database (a PostgreSQL implementation only has to provide
these methods, each atomic). Refusals are raised as :class:`WireError` with the wire code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from reconnect_tui.errors import ReconnectError
from reconnect_tui.wire import FetchPage, ItemVersion, WireError


class RelayStorageError(ReconnectError):
    """The relay's database cannot be opened or used (message names the file, not contents)."""


@dataclass(frozen=True, slots=True)
class Budget:
    """What one write may add. Checked and charged in the write's own transaction."""

    total_bytes: int
    """All live envelopes, items and invitations together (``relay_full`` beyond)."""

    source: str | None = None
    """The client address (``relay/addresses.py``); None: no per-address budget."""

    source_bytes_per_hour: int = 0
    """Bytes one address may add per clock hour (``address_budget`` beyond)."""


@dataclass(frozen=True, slots=True)
class Admission:
    """A verified request still to be admitted (:meth:`RelayStorage.admit`'s arguments), so a
    write can admit it in its own transaction: one commit per deposit."""

    key: bytes
    nonce: str
    now: int
    nonce_expires: int
    rate_limit: int
    source: str | None = None
    source_rate_limit: int = 0


class RelayStorage(Protocol):
    def admit(self, key: bytes, nonce: str, now: int, *, nonce_expires: int,
              rate_limit: int, source: str | None = None, source_rate_limit: int = 0) -> None:
        """Record a verified request: refuse a reused nonce (``replayed_nonce``), more than
        ``rate_limit`` requests by ``key`` in the current minute (``rate_limited``) and, when
        ``source`` is given, more than ``source_rate_limit`` from that address
        (``address_budget``). Addresses are kept only as keyed hashes, for the minute."""
        ...

    def claim_mailbox(self, mailbox: str, owner: bytes, now: int) -> bool:
        """Make ``owner`` the mailbox's owner; True if newly claimed, False if already theirs;
        ``forbidden`` if someone else owns it."""
        ...

    def deposit(self, mailbox: str, envelope_id: str, ciphertext: bytes, now: int, *,
                expires: int, max_count: int, max_bytes: int, budget: Budget,
                admission: Admission | None = None) -> bool:
        """Store an envelope; True if stored, False if this id was seen before (idempotent).
        ``not_found`` for an unclaimed mailbox, ``mailbox_full`` over quota, ``relay_full`` or
        ``address_budget`` over ``budget``. With ``admission``, the request is admitted first
        in the same transaction (a refused admission stores nothing, as :meth:`admit`)."""
        ...

    def deposit_many(self, envelopes: list[tuple[str, str, bytes]], now: int, *, expires: int,
                     max_count: int, max_bytes: int, budget: Budget,
                     admission: Admission | None = None) -> list[bool | WireError]:
        """Store ``(mailbox, envelope id, ciphertext)`` triples in one transaction, after
        admitting the request (its refusal raises, and nothing is stored). Each answer, in
        order, is what :meth:`deposit` would return or raise for that envelope alone."""
        ...

    def fetch(self, mailbox: str, owner: bytes, since: int, limit: int, now: int) -> FetchPage:
        """Live envelopes after cursor ``since`` in order; owner only."""
        ...

    def acknowledge(self, mailbox: str, owner: bytes, envelope_ids: list[str]) -> int:
        """Delete the ciphertext of these envelopes (their ids stay until expiry, so a retried
        upload is still recognised); owner only. Returns how many were live."""
        ...

    def put_item(self, item_id: str, owner: bytes, item: ItemVersion, now: int, *,
                 expires: int, budget: Budget) -> bool:
        """Write a shared-item slot, live until ``expires`` (every write refreshes it); True if
        created. Growth counts against ``budget``. ``forbidden`` for another key,
        ``version_conflict`` unless ``item.version`` is above every earlier one,
        ``version_too_high`` if it rises more than ``MAX_VERSION_STEP`` above it (or above 0)."""
        ...

    def get_item(self, item_id: str, now: int) -> ItemVersion | None:
        """The live content, or None (never written, deleted or expired)."""
        ...

    def delete_item(self, item_id: str, owner: bytes, now: int, *, keep_until: int) -> None:
        """Drop the content; the owner and version stay until ``keep_until``, so the slot can
        be neither rolled back nor taken by another key meanwhile."""
        ...

    def put_invitation(self, lookup_id: str, bundle: bytes, expires: int, now: int, *,
                       budget: Budget) -> None:
        """``exists`` if a live invitation already has this lookup id."""
        ...

    def take_invitation(self, lookup_id: str, now: int) -> bytes | None:
        """Return and delete the bundle in one step (it can be fetched once)."""
        ...

    def purge_expired(self, now: int, *, item_tombstone_seconds: int) -> int:
        """Delete what has expired (envelopes, tombstones, invitations, nonces, counters).
        An expired item's content goes; its owner and version stay as a tombstone for
        ``item_tombstone_seconds`` more. Returns how many records went."""
        ...

    def usage(self) -> int:
        """Bytes of live envelopes, items and invitations (what ``Budget.total_bytes``
        bounds)."""
        ...

    def owned_mailboxes(self, owner: bytes, mailboxes: list[str]) -> list[str]:
        """Those of ``mailboxes`` that ``owner`` claimed (what a push subscription may watch)."""
        ...

    def listen(self, wake: Callable[[str | None], None]) -> None:
        """From now until :meth:`close`, call ``wake(token)`` (``wire.push.mailbox_token``) from
        any thread after each committed deposit, including those other relay processes commit
        on a shared database; ``wake(None)`` when deposits may have gone unreported (the
        notification connection was lost and is back)."""
        ...

    def close(self) -> None: ...
