"""Exercises: the built-in guided exercises (with an animated breathing timer and a sleep
checklist), the person's own exercises, and the history of what was done."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    Label,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option

from .. import formats, library
from ..i18n import N_, _, ngettext
from ..model import Exercise, ExerciseLog
from ..store import Toolbox
from ..widgets.breathing import BreathingTimer
from ..widgets.form import Field, FormError, FormScreen
from ..widgets.toggles import StateCheckbox
from .base import ModuleScreen
from .info import MarkdownText

CATEGORY_LABELS = {
    "mindfulness": "Mindfulness",
    "breathing": "Breathing",
    "sleep": "Sleep",
    "coping": "Coping",
    "strengths": "Strengths",
    "own": "Your own exercise",
}
OWN_CATEGORY = "own"
PAGE_SIZE = 100
"""History entries listed at first (newest); each "show older" adds as many again."""
OLDER_ID = "show-older"


def _page_end(index: int) -> int:
    """How many entries to show so that the one at ``index`` is on a shown page."""
    return (index // PAGE_SIZE + 1) * PAGE_SIZE


@dataclass(frozen=True)
class Entry:
    """An exercise as listed: its vault row and, for built-ins, its text from content/."""

    row: Exercise
    text: library.ExerciseText | None

    @property
    def body(self) -> str:
        return self.text.body if self.text is not None else self.row.body


_CHECKLIST_LINE = re.compile(r"^\s*[-*+]\s+\[[ xX]\]\s")


def _without_checklist(body: str) -> str:
    """The checklist's text without its ``- [ ]`` lines (those become real checkboxes)."""
    return "\n".join(line for line in body.splitlines() if not _CHECKLIST_LINE.match(line))


@dataclass(frozen=True, slots=True)
class ExercisesData:
    """What the screen shows, read in its loading thread."""

    entries: list[Entry]
    history: list[ExerciseLog] | None
    """Every log entry, newest first; None until the history tab was opened."""


