"""The dyad agreement, visible waiting, check-ins and feedback: the service the UI and CLI call.

Headless. Design and wire format in ``docs/agreement.md``. Each change travels inside the dyad's
Olm session (``Dyads.send_control``); what arrives is checked in ``agreement_inbound.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .. import wire
from ..clock import Clock, utc_now
from ..errors import ReconnectError
from ..i18n import _, ngettext
from ..model import Role
from ..store.repositories import agreements as store
from ..store.repositories.agreements import (
    AgreementRepository,
    AgreementVersion,
    CheckinRecord,
    CheckinSchedule,
    Draft,
    FeedbackRecord,
)
from ..store.vault import Vault
from ..text_safety import clean_text
from . import agreement_inbound, agreement_terms, waiting
from .agreement_terms import Terms
from .dyads import Dyads, Partner, word_count

LONG_MESSAGE_FACTOR = 1.5
"""A message "much longer" than the agreed suggestion: more than this many times its words."""


@dataclass(frozen=True, slots=True)
class AgreementState:
    """What a dyad has agreed, and what is proposed."""

    status: str  # "none" | "proposed" | "accepted"
    current: AgreementVersion | None  # the newest accepted version
    pending: AgreementVersion | None  # a proposal newer than ``current``
    history: list[AgreementVersion]
    review_on: date | None  # of ``current``
    declined: AgreementVersion | None = None
    """The newest proposal, when it was declined (newer than ``current``): what was declined,
    by whom and why."""

    @property
    def shown(self) -> AgreementVersion | None:
        """The version ``show`` reports: the open proposal, else the accepted one."""
        return self.pending or self.current


@dataclass(frozen=True, slots=True)
class AnswerTime:
    """For one message the service user sent: when an answer can be expected, and the
    provider's own "I will answer by" when given."""

    message_id: str
    read_from: datetime | None  # set when sent outside working hours
    expected_by: datetime
    promised_by: datetime | None


