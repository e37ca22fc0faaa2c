"""Reading the forum: what the screens and the CLI show (forums, threads, posts, members,
reports) and the local marks (read, muted). Nothing here encrypts or sends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..errors import ForumError, NotFound
from ..i18n import _
from ..store.repositories.forum import ForumRecord, PostRow
from .forum_context import ForumContext
from .forum_states import ForumState, forum_state


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
    unverified: bool = False
    """An envelope that failed verification (altered, forged …): shown as "a post that could
    not be verified", with no author and no text; ``posted_at`` is when it arrived."""


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


def post_view(record: ForumRecord, row: PostRow) -> ForumPost:
    """A stored post as this vault may see it: a hidden post's text and reason only for its
    author and the moderator."""
    may_see = row.own or record.moderator
    return ForumPost(row.post_id, record.id, row.thread, row.author,
                     row.text if not row.hidden or may_see else "", row.posted_at, row.own,
                     row.unread, row.hidden, row.hidden_reason if may_see else "",
                     row.pinned)


class ForumViews:
    """What the forums of one vault look like, for the screens and the CLI."""

    def __init__(self, context: ForumContext) -> None:
        self.context = context
        self.repo = context.repo

    def summary(self, forum_id: str) -> ForumSummary:
        return next(s for s in self.forums() if s.id == forum_id)

    def forums(self) -> list[ForumSummary]:
        """Every forum of this vault, most recent activity first."""
        unread = self.repo.unread_counts()
        members = self.repo.member_counts()
        records = sorted(self.repo.forums(), key=lambda r: r.last_activity or r.created_at,
                         reverse=True)
        return [ForumSummary(r.id, r.name, r.pseudonym, r.moderator, members.get(r.id, 0),
                             unread.get(r.id, 0), r.last_activity,
                             forum_state(r.status) is ForumState.REMOVED)
                for r in records]

    def forum_named(self, name: str) -> ForumSummary:
        """The forum of that name (exact, then case/space-forgiving) or id; else NotFound."""
        forums = self.forums()
        folded = " ".join(name.split()).casefold()
        for found in ([s for s in forums if s.name == name], [s for s in forums if s.id == name],
                      [s for s in forums if s.name.casefold() == folded]):
            if found:
                return found[0]
        if not forums:
            raise NotFound(_("No forum named {name}: you are in no forum yet.").format(
                name=name))
        raise NotFound(_("No forum named {name}. Your forums: {names}.").format(
            name=name, names=", ".join(s.name for s in forums)))

    def members(self, forum_id: str) -> list[ForumMember]:
        """Current members (moderator first, then by pseudonym)."""
        self.context.record(forum_id)
        rows = sorted(self.repo.members(forum_id),
                      key=lambda m: (not m.moderator, m.pseudonym.casefold()))
        return [ForumMember(m.pseudonym, m.moderator, m.joined_at) for m in rows]

    def threads(self, forum_id: str) -> list[ForumThread]:
        """Pinned threads first, then by most recent activity."""
        record = self.context.record(forum_id)
        muted = self.repo.muted(forum_id)
        grouped: dict[str, list[ForumPost]] = {}
        for row in self.repo.posts(forum_id):
            grouped.setdefault(row.thread, []).append(post_view(record, row))
        threads = []
        for thread_id, posts in grouped.items():
            first = next((p for p in posts if p.id == thread_id), posts[0])
            replies = [p for p in posts if p is not first]
            threads.append(ForumThread(first, replies, max(p.posted_at for p in posts),
                                       sum(p.unread for p in posts), thread_id in muted))
        for envelope_id, arrived in self.repo.unverified(forum_id):
            placeholder = ForumPost(f"unverified:{envelope_id}", record.id,
                                    f"unverified:{envelope_id}", "", "", arrived, False, False,
                                    False, "", "", unverified=True)
            threads.append(ForumThread(placeholder, [], arrived, 0, False))
        threads.sort(key=lambda t: t.last_activity, reverse=True)
        threads.sort(key=lambda t: {"rules": 0, "cafe": 1}.get(t.first.pinned, 2))
        return threads

    def posts(self, forum_id: str) -> list[ForumPost]:
        """Thread order: each thread's first post, then its replies oldest first (threads in
        the order of :meth:`threads`)."""
        return [p for t in self.threads(forum_id) for p in (t.first, *t.replies)]

    def mark_read(self, forum_id: str, thread_id: str) -> None:
        """Every post of the thread read."""
        self.context.record(forum_id)
        self.repo.mark_read(forum_id, thread_id)

    def set_muted(self, forum_id: str, thread_id: str, muted: bool) -> None:
        """A muted thread's posts are not counted as unread in the forum summary."""
        self.context.record(forum_id)
        self.repo.set_muted(forum_id, thread_id, muted)

    def reports(self, forum_id: str) -> list[ForumReport]:
        """Moderator only: the reports received, newest first."""
        record = self.context.record(forum_id)
        if not record.moderator:
            raise ForumError(_("Only the forum's moderator sees reports."))
        result = []
        for r in self.repo.reports(forum_id):
            post = self.repo.post(forum_id, r.post_id)
            result.append(ForumReport(r.report_id, r.post_id, r.reporter, r.reason,
                                      r.reported_at, post.text if post else ""))
        return result
