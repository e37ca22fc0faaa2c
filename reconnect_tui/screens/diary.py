"""Diary and registrations: entries listed by date, and today's values for the parameters the
person chose, entered on one screen with a few keys, each with a 30-day trend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import AwaitMount, Widget
from textual.widgets import Label, OptionList, Static, TabbedContent, TabPane, TextArea
from textual.widgets.option_list import Option

from .. import formats
from ..i18n import N_, _
from ..model import DiaryEntry, RegistrationParameter
from ..store import Toolbox
from ..widgets.drafts import DraftNotice, KeepsDraft
from ..widgets.form import Field, FormError, FormScreen
from ..widgets.scaled_sparkline import ScaledSparkline
from .base import ModuleScreen

if TYPE_CHECKING:
    from ..store.repositories.drafts import DraftSlot, FormDraft, JsonValue

TREND_DAYS = 30
PAGE_SIZE = 50
"""Diary entries listed at first (newest); each "show older" adds as many again. Each entry
is two lines, so 50 fill several screens and keep the list quick to build."""
OLDER_ID = "show-older"
FIRST_VALUE = -1
"""``load_registrations(FIRST_VALUE)``: focus the first parameter's field once shown."""


def _page_end(index: int) -> int:
    """How many entries to show so that the one at ``index`` is on a shown page."""
    return (index // PAGE_SIZE + 1) * PAGE_SIZE


def _entry_option(entry: DiaryEntry) -> Option:
    first = entry.text.strip().splitlines()[0] if entry.text.strip() else ""
    line = Text(formats.day_and_time(entry.written_at), style="bold")
    line.append("\n" + first[:60])
    return Option(line, id=str(entry.id))


def _number(value: float) -> str:
    return formats.number(value)


class EntryEditor(KeepsDraft, ModalScreen[str | None]):
    """Write or change one diary entry: a roomy text area; Ctrl+S saves, Escape cancels.
    What is typed is kept as a draft when the app locks (``widgets/drafts.py``)."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save")),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, title: str, text: str = "", draft: DraftSlot | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.draft = draft

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="entry-editor"):
            yield Label(self.title_text, classes="title")
            yield DraftNotice()
            yield TextArea(self.text, id="entry-text", soft_wrap=True, show_line_numbers=False)
            yield Static(_("Ctrl+S saves · Escape cancels"), classes="help")

    def on_mount(self) -> None:
        self.query_one("#entry-text", TextArea).focus()
        self.offer_draft_from_thread()

    def draft_offered(self, restored: FormDraft) -> None:
        self.query_one(DraftNotice).show(restored)

    def draft_fields(self) -> dict[str, JsonValue]:
        return {"text": self.query_one("#entry-text", TextArea).text}

    def show_draft_fields(self, fields: dict[str, JsonValue]) -> None:
        text = fields.get("text")
        if isinstance(text, str):
            self.query_one("#entry-text", TextArea).load_text(text)

    @on(DraftNotice.Discard)
    def _discard_draft(self) -> None:
        self.revert_draft()

    def action_save(self) -> None:
        text = self.query_one("#entry-text", TextArea).text.rstrip()
        if not text.strip():
            self.notify(_("The entry is empty; write something or press Escape."))
            return
        self.drop_draft()
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Escape: asks first when something was typed (``KeepsDraft.leave_form``)."""
        self.leave_form(lambda: self.dismiss(None))


class ValueField(Widget, can_focus=True):
    """Today's value of one parameter: type digits, or + and - to step; Enter saves all."""

    DEFAULT_CSS = """
    ValueField {
        width: 10;
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    ValueField:focus {
        background: $accent 30%;
        text-style: bold;
    }
    """

    class Submitted(Message):
        """Enter was pressed: save every row."""

    def __init__(self, parameter: RegistrationParameter, value: float | None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.parameter = parameter
        self.saved = value
        self.text = "" if value is None else _number(value)

    @property
    def value(self) -> float | None:
        """The typed number, or None when empty. Raises ValueError when not a number."""
        return float(self.text.replace(",", ".")) if self.text.strip() else None

    @property
    def changed(self) -> bool:
        try:
            return self.value != self.saved
        except ValueError:
            return True

    def render(self) -> Text:
        return Text(self.text or "–")

    def step(self, amount: float) -> None:
        try:
            current = self.value
        except ValueError:
            current = None
        low, high = self.parameter.minimum, self.parameter.maximum
        new = low if current is None else min(high, max(low, current + amount))
        self.text = _number(new)
        self.refresh()

    def on_key(self, event: events.Key) -> None:
        character = event.character or ""
        if character in "+-" and character:
            self.step(1 if character == "+" else -1)
        elif character.isdigit() or (character in ".," and character):
            self.text += character
        elif event.key == "backspace":
            self.text = self.text[:-1]
        elif event.key == "enter":
            self.post_message(self.Submitted())
        elif event.key == "down":
            self.screen.focus_next(ValueField)
        elif event.key == "up":
            self.screen.focus_previous(ValueField)
        else:
            return
        event.stop()
        event.prevent_default()
        self.refresh()


@dataclass(frozen=True, slots=True)
class Registrations:
    """The registrations tab: the parameters, today's values and each one's recent trend."""

    parameters: list[RegistrationParameter]
    today: dict[int, float]
    trends: dict[int, list[float]]


@dataclass(frozen=True, slots=True)
class DiaryData:
    """What the screen shows, read in its loading thread."""

    entries: list[DiaryEntry]
    """The newest entries, whole pages of them."""
    total: int
    registrations: Registrations | None
    """None until the registrations tab was opened."""


class DiaryScreen(ModuleScreen[DiaryData]):
    """Diary entries by date, and daily registrations with trends."""

    AUTO_FOCUS = "#entries"
    MODULE = "diary"
    EDIT_ACTIONS = frozenset({"add", "edit", "delete", "save_values"})

    TITLE_TEXT = N_("Diary and registrations")
    EMPTY_TEXT = N_(
        "The diary is a private place to write about your days, and registrations let you "
        "track what you choose, like sleep or mood. Press a to write your first entry."
    )
    BINDINGS = [
        Binding("a", "add", N_("Add")),
        Binding("e", "edit", N_("Edit")),
        Binding("x", "delete", N_("Delete")),
        Binding("delete", "delete", N_("Delete"), show=False),
        Binding("r", "switch", N_("Diary / registrations")),
        Binding("ctrl+s", "save_values", N_("Save the values")),
        Binding("[", "day_before", N_("Day before"), tooltip=N_("Registrations of the day before")),
        Binding("]", "day_after", N_("Day after"), tooltip=N_("Registrations of the day after")),
        Binding("o", "older", N_("Older entries"), show=False),
    ]
    FOOTER_KEYS = ("add", "edit", "switch", "save_values", "day_before", "day_after", "delete")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entries: list[DiaryEntry] = []
        """The newest entries read so far (whole pages), newest first; all of them are listed."""
        self.total = 0
        """How many entries the diary holds."""
        self.shown = 0
        self._select_after_load: int | None = None
        self._registrations_loaded = False
        """Registrations are read when their tab is first shown, not with the screen."""
        self._select_id: int | None = None
        self._focus_id: int | None = None
        self.registration_day: date | None = None
        """The day whose values the registrations tab shows and saves; None: today."""

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="diary-tabs", classes="module-body"):
            with TabPane(_("Diary"), id="tab-diary"):
                with Horizontal(id="diary-panes"):
                    yield OptionList(id="entries")
                    with VerticalScroll(id="entry-view"):
                        yield Static("", id="entry-text-view", markup=False)
                # Hidden until the entries are read: most diaries have some, and a state the
                # data leaves as it is costs no relayout when it arrives.
                empty = self.empty_state(id="diary-empty")
                empty.display = False
                yield empty
            with TabPane(_("Registrations"), id="tab-registrations"):
                yield Static("", classes="help", id="registration-help")  # says which day
                yield self.who_can_see("registrations")
                yield VerticalScroll(id="registration-rows")
                yield self.empty_state(
                    _(
                        "Registrations let you follow something day by day, like hours of sleep "
                        "or mood from 0 to 10, and see how it changes. Press a to add one."
                    ),
                    id="registrations-empty",
                )
        yield self.who_can_see()

    @property
    def today(self) -> date:
        return self.session.today()

    @property
    def value_day(self) -> date:
        """The day the registration values are for: today, or a past day chosen with [ and ]."""
        return self.registration_day or self.today

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("day_before", "day_after"):
            if not self.is_mounted or self._tab() != "tab-registrations":
                return None  # only on the registrations tab
            if action == "day_after" and self.value_day >= self.today:
                return None  # no values for days that have not come
        return super().check_action(action, parameters)

    def action_day_before(self) -> None:
        self._move_day(-1)

    def action_day_after(self) -> None:
        self._move_day(1)

    def _move_day(self, days: int) -> None:
        """Registrations can be entered for a past day (a forgotten evening, a trip away)."""
        day = min(self.today, self.value_day + timedelta(days=days))
        self.registration_day = None if day == self.today else day
        self.load_registrations(FIRST_VALUE)
        self.refresh_bindings()

    def _tab(self) -> str:
        return self.query_one("#diary-tabs", TabbedContent).active

    # -- diary entries -----------------------------------------------------------------------

    def load_data(self, toolbox: Toolbox) -> DiaryData:
        """Diaries grow for years: read only the pages shown."""
        diary = toolbox.diary
        wanted = max(self.shown, PAGE_SIZE)
        target = self._select_id if self._select_id is not None else self._select_after_load
        if target is not None:
            index = diary.index_of(target)
            if index is not None:
                wanted = max(wanted, _page_end(index))
        registrations = None
        if self._registrations_loaded:
            today = self.today
            since = today - timedelta(days=TREND_DAYS - 1)
            parameters = toolbox.registrations.list()
            registrations = Registrations(
                parameters,
                toolbox.registrations.values_on(self.value_day),
                {
                    p.id or 0: [r.value for r in toolbox.registrations.values(p.id or 0, since)]
                    for p in parameters
                },
            )
        return DiaryData(diary.newest(wanted), diary.count(), registrations)

    def show_data(self, data: DiaryData) -> None:
        select_id, self._select_id = self._select_id, None
        self._show_entries(data.entries, data.total, select_id)
        if data.registrations is not None:
            self._show_registrations(data.registrations)

    def load_entries(self, select_id: int | None = None) -> None:
        """Read the entries again (in the loading thread); the cursor on ``select_id``."""
        self._select_id = select_id
        self.request_load()

    def _show_entries(self, entries: list[DiaryEntry], total: int, select_id: int | None) -> None:
        self.entries = entries
        self.total = total
        select_id = select_id if select_id is not None else self._select_after_load
        self._select_after_load = None
        ids = [e.id for e in entries]
        wanted = ids.index(select_id) if select_id in ids else 0
        self.shown = len(entries)
        self._fill_list(wanted)
        self.query_one("#diary-panes").display = bool(entries)
        self.query_one("#diary-empty").display = not entries

    def _fill_list(self, highlight: int) -> None:
        """List the newest ``self.shown`` entries, then an option to show older ones."""
        listing = self.query_one("#entries", OptionList)
        options = [_entry_option(entry) for entry in self.entries[: self.shown]]
        older = self.total - self.shown
        if older > 0:
            label = _("Show older entries ({count} more; Enter or o)").format(count=older)
            options.append(Option(Text(label, style="italic"), id=OLDER_ID))
        listing.set_options(options)
        if self.entries:
            listing.highlighted = highlight
            self._show_entry(highlight)

    def action_older(self) -> None:
        """Show the next page of older entries; the cursor goes to the first of them."""
        if self._tab() != "tab-diary" or self.shown >= self.total:
            return
        first_new = self.shown
        self.entries += self.toolbox.diary.newest(PAGE_SIZE, offset=first_new)
        self.shown = len(self.entries)
        self._fill_list(first_new)
        self.query_one("#entries", OptionList).focus()

    def _show_entry(self, index: int) -> None:
        if 0 <= index < self.shown:
            view: Text = Text(self.entries[index].text)
        elif index == self.shown and index < self.total:
            view = Text(_("Press Enter or o to show older entries."), style="dim")
        else:
            view = Text("")
        self.query_one("#entry-text-view", Static).update(view)

    @on(OptionList.OptionHighlighted, "#entries")
    def entry_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_entry(event.option_index)

    @on(OptionList.OptionSelected, "#entries")
    def entry_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == OLDER_ID:
            self.action_older()
        else:
            self.action_edit()

    def current_entry(self) -> DiaryEntry | None:
        index = self.query_one("#entries", OptionList).highlighted
        if index is None or not 0 <= index < min(self.shown, len(self.entries)):
            return None
        return self.entries[index]

    def return_point(self) -> object | None:
        entry = self.current_entry() if self._tab() == "tab-diary" else None
        return entry.id if entry is not None else None

    def return_to(self, point: object) -> None:
        if isinstance(point, int):
            self.select_item(point)

    def select_item(self, item_id: int, kind: str = "", match: str = "") -> None:
        """Highlight a diary entry (used by search), showing older pages if it is on one."""
        self.query_one("#diary-tabs", TabbedContent).active = "tab-diary"
        if any(e.id == item_id for e in self.entries):
            self._show_entries(self.entries, self.total, item_id)
        else:
            self._select_after_load = item_id
            self.load_entries(item_id)
        self.query_one("#entries", OptionList).focus()

    def _write_entry(self) -> None:
        def saved(text: str | None) -> None:
            if text is None:
                return
            entry = self.toolbox.diary.add(DiaryEntry(text=text, written_at=self.session.now()))
            self.load_entries(entry.id)
            self.notify(_("Entry saved."))

        draft = self.toolbox.drafts.slot("new-diary-entry")
        self.app.push_screen(EntryEditor(_("New diary entry"), draft=draft), saved)

    def _edit_entry(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return

        def saved(text: str | None) -> None:
            if text is None:
                return
            entry.text = text
            self.toolbox.diary.update(entry)
            self.load_entries(entry.id)
            self.notify(_("Entry saved."))

        title = _("Diary entry of {when}").format(when=formats.day(entry.written_at))
        draft = self.toolbox.drafts.slot("diary-entry", entry.id or 0)
        self.app.push_screen(EntryEditor(title, entry.text, draft=draft), saved)

    def _delete_entry(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        entry_id = entry.id or 0

        def delete() -> None:
            self.toolbox.diary.delete(entry_id)
            self.load_entries()
            self.notify(_("Entry deleted."))

        when = formats.day_and_time(entry.written_at)
        self.confirm(_("Delete the diary entry of {when}?").format(when=when), delete)

    # -- registrations -----------------------------------------------------------------------

    @on(TabbedContent.TabActivated, "#diary-tabs")
    def tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-registrations" and not self._registrations_loaded:
            self.load_registrations()
        self.refresh_bindings()  # [ and ] (another day) belong to the registrations tab

    def load_registrations(self, focus_id: int | None = None) -> None:
        """Read the registrations again (with the entries, in the loading thread)."""
        self._registrations_loaded = True
        if focus_id is not None:  # a load asked for without a focus keeps one still pending
            self._focus_id = focus_id
        self.request_load()

    def _show_registrations(self, data: Registrations) -> None:
        parameters = data.parameters
        focus_id = self._focus_id
        if focus_id == FIRST_VALUE:
            focus_id = parameters[0].id if parameters else None
        if focus_id is not None and all(p.id != focus_id for p in parameters):
            focus_id = None  # read before that registration was saved: the next load shows it
        else:
            self._focus_id = None
        rows = self.query_one("#registration-rows", VerticalScroll)
        rows.remove_children()
        new_rows: list[Horizontal] = []
        for parameter in parameters:
            trend = data.trends.get(parameter.id or 0, [])
            label = parameter.name + (f" ({parameter.unit})" if parameter.unit else "")
            span = f"{_number(parameter.minimum)}–{_number(parameter.maximum)}"
            field = ValueField(parameter, data.today.get(parameter.id or 0))
            field.id = f"value-{parameter.id}"
            field.disabled = self.read_only  # a provider reads the values, never types them
            row = Horizontal(
                Label(Text(label), classes="registration-name"),
                field,
                Static(span, classes="help registration-span"),
                ScaledSparkline(trend, lowest=parameter.minimum, highest=parameter.maximum,
                                classes="registration-trend"),
                classes="registration-row",
            )
            new_rows.append(row)
        mounted = rows.mount_all(new_rows)  # one mount (and one layout) for all the rows
        self.query_one("#registrations-empty").display = not parameters
        help_line = self.query_one("#registration-help", Static)
        help_line.display = bool(parameters)
        if self.value_day == self.today:
            help_line.update(_(
                "Today: type a value or press + and -, ↑↓ to move, Enter saves all. [ goes back"
                " a day."))
        else:
            help_line.update(_(
                "{day}: the values of that day. Type or press + and -, Enter saves; ] goes"
                " forward a day.").format(day=formats.long_day(self.value_day)))
        rows.display = bool(parameters)
        if focus_id is not None:
            self.call_after_refresh(self._focus_when_mounted, mounted, focus_id)

    async def _focus_when_mounted(self, mounted: AwaitMount, parameter_id: int) -> None:
        """Focus a registration's field once its row is mounted: a field still mounting cannot
        take the focus, and how many refreshes the mount takes is Textual's business."""
        await mounted
        self._focus_value(parameter_id)

    def _focus_value(self, parameter_id: int) -> None:
        found = self.query(f"#value-{parameter_id}")
        if found:
            found.first().focus()

    def current_parameter(self) -> RegistrationParameter | None:
        focused = self.app.focused
        if isinstance(focused, ValueField):
            return focused.parameter
        fields = list(self.query(ValueField).results(ValueField))
        return fields[0].parameter if fields else None

    @on(ValueField.Submitted)
    def action_save_values(self) -> None:
        """Save every changed value for today (an emptied field removes today's value)."""
        fields = [f for f in self.query(ValueField).results(ValueField) if f.changed]
        values: list[tuple[ValueField, float | None]] = []
        for field in fields:
            parameter = field.parameter
            try:
                value = field.value
            except ValueError:
                value = parameter.minimum - 1
            if value is not None and not parameter.minimum <= value <= parameter.maximum:
                self.notify(
                    _("{name} must be a number from {low} to {high}.").format(
                        name=parameter.name,
                        low=_number(parameter.minimum),
                        high=_number(parameter.maximum),
                    ),
                    severity="error",
                )
                field.focus()
                return
            values.append((field, value))
        for field, value in values:
            parameter_id = field.parameter.id or 0
            if value is None:
                self.toolbox.registrations.delete_value(parameter_id, self.value_day)
            else:
                self.toolbox.registrations.record(parameter_id, self.value_day, value)
        focused = self.app.focused
        keep = focused.parameter.id if isinstance(focused, ValueField) else None
        self.load_registrations(keep)
        if self.value_day == self.today:
            self.notify(_("Today's values saved.") if values else _("Nothing changed today."))
        elif values:
            self.notify(_("Values for {day} saved.").format(
                day=formats.long_day(self.value_day)))
        else:
            self.notify(_("Nothing changed."))

    def _parameter_form(self, values: dict[str, Any] | None, title: str, on_saved) -> None:
        fields = [
            Field("name", _("What to register"), required=True, placeholder=_("e.g. Sleep")),
            Field("unit", _("Unit"), placeholder=_("e.g. hours")),
            Field("minimum", _("Lowest value"), "float", required=True),
            Field("maximum", _("Highest value"), "float", required=True),
        ]

        def check(result: dict[str, Any]) -> None:  # refused: the form stays as typed
            if result["minimum"] >= result["maximum"]:
                raise FormError("maximum", _("The lowest value must be below the highest."))

        def saved(result: dict[str, Any] | None) -> None:
            if result is not None:
                on_saved(result)

        name = (values or {}).get("name") or ""
        draft = self.toolbox.drafts.slot("registration", name)
        self.app.push_screen(FormScreen(title, fields, values, draft=draft, check=check), saved)

    def _add_parameter(self) -> None:
        def save(result: dict[str, Any]) -> None:
            added = self.toolbox.registrations.add(RegistrationParameter(**result))
            self.load_registrations(added.id)
            self.notify(_("Registration added."))

        defaults = {"minimum": 0, "maximum": 10}
        self._parameter_form(defaults, _("New registration"), save)

    def _edit_parameter(self) -> None:
        parameter = self.current_parameter()
        if parameter is None:
            return

        def save(result: dict[str, Any]) -> None:
            for name, value in result.items():
                setattr(parameter, name, value)
            self.toolbox.registrations.update(parameter)
            self.load_registrations(parameter.id)
            self.notify(_("Registration saved."))

        values = {
            "name": parameter.name,
            "unit": parameter.unit,
            "minimum": _number(parameter.minimum),
            "maximum": _number(parameter.maximum),
        }
        self._parameter_form(values, _("Edit registration"), save)

    def _delete_parameter(self) -> None:
        parameter = self.current_parameter()
        if parameter is None:
            return
        parameter_id = parameter.id or 0

        def delete() -> None:
            self.toolbox.registrations.delete(parameter_id)
            self.load_registrations()
            self.notify(_("Registration deleted."))

        question = _("Delete “{name}” and all its values?").format(name=parameter.name)
        self.confirm(question, delete)

    # -- actions: what a, e and x do depends on the tab --------------------------------------

    def action_add(self) -> None:
        if self._tab() == "tab-registrations":
            self._add_parameter()
        else:
            self._write_entry()

    def action_edit(self) -> None:
        if self._tab() == "tab-registrations":
            self._edit_parameter()
        else:
            self._edit_entry()

    def action_delete(self) -> None:
        if self._tab() == "tab-registrations":
            self._delete_parameter()
        else:
            self._delete_entry()

    def action_switch(self) -> None:
        tabs = self.query_one("#diary-tabs", TabbedContent)
        if tabs.active == "tab-diary":
            tabs.active = "tab-registrations"
            if not self._registrations_loaded:
                self.load_registrations(FIRST_VALUE)  # focused once they are shown
                return
            fields = self.query(ValueField)
            if fields:
                fields.first().focus()
        else:
            tabs.active = "tab-diary"
            self.query_one("#entries", OptionList).focus()
