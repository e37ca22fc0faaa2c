"""Crisis plan editor: section by section, in the order every export uses.

The sections come from ``export.document.CRISIS_PLAN_SECTIONS``, so the file written by
"Export…" always holds what this screen shows. Text sections open a one-field form; the
helpers and the professionals open ``CrisisContactsScreen``, where people from the network map
who can help in a crisis are offered first. Every change is saved to the vault at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    ListItem,
    ListView,
    OptionList,
    RadioButton,
    RadioSet,
    Static,
)
from textual.widgets.option_list import Option

from ..errors import ReconnectError
from ..export.document import (
    CRISIS_PLAN_SECTIONS,
    Contact,
    SectionContent,
    SectionSpec,
    clean_line,
    contact_text,
    section_content,
)
from ..i18n import _
from ..model import CrisisPlan, Helper, Person, ServiceContact, emergency_numbers
from ..widgets.form import Field, FormScreen
from .base import ModuleScreen

if TYPE_CHECKING:
    from ..export import ExportFormat

WHO_CAN_SEE = "Only you can see this (nothing is shared)."
EXPORT_FORMATS: tuple[tuple[str, str], ...] = (
    ("pdf", "PDF"),
    ("md", "Markdown"),
    ("txt", "Plain text"),
)
"""(format, English label) in the order the export dialog offers them."""


def emergency_text(locale: str) -> str:
    """The emergency numbers on one or two lines, numbers first."""
    numbers = "   ".join(f"{n.number} {_(n.label)}" for n in emergency_numbers(locale))
    return _("In an emergency, call: {numbers}").format(numbers=numbers)


class SectionItem(ListItem):
    """One section of the plan: its title and what is written in it."""

    def __init__(self, spec: SectionSpec, plan: CrisisPlan) -> None:
        super().__init__(classes=f"section-{spec.key}")
        self.spec = spec
        self.plan = plan
        self.content: SectionContent | None = None
        """What the section shows now (set when composed)."""

    def show(self, plan: CrisisPlan) -> None:
        """Show the plan's version of this section; rebuilt only when its content changed."""
        self.plan = plan
        if section_content(plan, self.spec) != self.content:
            self.refresh(recompose=True)

    def compose(self) -> ComposeResult:
        content = self.content = section_content(self.plan, self.spec)
        yield Label(content.title, classes="section-title")
        if not content.filled:
            yield Static(_("Not filled in yet."), classes="empty")
        elif content.contacts:
            text = "\n".join(f"• {contact_text(c)}" for c in content.contacts)
            yield Static(text, classes="item", markup=False)
        else:
            yield Static("\n".join(content.lines), classes="item", markup=False)