class Agreements:
    """Agreement, waiting, check-ins and feedback for the dyads of one unlocked vault."""

    def __init__(self, vault: Vault, *, clock: Clock = utc_now,
                 dyads: Dyads | None = None) -> None:
        """``dyads``: the session's ``Dyads`` (its identity already loaded), else made here."""
        self.vault = vault
        self.clock = clock
        self.dyads = dyads if dyads is not None else Dyads(vault, clock=clock)
        self.repo = AgreementRepository(vault)

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def _keys(self, partner: Partner) -> tuple[str, str]:
        record = self.dyads._record(partner.id)
        return agreement_inbound.dyad_keys(self.dyads.identity_key, self.vault.profile().role,
                                           record.ed25519)

    # -- the agreement --------------------------------------------------------------------------

    def state(self, partner_id: int) -> AgreementState:
        history = self.repo.versions(partner_id)
        accepted = [v for v in history if v.accepted]
        current = accepted[-1] if accepted else None
        newest = history[-1] if history else None
        open_proposal = newest is not None and not newest.accepted
        pending = newest if open_proposal and newest is not None and not newest.declined \
            else None
        declined = newest if open_proposal and newest is not None and newest.declined else None
        status = "proposed" if pending else "accepted" if current else "none"
        review = None
        if current is not None and current.accepted_at is not None:
            review = agreement_terms.review_date(current.terms, current.accepted_at.date())
        return AgreementState(status, current, pending, history, review, declined)

    def template(self) -> dict[str, Any]:
        return agreement_terms.template(self._now().date())

    def propose(self, partner_id: int, raw_terms: object) -> AgreementVersion:
        """Sign and send a new version; it holds once the partner accepts it."""
        terms = agreement_terms.validate(raw_terms)
        partner = self.dyads._partner(partner_id)
        history = self.repo.versions(partner_id)
        number = (history[-1].version if history else 0) + 1
        provider, user = self._keys(partner)
        signature = self.dyads.sign(agreement_terms.signed_bytes(provider, user, number, terms))
        version = AgreementVersion(partner_id, number, terms, True, signature, None, self._now(),
                                   None)
        self.dyads.send_control(partner_id, "agreement-propose",
                                {"version": number, "terms": terms, "signature": signature},
                                store.put_proposal(version))
        return version

    def accept(self, partner_id: int) -> AgreementVersion:
        """Sign the partner's open proposal; both vaults then hold the version, signed twice."""
        partner = self.dyads._partner(partner_id)
        pending = self.state(partner_id).pending
        if pending is None:
            raise ReconnectError(_("There is no proposed agreement with {name} to accept.")
                                 .format(name=partner.name))
        if pending.proposed_by_me:
            raise ReconnectError(_("The open proposal is yours: {name} accepts it (or proposes"
                                   " a change).").format(name=partner.name))
        provider, user = self._keys(partner)
        signature = self.dyads.sign(
            agreement_terms.signed_bytes(provider, user, pending.version, pending.terms))
        now = self._now()
        self.dyads.send_control(partner_id, "agreement-accept",
                                {"version": pending.version, "signature": signature},
                                store.put_acceptance(partner_id, pending.version, signature, now))
        return next(v for v in self.repo.versions(partner_id) if v.version == pending.version)

    def decline(self, partner_id: int, reason: str = "") -> AgreementVersion:
        """Decline the partner's open proposal, saying why if one likes; the reason travels to
        them inside the dyad's Olm session. What held before (if anything) still holds."""
        partner = self.dyads._partner(partner_id)
        pending = self.state(partner_id).pending
        if pending is None:
            raise ReconnectError(_("There is no proposed agreement with {name} to decline.")
                                 .format(name=partner.name))
        if pending.proposed_by_me:
            raise ReconnectError(_("The open proposal is yours: {name} accepts or declines it"
                                   " (or you propose a change).").format(name=partner.name))
        reason = clean_text(reason).strip()
        if len(reason) > agreement_inbound.MAX_REASON:
            raise ReconnectError(ngettext(
                "A reason can have at most {n} character.",
                "A reason can have at most {n} characters.",
                agreement_inbound.MAX_REASON).format(n=agreement_inbound.MAX_REASON))
        self.dyads.send_control(partner_id, "agreement-decline",
                                {"version": pending.version, "reason": reason},
                                store.put_decline(partner_id, pending.version, True, reason,
                                                  self._now()))
        return next(v for v in self.repo.versions(partner_id) if v.version == pending.version)

    def terms(self, partner_id: int) -> Terms | None:
        """The accepted terms of the dyad, typed (None before a first agreement)."""
        current = self.repo.accepted_terms().get(partner_id)
        return agreement_terms.parse(current.terms) if current else None

    def reviews_due(self, today: date) -> list[tuple[Partner, date]]:
        """Dyads whose review date has come (on or before ``today``)."""
        due = []
        for partner in self.dyads.partners():
            review = self.state(partner.id).review_on
            if review is not None and review <= today:
                due.append((partner, review))
        return due

    # -- waiting --------------------------------------------------------------------------------

    def answer_times(self, partner_id: int) -> list[AnswerTime]:
        """For the messages we sent since the partner last wrote: expected and promised times
        (when one will be read only for one sent outside the hours and not read yet).
        Before a first agreement nothing has been agreed to expect, so only the messages the
        partner promised an answer to ("seen — I will answer by …") are listed, with the
        promised time as the expected one."""
        terms = self.terms(partner_id)
        conversation = self.dyads.conversation(partner_id)
        last_incoming = max((m.sent_at for m in conversation
                             if not m.outgoing and m.status != "unverified"), default=None)
        promises = self.repo.promises(partner_id)
        result = []
        for message in conversation:
            if not message.outgoing or (last_incoming and message.sent_at <= last_incoming):
                continue
            if terms is None:
                promised = promises.get(message.id)
                if promised is not None:
                    result.append(AnswerTime(message.id, None, promised, promised))
                continue
            start = waiting.read_from(message.sent_at, terms)
            unread_outside_hours = (message.status != "read"
                                    and waiting.outside_hours(message.sent_at, terms))
            result.append(AnswerTime(
                message.id, start if unread_outside_hours else None,
                waiting.expected_answer_by(message.sent_at, terms), promises.get(message.id)))
        return result

    def waiting_ids(self, partner_id: int) -> list[str]:
        """The partner's messages we have not answered yet (oldest first)."""
        waiting_ids: list[str] = []
        for message in self.dyads.conversation(partner_id):
            if message.outgoing:
                waiting_ids = []
            elif message.status != "unverified":
                waiting_ids.append(message.id)
        return waiting_ids

    def default_answer_by(self, partner_id: int) -> datetime:
        """The agreed time for the oldest unanswered message; if that has passed, the end of
        the next working hours."""
        terms = self.terms(partner_id) or agreement_terms.parse(self.template())
        conversation = {m.id: m for m in self.dyads.conversation(partner_id)}
        ids = self.waiting_ids(partner_id)
        now = self._now()
        if ids:
            due = waiting.expected_answer_by(conversation[ids[0]].sent_at, terms)
            if due > now:
                return due
        same_day = replace(terms, answer_within_working_days=0)
        return waiting.expected_answer_by(now, same_day)

    def mark_seen(self, partner_id: int, answer_by: datetime | None = None) -> datetime:
        """Provider: "seen — I will answer by …" for the unanswered messages."""
        ids = self.waiting_ids(partner_id)
        if not ids:
            raise ReconnectError(_("No message is waiting for an answer."))
        answer_by = (answer_by or self.default_answer_by(partner_id)).astimezone(UTC)
        self.dyads.send_control(partner_id, "seen", {"ids": ids, "answer_by":
                                                     answer_by.isoformat()},
                                store.put_promise(partner_id, ids, answer_by, self._now()))
        return answer_by

    def is_much_longer(self, partner_id: int, text: str) -> bool:
        """True when ``text`` is much longer than the agreed suggested length."""
        terms = self.terms(partner_id)
        limit = terms.suggested_max_words if terms else None
        return limit is not None and word_count(text) > limit * LONG_MESSAGE_FACTOR

    def keep_for_meeting(self, partner_id: int, text: str) -> Draft:
        """Keep a message as a draft "for our next meeting" instead of sending it."""
        self.dyads._record(partner_id)
        draft_id = self.repo.add_draft(partner_id, text, self._now())
        return next(d for d in self.repo.drafts(partner_id) if d.id == draft_id)

    def drafts(self, partner_id: int) -> list[Draft]:
        return self.repo.drafts(partner_id)

    def delete_draft(self, partner_id: int, draft_id: int) -> None:
        """Delete one of this dyad's drafts kept for the next meeting."""
        if not any(d.id == draft_id for d in self.repo.drafts(partner_id)):
            raise ReconnectError(_("This draft is no longer here."))
        self.repo.delete_draft(draft_id)

    # -- check-ins ------------------------------------------------------------------------------

    def schedule_checkin(self, partner_id: int, question: str, every_days: int = 7,
                         domains: list[str] | None = None) -> int:
        """Provider: ask this dyad ``question`` every ``every_days`` days, first due now."""
        partner = self.dyads._partner(partner_id)
        if self.vault.profile().role is not Role.PROVIDER or partner.role is not Role.USER:
            raise ReconnectError(_("Check-ins are scheduled by the provider of a dyad."))
        question = question.strip()
        if not question or len(question) > agreement_inbound.MAX_QUESTION:
            raise ReconnectError(ngettext(
                "A check-in question needs 1 to {n} character.",
                "A check-in question needs 1 to {n} characters.",
                agreement_inbound.MAX_QUESTION,
            ).format(n=agreement_inbound.MAX_QUESTION))
        if not 1 <= every_days <= 365:
            raise ReconnectError(_("A check-in repeats every 1 to 365 days."))
        return self.repo.add_schedule(partner_id, question, list(domains or []), every_days,
                                      self._now())

    def schedules(self) -> list[CheckinSchedule]:
        return self.repo.schedules()

    def due_checkins(self) -> list[CheckinSchedule]:
        """Provider: scheduled check-ins whose time has come (to send)."""
        now = self._now()
        return [s for s in self.repo.schedules() if s.next_due_at <= now]

    def send_checkin(self, schedule_id: int) -> str:
        with self.vault.transaction():  # read the schedule and move it on in one transaction
            checkin_id = self._send_checkin(schedule_id, only_due=False)
        assert checkin_id is not None  # only a due-only send skips
        return checkin_id

    def _send_checkin(self, schedule_id: int, *, only_due: bool) -> str | None:
        """Inside a write transaction, so that of two processes syncing one provider vault
        (the app, the watch, ``reconnect sync``) only the first sends a due check-in: the
        second sees the schedule already moved on (``only_due``) and sends nothing."""
        schedule = next((s for s in self.repo.schedules() if s.id == schedule_id), None)
        if schedule is None:
            raise ReconnectError(_("No scheduled check-in with id {id}.").format(id=schedule_id))
        if only_due and schedule.next_due_at > self._now():
            return None
        checkin_id = wire.new_id()
        now = self._now()
        next_due = max(schedule.next_due_at, now - timedelta(days=schedule.every_days)) \
            + timedelta(days=schedule.every_days)
        self.dyads.send_control(
            schedule.partner_id, "checkin",
            {"checkin_id": checkin_id, "question": schedule.question,
             "domains": schedule.domains},
            store.put_checkin(schedule.partner_id, checkin_id, True, schedule.question,
                              schedule.domains, now, (schedule.id, next_due)))
        return checkin_id

    def send_due_checkins(self, partner_id: int | None = None) -> list[str]:
        """Provider: send every check-in whose time has come (of one dyad, or all), to partners
        whose pairing is complete; returns the new check-in ids. The next sync delivers them."""
        if self.vault.profile().role is not Role.PROVIDER:
            return []
        paired = {p.id for p in self.dyads.partners()
                  if p.status == "paired" and not p.resetting}  # after a reset, they go
        sent = []
        for schedule in self.due_checkins():
            if schedule.partner_id not in paired or partner_id not in (None, schedule.partner_id):
                continue
            with self.vault.transaction():
                checkin_id = self._send_checkin(schedule.id, only_due=True)
            if checkin_id is not None:
                sent.append(checkin_id)
        return sent

    def checkins(self, partner_id: int | None = None) -> list[CheckinRecord]:
        return self.repo.checkins(partner_id)

    def open_checkins(self) -> list[CheckinRecord]:
        """Service user: check-ins asked and not answered yet."""
        return [c for c in self.repo.checkins() if not c.asked_by_me and c.answered_at is None]

    def answer_checkin(self, partner_id: int, checkin_id: str, *, overall: int | None,
                       domains: dict[str, int] | None = None, line: str = "",
                       share_trend: bool = False) -> None:
        scores, text = dict(domains or {}), line.strip()
        fields: dict[str, object] = {"checkin_id": checkin_id, "overall": overall,
                                     "domains": scores, "line": text, "share_trend": share_trend}
        try:
            agreement_inbound.check_answer_fields(fields)
        except ReconnectError:
            raise ReconnectError(_("A check-in answer needs a number from 0 to 10 and at most"
                                   " {n} characters of text.").format(
                                       n=agreement_inbound.MAX_LINE)) from None
        asked = next((c for c in self.repo.checkins(partner_id)
                      if c.checkin_id == checkin_id and not c.asked_by_me), None)
        if asked is None or asked.answered_at is not None:
            raise ReconnectError(_("This check-in is already answered, or not here."))
        self.dyads.send_control(partner_id, "checkin-answer", fields, store.put_answer(
            partner_id, checkin_id, self._now(), overall, scores, text, share_trend))

    def new_answers(self) -> list[CheckinRecord]:
        """Provider: answers received and not looked at yet."""
        return [c for c in self.repo.checkins()
                if c.asked_by_me and c.answered_at is not None and not c.answer_seen]

    def mark_answers_seen(self, partner_id: int) -> None:
        self.repo.mark_answers_seen(partner_id)

    def trend(self, partner_id: int) -> list[int]:
        """Overall scores over time: own answers, or (provider) the answers shared as a trend."""
        return [c.overall for c in self.repo.checkins(partner_id)
                if c.overall is not None and c.answered_at is not None
                and (not c.asked_by_me or c.share_trend)]

    def trend_answers(self, partner_id: int) -> list[CheckinRecord]:
        """The answered check-ins behind ``trend``: own answers, or (provider) those shared."""
        return [c for c in self.repo.checkins(partner_id)
                if c.overall is not None and c.answered_at is not None
                and (not c.asked_by_me or c.share_trend)]

    # -- feedback on the working relationship ---------------------------------------------------

    def give_feedback(self, partner_id: int, scores: dict[str, int]) -> FeedbackRecord:
        """Four 0–10 scales (docs/agreement.md), seen by both."""
        if set(scores) != set(agreement_inbound.FEEDBACK_SCALES) or not all(
                isinstance(v, int) and 0 <= v <= 10 for v in scores.values()):
            raise ReconnectError(_("Feedback needs four numbers from 0 to 10."))
        record = FeedbackRecord(partner_id, wire.new_id(), True, dict(scores), self._now())
        self.dyads.send_control(partner_id, "feedback", {"feedback_id": record.feedback_id,
                                                         "scores": record.scores},
                                store.put_feedback(record))
        return record

    def feedback(self, partner_id: int) -> list[FeedbackRecord]:
        return self.repo.feedback(partner_id)
