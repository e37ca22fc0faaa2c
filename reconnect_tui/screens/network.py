"""Network map: the people around me on four closeness rings, drawn and as a table.

Wide terminals show the drawing beside the table; narrow ones (such as 80x24) show one at a
time under two tabs (``v`` switches). People marked "can help in a crisis" are offered first
when helpers are picked for the crisis plan.
"""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Static, Tab, Tabs

from ..i18n import N_, _
from ..model import RINGS, Person, Sector
from ..store import Toolbox
from ..widgets.form import Field, FormScreen
from ..widgets.network_rings import (
    CRISIS_MARK,
    SECTOR_SHORT,
    SECTOR_TITLES,
    NetworkRings,
    ring_title,
)
from .base import ModuleScreen

WIDE_ENOUGH = 110
"""From this many columns the drawing and the table sit side by side."""


def person_fields() -> list[Field]:
    return [
        Field("name", _("Name"), required=True),
        Field("relation", _("Relation"), placeholder=_("e.g. sister, neighbour, nurse")),
        Field(
            "sector",
            _("Sector"),
            "choice",
            required=True,
            choices=tuple((_(SECTOR_TITLES[s]), s) for s in Sector),
        ),
        Field(
            "ring",
            _("Ring (1 is closest to me)"),
            "choice",
            required=True,
            choices=tuple((ring_title(r), r) for r in RINGS),
        ),
        Field("phone", _("Phone"), "phone"),
        Field("contact_frequency", _("How often we are in touch")),
        Field("can_help_in_crisis", _("Can help me in a crisis"), "bool"),
        Field("notes", _("Notes"), "multiline"),
    ]


def person_values(person: Person) -> dict[str, Any]:
    return {name: getattr(person, name) for name in (f.name for f in person_fields())}


