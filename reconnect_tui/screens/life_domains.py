"""What matters and life domains: what is important in my life, and how each part of it is going.

Each domain has a status, a rating (0-10), what helps and what hinders; every change of status
or rating is kept, so the screen can show a domain's history as a sparkline and a dated list.
The domains, what matters and the highlighted domain's history are read in the screen's
loading thread (``ModuleScreen.load_data``); another domain's history is read when it is
highlighted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from ..domain_names import domain_label
from ..i18n import N_, _
from ..model import LifeDomain, StatusEntry
from ..store import Toolbox
from ..widgets.form import Field, FormScreen
from ..widgets.sparkline_history import DomainHistory
from .base import ModuleScreen, WhoCanSee


def domain_prompt(domain: LifeDomain) -> Text:
    """One line of the list: the name, the rating, and a mark when hidden."""
    text = Text(domain_label(domain.name), style="dim" if domain.hidden else "")
    if domain.rating is not None:
        text.append(f"  {domain.rating}/10", style="bold")
    if domain.hidden:
        text.append("  " + _("(hidden)"), style="dim italic")
    return text


@dataclass(frozen=True, slots=True)
class DomainsData:
    """What the screen shows, read in its loading thread."""

    what_matters: str
    domains: list[LifeDomain]
    histories: dict[int, list[StatusEntry]] = field(default_factory=dict)
    """Status histories read (the domain to highlight), by domain id."""


class LifeDomainsScreen(ModuleScreen[DomainsData]):
    AUTO_FOCUS = "#domain-list"
    MODULE = "life-domains"
    EDIT_ACTIONS = frozenset(
        {"edit_what_matters", "add", "edit", "rename", "toggle_hidden", "delete"}
    )
    TITLE_TEXT = N_("What matters and life domains")
    EMPTY_TEXT = N_(
        "Life domains are the parts of your life, such as work, friends or health. Give each a"
        " status and a rating from time to time to see how it changes. Press a to add one."
    )
    BINDINGS = [
        Binding(
            "w", "edit_what_matters", N_("What matters"), tooltip=N_("Write what is important")
        ),
        Binding("a", "add", N_("New"), tooltip=N_("Add a life domain")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Status, rating, what helps and hinders")),
        Binding("r", "rename", N_("Rename"), tooltip=N_("Rename the life domain")),
        Binding("h", "toggle_hidden", N_("Hide"), tooltip=N_("Hide or unhide the life domain")),
        Binding("v", "show_hidden", N_("Hidden"), tooltip=N_("Show or leave out hidden ones")),
        Binding("x,delete", "delete", N_("Delete"), tooltip=N_("Delete (asks first)")),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.show_hidden = False
        self.domains: list[LifeDomain] = []
        self.histories: dict[int, list[StatusEntry]] = {}
        self._wanted: int | None = None
        self.what_matters = ""

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="domains-body"):
            yield Label(_("What is important in my life"), classes="section-title")
            yield Static("", id="what-matters", markup=False)
            yield self.who_can_see("what-matters")
            yield self.who_can_see()
            # Hidden until the domains are read (every vault starts with some): a state the
            # data leaves as it is costs no relayout when it arrives.
            empty = self.empty_state(id="domains-empty")
            empty.display = False
            yield empty
            with Horizontal(id="domains-panes"):
                yield OptionList(id="domain-list")
                with VerticalScroll(id="domain-detail"):
                    yield Static("", id="domain-text")
                    yield self.item_who_can_see(id="domain-who-can-see")
                    yield DomainHistory(id="domain-history")

    # -- loading and showing -------------------------------------------------------------------

    def load_data(self, toolbox: Toolbox) -> DomainsData:
        domains = toolbox.domains.list(include_hidden=self.show_hidden)
        wanted = next((d for d in domains if d.id == self._wanted), domains[0] if domains else None)
        histories = {}
        if wanted is not None and wanted.id is not None:
            histories[wanted.id] = toolbox.domains.history(wanted.id)
        return DomainsData(toolbox.what_matters.get(), domains, histories)

    def show_data(self, data: DomainsData) -> None:
        self._show_what_matters(data.what_matters)
        self.histories = data.histories
        self.domains = data.domains
        options = self.query_one("#domain-list", OptionList)
        options.clear_options()
        options.add_options(Option(domain_prompt(d), id=str(d.id)) for d in self.domains)
        empty = not self.domains
        self.query_one("#domains-empty").display = empty
        self.query_one("#domains-panes").display = not empty
        if empty:
            return
        index = next((i for i, d in enumerate(self.domains) if d.id == self._wanted), 0)
        options.highlighted = index
        self._show_detail()

    def _show_what_matters(self, text: str) -> None:
        self.what_matters = text
        widget = self.query_one("#what-matters", Static)
        if self.read_only:
            missing = _("Not shared with you.")
        else:
            missing = _("Not written yet. Press w to write what is important to you.")
        widget.update(text or missing)
        widget.set_class(not text, "empty")
        widget.set_class(bool(text), "item")

    def select_item(self, item_id: int, kind: str = "", match: str = "") -> None:
        """Highlight a life domain found by search; "what matters" shows at the top."""
        if kind == "what-matters":
            return
        self.reload(select=item_id)
        self.query_one("#domain-list", OptionList).focus()

    def reload(self, select: int | None = None) -> None:
        """Read the domains again (in the loading thread) and keep the cursor on ``select``
        (or where it was)."""
        current = self._current(quiet=True)
        self._wanted = select if select is not None else (current.id if current else None)
        self.request_load()

    def return_point(self) -> object | None:
        current = self._current(quiet=True)
        return current.id if current is not None else None

    def return_to(self, point: object) -> None:
        if isinstance(point, int):
            self.reload(point)

    def _current(self, quiet: bool = False) -> LifeDomain | None:
        options = self.query_one("#domain-list", OptionList)
        index = options.highlighted
        if index is None or not 0 <= index < len(self.domains):
            if not quiet:
                self.notify(_("Choose a life domain first."), severity="warning")
            return None
        return self.domains[index]

    @on(OptionList.OptionHighlighted, "#domain-list")
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        domain = self._current(quiet=True)
        if domain is None:
            return
        text = Text(domain_label(domain.name), style="bold")
        if domain.hidden:
            text.append("  " + _("(hidden)"), style="dim italic")
        rows = [
            (_("Status"), domain.status),
            (_("Rating"), "" if domain.rating is None else f"{domain.rating}/10"),
            (_("What helps"), domain.helps),
            (_("What hinders"), domain.hinders),
        ]
        for label, value in rows:
            text.append(f"\n{label}: ", style="bold")
            text.append(value or "–", style="" if value else "dim")
        self.query_one("#domain-text", Static).update(text)
        self.show_who_can_see(self.query_one("#domain-who-can-see", WhoCanSee), domain.id)
        history = self.histories.get(domain.id or 0)
        if history is None:  # not read yet: read it (with the list) in the loading thread
            self._wanted = domain.id
            self.request_load()
            return
        self.query_one(DomainHistory).show(history)

    # -- actions -------------------------------------------------------------------------------

    def action_edit_what_matters(self) -> None:
        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.toolbox.what_matters.set(values["text"])
                self.reload()

        fields = [Field("text", _("What is important in my life"), "multiline")]
        intro = _("People, places, values, hopes: whatever matters most to you. Ctrl+S saves.")
        values = {"text": self.what_matters}
        draft = self.toolbox.drafts.slot("what-matters")
        self.app.push_screen(
            FormScreen(_("What matters"), fields, values, intro, draft=draft), saved
        )

    def _status_fields(self) -> list[Field]:
        return [
            Field("status", _("How is it going?"), "multiline"),
            Field("rating", _("Rating (0 = very bad, 10 = very good)"), "rating"),
            Field("helps", _("What helps"), "multiline"),
            Field("hinders", _("What hinders"), "multiline"),
        ]

    def action_add(self) -> None:
        def saved(values: dict[str, Any] | None) -> None:
            if values:
                domain = self.toolbox.domains.add(LifeDomain(**values))
                self.reload(domain.id)

        fields = [Field("name", _("Name"), required=True), *self._status_fields()]
        draft = self.toolbox.drafts.slot("new-life-domain")
        self.app.push_screen(FormScreen(_("New life domain"), fields, draft=draft), saved)

    @on(OptionList.OptionSelected, "#domain-list")
    def _selected(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        domain = self._current()
        if domain is None:
            self.nothing_chosen()
            return

        def saved(values: dict[str, Any] | None) -> None:
            if values:
                for name, value in values.items():
                    setattr(domain, name, value)
                self.toolbox.domains.update(domain)
                self.reload(domain.id)

        fields = self._status_fields()
        values = {f.name: getattr(domain, f.name) for f in fields}
        intro = _("A changed status or rating is kept in this domain's history.")
        title = _("How is “{name}” going?").format(name=domain_label(domain.name))
        draft = self.toolbox.drafts.slot("life-domain-status", domain.id or 0)
        self.app.push_screen(FormScreen(title, fields, values, intro, draft=draft), saved)

    def action_rename(self) -> None:
        domain = self._current()
        if domain is None:
            self.nothing_chosen()
            return

        def saved(values: dict[str, Any] | None) -> None:
            if values:
                domain.name = values["name"]
                self.toolbox.domains.update(domain)
                self.reload(domain.id)

        fields = [Field("name", _("Name"), required=True)]
        self.app.push_screen(
            FormScreen(_("Rename life domain"), fields, {"name": domain.name},
                       draft=self.toolbox.drafts.slot("rename-life-domain", domain.id or 0)),
            saved
        )

    def action_toggle_hidden(self) -> None:
        domain = self._current()
        if domain is None:
            self.nothing_chosen()
            return
        domain.hidden = not domain.hidden
        self.toolbox.domains.update(domain)
        if domain.hidden and not self.show_hidden:
            self.notify(
                _("“{name}” is hidden. Press v to show hidden domains.").format(
                    name=domain_label(domain.name)
                )
            )
        self.reload(domain.id)

    def action_show_hidden(self) -> None:
        self.show_hidden = not self.show_hidden
        self.notify(
            _("Showing hidden domains too.")
            if self.show_hidden
            else _("Hidden domains are left out again.")
        )
        self.reload()

    def action_delete(self) -> None:
        domain = self._current()
        if domain is None:
            self.nothing_chosen()
            return

        def delete() -> None:
            self.toolbox.domains.delete(domain.id or 0)
            self.reload()

        question = _(
            "Delete the life domain “{name}” with its history? Goals in it stay, without a"
            " life domain. To keep it but not see it, hide it (h) instead."
        ).format(name=domain_label(domain.name))
        self.confirm(question, delete)
