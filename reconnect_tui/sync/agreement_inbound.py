"""Check what a partner sent about the agreement, "seen", check-ins and feedback, and say what
to store. No I/O of its own: it reads the stored proposal for an acceptance and returns a
``Write`` that ``Dyads._receive`` runs in the same transaction as the Olm session's advance.

Anything malformed, or a signature that does not verify, raises ProtocolError, so the envelope
is recorded as rejected and nothing else changes.
"""

from __future__ import annotations

from typing import Any

import vodozemac

from .. import wire
from ..errors import ProtocolError
from ..i18n import _
from ..model import Role
from ..store.repositories import agreements as store
from ..store.repositories.agreements import AgreementRepository, AgreementVersion, FeedbackRecord
from ..store.repositories.dyads import PartnerRecord
from . import agreement_terms
from .messages import DyadPlaintext

FEEDBACK_SCALES = ("heard", "matters", "way", "overall")
"""Feedback on the working relationship, in our own words (docs/agreement.md)."""
MAX_QUESTION = 300
MAX_LINE = 500
MAX_DOMAINS = 20
MAX_REASON = agreement_terms.MAX_TEXT
"""Characters in the reason given with a declined proposal."""

AGREEMENT_TYPES = ("agreement-propose", "agreement-accept", "agreement-decline", "seen",
                   "checkin", "checkin-answer", "feedback")


def _bad() -> ProtocolError:
    return ProtocolError(_("A received message could not be verified."))


