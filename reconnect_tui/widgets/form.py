"""A modal form for adding and editing items: fields described as data, values returned typed.

    fields = [Field("title", _("Title"), required=True), Field("due", _("Due date"), "date")]
    self.app.push_screen(FormScreen(_("New goal"), fields, {"title": ""}), self._saved)

``_saved`` receives a dict of parsed values (str, int, float, bool, date, time or a choice's
value), or None when the person cancelled.

Nothing typed is lost to a mistake: a value that does not pass its field's checks (a required
field left empty, a number out of ``low``..``high``, a day that is not a day), or that ``check``
refuses, keeps the form open with every field as typed; the message stands beside the field,
which gets the focus and is scrolled into view with its message (forms are taller than an
80x24 terminal). ``check`` runs on the parsed values before the form closes: it may compare
fields or save through a service, and raises ``FormError`` (beside a field) or a
``ReconnectError`` (under the form) to refuse.

Given ``draft=toolbox.drafts.slot("new-goal")``, what is typed is kept as a draft when the app
locks, offered back when the form opens again, and dropped on save. Escape with changes asks
whether to keep them as a draft, discard them or go back to the form (``widgets/drafts.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time
from typing import TYPE_CHECKING, Any, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from .. import parsing
from ..errors import ReconnectError
from ..formats import format_day, number
from ..i18n import N_, _
from ..screens.localized import LocalizedModalScreen
from ..text_safety import clean_text
from .drafts import DraftNotice, KeepsDraft
from .footer import QuietFooter
from .toggles import StateCheckbox

if TYPE_CHECKING:
    from ..store.repositories.drafts import DraftSlot, FormDraft, JsonValue

FieldKind = Literal[
    "text", "multiline", "int", "float", "rating", "date", "time", "phone", "bool", "choice"
]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: FieldKind = "text"
    required: bool = False
    placeholder: str = ""
    choices: tuple[tuple[str, Any], ...] = field(default_factory=tuple)
    """(label, value) pairs for ``choice`` fields."""
    help: str = ""
    region: str = "NO"
    """For ``phone`` fields: the country whose numbers need no +code (the vault's country)."""
    low: float | None = None
    high: float | None = None
    """For ``int`` and ``float`` fields: the smallest and largest value allowed (None: any)."""


class FormError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


def parse_value(spec: Field, raw: Any) -> Any:
    """Turn what a widget holds into the field's type, or raise FormError with a message."""
    if spec.kind in ("bool", "choice"):
        if spec.kind == "choice" and raw is Select.NULL:
            if spec.required:
                raise FormError(spec.name, _("Please choose {label}.").format(label=spec.label))
            return None
        return raw
    text = clean_text(str(raw))  # typed or pasted: no escape codes stored (text_safety)
    text = text.strip() if spec.kind != "multiline" else text.rstrip()
    if not text:
        if spec.required:
            raise FormError(spec.name, _("{label} cannot be empty.").format(label=spec.label))
        return "" if spec.kind in ("text", "multiline", "phone") else None
    try:
        if spec.kind == "int":
            number_typed: float = int(text)
        elif spec.kind == "float":
            number_typed = parsing.parse_number(text)
        elif spec.kind == "rating":
            value = int(text)
            if not 0 <= value <= 10:
                raise ValueError
            return value
        elif spec.kind == "date":
            return parsing.parse_day(text, date.today())
        elif spec.kind == "time":
            return parsing.parse_time(text)
        elif spec.kind == "phone":
            return parsing.parse_phone(text, spec.region)
        else:
            return text
    except parsing.ParseError as error:  # says what is expected, in the person's language
        raise FormError(
            spec.name, _("{label}: {problem}").format(label=spec.label, problem=error)
        ) from None
    except ValueError:
        hints = {
            "int": _("a whole number"),
            "rating": _("a whole number from 0 to 10"),
        }
        raise FormError(
            spec.name, _("{label} must be {hint}.").format(label=spec.label, hint=hints[spec.kind])
        ) from None
    return _within(spec, number_typed)  # an int or float field


def _within(spec: Field, value: float) -> Any:
    """``value`` when it lies in the field's ``low``..``high``; else FormError saying the range."""
    low, high = spec.low, spec.high
    if (low is None or value >= low) and (high is None or value <= high):
        return value
    if low is not None and high is not None:
        message = _("{label} must be from {low} to {high}.").format(
            label=spec.label, low=number(low), high=number(high))
    elif low is not None:
        message = _("{label} must be at least {low}.").format(label=spec.label, low=number(low))
    else:
        message = _("{label} must be at most {high}.").format(
            label=spec.label, high=number(high or 0))
    raise FormError(spec.name, message)


class FormScreen(KeepsDraft, LocalizedModalScreen[dict[str, Any] | None]):
    """Edit a few fields; Ctrl+S saves, Escape cancels (asking first when something changed).

    ``save_label`` names the primary button for what it does ("Report", "Start" …); it
    defaults to "Save". ``check`` sees the parsed values before the form closes (see the
    module's docstring)."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save")),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    FOOTER_KEYS = ("save", "cancel")
    """A form is taller than 24 lines more often than not: its keys stay in view at the foot."""

    def __init__(
        self,
        title: str,
        fields: list[Field],
        values: dict[str, Any] | None = None,
        intro: str = "",
        *,
        save_label: str = "",
        draft: DraftSlot | None = None,
        check: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        super().__init__()
        self.check = check
        self.draft = draft
        self.save_label = save_label
        self.title_text = title
        self.fields = fields
        self.values = values or {}
        self.intro = intro
        self.check = check

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form-dialog"):
            yield Label(self.title_text, classes="title")
            yield DraftNotice()
            if self.intro:
                yield Static(self.intro, classes="help")
            for spec in self.fields:
                with Vertical(classes="form-field", id=f"box-{spec.name}"):
                    yield from self._field(spec)
            yield Static("", id="form-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(self.save_label or _("Save"), id="save", variant="primary")
                yield Button(_("Cancel"), id="cancel")
        yield QuietFooter()

    def _field(self, spec: Field) -> ComposeResult:
        value = self.values.get(spec.name)
        widget_id = f"field-{spec.name}"
        if spec.kind == "bool":
            yield StateCheckbox(spec.label, bool(value), id=widget_id)
            yield self._error_line(spec)
            return
        yield Label(spec.label + (" *" if spec.required else ""))
        if spec.kind == "multiline":
            area = TextArea(str(value or ""), id=widget_id, soft_wrap=True, show_line_numbers=False)
            area.styles.height = 5
            yield area
        elif spec.kind == "choice":
            yield Select(
                list(spec.choices),
                value=value if value is not None else Select.NULL,
                id=widget_id,
                allow_blank=not spec.required,
                prompt=spec.placeholder or "Select",  # the blank's words: "No life domain" …
            )
        else:
            text = (
                ""
                if value is None
                else format_day(value) if isinstance(value, date)
                else value.strftime("%H:%M") if isinstance(value, time)
                else str(value)
            )
            placeholder = spec.placeholder or {
                "date": parsing.example_day(date.today()), "rating": "0–10", "time": "08:00"
            }.get(spec.kind, "")
            yield Input(text, id=widget_id, placeholder=placeholder)
        yield self._error_line(spec)
        if spec.help:
            yield Static(spec.help, classes="help")

    @staticmethod
    def _error_line(spec: Field) -> Static:
        """Where a message about this field shows, beside it (hidden while there is none)."""
        line = Static("", id=f"error-{spec.name}", classes="error field-error", markup=False)
        line.display = False
        return line

    def show_field_error(self, error: FormError) -> None:
        """Keep the form open: the message beside its field, focused and scrolled into view."""
        self.show_error(error.field_name, str(error))

    def on_mount(self) -> None:
        first = self.query(
            ".form-dialog Input, .form-dialog TextArea, .form-dialog Checkbox, .form-dialog Select"
        )
        if first:
            first.first().focus()
        self.offer_draft_from_thread()

    def draft_offered(self, restored: FormDraft) -> None:
        self.query_one(DraftNotice).show(restored)

    def draft_fields(self) -> dict[str, JsonValue]:
        fields: dict[str, JsonValue] = {}
        for spec in self.fields:
            raw = self._raw(spec)
            if isinstance(raw, str | bool | int | float) and raw == raw:  # no NaN
                fields[spec.name] = raw
            else:  # a choice left empty (Select.NULL), or a value JSON cannot hold
                fields[spec.name] = None
        return fields

    def show_draft_fields(self, fields: dict[str, JsonValue]) -> None:
        for spec in self.fields:
            if spec.name not in fields:
                continue
            value = fields[spec.name]
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, TextArea) and isinstance(value, str):
                widget.load_text(value)
            elif isinstance(widget, Input | Checkbox) and isinstance(value, type(widget.value)):
                widget.value = value
            elif isinstance(widget, Select):
                if any(choice == value for _label, choice in spec.choices):
                    widget.value = value
                elif value is None and not spec.required:
                    widget.clear()

    @on(DraftNotice.Discard)
    def _discard_draft(self) -> None:
        self.revert_draft()

    def _raw(self, spec: Field) -> Any:
        widget = self.query_one(f"#field-{spec.name}")
        if isinstance(widget, TextArea):
            return widget.text
        assert isinstance(widget, Input | Checkbox | Select), widget  # what ``_field`` makes
        return widget.value

    def collect(self) -> dict[str, Any]:
        return {spec.name: parse_value(spec, self._raw(spec)) for spec in self.fields}

    def action_save(self) -> None:
        try:
            result = self.collect()
            if self.check is not None:
                self.check(result)
        except FormError as error:
            self.show_field_error(error)
            return
        except ReconnectError as error:  # refused by a service: the form stays as typed
            self.show_error(None, str(error))
            return
        self.drop_draft()
        self.dismiss(result)

    def show_error(self, field_name: str | None, message: str) -> None:
        """Say what is wrong beside the field (under the form for ``None`` or a field it does
        not have), focus that field and scroll it into view with the message."""
        for shown in self.query(".field-error"):
            shown.display = False
        bottom = self.query_one("#form-error", Static)
        boxes = self.query(f"#box-{field_name}") if field_name else None
        if not boxes:
            bottom.update(message)
            self.call_after_refresh(bottom.scroll_visible, animate=False, immediate=True)
            return
        bottom.update("")
        error = self.query_one(f"#error-{field_name}", Static)
        error.update(message)
        error.display = True
        self.query_one(f"#field-{field_name}").focus(scroll_visible=False)
        box = boxes.first()
        self.call_after_refresh(self._scroll_into_view, box)

    def _scroll_into_view(self, box: Widget) -> None:
        """The whole field (label, widget, message) visible, or at least its top."""
        box.scroll_visible(animate=False, top=box.outer_size.height > self.size.height,
                           immediate=True)

    def action_cancel(self) -> None:
        """Escape: close at once when nothing changed; else ask whether to keep the changes
        as a draft, discard them, or go back to the form."""
        self.leave_form(lambda: self.dismiss(None))

    @on(Button.Pressed, "#save")
    def pressed_save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def pressed_cancel(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()
