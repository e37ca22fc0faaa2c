"""What the dyad agreement keeps in the vault: signed versions, answer promises, check-ins,
feedback and drafts "for our next meeting".

Writes that come with an Olm message (sent or received) go through ``DyadRepository`` in the
same transaction as the session and the outbox entry, by passing ``extra``: a function that
takes the connection. This repository gives those functions and the reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...text_safety import clean_deep, clean_text
from ..db import Connection, Row
from ._base import Repository, inserted_id, to_datetime
from .dyads import iso

Write = Callable[[Connection], None]
"""One piece of a transaction, run by the repository that owns it."""


@dataclass(frozen=True, slots=True)
class AgreementVersion:
    partner_id: int
    version: int
    terms: dict[str, Any]
    proposed_by_me: bool
    proposer_signature: str
    accepter_signature: str | None
    proposed_at: datetime
    accepted_at: datetime | None
    declined_at: datetime | None = None
    decline_reason: str = ""
    """The reason given with a decline (cleaned as it is read: the partner's text)."""
    declined_by_me: bool = False

    @property
    def accepted(self) -> bool:
        return self.accepter_signature is not None

    @property
    def declined(self) -> bool:
        return self.declined_at is not None


@dataclass(frozen=True, slots=True)
class CheckinSchedule:
    id: int
    partner_id: int
    question: str
    domains: list[str]
    every_days: int
    next_due_at: datetime


@dataclass(frozen=True, slots=True)
class CheckinRecord:
    partner_id: int
    checkin_id: str
    asked_by_me: bool
    question: str
    domains: list[str]
    sent_at: datetime
    answered_at: datetime | None
    overall: int | None
    domain_scores: dict[str, int]
    line: str
    share_trend: bool
    answer_seen: bool


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    partner_id: int
    feedback_id: str
    from_me: bool
    scores: dict[str, int]
    given_at: datetime


@dataclass(frozen=True, slots=True)
class Draft:
    id: int
    partner_id: int
    text: str
    created_at: datetime


def _dt(text: str) -> datetime:
    value = to_datetime(text)
    assert value is not None
    return value


_VERSION_COLUMNS = ("a.partner_id, a.version, a.terms, a.proposed_by_me, a.proposer_signature,"
                    " a.accepter_signature, a.proposed_at, a.accepted_at, d.declined_at,"
                    " d.reason, d.declined_by_me")
_VERSIONS_WITH_DECLINES = ("agreement_versions a LEFT JOIN agreement_declines d"
                           " ON d.partner_id = a.partner_id AND d.version = a.version")
_CHECKIN_COLUMNS = ("partner_id, checkin_id, asked_by_me, question, domains, sent_at,"
                    " answered_at, overall, domain_scores, line, share_trend, answer_seen")


def _version(row: Row) -> AgreementVersion:
    """Terms are cleaned as they are read (text_safety), so both vaults sign and verify an
    acceptance over the same cleaned terms."""
    return AgreementVersion(row[0], row[1], clean_deep(json.loads(row[2])), bool(row[3]),
                            row[4], row[5], _dt(row[6]), to_datetime(row[7]),
                            to_datetime(row[8]), clean_text(row[9] or ""), bool(row[10]))


def _checkin(row: Row) -> CheckinRecord:
    line = clean_text(row[9])  # NOT NULL DEFAULT '' (store/schema.py)
    return CheckinRecord(row[0], row[1], bool(row[2]), clean_text(row[3]),
                         clean_deep(json.loads(row[4])), _dt(row[5]), to_datetime(row[6]),
                         row[7], clean_deep(json.loads(row[8])), line, bool(row[10]),
                         bool(row[11]))


# -- writes, run inside DyadRepository's transactions ---------------------------------------------


def put_proposal(version: AgreementVersion) -> Write:
    """A proposal (own or received). It replaces a not yet accepted proposal of the same
    version number (both proposed at once: the later one stands); never an accepted one."""

    def write(conn: Connection) -> None:
        conn.execute("DELETE FROM agreement_versions WHERE partner_id = ? AND version = ?"
                     " AND accepter_signature IS NULL", (version.partner_id, version.version))
        conn.execute("DELETE FROM agreement_declines WHERE partner_id = ? AND version = ?",
                     (version.partner_id, version.version))
        conn.execute(
            "INSERT INTO agreement_versions(partner_id, version, terms, proposed_by_me,"
            " proposer_signature, accepter_signature, proposed_at, accepted_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (version.partner_id, version.version, json.dumps(version.terms, sort_keys=True),
             int(version.proposed_by_me), version.proposer_signature, None,
             iso(version.proposed_at), None))

    return write