class ExercisesScreen(ModuleScreen[ExercisesData]):
    """Browse exercises, do one (timer, checklist), log it as done, keep your own."""

    AUTO_FOCUS = "#exercise-list"
    MODULE = "exercises"
    EDIT_ACTIONS = frozenset({"add", "edit", "delete", "log_done", "remind"})

    TITLE_TEXT = N_("Exercises")
    EMPTY_TEXT = N_(
        "Exercises are short guided practices for breathing, sleep, mindfulness and coping. "
        "Press a to write down an exercise of your own that helps you."
    )
    BINDINGS = [
        Binding("a", "add", N_("Add own")),
        Binding("e", "edit", N_("Edit")),
        Binding("x", "delete", N_("Delete")),
        Binding("delete", "delete", N_("Delete"), show=False),
        Binding("d", "log_done", N_("Log as done")),
        Binding("t", "timer", N_("Start timer")),
        Binding("h", "history", N_("History")),
        Binding("o", "older", N_("Older entries"), show=False),
        Binding("r", "remind", N_("Remind me daily"), show=False),
    ]
    FOOTER_KEYS = ("log_done", "timer", "history", "add", "edit", "delete")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entries: list[Entry] = []
        self.history: list[ExerciseLog] = []
        """Every log entry, newest first; the history tab lists the first ``history_shown``."""
        self.history_ids: list[int] = []
        self.history_shown = 0
        self._history_loaded = False
        self._history_wanted = False
        """The history is read (with the exercises) once its tab was opened."""
        self._select_id: int | None = None
        self._history_select: int | None = None
        self._detail_entry: Entry | None = None
        self._timed_exercise: int | None = None
        """The exercise whose timer runs: logged when the timer ends."""

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="exercise-tabs", classes="module-body"):
            with TabPane(_("Exercises"), id="tab-exercises"), Horizontal():
                yield OptionList(id="exercise-list")
                yield VerticalScroll(id="exercise-detail")
            with TabPane(_("History"), id="tab-history"):
                yield OptionList(id="history-list")
                yield self.empty_state(
                    _(
                        "Nothing logged yet. When you have done an exercise, press d to log "
                        "it, with a note if you like: it helps to see what you have done."
                    ),
                    id="history-empty",
                )
        yield self.who_can_see()

    # -- loading -----------------------------------------------------------------------------

    def load_data(self, toolbox: Toolbox) -> ExercisesData:
        history = toolbox.exercises.history() if self._history_wanted else None
        return ExercisesData(self._read_entries(toolbox), history)

    def _read_entries(self, toolbox: Toolbox) -> list[Entry]:
        """The built-in exercises in the order of content/, then the person's own."""
        language = self.session.settings.language
        texts = {text.slug: text for text in library.exercises(language)}
        rows = toolbox.exercises.list()
        builtins = [Entry(r, texts.get(r.slug)) for r in rows if r.builtin]
        order = list(texts)
        builtins.sort(key=lambda e: order.index(e.row.slug) if e.row.slug in texts else len(order))
        return builtins + [Entry(r, None) for r in rows if not r.builtin]

    def _options(self) -> list[Option]:
        return [
            Option(Text(("" if e.row.builtin else "✎ ") + e.row.title), id=str(e.row.id))
            for e in self.entries
        ]

    def load(self, select_id: int | None = None) -> None:
        """Read the exercises again (in the loading thread) and show ``select_id`` (or the
        first)."""
        self._select_id = select_id
        self.request_load()

    def load_history(self, select_id: int | None = None) -> None:
        """Read the log again (with the exercises) and list its newest page (more pages if
        ``select_id`` is older)."""
        self._history_wanted = True
        self._history_select = select_id
        shown = self.current()
        if self._select_id is None and shown is not None:
            self._select_id = shown.row.id  # the exercise list keeps its place
        self.request_load()

    def show_data(self, data: ExercisesData) -> None:
        select_id, self._select_id = self._select_id, None
        self.entries = data.entries
        listing = self.query_one("#exercise-list", OptionList)
        listing.set_options(self._options())
        if not self.entries:
            self._show_detail(None)
        else:
            index = 0
            if select_id is not None:
                index = next((i for i, e in enumerate(self.entries) if e.row.id == select_id), 0)
            listing.highlighted = index
            if self.entries[index] == self._detail_entry:  # read again, unchanged: keep it
                self._detail_entry = self.entries[index]  # (and a finished timer's words)
            else:
                self._show_detail(self.entries[index])
        if data.history is not None:
            self._show_history(data.history)

    def _show_history(self, history: list[ExerciseLog]) -> None:
        select_id, self._history_select = self._history_select, None
        self.history = history
        self.history_ids = [log.id or 0 for log in self.history]
        self._history_loaded = True
        wanted = self.history_ids.index(select_id) if select_id in self.history_ids else 0
        self.history_shown = min(
            len(self.history), max(self.history_shown, PAGE_SIZE, _page_end(wanted))
        )
        self._fill_history(wanted)
        self.query_one("#history-list").display = bool(self.history)
        self.query_one("#history-empty").display = not self.history

    def _fill_history(self, highlight: int) -> None:
        """List the newest ``history_shown`` log entries, then an option to show older ones."""
        titles = {e.row.id: e.row.title for e in self.entries}
        options: list[Option] = []
        for log in self.history[: self.history_shown]:
            when = formats.day_and_time(log.done_at)
            line = Text(f"{when}  ")
            line.append(titles.get(log.exercise_id, _("(removed exercise)")), style="bold")
            if log.note:
                line.append("  " + log.note.replace("\n", " "), style="italic")
            options.append(Option(line, id=str(log.id)))
        older = len(self.history) - self.history_shown
        if older > 0:
            label = _("Show older entries ({count} more; Enter or o)").format(count=older)
            options.append(Option(Text(label, style="italic"), id=OLDER_ID))
        listing = self.query_one("#history-list", OptionList)
        listing.set_options(options)
        if self.history:
            listing.highlighted = highlight

    def action_older(self) -> None:
        """Show the next page of older log entries; the cursor goes to the first of them."""
        if not self._on_history_tab() or self.history_shown >= len(self.history):
            return
        first_new = self.history_shown
        self.history_shown = min(len(self.history), self.history_shown + PAGE_SIZE)
        self._fill_history(first_new)
        self.query_one("#history-list", OptionList).focus()

    @on(TabbedContent.TabActivated, "#exercise-tabs")
    def tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """The history is read when its tab is first opened, not with the screen."""
        if event.pane.id == "tab-history" and not self._history_wanted:
            self.load_history()

    @on(OptionList.OptionSelected, "#history-list")
    def history_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == OLDER_ID:
            self.action_older()

    def _show_detail(self, entry: Entry | None) -> None:
        self._detail_entry = entry
        detail = self.query_one("#exercise-detail", VerticalScroll)
        detail.remove_children()
        detail.mount_all(self._detail_widgets(entry))
        detail.scroll_home(animate=False)

    def _detail_widgets(self, entry: Entry | None) -> list[Widget]:
        """What the detail pane holds for ``entry``: title, facts, text, checklist."""
        if entry is None:
            return [self.empty_state()]
        widgets: list[Widget] = [Label(Text(entry.row.title), classes="section-title")]
        category = _(CATEGORY_LABELS.get(entry.row.category, entry.row.category or ""))
        meta = category
        if entry.text is not None:
            meta += " · " + _("{minutes} min").format(minutes=entry.text.minutes)
        widgets.append(Static(meta, classes="help"))
        if entry.text is not None and entry.text.timer is not None:
            widgets.append(
                Static(_("Press t to start the timer; Space pauses it."), classes="help")
            )
        items = library.checklist_items(entry.body)
        if items:
            widgets.append(MarkdownText(_without_checklist(entry.body)))
            widgets.extend(
                StateCheckbox(Text(item), id=f"check-{n}", classes="check-item")
                for n, item in enumerate(items)
            )
        elif entry.body.strip():
            widgets.append(MarkdownText(entry.body))
        else:
            widgets.append(Static(_("No description yet. Press e to write one."), classes="empty"))
        return widgets

    # -- helpers -----------------------------------------------------------------------------

    def current(self) -> Entry | None:
        index = self.query_one("#exercise-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.entries):
            return None
        return self.entries[index]

    def _on_history_tab(self) -> bool:
        return self.query_one("#exercise-tabs", TabbedContent).active == "tab-history"

    def _show_exercises_tab(self) -> None:
        self.query_one("#exercise-tabs", TabbedContent).active = "tab-exercises"

    def select_item(self, item_id: int, kind: str = "", match: str = "") -> None:
        """Highlight an item found by search: ``item_id`` is a history (log) entry."""
        self.query_one("#exercise-tabs", TabbedContent).active = "tab-history"
        self.load_history(select_id=item_id)
        self.query_one("#history-list", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#exercise-list")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Show the highlighted exercise (unless it shows already)."""
        if 0 <= event.option_index < len(self.entries):
            entry = self.entries[event.option_index]
            if entry is not self._detail_entry:
                self._show_detail(entry)

    @on(OptionList.OptionSelected, "#exercise-list")
    def selected(self) -> None:
        """Enter: go into the exercise (its timer if it has one, else its text)."""
        detail = self.query_one("#exercise-detail", VerticalScroll)
        focusable = detail.query("Checkbox")
        if focusable:
            focusable.first().focus()
        else:
            detail.focus()

    # -- actions -----------------------------------------------------------------------------

    def _form_fields(self) -> list[Field]:
        return [
            Field("title", _("Title"), required=True),
            Field("body", _("What to do"), "multiline",
                  help=_("Write it as steps; a line starting with - becomes a bullet.")),
        ]

    def action_add(self) -> None:
        self._show_exercises_tab()

        def saved(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            added = self.toolbox.exercises.add(
                Exercise(title=values["title"], category=OWN_CATEGORY, body=values["body"])
            )
            self.load(select_id=added.id)
            self.notify(_("Exercise added."))

        draft = self.toolbox.drafts.slot("new-exercise")
        self.app.push_screen(
            FormScreen(_("Your own exercise"), self._form_fields(), draft=draft), saved
        )

    def action_edit(self) -> None:
        entry = self.current()
        if entry is None:
            self.nothing_chosen()
            return
        if entry.row.builtin:
            self.notify(_("Built-in exercises cannot be changed. Press a to add your own."))
            return
        row = entry.row

        def saved(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            row.title, row.body = values["title"], values["body"]
            self.toolbox.exercises.update(row)
            self.load(select_id=row.id)
            self.notify(_("Exercise saved."))

        values = {"title": row.title, "body": row.body}
        draft = self.toolbox.drafts.slot("edit-exercise", row.id or 0)
        self.app.push_screen(
            FormScreen(_("Edit exercise"), self._form_fields(), values, draft=draft), saved
        )

    def action_delete(self) -> None:
        if self._on_history_tab():
            self._delete_log()
            return
        entry = self.current()
        if entry is None:
            self.nothing_chosen()
            return
        if entry.row.builtin:
            self.notify(_("Built-in exercises cannot be deleted."))
            return
        row_id = entry.row.id or 0

        def delete() -> None:
            self.toolbox.exercises.delete(row_id)
            self.load()
            self.notify(_("Exercise deleted."))

        self.confirm(
            _("Delete your exercise “{title}” and its history?").format(title=entry.row.title),
            delete,
        )

    def _delete_log(self) -> None:
        index = self.query_one("#history-list", OptionList).highlighted
        if index is None or not 0 <= index < min(self.history_shown, len(self.history_ids)):
            self.nothing_chosen()
            return
        log_id = self.history_ids[index]

        def delete() -> None:
            self.toolbox.exercises.delete_log(log_id)
            self.load_history()
            self.notify(_("Removed from history."))

        self.confirm(_("Remove this entry from your history?"), delete)

    def action_log_done(self) -> None:
        entry = self.current()
        if entry is None:
            self.nothing_chosen()
            return
        boxes = list(self.query(".check-item").results(Checkbox))
        note = ""
        if boxes:
            ticked = sum(box.value for box in boxes)
            note = _("Ticked {ticked} of {total}.").format(ticked=ticked, total=len(boxes))
        exercise_id = entry.row.id or 0

        def saved(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            log = self.toolbox.exercises.log(exercise_id, values["note"], when=self.session.now())
            self.load_history(select_id=log.id)
            self.notify(_("Logged as done. Well done."))

        fields = [Field("note", _("Note (optional): how did it go?"), "multiline")]
        title = _("Done: {title}").format(title=entry.row.title)
        draft = self.toolbox.drafts.slot("exercise-log", exercise_id)
        self.app.push_screen(FormScreen(title, fields, {"note": note}, draft=draft), saved)

    def action_remind(self) -> None:
        """A daily reminder at HH:MM for this exercise, told by the background companion and
        the open app (``notify/news.py``); empty turns it off."""
        from ..notify.news import reminders, set_reminder
        from ..notify.notifier import parse_hhmm

        entry = self.current()
        if entry is None or entry.row.id is None:
            self.nothing_chosen()
            return
        exercise_id = entry.row.id
        current = reminders(self.toolbox.vault).get(f"exercise:{exercise_id}", "")

        def saved(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            at = values["at"].strip()
            set_reminder(self.toolbox.vault, "exercise", exercise_id, at or None)
            self.notify(_("Reminds you every day at {time}.").format(time=at) if at
                        else _("No more reminders of {name}.").format(name=entry.row.title))

        def check(values: dict[str, Any]) -> None:
            at = values["at"].strip()
            if at and (len(at) != 5 or parse_hhmm(at) is None):
                raise FormError("at", _("A time like 22:00, or empty."))

        fields = [Field("at", _("Remind me daily at (HH:MM, empty for no reminder)"),
                        placeholder="08:30")]
        title = _("Reminder: {title}").format(title=entry.row.title)
        self.app.push_screen(FormScreen(title, fields, {"at": current}, check=check), saved)

    def action_timer(self) -> None:
        entry = self.current()
        self._show_exercises_tab()
        if entry is None or entry.text is None or entry.text.timer is None:
            self.notify(_("This exercise has no timer."))
            return
        existing = self.query(BreathingTimer)
        if existing:
            timer = existing.first()
            timer.restart()
        else:
            timer = BreathingTimer(entry.text.timer, entry.text.rounds or 1, id="breathing")
            detail = self.query_one("#exercise-detail", VerticalScroll)
            detail.mount(timer, after=1)
        self._timed_exercise = entry.row.id
        timer.focus()

    @on(BreathingTimer.Finished)
    def timer_finished(self) -> None:
        """A timer run to its end is the exercise done: log it at once (the timed exercise,
        whichever one is highlighted now), so nobody has to remember to press d."""
        exercise_id, self._timed_exercise = self._timed_exercise, None
        if exercise_id is None or self.read_only:
            return
        timer = self.query(BreathingTimer)
        rounds = timer.first().state.rounds if timer else 1
        note = ngettext("Timer: {n} round.", "Timer: {n} rounds.", rounds).format(n=rounds)
        log = self.toolbox.exercises.log(exercise_id, note, when=self.session.now())
        self.load_history(select_id=log.id)
        self.notify(_("Timer finished and logged as done. Well done."))

    def action_history(self) -> None:
        tabs = self.query_one("#exercise-tabs", TabbedContent)
        if tabs.active == "tab-history":
            tabs.active = "tab-exercises"
            self.query_one("#exercise-list", OptionList).focus()
        else:
            tabs.active = "tab-history"
            self.query_one("#history-list", OptionList).focus()