class CrisisPlanScreen(ModuleScreen):
    AUTO_FOCUS = "#sections"
    TITLE_TEXT = _("Crisis plan")
    EMPTY_TEXT = _(
        "A crisis plan says what you notice when things get hard, what helps, and whom to call. "
        "Writing it on a good day makes it easier to use on a bad one; press e to start."
    )
    BINDINGS = [
        Binding("e", "edit", _("Edit section")),
        Binding("a", "add", _("Add to section")),
        Binding("x,delete", "clear", _("Clear section")),
        Binding("p", "export", _("Export…")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan = CrisisPlan()

    def compose_body(self) -> ComposeResult:
        locale = self.toolbox.profile.get().locale
        with Vertical(classes="module-body", id="crisis-plan-body"):
            yield Static(emergency_text(locale), id="emergency-numbers", markup=False)
            yield Static(_(WHO_CAN_SEE), classes="who-can-see")
            yield self.empty_state(id="crisis-plan-empty")
            self.plan = self.toolbox.crisis_plan.get()
            yield ListView(
                *(SectionItem(spec, self.plan) for spec in CRISIS_PLAN_SECTIONS), id="sections"
            )

    def on_mount(self) -> None:
        super().on_mount()
        self.set_class(self.plan.is_empty(), "empty")

    def on_screen_resume(self) -> None:
        """Back from the contacts screen or a dialog: show what is saved now."""
        if self.app.toolbox is not None:  # type: ignore[attr-defined]
            self.reload()

    def reload(self) -> None:
        self.plan = self.toolbox.crisis_plan.get()
        for item in self.query(SectionItem):
            item.show(self.plan)
        self.set_class(self.plan.is_empty(), "empty")

    def current(self) -> SectionSpec:
        index = self.query_one("#sections", ListView).index or 0
        return CRISIS_PLAN_SECTIONS[index]

    def save(self) -> None:
        self.toolbox.crisis_plan.save(self.plan)
        self.reload()

    # -- actions -----------------------------------------------------------------------------

    def action_edit(self) -> None:
        spec = self.current()
        if spec.kind != "text":
            self.app.push_screen(CrisisContactsScreen(spec))
            return

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                setattr(self.plan, spec.key, values[spec.key])
                self.save()
                self.notify(_("Saved."))

        field = Field(spec.key, _(spec.title), "multiline")
        form = FormScreen(
            _(spec.title),
            [field],
            {spec.key: getattr(self.plan, spec.key)},
            intro=_("Ctrl+S saves, Escape cancels."),
        )
        self.app.push_screen(form, saved)

    def action_add(self) -> None:
        spec = self.current()
        if spec.kind == "text":
            self.action_edit()
            return
        self.app.push_screen(CrisisContactsScreen(spec, start_adding=True))

    def action_clear(self) -> None:
        spec = self.current()
        if not section_content(self.plan, spec).filled:
            return

        def clear() -> None:
            setattr(self.plan, spec.key, [] if spec.kind != "text" else "")
            self.save()
            self.notify(_("Section cleared."))

        self.confirm(
            _("Clear the section “{title}”?").format(title=_(spec.title)), clear, _("Clear")
        )

    def action_export(self) -> None:
        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                profile = self.toolbox.profile.get()
                plan = self.toolbox.crisis_plan.get()
                self.export(request, plan, profile.name, profile.locale)

        self.app.push_screen(ExportDialog(), chosen)

    @work(thread=True, exclusive=True, group="crisis-export")
    def export(self, request: ExportRequest, plan: CrisisPlan, name: str, locale: str) -> None:
        """Render and write in a thread (PDF layout takes a moment); report back by notify."""
        # fpdf2 loads only when exporting
        from ..export import export_crisis_plan, write_export

        try:
            fmt = cast("ExportFormat", request.fmt)
            data = export_crisis_plan(plan, name, locale, fmt, compact=request.compact)
            write_export(data, request.path)
        except ReconnectError as error:
            self.app.call_from_thread(
                self.app.notify, str(error), title=_("Export failed"), severity="error"
            )
            return
        message = _("Crisis plan written to {file}.").format(file=request.path)
        self.app.call_from_thread(self.app.notify, message, title=_("Exported"))

    @on(ListView.Selected, "#sections")
    def section_chosen(self) -> None:
        self.action_edit()


# -- helpers and professionals --------------------------------------------------------------


class CrisisContactsScreen(ModuleScreen):
    """The helpers or the professionals of the plan: add, edit, remove and reorder."""

    BINDINGS = [
        Binding("a", "add", _("Add")),
        Binding("e", "edit", _("Edit")),
        Binding("x,delete", "delete", _("Remove")),
        Binding("shift+up,minus", "move(-1)", _("Move up")),
        Binding("shift+down,plus", "move(1)", _("Move down")),
    ]

    def __init__(self, spec: SectionSpec, start_adding: bool = False) -> None:
        super().__init__()
        self.spec = spec
        self.start_adding = start_adding
        self.TITLE_TEXT = _(spec.title)
        self.EMPTY_TEXT = (
            _("Nobody here yet. Press a to pick someone from your network map or add a name.")
            if spec.kind == "helpers"
            else _("No services yet. Press a to add your GP, a crisis team or a helpline.")
        )
        self.plan = CrisisPlan()

    @property
    def contacts(self) -> list[Helper] | list[ServiceContact]:
        return self.plan.helpers if self.spec.kind == "helpers" else self.plan.professionals

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="contacts-body"):
            yield Label(_(self.spec.title), classes="section-title")
            yield Static(_(WHO_CAN_SEE), classes="who-can-see")
            yield self.empty_state(id="contacts-empty")
            yield OptionList(id="contacts")

    def on_mount(self) -> None:
        super().on_mount()
        self.reload()
        if self.start_adding:
            self.call_after_refresh(self.action_add)

    def reload(self, index: int | None = None) -> None:
        self.plan = self.toolbox.crisis_plan.get()
        listing = self.query_one("#contacts", OptionList)
        keep = listing.highlighted if index is None else index
        listing.clear_options()
        listing.add_options(
            [Option(Text(f"• {contact_text(as_contact(c))}")) for c in self.contacts]
        )
        if self.contacts:
            listing.highlighted = min(max(keep or 0, 0), len(self.contacts) - 1)
            listing.focus()
        self.set_class(not self.contacts, "empty")
        self.refresh_bindings()

    def selected_index(self) -> int | None:
        index = self.query_one("#contacts", OptionList).highlighted
        if index is None or not 0 <= index < len(self.contacts):
            return None
        return index

    def save(self, index: int | None = None) -> None:
        self.toolbox.crisis_plan.save(self.plan)
        self.reload(index)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete", "move"):
            return True if self.contacts else None
        return True

    def _fields(self) -> list[Field]:
        fields = [Field("name", _("Name"), required=True)]
        if self.spec.kind == "professionals":
            fields.append(Field("role", _("Role or service"), placeholder=_("e.g. GP, nurse")))
        fields.append(Field("phone", _("Phone")))
        return fields

    def action_add(self) -> None:
        if self.spec.kind == "helpers":
            taken = {h.person_id for h in self.plan.helpers if h.person_id is not None}
            people = [p for p in self.toolbox.network.list() if p.id not in taken]
            self.app.push_screen(HelperPicker(people), self._picked)
        else:
            self._add_typed()

    def _picked(self, person: Person | None | bool) -> None:
        if person is None:
            return
        if person is True:
            self._add_typed()
            return
        assert isinstance(person, Person)
        self.plan.helpers.append(Helper(person.name, person.phone, person.id))
        self.save(len(self.plan.helpers) - 1)
        self.notify(_("Added to your crisis plan."))

    def _add_typed(self) -> None:
        def saved(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            if self.spec.kind == "helpers":
                self.plan.helpers.append(Helper(**values))
            else:
                self.plan.professionals.append(ServiceContact(**values))
            self.save(len(self.contacts) - 1)
            self.notify(_("Added to your crisis plan."))

        title = _("Add to “{title}”").format(title=_(self.spec.title))
        self.app.push_screen(FormScreen(title, self._fields()), saved)

    def action_edit(self) -> None:
        index = self.selected_index()
        if index is None:
            return
        contact = self.contacts[index]

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                for name, value in values.items():
                    setattr(contact, name, value)
                self.save(index)
                self.notify(_("Saved."))

        values = {f.name: getattr(contact, f.name) for f in self._fields()}
        self.app.push_screen(FormScreen(_("Edit"), self._fields(), values), saved)

    def action_delete(self) -> None:
        index = self.selected_index()
        if index is None:
            return
        name = self.contacts[index].name

        def delete() -> None:
            del self.contacts[index]
            self.save(index)
            self.notify(_("Removed from your crisis plan."))

        question = _("Remove {name} from the crisis plan?").format(name=name)
        self.confirm(question, delete, _("Remove"))

    def action_move(self, step: int) -> None:
        index = self.selected_index()
        if index is None:
            return
        target = index + step
        contacts = self.contacts
        if not 0 <= target < len(contacts):
            return
        contacts[index], contacts[target] = contacts[target], contacts[index]
        self.save(target)

    @on(OptionList.OptionSelected, "#contacts")
    def contact_chosen(self) -> None:
        self.action_edit()


def as_contact(contact: Helper | ServiceContact) -> Contact:
    """A plan entry as the export prints it (same cleaning, same layout)."""
    role = contact.role if isinstance(contact, ServiceContact) else ""
    return Contact(clean_line(contact.name), clean_line(contact.phone), clean_line(role))


class HelperPicker(ModalScreen[Person | bool | None]):
    """Choose a helper: people who can help in a crisis first, then everyone else, then a
    free entry. Returns the person, ``True`` for "someone else", or None."""

    BINDINGS = [Binding("escape", "cancel", _("Cancel"))]

    def __init__(self, people: list[Person]) -> None:
        super().__init__()
        self.people = sorted(people, key=lambda p: (not p.can_help_in_crisis, p.ring, p.name))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="helper-picker"):
            yield Label(_("Who can you ask for help?"), classes="title")
            options: list[Option] = []
            for person in self.people:
                mark = _(" · can help in a crisis") if person.can_help_in_crisis else ""
                phone = f" · {person.phone}" if person.phone else ""
                options.append(Option(Text(f"{person.name}{phone}{mark}"), str(person.id)))
            options.append(Option(Text(_("Someone else (type a name)…")), "other"))
            yield OptionList(*options, id="helper-options")
            if not self.people:
                yield Static(
                    _("People you add to the network map are offered here."), classes="help"
                )

    @on(OptionList.OptionSelected, "#helper-options")
    def picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "other":
            self.dismiss(True)
            return
        self.dismiss(next(p for p in self.people if str(p.id) == event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)


# -- export ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportRequest:
    fmt: str
    compact: bool
    path: Path


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Choose format, compact or full, and where to write; Ctrl+S exports."""

    BINDINGS = [
        Binding("ctrl+s", "export", _("Export")),
        Binding("escape", "cancel", _("Cancel")),
    ]

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = folder or Path.home()

    def default_path(self, fmt: str, compact: bool) -> Path:
        from ..export import default_filename

        return self.folder / default_filename(fmt, compact=compact)  # type: ignore[arg-type]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form", id="export-dialog"):
            yield Label(_("Export the crisis plan"), classes="title")
            with RadioSet(id="export-format"):
                for index, (fmt, label) in enumerate(EXPORT_FORMATS):
                    yield RadioButton(_(label), value=index == 0, id=f"format-{fmt}")
            yield Checkbox(_("Compact: one page to fold and carry"), id="export-compact")
            yield Label(_("Save as"))
            yield Input(str(self.default_path("pdf", False)), id="export-path")
            yield Static("", id="export-error", classes="error")
            yield Static(_("Ctrl+S exports, Escape cancels."), classes="help")
            with Horizontal(classes="buttons"):
                yield Button(_("Export"), id="export", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def chosen_format(self) -> str:
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        return (pressed.id or "format-pdf").removeprefix("format-") if pressed else "pdf"

    @on(RadioSet.Changed, "#export-format")
    @on(Checkbox.Changed, "#export-compact")
    def follow_choice(self) -> None:
        """Keep the suggested file name in step with the choices, unless the person typed one."""
        path_input = self.query_one("#export-path", Input)
        suggested = {
            str(self.default_path(fmt, compact))
            for fmt, _label in EXPORT_FORMATS
            for compact in (False, True)
        }
        if path_input.value in suggested:
            compact = self.query_one("#export-compact", Checkbox).value
            path_input.value = str(self.default_path(self.chosen_format(), compact))

    def action_export(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self.query_one("#export-error", Static).update(_("Please give a file name."))
            return
        self.dismiss(
            ExportRequest(
                self.chosen_format(),
                self.query_one("#export-compact", Checkbox).value,
                Path(raw).expanduser(),
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#export")
    def pressed_export(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#cancel")
    def pressed_cancel(self) -> None:
        self.action_cancel()

    @on(Input.Submitted, "#export-path")
    def submitted(self) -> None:
        self.action_export()
