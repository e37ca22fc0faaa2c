"""What is new in a vault since anyone last told the person, and which reminders are due.

What was told is kept in the vault (its ``settings`` table, key ``notify_state``), read and
written in one write transaction: the watch and the open app on one vault never tell the same
thing twice, and a reminder is told once per item per day.

Reminders: the activities planned for today (Goals); and the daily times a person set for an
exercise or a registration (``reminders``, key ``reminders``: ``{"exercise:ID": "HH:MM",
"registration:ID": "HH:MM"}``, set with ``reconnect remind``).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from ..model import Role
from ..store.repositories.dyads import DyadRepository
from ..store.repositories.goals import GoalRepository
from ..store.vault import Vault
from .notifier import Notice, Notifier, parse_hhmm

REMIND_PERIOD = 300.0
"""Seconds between the watch's looks for due reminders while nothing syncs: a reminder comes
within five minutes of its time, for about a dozen small vault transactions an hour."""

STATE_KEY = "notify_state"
REMINDERS_KEY = "reminders"
REMINDER_KINDS = ("exercise", "registration")


def reminders(vault: Vault) -> dict[str, str]:
    """The daily reminder times: ``{"exercise:3": "08:30", …}``."""
    raw = _read_json(vault, REMINDERS_KEY)
    return {k: v for k, v in raw.items() if isinstance(v, str) and parse_hhmm(v) is not None}


def set_reminder(vault: Vault, kind: str, item_id: int, at: str | None) -> None:
    """Remind daily at ``at`` ("HH:MM"), or no longer (None)."""
    from ..store.repositories.sync_state import SyncStateRepository

    with vault.transaction():
        current = reminders(vault)
        key = f"{kind}:{item_id}"
        if at is None:
            current.pop(key, None)
        else:
            current[key] = at
        SyncStateRepository(vault).set_setting(REMINDERS_KEY, json.dumps(current, sort_keys=True))


def _read_json(vault: Vault, key: str) -> dict[str, Any]:
    with vault.read() as conn:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    try:
        value = json.loads(row[0]) if row else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def collect(vault: Vault, now: datetime, *, remind: bool = True) -> list[Notice]:
    """The notices not told yet, now recorded as told. ``now``: aware local time.
    ``remind=False`` (quiet hours) leaves the reminders for later; news is always taken."""
    from ..store.repositories.sync_state import SyncStateRepository
    from ..sync.agreements import Agreements

    with vault.transaction():
        state = _read_json(vault, STATE_KEY)
        before = json.loads(json.dumps(state))
        notices: list[Notice] = []
        provider = vault.profile().role is Role.PROVIDER
        partners = {p.id: p for p in DyadRepository(vault).partners()}
        agreements = Agreements(vault)
        not_before: dict[int, datetime | None] = {}

        def held(partner_id: int) -> datetime | None:
            """A provider's notice waits for the agreed working hours."""
            if not provider:
                return None
            if partner_id not in not_before:
                from ..sync import waiting

                terms = agreements.terms(partner_id)
                start = waiting.read_from(now, terms) if terms is not None else None
                not_before[partner_id] = start if start is not None and start > now else None
            return not_before[partner_id]

        told_unread: dict[str, int] = state.get("unread", {})
        unread = DyadRepository(vault).unread_counts()
        for partner_id, count in sorted(unread.items()):
            if count > int(told_unread.get(str(partner_id), 0)) and partner_id in partners:
                notices.append(Notice("message", partners[partner_id].name, held(partner_id)))
        state["unread"] = {str(k): v for k, v in unread.items()}

        told_checkins = set(state.get("checkins", []))
        open_ids = set()
        for checkin in agreements.open_checkins():
            open_ids.add(checkin.checkin_id)
            if checkin.checkin_id not in told_checkins and checkin.partner_id in partners:
                notices.append(Notice("checkin", partners[checkin.partner_id].name))
        state["checkins"] = sorted(open_ids)

        told_agreements: dict[str, int] = state.get("agreements", {})
        proposals: dict[str, int] = {}
        for partner_id, partner in sorted(partners.items()):
            pending = agreements.state(partner_id).pending
            if pending is not None and not pending.proposed_by_me:
                proposals[str(partner_id)] = pending.version
                if told_agreements.get(str(partner_id)) != pending.version:
                    notices.append(Notice("agreement", partner.name, held(partner_id)))
        state["agreements"] = proposals

        today = now.date().isoformat()
        reminded: dict[str, str] = state.get("reminded", {})
        if remind:
            for due, _review in agreements.reviews_due(now.date()):
                key = f"review:{due.id}"
                if reminded.get(key) != today:
                    reminded[key] = today
                    notices.append(Notice("agreement", due.name, held(due.id)))
            notices.extend(_due_reminders(vault, now, reminded, today))
        state["reminded"] = {k: v for k, v in reminded.items() if v == today}
        if state != before:
            SyncStateRepository(vault).set_setting(STATE_KEY, json.dumps(state, sort_keys=True))
    return notices


def _due_reminders(vault: Vault, now: datetime, reminded: dict[str, str],
                   today: str) -> list[Notice]:
    notices = []
    day = date.fromisoformat(today)
    if reminded.get("activities") != today and GoalRepository(vault).due_between(day, day):
        reminded["activities"] = today
        notices.append(Notice("activities"))
    for key, at in sorted(reminders(vault).items()):
        kind = key.partition(":")[0]
        when = parse_hhmm(at)
        if kind in REMINDER_KINDS and when is not None and now.time() >= when \
                and reminded.get(key) != today:
            reminded[key] = today
            notices.append(Notice(kind))
    return notices


class Announcer:
    """The watch's and the open app's one way to tell: after each sync and now and then
    (``look``), new things and due reminders go to ``notifier``, and what waited for quiet
    hours or working hours to end goes out when they do."""

    def __init__(self, vault: Vault, notifier: Notifier) -> None:
        self.vault = vault
        self.notifier = notifier

    def look(self) -> list[str]:
        """The lines shown now."""
        notices = collect(self.vault, self.notifier.clock(), remind=not self.notifier.quiet())
        return self.notifier.notify(notices)
