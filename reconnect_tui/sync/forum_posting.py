"""Writing in a forum: posts and replies, the moderator's hides and pins, reports.

Each is encrypted and queued in one transaction with the session state it advanced
(``@serialised``: read – encrypt – commit, never interleaved with another process); it leaves
with the next sync.
"""

from __future__ import annotations

from typing import Any

from .. import wire as protocol  # the relay wire format (forum_wire is `wire` here)
from ..errors import ForumError, NotFound
from ..i18n import _, ngettext
from ..store.repositories.forum import ForumRecord, PostRow, ReportRow
from ..store.vault import serialised
from ..text_safety import clean_text
from . import forum_wire as wire
from .forum_context import ForumContext
from .forum_outbound import MAX_REASON, Outbound, pinned_json
from .forum_views import ForumPost, post_view


class Posting:
    """Posts, hides, pins and reports, for the forums of one vault."""

    def __init__(self, context: ForumContext, outbound: Outbound) -> None:
        self.context = context
        self.outbound = outbound
        self.repo = context.repo
        self.vault = context.vault  # for @serialised

    @serialised  # read – encrypt – commit of the sessions, never interleaved
    def post(self, forum_id: str, text: str, *, thread: str | None = None) -> ForumPost:
        """A new thread (``thread`` None) or a reply to the thread whose first post has id
        ``thread``; encrypted once and queued for every other member."""
        record = self.context.active(forum_id)
        text = clean_text(text)  # pasted escape codes never reach the members (text_safety)
        if not text.strip():
            raise ForumError(_("An empty post is not sent."))
        if len(text) > wire.MAX_TEXT:
            raise ForumError(ngettext(
                "This post is too long: at most {n} character.",
                "This post is too long: at most {n} characters.",
                wire.MAX_TEXT,
            ).format(n=wire.MAX_TEXT))
        if thread is not None:
            first = self.repo.post(forum_id, thread)
            if first is None:
                raise NotFound(_("No thread with id {id} in this forum.").format(id=thread))
            thread = first.thread
        post_id = protocol.new_id()
        thread = thread or post_id
        me, _curve = self.context.my_keys(record)
        with self.repo.write() as write:
            inner = self.outbound.broadcast(
                record, write, "post",
                {"thread": thread, "text": text, "author": record.pseudonym},
                message_id=post_id)
            row = PostRow(post_id, thread, record.pseudonym, me, text, inner.time, True, False)
            write.add_post(forum_id, row)
        return post_view(record, row)

    def _existing_post(self, record: ForumRecord, post_id: str) -> PostRow:
        row = self.repo.post(record.id, post_id)
        if row is None:
            raise NotFound(_("No post with id {id} in this forum.").format(id=post_id))
        return row

    @serialised  # read – encrypt – commit of the sessions, never interleaved
    def hide(self, forum_id: str, post_id: str, reason: str) -> None:
        """Moderator only: hide a post for everyone; its author sees the reason."""
        record = self.context.moderated(forum_id)
        self._existing_post(record, post_id)
        reason = reason.strip()
        if not reason or len(reason) > MAX_REASON:
            raise ForumError(ngettext(
                "Give a reason (at most {n} character): the author sees it.",
                "Give a reason (at most {n} characters): the author sees it.",
                MAX_REASON,
            ).format(n=MAX_REASON))
        with self.repo.write() as write:
            self.outbound.broadcast(record, write, "hide", {"post": post_id, "reason": reason})
            write.hide_post(forum_id, post_id, reason, keep_text=True)

    @serialised  # read – encrypt – commit of the sessions, never interleaved
    def pin(self, forum_id: str, post_id: str, kind: str) -> None:
        """Moderator only: ``kind`` "rules" (the welcome post), "cafe" (café dates) or ""
        to unpin."""
        record = self.context.moderated(forum_id)
        post = self._existing_post(record, post_id)
        if kind not in wire.PIN_KINDS:
            raise ForumError(_('A post is pinned as "rules" or "cafe" ("" unpins it).'))
        if kind and post.thread != post.post_id:
            raise ForumError(_(
                "Only a thread's first post is pinned (pinned threads head the forum); this"
                " is a reply. Pin the thread's first post ({id}).").format(id=post.thread))
        fields: dict[str, Any] = {"post": post_id, "kind": kind}
        if kind and not post.hidden:
            # A member who arrived after the post has no copy: the pin carries it, as the
            # welcome carries the pinned posts.
            fields["content"] = pinned_json(post, kind)
        with self.repo.write() as write:
            self.outbound.broadcast(record, write, "pin", fields)
            write.pin_post(forum_id, post_id, kind)

    @serialised  # read – encrypt – commit of the sessions, never interleaved
    def report(self, forum_id: str, post_id: str, reason: str) -> None:
        """Report a post to the moderator (privately, over the pairwise channel)."""
        record = self.context.active(forum_id)
        self._existing_post(record, post_id)
        reason = clean_text(reason).strip()
        if len(reason) > MAX_REASON:
            raise ForumError(ngettext(
                "A reason has at most {n} character.",
                "A reason has at most {n} characters.",
                MAX_REASON,
            ).format(n=MAX_REASON))
        report = ReportRow(protocol.new_id(), post_id, record.pseudonym, reason,
                           self.context.now())
        if record.moderator:
            with self.repo.write() as write:
                write.add_report(forum_id, report)
            return
        moderator = next((m for m in self.context.others(record) if m.moderator), None)
        if moderator is None or moderator.session_pickle is None:
            raise ForumError(_("The moderator cannot be reached in this forum."))
        with self.repo.write() as write:
            self.outbound.olm_to_member(record, moderator, "report",
                                        {"report": report.report_id, "post": post_id,
                                         "reason": reason}, write)