class NetworkScreen(ModuleScreen[list[Person]]):
    MODULE = "network"
    EDIT_ACTIONS = frozenset({"add", "edit", "delete"})
    TITLE_TEXT = N_("Network map")
    EMPTY_TEXT = N_(
        "The network map shows the people around you, from the closest ring to those further "
        "away. Seeing who is there can help you ask for support; press a to add someone."
    )
    BINDINGS = [
        Binding("a", "add", N_("Add person")),
        Binding("e", "edit", N_("Edit")),
        Binding("x,delete", "delete", N_("Delete")),
        Binding("v", "switch_view", N_("Map/table")),
    ]
    FOOTER_KEYS = ("add", "edit", "switch_view", "delete")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.people: list[Person] = []
        self._select_id: int | None = None

    def compose_body(self) -> ComposeResult:
        # Set the screen's classes before it mounts: each class change after mounting
        # restyles every widget on the screen (measured 8 ms each). "-nothing-yet" waits for the
        # people, read in the loading thread.
        self._layout(self.app.size.width)
        self.add_class("show-map")
        with Vertical(classes="module-body", id="network-body"):
            yield self.who_can_see()
            yield self.empty_state(id="network-empty")
            yield Tabs(
                Tab(_("Map"), id="tab-map"), Tab(_("Table"), id="tab-table"), id="network-tabs"
            )
            with Horizontal(id="network-panes"):
                with VerticalScroll(id="rings-pane"):
                    yield NetworkRings(self.people, id="rings")
                    yield Static(
                        _("{mark} can help in a crisis").format(mark=CRISIS_MARK),
                        classes="help",
                        markup=False,
                    )
                yield DataTable(id="people", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#people", DataTable)
        table.add_column(_("Name"), key="name")
        table.add_column(_("Relation"), key="relation")
        table.add_column(_("Sector"), key="sector")
        table.add_column(_("Ring"), key="ring")
        table.add_column(_("Phone"), key="phone")
        table.add_column(_("Crisis"), key="crisis")

    def on_resize(self, event: events.Resize) -> None:  # Responsive's runs as well
        self._layout(self.size.width)

    def _layout(self, width: int) -> None:
        self.set_class(width < WIDE_ENOUGH, "narrow")
        self.set_class(width >= WIDE_ENOUGH, "wide")

    # -- data --------------------------------------------------------------------------------

    def select_item(self, item_id: int, kind: str = "", match: str = "") -> None:
        """Show a person found by search: the table, its cursor on them."""
        self.query_one("#network-tabs", Tabs).active = "tab-table"
        self.reload(select_id=item_id)
        self.query_one("#people", DataTable).focus()

    def reload(self, select_id: int | None = None) -> None:
        """Read the people again (in the loading thread) and redraw; keep (or move) the
        cursor on ``select_id``."""
        self._select_id = select_id if select_id is not None else self.selected_id()
        self.request_load()

    def load_data(self, toolbox: Toolbox) -> list[Person]:
        return toolbox.network.list()

    def show_data(self, data: list[Person]) -> None:
        self.people = data
        self._fill_table(self._select_id)
        self.query_one("#rings", NetworkRings).show(self.people, self.selected_id())
        self.set_class(not self.people, "-nothing-yet")
        self.refresh_bindings()

    def _fill_table(self, select_id: int | None) -> None:
        """List ``self.people`` in the table; the cursor on ``select_id`` if it is there."""
        table = self.query_one("#people", DataTable)
        table.clear()
        for person in self.people:
            table.add_row(
                person.name,
                person.relation,
                _(SECTOR_SHORT[person.sector]),
                str(person.ring),
                person.phone,
                _("yes") if person.can_help_in_crisis else "",
                key=str(person.id),
            )
        ids = [p.id for p in self.people]
        if select_id in ids:
            table.move_cursor(row=ids.index(select_id))

    def selected_id(self) -> int | None:
        table = self.query_one("#people", DataTable)
        if not self.people or table.row_count == 0:
            return None
        row = min(max(table.cursor_row, 0), len(self.people) - 1)
        return self.people[row].id

    def selected(self) -> Person | None:
        chosen = self.selected_id()
        return next((p for p in self.people if p.id == chosen), None)

    # -- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if super().check_action(action, parameters) is False:
            return False
        if action == "switch_view":
            return True if self.people else None
        return True  # edit, delete: with nothing to act on, the key says so

    def action_add(self) -> None:
        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                person = self.toolbox.network.add(Person(**values))
                self.reload(select_id=person.id)
                self.notify(_("Added to your network map."))

        defaults = {"sector": Sector.FRIENDS, "ring": 2}
        draft = self.toolbox.drafts.slot("new-person")
        self.app.push_screen(
            FormScreen(_("Add a person"), person_fields(), defaults, draft=draft), saved
        )

    def action_edit(self) -> None:
        person = self.selected()
        if person is None:
            self.nothing_chosen()
            return

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.toolbox.network.update(Person(id=person.id, **values))
                self.reload(select_id=person.id)
                self.notify(_("Saved."))

        self.app.push_screen(
            FormScreen(_("Edit person"), person_fields(), person_values(person),
                       draft=self.toolbox.drafts.slot("edit-person", person.id or 0)), saved
        )

    def action_delete(self) -> None:
        person = self.selected()
        if person is None or person.id is None:
            self.nothing_chosen()
            return
        person_id = person.id

        def delete() -> None:
            self.toolbox.network.delete(person_id)
            self.reload()
            self.notify(_("Removed from your network map."))

        self.confirm(
            _("Remove {name} from your network map?").format(name=person.name), delete, _("Remove")
        )

    def action_switch_view(self) -> None:
        tabs = self.query_one("#network-tabs", Tabs)
        tabs.active = "tab-table" if tabs.active == "tab-map" else "tab-map"

    # -- events ------------------------------------------------------------------------------

    @on(Tabs.TabActivated, "#network-tabs")
    def tab_changed(self, event: Tabs.TabActivated) -> None:
        showing_table = event.tab.id == "tab-table"
        self.set_class(showing_table, "show-table")
        self.set_class(not showing_table, "show-map")
        if showing_table and self.people:
            self.query_one("#people", DataTable).focus()

    @on(DataTable.RowHighlighted, "#people")
    def row_highlighted(self) -> None:
        self.query_one("#rings", NetworkRings).select(self.selected_id())

    @on(DataTable.RowSelected, "#people")
    def row_selected(self) -> None:
        self.action_edit()
