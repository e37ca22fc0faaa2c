"""Medication overview: my medicines, how they work for me, and questions for my doctor.

A list on the left, the highlighted medicine in full on the right.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from ..i18n import N_, _
from ..model import Medication
from ..store import Toolbox
from ..widgets.form import Field, FormScreen
from .base import ModuleScreen, WhoCanSee


def medication_fields() -> list[Field]:
    return [
        Field("name", _("Name"), required=True),
        Field("prescribed", _("Prescribed by a doctor"), "bool"),
        Field("dose", _("Dose"), placeholder=_("e.g. 50 mg")),
        Field("schedule", _("When I take it"), placeholder=_("e.g. morning and evening")),
        Field("intended_effect", _("What it is meant to do"), "multiline"),
        Field("experiences", _("My experiences with it"), "multiline"),
        Field("questions", _("Questions for my doctor"), "multiline"),
    ]


DETAIL_SECTIONS: tuple[tuple[str, str], ...] = (
    ("intended_effect", N_("What it is meant to do")),
    ("experiences", N_("My experiences with it")),
    ("questions", N_("Questions for my doctor")),
)
"""The free-text parts of the detail view (English source text, shown through ``_()``)."""


def prescribed_text(medication: Medication) -> str:
    return _("Prescribed") if medication.prescribed else _("Not prescribed")


class MedicationsScreen(ModuleScreen[list[Medication]]):
    MODULE = "medications"
    EDIT_ACTIONS = frozenset({"add", "edit", "delete"})
    TITLE_TEXT = N_("Medication")
    EMPTY_TEXT = N_(
        "Keep track of your medicines: what each is for, how it works for you, and what you "
        "want to ask your doctor. Press a to add one."
    )
    BINDINGS = [
        Binding("a", "add", N_("Add medicine")),
        Binding("e", "edit", N_("Edit")),
        Binding("x,delete", "delete", N_("Delete")),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.medications: list[Medication] = []
        self._select_id: int | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="medications-body"):
            yield self.who_can_see()
            yield self.empty_state(id="medications-empty")
            with Horizontal(id="medications-panes"):
                yield OptionList(id="medications")
                with VerticalScroll(id="medication-detail"):
                    yield Label("", id="medication-name", classes="title", markup=False)
                    yield Static("", id="medication-prescribed", classes="help")
                    yield self.item_who_can_see(id="medication-who-can-see")
                    yield Label(_("Dose and when"), classes="section-title")
                    yield Static("", id="medication-dose", markup=False)
                    for name, title in DETAIL_SECTIONS:
                        yield Label(_(title), classes="section-title")
                        yield Static("", id=f"medication-{name}", markup=False)

    def select_item(self, item_id: int, kind: str = "", match: str = "") -> None:
        """Highlight a medicine found by search."""
        self.reload(select_id=item_id)
        self.query_one("#medications", OptionList).focus()

    def reload(self, select_id: int | None = None) -> None:
        """Read the medicines again (in the loading thread); the cursor on ``select_id`` (or
        where it was)."""
        if select_id is None:
            current = self.selected()
            select_id = current.id if current else None
        self._select_id = select_id
        self.request_load()

    def load_data(self, toolbox: Toolbox) -> list[Medication]:
        return toolbox.medications.list()

    def show_data(self, data: list[Medication]) -> None:
        select_id = self._select_id
        self.medications = data
        options = self.query_one("#medications", OptionList)
        options.clear_options()
        options.add_options(
            [
                Option(Text(m.name if m.prescribed else f"{m.name} ({_('not prescribed')})"))
                for m in self.medications
            ]
        )
        ids = [m.id for m in self.medications]
        if ids:
            options.highlighted = ids.index(select_id) if select_id in ids else 0
        self.set_class(not self.medications, "-nothing-yet")
        self.show_detail()
        self.refresh_bindings()
        if self.medications:
            options.focus()

    def selected(self) -> Medication | None:
        if not self.medications:
            return None
        index = self.query_one("#medications", OptionList).highlighted
        if index is None or not 0 <= index < len(self.medications):
            return None
        return self.medications[index]

    def show_detail(self) -> None:
        medication = self.selected()
        if medication is None:
            self.nothing_chosen()
            return
        self.query_one("#medication-name", Label).update(medication.name)
        self.query_one("#medication-prescribed", Static).update(prescribed_text(medication))
        line = self.query_one("#medication-who-can-see", WhoCanSee)
        self.show_who_can_see(line, medication.id)
        dose = " · ".join(part for part in (medication.dose, medication.schedule) if part)
        self._show("#medication-dose", dose)
        for name, _title in DETAIL_SECTIONS:
            self._show(f"#medication-{name}", getattr(medication, name))

    def _show(self, selector: str, value: str) -> None:
        widget = self.query_one(selector, Static)
        filled = bool(value.strip())
        widget.update(value if filled else _("Not written yet."))
        widget.set_class(filled, "item")
        widget.set_class(not filled, "empty")

    # -- actions -----------------------------------------------------------------------------

    def action_add(self) -> None:
        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                medication = self.toolbox.medications.add(Medication(**values))
                self.reload(select_id=medication.id)
                self.notify(_("Medicine added."))

        self.app.push_screen(
            FormScreen(_("Add a medicine"), medication_fields(), {"prescribed": True},
                       draft=self.toolbox.drafts.slot("new-medicine")), saved
        )

    def action_edit(self) -> None:
        medication = self.selected()
        if medication is None:
            self.nothing_chosen()
            return

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.toolbox.medications.update(Medication(id=medication.id, **values))
                self.reload(select_id=medication.id)
                self.notify(_("Saved."))

        values = {f.name: getattr(medication, f.name) for f in medication_fields()}
        draft = self.toolbox.drafts.slot("edit-medicine", medication.id or 0)
        self.app.push_screen(
            FormScreen(_("Edit medicine"), medication_fields(), values, draft=draft), saved
        )

    def action_delete(self) -> None:
        medication = self.selected()
        if medication is None or medication.id is None:
            self.nothing_chosen()
            return
        medication_id = medication.id

        def delete() -> None:
            self.toolbox.medications.delete(medication_id)
            self.reload()
            self.notify(_("Medicine deleted."))

        self.confirm(_("Delete {name} from your list?").format(name=medication.name), delete)

    @on(OptionList.OptionHighlighted, "#medications")
    def highlighted(self) -> None:
        self.show_detail()

    @on(OptionList.OptionSelected, "#medications")
    def chosen(self) -> None:
        self.action_edit()