def _score(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10


def _text(value: object, limit: int) -> bool:
    return isinstance(value, str) and len(value) <= limit


def dyad_keys(my_key: str, my_role: Role, partner_key: str) -> tuple[str, str]:
    """(provider key, user key) of a dyad, whichever side we are."""
    return (my_key, partner_key) if my_role is Role.PROVIDER else (partner_key, my_key)


def verify(signer_key: str, message: bytes, signature: object) -> None:
    """Raise ProtocolError unless ``signature`` is ``signer_key``'s Ed25519 over ``message``."""
    if not isinstance(signature, str):
        raise ProtocolError(_("An agreement signature did not verify; the version was"
                              " rejected."))
    try:
        vodozemac.Ed25519PublicKey.from_base64(signer_key).verify_signature(
            message, vodozemac.Ed25519Signature.from_base64(signature))
    except ValueError:  # vodozemac's SignatureException and DecodeException
        raise ProtocolError(_("An agreement signature did not verify; the version was"
                              " rejected.")) from None


def inbound(repo: AgreementRepository, record: PartnerRecord, my_key: str, my_role: Role,
            inner: DyadPlaintext) -> store.Write:
    """What to store for one received agreement/seen/check-in/feedback message."""
    fields, kind = inner.fields, inner.type
    if kind == "agreement-propose":
        return _proposal(repo, record, my_key, my_role, inner)
    if kind == "agreement-accept":
        return _acceptance(repo, record, my_key, my_role, inner)
    if kind == "agreement-decline":
        return _decline(repo, record, inner)
    if kind == "seen":
        ids, by = fields.get("ids"), fields.get("answer_by")
        if not (isinstance(ids, list) and ids and all(wire.is_valid_id(i) for i in ids)
                and isinstance(by, str)):
            raise _bad()
        answer_by = wire.utc_time(by)
        if answer_by is None:
            raise _bad()
        return store.put_promise(record.id, ids, answer_by, inner.time)
    if kind == "checkin":
        domains = fields.get("domains", [])
        if (record.role != Role.PROVIDER.value or not wire.is_valid_id(fields.get("checkin_id"))
                or not _text(fields.get("question"), MAX_QUESTION)
                or not isinstance(domains, list) or len(domains) > MAX_DOMAINS
                or not all(_text(d, 100) for d in domains)):
            raise _bad()
        return store.put_checkin(record.id, fields["checkin_id"], False, fields["question"],
                                 domains, inner.time)
    if kind == "checkin-answer":
        return _answer(repo, record, inner)
    if kind == "feedback":
        scores = fields.get("scores")
        if (not wire.is_valid_id(fields.get("feedback_id")) or not isinstance(scores, dict)
                or set(scores) != set(FEEDBACK_SCALES)
                or not all(_score(v) for v in scores.values())):
            raise _bad()
        return store.put_feedback(FeedbackRecord(record.id, fields["feedback_id"], False,
                                                 scores, inner.time))
    raise ProtocolError(_("A received message had an unexpected kind."))


def _proposal(repo: AgreementRepository, record: PartnerRecord, my_key: str, my_role: Role,
              inner: DyadPlaintext) -> store.Write:
    version, terms = inner.fields.get("version"), inner.fields.get("terms")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _bad()
    try:
        if agreement_terms.validate(terms) != terms:
            raise _bad()
    except agreement_terms.TermsError:
        raise _bad() from None
    assert isinstance(terms, dict)
    versions = repo.versions(record.id)
    if any(v.accepted and v.version >= version for v in versions):
        raise ProtocolError(_("An agreement proposal was older than the accepted version."))
    provider, user = dyad_keys(my_key, my_role, record.ed25519)
    signature = inner.fields.get("signature")
    verify(record.ed25519, agreement_terms.signed_bytes(provider, user, version, terms),
           signature)
    return store.put_proposal(AgreementVersion(record.id, version, terms, False, str(signature),
                                               None, inner.time, None))


def _acceptance(repo: AgreementRepository, record: PartnerRecord, my_key: str, my_role: Role,
                inner: DyadPlaintext) -> store.Write:
    version = inner.fields.get("version")
    proposal = next((v for v in repo.versions(record.id) if v.version == version), None)
    if proposal is None or not proposal.proposed_by_me or proposal.accepted:
        raise ProtocolError(_("An agreement acceptance named no open proposal of ours."))
    provider, user = dyad_keys(my_key, my_role, record.ed25519)
    signature = inner.fields.get("signature")
    verify(record.ed25519,
           agreement_terms.signed_bytes(provider, user, proposal.version, proposal.terms),
           signature)
    return store.put_acceptance(record.id, proposal.version, str(signature), inner.time)


def _decline(repo: AgreementRepository, record: PartnerRecord,
             inner: DyadPlaintext) -> store.Write:
    """The partner declined our open proposal; the reason is kept as sent (it is cleaned
    where it is read, ``store/repositories/agreements.py``, and again where shown)."""
    version, reason = inner.fields.get("version"), inner.fields.get("reason", "")
    if not _text(reason, MAX_REASON):
        raise _bad()
    assert isinstance(reason, str)
    proposal = next((v for v in repo.versions(record.id) if v.version == version), None)
    if proposal is None or not proposal.proposed_by_me or proposal.accepted or proposal.declined:
        raise ProtocolError(_("An agreement decline named no open proposal of ours."))
    return store.put_decline(record.id, proposal.version, False, reason, inner.time)


def check_answer_fields(fields: dict[str, Any]) -> None:
    overall, domains = fields.get("overall"), fields.get("domains", {})
    if (not wire.is_valid_id(fields.get("checkin_id"))
            or (overall is not None and not _score(overall))
            or not isinstance(domains, dict) or len(domains) > MAX_DOMAINS
            or not all(_text(k, 100) and _score(v) for k, v in domains.items())
            or (overall is None and not domains)
            or not _text(fields.get("line", ""), MAX_LINE)
            or not isinstance(fields.get("share_trend", False), bool)):
        raise _bad()


def _answer(repo: AgreementRepository, record: PartnerRecord, inner: DyadPlaintext) -> store.Write:
    fields = inner.fields
    check_answer_fields(fields)
    asked = next((c for c in repo.checkins(record.id)
                  if c.checkin_id == fields["checkin_id"] and c.asked_by_me), None)
    if asked is None or asked.answered_at is not None:
        raise ProtocolError(_("A check-in answer named no open check-in."))
    return store.put_answer(record.id, asked.checkin_id, inner.time, fields.get("overall"),
                            fields.get("domains", {}), fields.get("line", ""),
                            bool(fields.get("share_trend", False)))
