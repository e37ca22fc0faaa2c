"""The crisis plan's contact sections: helpers (offered from the network map first) and
professionals and services, added, edited, removed and reordered."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Label,
    OptionList,
    Static,
)
from textual.widgets.option_list import Option

from ..export.document import (
    Contact,
    SectionSpec,
    clean_line,
    contact_text,
)
from ..i18n import N_, _
from ..model import CrisisPlan, Helper, Person, ServiceContact
from ..widgets.form import Field, FormScreen
from .base import ModuleScreen

if TYPE_CHECKING:
    pass


class CrisisContactsScreen(ModuleScreen):
    """The helpers or the professionals of the plan: add, edit, remove and reorder."""

    MODULE = "crisis-plan"
    EDIT_ACTIONS = frozenset({"add", "edit", "delete", "move"})

    BINDINGS = [
        Binding("a", "add", N_("Add")),
        Binding("e", "edit", N_("Edit")),
        Binding("x,delete", "delete", N_("Remove")),
        Binding("shift+up,minus", "move(-1)", N_("Move up")),
        Binding("shift+down,plus", "move(1)", N_("Move down")),
    ]

    def __init__(self, spec: SectionSpec, start_adding: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
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
            yield self.who_can_see()
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
        self.set_class(not self.contacts, "-nothing-yet")
        self.refresh_bindings()

    def selected_index(self) -> int | None:
        index = self.query_one("#contacts", OptionList).highlighted
        if index is None or not 0 <= index < len(self.contacts):
            return None
        return index

    def save(self, index: int | None = None) -> None:
        self.toolbox.crisis_plan.save(self.plan)
        self.reload(index)

    def _fields(self) -> list[Field]:
        fields = [Field("name", _("Name"), required=True)]
        if self.spec.kind == "professionals":
            fields.append(Field("role", _("Role or service"), placeholder=_("e.g. GP, nurse")))
        fields.append(Field("phone", _("Phone"), "phone"))
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
        draft = self.toolbox.drafts.slot("new-crisis-contact", self.spec.kind)
        self.app.push_screen(FormScreen(title, self._fields(), draft=draft), saved)

    def action_edit(self) -> None:
        index = self.selected_index()
        if index is None:
            self.nothing_chosen()
            return
        contact = self.contacts[index]

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                for name, value in values.items():
                    setattr(contact, name, value)
                self.save(index)
                self.notify(_("Saved."))

        values = {f.name: getattr(contact, f.name) for f in self._fields()}
        draft = self.toolbox.drafts.slot("edit-crisis-contact", f"{self.spec.kind}/{index}")
        self.app.push_screen(FormScreen(_("Edit"), self._fields(), values, draft=draft), saved)

    def action_delete(self) -> None:
        index = self.selected_index()
        if index is None:
            self.nothing_chosen()
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
            self.nothing_chosen()
            return
        target = index + step
        contacts: list[Any] = self.contacts  # helpers or services: a swap keeps the kind
        if not 0 <= target < len(contacts):
            self.nothing_chosen(_("It is at the top already.") if step < 0
                                else _("It is at the bottom already."))
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

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

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
