"""The peer-support forum: the service the forum screen and the CLI call.

Headless: no Textual here. The design (per-forum identities, Megolm group sessions handed over
pairwise Olm channels, fan-out to each member's mailbox, rotation, moderation) is in
``docs/forum.md``; storage is ``store/repositories/forum.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ..store.vault import Vault
from .pairing import PairingRelay

__all__ = [
    "ForumMember", "ForumPost", "ForumReport", "ForumSummary", "ForumThread", "Forums",
    "utc_now",
]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ForumSummary:
    id: str
    """Local forum id (random, never shown as the name)."""
    name: str
    pseudonym: str
    """My pseudonym in this forum."""
    moderator: bool
    """Am I the moderator."""
    members: int
    unread: int
    last_activity: datetime | None
    removed: bool
    """I was removed from it (read-only history, no posting)."""


@dataclass(frozen=True, slots=True)
class ForumPost:
    id: str
    forum_id: str
    thread: str
    """Id of the thread's first post (== id for a first post)."""
    author: str
    """The author's pseudonym."""
    text: str
    """"" when hidden and I am neither the author nor the moderator."""
    posted_at: datetime
    own: bool
    unread: bool
    hidden: bool
    hidden_reason: str
    """Shown to the author (and the moderator)."""
    pinned: str
    """"" | "rules" | "cafe"."""


@dataclass(frozen=True, slots=True)
class ForumThread:
    first: ForumPost
    replies: list[ForumPost]
    """Oldest first."""
    last_activity: datetime
    unread: int
    muted: bool


@dataclass(frozen=True, slots=True)
class ForumMember:
    pseudonym: str
    moderator: bool
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class ForumReport:
    id: str
    post_id: str
    reporter: str
    """The reporter's pseudonym."""
    reason: str
    reported_at: datetime
    post_text: str


class Forums:
    """The forums of one unlocked vault.

    Every method that sends queues encrypted envelopes in the vault's outbox; they leave with
    the next ``sync_and_process`` (which calls :meth:`process_inbox` after the dyads'). Only
    ``invite`` and ``join`` talk to the relay, through the object passed in (a ``RelayClient``
    from ``reconnect_tui.sync.dyads.relay_for``). Errors are ``ReconnectError`` subclasses.
    """

    def __init__(self, vault: Vault, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.vault = vault
        self.clock = clock

    def create(self, name: str, pseudonym: str = "Moderator") -> ForumSummary:
        """Start a forum and moderate it (service-user vaults only)."""
        raise NotImplementedError

    def invite(self, forum_id: str, relay: PairingRelay) -> str:
        """Moderator only: put a sealed invitation at the relay; returns the code to give."""
        raise NotImplementedError

    def join(self, code: str, pseudonym: str, relay: PairingRelay) -> ForumSummary:
        """Service-user vaults only: take the invitation and queue the answer to the moderator.
        The forum's members and posts arrive with the following syncs."""
        raise NotImplementedError

    def forums(self) -> list[ForumSummary]:
        """Every forum of this vault, most recent activity first."""
        raise NotImplementedError

    def forum_named(self, name: str) -> ForumSummary:
        """The forum of that name (exact, then case/space-forgiving) or id; else NotFound."""
        raise NotImplementedError

    def members(self, forum_id: str) -> list[ForumMember]:
        """Current members (moderator first, then by pseudonym)."""
        raise NotImplementedError

    def post(self, forum_id: str, text: str, *, thread: str | None = None) -> ForumPost:
        """A new thread (``thread`` None) or a reply to the thread whose first post has id
        ``thread``; encrypted once and queued for every other member."""
        raise NotImplementedError

    def threads(self, forum_id: str) -> list[ForumThread]:
        """Pinned threads first, then by most recent activity."""
        raise NotImplementedError

    def posts(self, forum_id: str) -> list[ForumPost]:
        """Thread order: each thread's first post, then its replies oldest first (threads in
        the order of :meth:`threads`)."""
        raise NotImplementedError

    def mark_read(self, forum_id: str, thread_id: str) -> None:
        """Every post of the thread read."""
        raise NotImplementedError

    def set_muted(self, forum_id: str, thread_id: str, muted: bool) -> None:
        """A muted thread's posts are not counted as unread in the forum summary."""
        raise NotImplementedError

    def hide(self, forum_id: str, post_id: str, reason: str) -> None:
        """Moderator only: hide a post for everyone; its author sees the reason."""
        raise NotImplementedError

    def pin(self, forum_id: str, post_id: str, kind: str) -> None:
        """Moderator only: ``kind`` "rules" (the welcome post), "cafe" (café dates) or ""
        to unpin."""
        raise NotImplementedError

    def report(self, forum_id: str, post_id: str, reason: str) -> None:
        """Report a post to the moderator (privately, over the pairwise channel)."""
        raise NotImplementedError

    def reports(self, forum_id: str) -> list[ForumReport]:
        """Moderator only: the reports received, newest first."""
        raise NotImplementedError

    def remove(self, forum_id: str, pseudonym: str) -> None:
        """Moderator only: remove a member; they cannot read anything posted after."""
        raise NotImplementedError

    def process_inbox(self) -> int:
        """Decrypt what sync fetched into forum mailboxes; returns the number of new posts."""
        raise NotImplementedError