def put_acceptance(partner_id: int, version: int, signature: str, at: datetime) -> Write:
    def write(conn: Connection) -> None:
        conn.execute("UPDATE agreement_versions SET accepter_signature = ?, accepted_at = ?"
                     " WHERE partner_id = ? AND version = ?",
                     (signature, iso(at), partner_id, version))

    return write


def put_decline(partner_id: int, version: int, declined_by_me: bool, reason: str,
                at: datetime) -> Write:
    """A proposal declined (by us, or by the partner), with the reason given (may be empty)."""

    def write(conn: Connection) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO agreement_declines(partner_id, version, declined_by_me,"
            " reason, declined_at) VALUES (?, ?, ?, ?, ?)",
            (partner_id, version, int(declined_by_me), reason, iso(at)))

    return write


def put_promise(partner_id: int, message_ids: list[str], answer_by: datetime,
                given_at: datetime) -> Write:
    def write(conn: Connection) -> None:
        conn.executemany(
            "INSERT INTO answer_promises(partner_id, message_id, answer_by, given_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET answer_by = excluded.answer_by,"
            " given_at = excluded.given_at",
            [(partner_id, m, iso(answer_by), iso(given_at)) for m in message_ids])

    return write


def put_checkin(partner_id: int, checkin_id: str, asked_by_me: bool, question: str,
                domains: list[str], sent_at: datetime, schedule: tuple[int, datetime] | None
                = None) -> Write:
    """A check-in question; ``schedule`` (id, next due) moves the provider's schedule on."""

    def write(conn: Connection) -> None:
        conn.execute(
            "INSERT OR IGNORE INTO checkins(partner_id, checkin_id, asked_by_me, question,"
            " domains, sent_at) VALUES (?, ?, ?, ?, ?, ?)",
            (partner_id, checkin_id, int(asked_by_me), question, json.dumps(domains),
             iso(sent_at)))
        if schedule is not None:
            conn.execute("UPDATE checkin_schedules SET next_due_at = ? WHERE id = ?",
                         (iso(schedule[1]), schedule[0]))

    return write


def put_answer(partner_id: int, checkin_id: str, answered_at: datetime, overall: int | None,
               domain_scores: dict[str, int], line: str, share_trend: bool) -> Write:
    def write(conn: Connection) -> None:
        conn.execute(
            "UPDATE checkins SET answered_at = ?, overall = ?, domain_scores = ?, line = ?,"
            " share_trend = ? WHERE partner_id = ? AND checkin_id = ? AND answered_at IS NULL",
            (iso(answered_at), overall, json.dumps(domain_scores, sort_keys=True), line,
             int(share_trend), partner_id, checkin_id))

    return write


def put_feedback(record: FeedbackRecord) -> Write:
    def write(conn: Connection) -> None:
        conn.execute(
            "INSERT OR IGNORE INTO feedback(partner_id, feedback_id, from_me, scores, given_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (record.partner_id, record.feedback_id, int(record.from_me),
             json.dumps(record.scores, sort_keys=True), iso(record.given_at)))

    return write


