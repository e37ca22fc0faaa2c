"""Whether and what to tell the person: their setting (off, "something new", or who it is from;
never what anyone wrote), their quiet hours, and for a provider the agreed working hours.

Notices that may not be shown now (quiet hours, before a provider's working hours begin) wait in
``pending`` and go out, as one line each kind, with the first ``flush`` allowed to show them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time

from ..i18n import N_, _
from ..settings import Settings
from ..text_safety import clean_label
from .backends import Backend

MODES = ("off", "something", "name")
"""The notification settings: none; "ReConnect: something new" (the default); and the kind
and the partner's name ("new message from NAME"). No mode shows text anyone wrote."""

KINDS = ("message", "checkin", "agreement", "activities", "exercise", "registration")


@dataclass(frozen=True, slots=True)
class Notice:
    kind: str
    """One of ``KINDS``."""
    name: str = ""
    """The partner it is from (message, check-in, agreement); shown only in the "name" mode."""
    not_before: datetime | None = None
    """A provider's notice: the start of the agreed working hours (aware), when later than now."""


def local_now() -> datetime:
    return datetime.now().astimezone()


NOTIFICATION_LEVELS = (
    ("off", N_("Off")),
    ("something", N_("Only \"something new\"")),
    ("name", N_("What it is and from whom (never the text)")),
)
"""The ``notifications`` setting's values and their English labels (show through ``_()``),
for the Settings screen and plain mode's settings alike."""


def is_quiet_time(text: str) -> bool:
    """Whether ``text`` may be kept as a quiet-hours time: "HH:MM", or empty for none."""
    text = text.strip()
    return not text or (len(text) == 5 and parse_hhmm(text) is not None)


def parse_hhmm(text: str) -> time | None:
    """``"22:00"`` → 22:00; empty or malformed → None (no quiet hours)."""
    try:
        return time.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def in_quiet_hours(now: time, start: time | None, end: time | None) -> bool:
    """Whether ``now`` is inside [start, end), a window that may run past midnight."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= now < end
    return now >= start or now < end


def notice_text(notice: Notice, mode: str) -> str:
    """The one line the operating system is given."""
    if mode != "name":
        return _("ReConnect: something new")
    name = clean_label(notice.name)[:60]  # one line: a name never fakes a second notice
    if notice.kind == "message":
        return _("ReConnect: new message from {name}").format(name=name)
    if notice.kind == "checkin":
        return _("ReConnect: a check-in from {name} to answer").format(name=name)
    if notice.kind == "agreement":
        return _("ReConnect: an agreement with {name} to accept or review").format(name=name)
    if notice.kind == "activities":
        return _("ReConnect: activities planned for today")
    if notice.kind == "exercise":
        return _("ReConnect: time for an exercise you scheduled")
    if notice.kind == "registration":
        return _("ReConnect: time for today's registration")
    return _("ReConnect: something new")


@dataclass
class Notifier:
    """Tells ``backend`` (the platform's notifier; None: tell nobody) about notices."""

    backend: Backend | None
    mode: str = "something"
    quiet_start: time | None = None
    quiet_end: time | None = None
    clock: Callable[[], datetime] = local_now
    pending: list[Notice] = field(default_factory=list)

    @classmethod
    def from_settings(cls, settings: Settings, backend: Backend | None, *,
                      clock: Callable[[], datetime] = local_now) -> Notifier:
        mode = settings.notifications if settings.notifications in MODES else "something"
        return cls(backend, mode, parse_hhmm(settings.quiet_start),
                   parse_hhmm(settings.quiet_end), clock)

    def quiet(self) -> bool:
        return in_quiet_hours(self.clock().time(), self.quiet_start, self.quiet_end)

    def notify(self, notices: Iterable[Notice]) -> list[str]:
        """Queue ``notices`` and show what may be shown now; returns the lines shown."""
        if self.mode == "off":
            return []
        self.pending.extend(notices)
        return self.flush()

    def flush(self) -> list[str]:
        """Show the notices that waited for quiet hours or working hours to end."""
        if self.mode == "off":
            self.pending.clear()
            return []
        if not self.pending or self.quiet():
            return []
        now = self.clock()
        ready = [n for n in self.pending if n.not_before is None or n.not_before <= now]
        self.pending = [n for n in self.pending if n not in ready]
        lines = list(dict.fromkeys(notice_text(n, self.mode) for n in ready))
        if self.backend is not None:
            for line in lines:
                self.backend.send(line)
        return lines
