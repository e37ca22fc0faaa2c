"""Shared with me: the provider's side of sharing.

Each service user who shares something is listed with what they share and when it last
changed; Enter on a shared module or item opens the very screen class the service user sees,
over a read-only toolbox of what they share (``Sharing.view``), and tells them it was seen
(``record_view``, an encrypted view receipt, only when the dyad's agreement includes them).
"m" writes the service user a message about the highlighted item.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from .. import formats
from ..errors import ReconnectError
from ..i18n import N_, _, ngettext
from ..store import Toolbox
from ..store.share_snapshots import received_title
from ..sync.sharing import ReceivedItem, SharedPerson, Sharing
from .base import ModuleScreen
from .registry import MODULES

SCREEN_OF: dict[str, str] = {
    "what-matters": "life-domains",
    "life-domains": "life-domains",
    "goals": "goals",
    "network": "network",
    "crisis-plan": "crisis-plan",
    "medications": "medications",
    "exercises": "exercises",
    "diary": "diary",
    "registrations": "diary",
}
"""Shared module -> the registry module whose screen shows it."""


def when_text(moment: datetime) -> str:
    return formats.day_and_time(moment.astimezone())


def item_title(item: ReceivedItem) -> str:
    """ "Goals (all)" for a whole module, "Goals: Find a job" for one item."""
    return received_title(item.module, item.item_id, item.title)


def person_row(person: SharedPerson) -> Text:
    row = Text(person.name, style="bold")
    count = len(person.items)
    row.append("  " + ngettext("{n} shared", "{n} shared", count).format(n=count))
    if person.last_changed is not None:
        row.append("\n  " + _("changed {when}").format(when=when_text(person.last_changed)))
    return row


def item_row(item: ReceivedItem) -> Text:
    row = Text(item_title(item), style="bold")
    row.append(
        "  "
        + _("version {n}, {when}").format(n=item.version, when=when_text(item.changed_at)),
        style="italic",
    )
    return row


class SharedWithMeScreen(ModuleScreen[list[SharedPerson]]):
    """What each service user shares with this provider; opening it shows it read-only."""

    AUTO_FOCUS = "#shared-people"
    TITLE_TEXT = N_("Shared with me")
    EMPTY_TEXT = N_(
        "Nothing is shared with you yet. A service user chooses what you may see (their"
        " Sharing screen); it arrives here, end-to-end encrypted, at your next sync (Ctrl+R)."
        " You can read it, never change it."
    )
    BINDINGS = [
        # "o" for the footer: a focused list's own Enter hides the screen's Enter there
        Binding("o,enter", "open", N_("Open"), tooltip=N_("Read it, in the layout they see")),
        Binding("m", "message_item", N_("Message about this"),
                tooltip=N_("Write to the service user about this item")),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.people: list[SharedPerson] = []
        self._view: Toolbox | None = None
        """The read-only copy opened last: closed when its screen has gone (or this one)."""
        self._open_after_load: tuple[int, str] | None = None

    @property
    def sharing(self) -> Sharing:
        return self.session.sharing

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="shared-body"):
            yield self.empty_state(id="shared-empty")
            with Horizontal(id="shared-panes"):
                with Vertical(id="shared-people-pane"):
                    yield Label(_("Service users"), classes="section-title")
                    yield OptionList(id="shared-people")
                with Vertical(id="shared-items-pane"):
                    yield Label(_("What they share"), classes="section-title")
                    yield OptionList(id="shared-items")
            yield Static("", id="shared-receipts", classes="help", markup=False)

    DEFAULT_CSS = """
    SharedWithMeScreen #shared-panes { height: 1fr; }
    SharedWithMeScreen #shared-people-pane { width: 30; height: 1fr; }
    SharedWithMeScreen #shared-items-pane { width: 1fr; height: 1fr; }
    SharedWithMeScreen OptionList { height: 1fr; }
    """

    def on_screen_resume(self) -> None:
        self._close_view()
        if self.loaded:
            self.reload()

    def on_unmount(self) -> None:  # Textual also runs ModuleScreen's on_unmount
        self._close_view()

    def _close_view(self) -> None:
        """Drop the in-memory plaintext copy now rather than whenever it is collected."""
        if self._view is not None:
            self._view.vault.close()
            self._view = None

    def refresh_after_sync(self) -> None:
        """A sync may have brought new versions, or removed what was revoked."""
        self.reload()

    # -- loading -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read again, in the loading thread."""
        self.request_load()

    def load_data(self, toolbox: Toolbox) -> list[SharedPerson]:
        return self.sharing.shared_with_me()

    def show_data(self, data: list[SharedPerson]) -> None:
        current = self.person
        self.people = data
        people = self.query_one("#shared-people", OptionList)
        people.set_options(
            Option(person_row(p), id=str(p.partner_id)) for p in self.people
        )
        ids = [p.partner_id for p in self.people]
        if ids:
            wanted = current.partner_id if current is not None else None
            people.highlighted = ids.index(wanted) if wanted in ids else 0
        self.query_one("#shared-empty").display = not self.people
        self.query_one("#shared-panes").display = bool(self.people)
        self._show_items()
        if not self.loaded and len(self.people) == 1:  # one service user: Enter opens at once
            self.query_one("#shared-items", OptionList).focus()
        if self._open_after_load is not None:
            partner_id, module = self._open_after_load
            self._open_after_load = None
            self._open(partner_id, module)

    def open_shared(self, partner_id: int, module: str) -> None:
        """Highlight what ``partner_id`` shares of ``module`` and open it (once read)."""
        if self.loaded:
            self._open(partner_id, module)
        else:
            self._open_after_load = (partner_id, module)

    def _open(self, partner_id: int, module: str) -> None:
        index = next((n for n, p in enumerate(self.people) if p.partner_id == partner_id), None)
        if index is None:
            return
        self.query_one("#shared-people", OptionList).highlighted = index
        self._show_items()
        items = self.people[index].items
        found = next((n for n, i in enumerate(items) if i.module == module), None)
        if found is None:
            return
        self.query_one("#shared-items", OptionList).highlighted = found
        self.call_after_refresh(self.action_open)

    @property
    def person(self) -> SharedPerson | None:
        if not self.is_mounted:
            return None
        index = self.query_one("#shared-people", OptionList).highlighted
        if index is None or not 0 <= index < len(self.people):
            return None
        return self.people[index]

    @property
    def item(self) -> ReceivedItem | None:
        person = self.person
        if person is None:
            return None
        index = self.query_one("#shared-items", OptionList).highlighted
        if index is None or not 0 <= index < len(person.items):
            return None
        return person.items[index]

    def _show_items(self) -> None:
        person = self.person
        items = self.query_one("#shared-items", OptionList)
        keep = items.highlighted
        items.set_options(
            [Option(item_row(i)) for i in person.items] if person is not None else []
        )
        if person is not None and person.items:
            items.highlighted = min(keep or 0, len(person.items) - 1)
        self._show_receipts()
        self.refresh_bindings()

    def _show_receipts(self) -> None:
        line = self.query_one("#shared-receipts", Static)
        person = self.person
        line.display = person is not None
        if person is None:
            return
        if self.sharing.view_receipts_on(person.partner_id):
            text = _("View receipts are on, as your agreement says: {name} sees when you open"
                     " what they share.").format(name=person.name)
        else:
            text = _("View receipts are off (your agreement does not include them): {name} is"
                     " not told when you open it.").format(name=person.name)
        line.update(text)

    @on(OptionList.OptionHighlighted, "#shared-people")
    def _person_highlighted(self) -> None:
        self._show_items()

    @on(OptionList.OptionSelected, "#shared-people")
    def _person_chosen(self) -> None:
        self.query_one("#shared-items", OptionList).focus()

    @on(OptionList.OptionSelected, "#shared-items")
    async def _item_chosen(self) -> None:
        await self.action_open()

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "message_item"):
            return self.item is not None
        return super().check_action(action, parameters)

    async def action_open(self) -> None:
        """Open the shared module in the screen the service user sees, read-only."""
        person, item = self.person, self.item
        if person is None or item is None:
            return
        target = next((m for m in MODULES if m.id == SCREEN_OF.get(item.module)), None)
        if target is None:
            return
        from ..sync.dyads import ItemRef

        sharing = self.sharing
        try:
            view = sharing.view(person.partner_id)
            sharing.record_view(person.partner_id, item.module, item.item_id)
        except ReconnectError as error:
            self.notify(str(error), title=_("Cannot open"), severity="error")
            return
        self._close_view()
        self._view = view
        about = ItemRef(item.module, item.item_id or 0, item_title(item))
        screen = target.screen(
            toolbox=view, read_only=True, owner=person.name, shared_by=person.partner_id,
            about=about,
        )
        await self.app.push_screen(screen)
        switch = getattr(screen, "action_switch", None)  # the diary: to its registrations tab
        if item.module == "registrations" and callable(switch):
            switch()

    async def action_message_item(self) -> None:
        """Write to the service user about the highlighted item (the message names it)."""
        person, item = self.person, self.item
        if person is None or item is None:
            return
        from ..sync.dyads import ItemRef
        from ..widgets.composer import Composer
        from .messages import ConversationScreen

        conversation = ConversationScreen(person.partner_id)
        await self.app.push_screen(conversation)
        conversation.query_one(Composer).set_about(
            ItemRef(item.module, item.item_id or 0, item_title(item))
        )
