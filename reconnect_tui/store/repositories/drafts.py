"""Drafts: what was typed into an open form or composer and not saved yet.

When the app locks (Ctrl+L, after idle minutes, on a crash or a closed terminal) every open
form keeps what it holds here, and offers it back when it is opened again. A draft lives in the
vault, so it is encrypted like everything else; it never goes to a temporary file.

A draft is found by its form's identity, ``DraftKey(form, item)``: the kind of form
("new-goal", "goal", "new-sub-goal", "diary-entry", "message" …) and what it belongs to (the
item edited, the goal a new sub-goal goes under, the partner written to; "" when nothing). Its
fields are the form's raw values as JSON (text as typed, not parsed), so a form can always show
them again even when they would not pass its checks.

    slot = toolbox.drafts.slot("new-goal")      # one form's place for a draft
    slot.keep({"title": "Walk to the lake"})    # on lock
    slot.load()                                 # when the form opens again: a FormDraft or None
    slot.discard()                              # on save, or when the person discards it
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...clock import utc_now
from ._base import Repository, to_datetime, to_text

JsonValue = str | int | float | bool | None
"""What one field of a draft may hold."""


@dataclass(frozen=True)
class DraftKey:
    """A form's identity: its kind, and the item or partner it belongs to ("" for a new one)."""

    form: str
    item: str = ""


@dataclass(frozen=True)
class FormDraft:
    key: DraftKey
    fields: dict[str, JsonValue]
    saved_at: datetime | None


class DraftRepository(Repository):
    """Drafts of forms, one per form identity (keeping one again replaces it)."""

    def get(self, key: DraftKey) -> FormDraft | None:
        with self.vault.read() as conn:
            row = conn.execute(
                "SELECT fields, saved_at FROM form_drafts WHERE form = ? AND item = ?",
                (key.form, key.item),
            ).fetchone()
        if row is None:
            return None
        fields = _fields(row["fields"])
        if fields is None:  # unreadable: a draft that cannot be shown is no draft
            return None
        try:
            saved_at = to_datetime(row["saved_at"])
        except (TypeError, ValueError):
            saved_at = None
        return FormDraft(key, fields, saved_at)

    def keep(self, key: DraftKey, fields: dict[str, JsonValue]) -> None:
        """Store ``fields`` (JSON values only) as the draft of ``key``, replacing any before."""
        text = json.dumps(fields, ensure_ascii=False, allow_nan=False, sort_keys=True)
        with self.vault.transaction() as conn:
            conn.execute(
                "INSERT INTO form_drafts(form, item, fields, saved_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(form, item) DO UPDATE SET fields = excluded.fields,"
                " saved_at = excluded.saved_at",
                (key.form, key.item, text, to_text(utc_now())),
            )

    def discard(self, key: DraftKey) -> None:
        with self.vault.transaction() as conn:
            conn.execute(
                "DELETE FROM form_drafts WHERE form = ? AND item = ?", (key.form, key.item)
            )

    def list(self) -> list[FormDraft]:
        """Every draft, oldest first."""
        with self.vault.read() as conn:
            rows = conn.execute(
                "SELECT form, item FROM form_drafts ORDER BY saved_at, form, item"
            ).fetchall()
        drafts = (self.get(DraftKey(row["form"], row["item"])) for row in rows)
        return [draft for draft in drafts if draft is not None]

    def slot(self, form: str, item: str | int = "") -> DraftSlot:
        """The place for the draft of one form (what a form widget is given)."""
        return DraftSlot(self, DraftKey(form, str(item)))


@dataclass(frozen=True)
class DraftSlot:
    """One form's draft, bound to its vault: what a form keeps, loads and discards."""

    drafts: DraftRepository
    key: DraftKey

    def load(self) -> FormDraft | None:
        return self.drafts.get(self.key)

    def keep(self, fields: dict[str, JsonValue]) -> None:
        self.drafts.keep(self.key, fields)

    def discard(self) -> None:
        self.drafts.discard(self.key)


def _fields(text: str) -> dict[str, JsonValue] | None:
    try:
        value: Any = json.loads(text)
    except (TypeError, ValueError):
        return None
    if not isinstance(value, dict):
        return None
    return {
        str(name): field
        for name, field in value.items()
        if field is None or isinstance(field, str | int | float | bool)
    }
