"""The peer-support forum: the services the forum screens and the CLI call, one per job.

``Forums(vault)`` builds them over one shared :class:`ForumContext`:

- ``membership`` (``forum_membership.py``): create, invite, join, remove;
- ``posting`` (``forum_posting.py``): post, hide, pin, report;
- ``views`` (``forum_views.py``): what is shown — forums, threads, posts, members, reports —
  and the local marks (read, muted);
- ``inbound`` (``forum_inbound.py``): what sync fetched, handled envelope by envelope.

They send through ``forum_outbound.py``; the join and deferral states are the tables in
``forum_states.py``. Headless: no Textual here. The design is in ``docs/forum.md``; storage is
``store/repositories/forum.py``. This module imports the others and none of them imports it.
"""

from __future__ import annotations

from ..clock import Clock, utc_now
from ..store.vault import Vault
from .forum_context import ForumContext
from .forum_inbound import Inbound
from .forum_membership import INVITATION_LIFETIME, ForumRelay, Membership, check_name
from .forum_outbound import MAX_REASON, Outbound
from .forum_posting import Posting
from .forum_views import (
    ForumMember,
    ForumPost,
    ForumReport,
    ForumSummary,
    ForumThread,
    ForumViews,
)

__all__ = [
    "INVITATION_LIFETIME", "MAX_REASON", "ForumContext", "ForumMember", "ForumPost",
    "ForumRelay", "ForumReport", "ForumSummary", "ForumThread", "ForumViews", "Forums",
    "Inbound", "Membership", "Outbound", "Posting", "check_name",
]


class Forums:
    """The forum services of one unlocked vault (see the module docstring).

    Errors are ``ReconnectError`` subclasses. Whatever sends queues encrypted envelopes in the
    vault's outbox; they leave with the next ``sync_and_process``, which then runs
    ``inbound.process()`` after the dyads' inbox."""

    def __init__(self, vault: Vault, *, clock: Clock = utc_now) -> None:
        self.context = ForumContext(vault, clock=clock)
        self.outbound = Outbound(self.context)
        self.views = ForumViews(self.context)
        self.membership = Membership(self.context, self.outbound, self.views)
        self.posting = Posting(self.context, self.outbound)
        self.inbound = Inbound(self.context, self.outbound)
