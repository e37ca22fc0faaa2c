"""The forum's join and deferral states as explicit state machines.

Two lifecycles, each an Enum of states, an Enum of events and a table of allowed transitions;
:func:`advance` applies one event and refuses any pair the table does not hold with
:class:`IllegalTransition` (a ``ProtocolError``: when a peer's envelope asks for an illegal
step — a second welcome, a welcome after removal — the envelope is rejected like any other that
fails a check). ``docs/forum.md`` shows both tables.

- :class:`ForumState`: where this vault stands in one forum. Stored as ``forums.status``
  (``store/schema.py``, ``V6_FORUM``: ``joining|active|removed``); ``OUTSIDE`` is "no row".
- :class:`EnvelopeState`: one fetched forum envelope in the inbox. ``inbox.processed = 0`` is
  ``FETCHED`` (or ``DEFERRED`` once tried in this run), ``1`` is ``HANDLED`` or ``REJECTED``.
  Both of those are final: an envelope is handled at most once, and a deferred one stays in
  the inbox until it is handled or rejected (never dropped).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from ..errors import ProtocolError
from ..i18n import _


class ForumState(StrEnum):
    OUTSIDE = "outside"
    """Not in the forum: no row in ``forums``."""
    JOINING = "joining"
    """Took the invitation; the answer to the moderator is queued; waiting for the welcome."""
    ACTIVE = "active"
    """Created it (moderator), or welcomed: reads, posts, hands out its key."""
    REMOVED = "removed"
    """Removed by the moderator: earlier posts stay readable; nothing is sent."""


class ForumEvent(StrEnum):
    CREATED = "created"
    """This vault started the forum (``Membership.create``)."""
    ANSWERED = "answered"
    """This vault took an invitation and queued its answer (``Membership.join``)."""
    WELCOMED = "welcomed"
    """The moderator's welcome arrived (``Inbound``: roster, key, pinned posts)."""
    REMOVED = "removed"
    """The moderator's "removed" arrived."""


FORUM_TRANSITIONS: Mapping[tuple[ForumState, ForumEvent], ForumState] = {
    (ForumState.OUTSIDE, ForumEvent.CREATED): ForumState.ACTIVE,
    (ForumState.OUTSIDE, ForumEvent.ANSWERED): ForumState.JOINING,
    (ForumState.JOINING, ForumEvent.WELCOMED): ForumState.ACTIVE,
    (ForumState.JOINING, ForumEvent.REMOVED): ForumState.REMOVED,
    (ForumState.ACTIVE, ForumEvent.REMOVED): ForumState.REMOVED,
}


class EnvelopeState(StrEnum):
    FETCHED = "fetched"
    """In the inbox, not tried yet in this run (``processed = 0``)."""
    DEFERRED = "deferred"
    """Tried; cannot be read yet (its Megolm key, its sender's introduction or the post it
    hides has not arrived). Still ``processed = 0``: tried again in this run after a control
    message was handled, and at every later run."""
    HANDLED = "handled"
    """Read, and what it carried stored in the same transaction as ``processed = 1`` (a replay
    of an id already seen is handled by dropping it)."""
    REJECTED = "rejected"
    """Failed a check (altered, forged, from a removed member, an illegal step):
    ``processed = 1``, never tried again."""


class EnvelopeEvent(StrEnum):
    READ = "read"
    WAIT = "wait"
    """Its key, its sender's introduction or its post is not here yet."""
    REJECT = "reject"


ENVELOPE_TRANSITIONS: Mapping[tuple[EnvelopeState, EnvelopeEvent], EnvelopeState] = {
    (before, event): after
    for before in (EnvelopeState.FETCHED, EnvelopeState.DEFERRED)
    for event, after in ((EnvelopeEvent.READ, EnvelopeState.HANDLED),
                         (EnvelopeEvent.WAIT, EnvelopeState.DEFERRED),
                         (EnvelopeEvent.REJECT, EnvelopeState.REJECTED))
}

FINAL_ENVELOPE_STATES = frozenset({EnvelopeState.HANDLED, EnvelopeState.REJECTED})


class IllegalTransition(ProtocolError):
    """An event the table does not allow in this state; nothing was changed."""

    def __init__(self, state: StrEnum, event: StrEnum) -> None:
        super().__init__(_("A forum message could not be verified."))
        self.state = state
        self.event = event


S = TypeVar("S", bound=StrEnum)
E = TypeVar("E", bound=StrEnum)


def advance(table: Mapping[tuple[S, E], S], state: S, event: E) -> S:
    """The state after ``event``; :class:`IllegalTransition` when the table has no such step."""
    after = table.get((state, event))
    if after is None:
        raise IllegalTransition(state, event)
    return after


def forum_state(status: str | None) -> ForumState:
    """The state of a ``forums.status`` value (None: no row)."""
    return ForumState.OUTSIDE if status is None else ForumState(status)