class AgreementRepository(Repository):
    # -- agreement versions ---------------------------------------------------------------------

    def versions(self, partner_id: int) -> list[AgreementVersion]:
        """Every version of the dyad's agreement, oldest first (the readable history)."""
        with self.vault.read() as conn:
            rows = conn.execute(f"SELECT {_VERSION_COLUMNS} FROM {_VERSIONS_WITH_DECLINES}"
                                " WHERE a.partner_id = ? ORDER BY a.version",
                                (partner_id,)).fetchall()
        return [_version(r) for r in rows]

    def accepted_terms(self) -> dict[int, AgreementVersion]:
        """Per partner, the newest accepted version."""
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT {_VERSION_COLUMNS} FROM {_VERSIONS_WITH_DECLINES} WHERE"
                " a.accepter_signature IS NOT NULL AND a.version = (SELECT max(version) FROM"
                " agreement_versions b"
                " WHERE b.partner_id = a.partner_id AND b.accepter_signature IS NOT NULL)"
            ).fetchall()
        return {r[0]: _version(r) for r in rows}

    def view_receipts_agreed(self) -> set[int]:
        """The partners whose accepted agreement has ``view_receipts: true`` (docs/sharing.md:
        view receipts are sent and shown only then)."""
        return {partner_id for partner_id, version in self.accepted_terms().items()
                if version.terms.get("view_receipts") is True}

    # -- promises -------------------------------------------------------------------------------

    def promises(self, partner_id: int) -> dict[str, datetime]:
        """message id -> "I will answer by" for the dyad's messages."""
        with self.vault.read() as conn:
            rows = conn.execute("SELECT message_id, answer_by FROM answer_promises"
                                " WHERE partner_id = ?", (partner_id,)).fetchall()
        return {r[0]: _dt(r[1]) for r in rows}

    # -- check-ins ------------------------------------------------------------------------------

    def add_schedule(self, partner_id: int, question: str, domains: list[str], every_days: int,
                     first_due: datetime) -> int:
        with self.vault.transaction() as conn:
            return inserted_id(conn.execute(
                "INSERT INTO checkin_schedules(partner_id, question, domains, every_days,"
                " next_due_at) VALUES (?, ?, ?, ?, ?)",
                (partner_id, question, json.dumps(domains), every_days, iso(first_due))
            ).lastrowid)

    def schedules(self) -> list[CheckinSchedule]:
        with self.vault.read() as conn:
            rows = conn.execute("SELECT id, partner_id, question, domains, every_days,"
                                " next_due_at FROM checkin_schedules ORDER BY next_due_at, id"
                                ).fetchall()
        return [CheckinSchedule(r[0], r[1], clean_text(r[2]), clean_deep(json.loads(r[3])), r[4],
                                _dt(r[5]))
                for r in rows]

    def delete_schedule(self, schedule_id: int) -> None:
        with self.vault.transaction() as conn:
            conn.execute("DELETE FROM checkin_schedules WHERE id = ?", (schedule_id,))

    def checkins(self, partner_id: int | None = None) -> list[CheckinRecord]:
        where, args = ("WHERE partner_id = ?", (partner_id,)) if partner_id is not None else (
            "", ())
        with self.vault.read() as conn:
            rows = conn.execute(f"SELECT {_CHECKIN_COLUMNS} FROM checkins {where}"
                                " ORDER BY sent_at, id", args).fetchall()
        return [_checkin(r) for r in rows]

    def mark_answers_seen(self, partner_id: int) -> None:
        with self.vault.transaction() as conn:
            conn.execute("UPDATE checkins SET answer_seen = 1 WHERE partner_id = ?"
                         " AND answered_at IS NOT NULL", (partner_id,))

    # -- feedback -------------------------------------------------------------------------------

    def feedback(self, partner_id: int) -> list[FeedbackRecord]:
        with self.vault.read() as conn:
            rows = conn.execute("SELECT partner_id, feedback_id, from_me, scores, given_at"
                                " FROM feedback WHERE partner_id = ? ORDER BY given_at, id",
                                (partner_id,)).fetchall()
        return [FeedbackRecord(r[0], r[1], bool(r[2]), clean_deep(json.loads(r[3])), _dt(r[4]))
                for r in rows]

    # -- drafts ---------------------------------------------------------------------------------

    def add_draft(self, partner_id: int, text: str, at: datetime) -> int:
        with self.vault.transaction() as conn:
            return inserted_id(conn.execute(
                "INSERT INTO message_drafts(partner_id, text, purpose, created_at)"
                " VALUES (?, ?, 'next-meeting', ?)", (partner_id, text, iso(at))).lastrowid)

    def drafts(self, partner_id: int) -> list[Draft]:
        with self.vault.read() as conn:
            rows = conn.execute("SELECT id, partner_id, text, created_at FROM message_drafts"
                                " WHERE partner_id = ? ORDER BY id", (partner_id,)).fetchall()
        return [Draft(r[0], r[1], clean_text(r[2]), _dt(r[3])) for r in rows]

    def delete_draft(self, draft_id: int) -> None:
        with self.vault.transaction() as conn:
            conn.execute("DELETE FROM message_drafts WHERE id = ?", (draft_id,))
