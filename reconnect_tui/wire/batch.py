"""The batched deposit's bodies: one signed request carries envelopes for many mailboxes.

``POST /v1/envelopes`` with ``{"v": 1, "envelopes": [{"mailbox", "id", "ciphertext"}, …]}``
(1 to ``MAX_BATCH_ENVELOPES``) answers 200 ``{"v": 1, "results": [...]}``: one result per
envelope, in order, either ``{"mailbox", "id", "stored", "duplicate"}`` as a single deposit
would answer, or ``{"mailbox", "id", "error", "reason"}`` with the code a single deposit would
have been refused with. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .bodies import dumps, parse_object, require_bytes, require_version
from .codes import ErrorCode, WireError
from .encoding import b64encode, require_id
from .limits import PROTOCOL_VERSION

MAX_BATCH_ENVELOPES = 100
"""Envelopes in one batched deposit (a forum of 50 posts to its 49 others in one request)."""

MAX_BATCH_BODY_BYTES = 4 * 1024 * 1024
"""Largest batched deposit body the client sends; the relay's own limit is
``RelayConfig.max_batch_body_bytes`` (the same by default)."""


@dataclass(frozen=True, slots=True)
class BatchEnvelope:
    """One envelope of a batch: the mailbox it goes to, its id and its ciphertext."""

    mailbox: str
    id: str
    ciphertext: bytes


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What became of one envelope: stored now, seen before (``stored`` False, no error), or
    refused with ``error`` (a wire code) and ``reason``."""

    mailbox: str
    id: str
    stored: bool
    error: ErrorCode | None = None
    reason: str = ""


def entry_size(envelope: BatchEnvelope) -> int:
    """Bytes one envelope adds to a batch body (a bound, for splitting batches)."""
    return (len(envelope.ciphertext) + 2) // 3 * 4 + len(envelope.mailbox) + len(envelope.id) + 64


def encode_deposit_batch(envelopes: Sequence[BatchEnvelope]) -> bytes:
    return dumps({"v": PROTOCOL_VERSION, "envelopes": [
        {"mailbox": require_id(e.mailbox, "mailbox"), "id": require_id(e.id, "id"),
         "ciphertext": b64encode(e.ciphertext)} for e in envelopes]})


def decode_deposit_batch(body: bytes) -> list[BatchEnvelope]:
    obj = parse_object(body)
    require_version(obj)
    entries = obj.get("envelopes")
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_BATCH_ENVELOPES:
        raise WireError(ErrorCode.BAD_FIELD,
                        f"envelopes must be a list of 1-{MAX_BATCH_ENVELOPES} objects")
    batch = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise WireError(ErrorCode.BAD_FIELD, "each envelope must be an object")
        batch.append(BatchEnvelope(mailbox=require_id(entry.get("mailbox"), "mailbox"),
                                   id=require_id(entry.get("id"), "id"),
                                   ciphertext=require_bytes(entry, "ciphertext",
                                                            nonempty=True)))
    return batch


def encode_batch_results(results: Sequence[BatchResult]) -> bytes:
    answers: list[dict[str, Any]] = []
    for result in results:
        answer: dict[str, Any] = {"mailbox": result.mailbox, "id": result.id}
        if result.error is None:
            answer.update(stored=result.stored, duplicate=not result.stored)
        else:
            answer.update(error=str(result.error), reason=result.reason)
        answers.append(answer)
    return dumps({"v": PROTOCOL_VERSION, "results": answers})


def decode_batch_results(body: bytes, sent: Sequence[BatchEnvelope]) -> list[BatchResult]:
    """The relay's answer to ``sent``: one result per envelope, in order, or ``bad_field``."""
    obj = parse_object(body)
    require_version(obj)
    answers = obj.get("results")
    if not isinstance(answers, list) or len(answers) != len(sent):
        raise WireError(ErrorCode.BAD_FIELD, "results must answer every envelope")
    results = []
    for answer, envelope in zip(answers, sent, strict=True):
        if (not isinstance(answer, dict) or answer.get("mailbox") != envelope.mailbox
                or answer.get("id") != envelope.id):
            raise WireError(ErrorCode.BAD_FIELD, "results must answer every envelope in order")
        if "error" in answer:
            try:
                code = ErrorCode(answer["error"])
            except ValueError:
                code = ErrorCode.UNAVAILABLE  # a code this client does not know: retry later
            reason = answer.get("reason")
            results.append(BatchResult(envelope.mailbox, envelope.id, False, code,
                                       reason if isinstance(reason, str) else ""))
        elif isinstance(answer.get("stored"), bool):
            results.append(BatchResult(envelope.mailbox, envelope.id, answer["stored"]))
        else:
            raise WireError(ErrorCode.BAD_FIELD, "a result is neither stored nor refused")
    return results
