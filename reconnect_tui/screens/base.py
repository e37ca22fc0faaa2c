"""What every toolbox module screen shares: header, notice, footer keys, access to the vault,
an empty state, asking before deleting, the "who can see this" line, and read-only mode.

A module screen subclasses ``ModuleScreen``, sets ``TITLE_TEXT``, ``EMPTY_TEXT``, ``MODULE``,
its ``BINDINGS`` (which appear in the footer and, through the app, in the command palette) and
``EDIT_ACTIONS`` (the actions that change the store), and composes its body in
``compose_body``. It reaches data only through ``self.toolbox``.

Read-only mode is the provider's view of what a service user shared: the screen is given a
toolbox over the received copy (``Sharing.view``), ``check_action`` refuses every edit action
(so those keys do nothing and vanish from the footer and the palette), edit actions called
directly (Enter on an item) do nothing, and a banner says whose it is. The store refuses writes
to received items as well (``ReadOnlyItem``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ..i18n import _
from ..store import Toolbox
from ..widgets.confirm import ConfirmScreen
from ..widgets.notice import NotForEmergencies

if TYPE_CHECKING:
    from ..sync.dyads import ItemRef

WHO_CAN_SEE = "Only you can see this (nothing is shared)."
"""English source text of the line a module shows when nothing of it is shared (via ``_()``)."""


def release_closed_widget_styles() -> None:
    """Work around Textualize/textual#6665 (open in Textual 8): an ``lru_cache`` on
    ``StylesCache.get_inner_outer`` keeps up to 1,024 closed widgets' rendered lines alive, so
    every module screen opened grew the heap and lengthened garbage-collection pauses. Clearing
    it when a screen closes costs one recomputation of a cheap colour blend."""
    try:
        from textual._styles_cache import StylesCache

        StylesCache.get_inner_outer.cache_clear()
    except (ImportError, AttributeError):  # a Textual without the cache: nothing to release
        pass


def _refused_when_read_only(method: Callable[..., Any]) -> Callable[..., Any]:
    """An edit action that does nothing in read-only mode, however it is reached (a key is
    already refused by ``check_action``; Enter on an item calls the action directly)."""

    @functools.wraps(method)
    def guarded(self: ModuleScreen, *args: Any, **kwargs: Any) -> Any:
        if self.read_only:
            self.notify(self.read_only_text(), severity="warning")
            return None
        return method(self, *args, **kwargs)

    guarded._refuses_read_only = True  # type: ignore[attr-defined]
    return guarded


class WhoCanSee(Static):
    """The "who can see this" line of a module, or of one item of it."""

    def __init__(self, module: str, text: str, *, for_item: bool = False, **kwargs: Any
                 ) -> None:
        super().__init__(text, markup=False, **kwargs)
        self.add_class("who-can-see")
        self.module = module
        self.for_item = for_item
        self.item_id: int | None = None


SCREEN_MODULES: dict[str, tuple[str, ...]] = {
    "life-domains": ("what-matters", "life-domains"),
    "diary": ("diary", "registrations"),
}
"""Sharing modules a screen shows, where it shows more than its own ``MODULE``."""


class ModuleScreen(Screen):
    TITLE_TEXT = ""
    """Shown as the screen's sub-title in the header (already translated by the subclass)."""
    EMPTY_TEXT = ""
    """One or two sentences: what the module is for and how it can help."""
    MODULE = ""
    """The sharing module this screen shows (``sync.sharing.SHAREABLE_MODULES``), or ""."""
    EDIT_ACTIONS: frozenset[str] = frozenset()
    """Actions that change the store: refused in read-only mode."""

    DEFAULT_CSS = """
    ModuleScreen .read-only-banner {
        height: auto;
        padding: 0 1;
        background: $accent 25%;
        color: $text;
        text-style: bold;
    }
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for action in cls.EDIT_ACTIONS:  # inherited too: a subclass may override an action
            method = cls.__dict__.get(f"action_{action}")
            if method is not None and not getattr(method, "_refuses_read_only", False):
                setattr(cls, f"action_{action}", _refused_when_read_only(method))

    def __init__(
        self,
        *,
        toolbox: Toolbox | None = None,
        read_only: bool = False,
        owner: str = "",
        partner_id: int | None = None,
        about: ItemRef | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``toolbox``: show this one instead of the app's (the provider's received view);
        ``owner``: whose it is; ``partner_id`` and ``about``: what "m" writes a message about."""
        super().__init__(name=name, id=id, classes=classes)
        self._toolbox = toolbox
        self.read_only = read_only
        self.owner = owner
        self.partner_id = partner_id
        self.about = about
        if read_only:
            self.EMPTY_TEXT = _("Nothing here is shared with you.")
            if partner_id is not None:  # only this screen gets the key, not its whole class
                self._bindings.key_to_bindings.setdefault("m", []).append(
                    Binding(
                        "m",
                        "message_about",
                        _("Message {name} about this").format(name=owner),
                        tooltip=_("Write to the person who shared this, about it"),
                    )
                )

    @property
    def toolbox(self) -> Toolbox:
        toolbox = self.current_toolbox()
        assert toolbox is not None, "module screens exist only while the vault is unlocked"
        return toolbox

    def current_toolbox(self) -> Toolbox | None:
        """The toolbox shown, or None once the app locked (for thread workers)."""
        if self._toolbox is not None:
            return self._toolbox if self.app.toolbox is not None else None  # type: ignore[attr-defined]
        return self.app.toolbox  # type: ignore[attr-defined]

    def refresh_after_sync(self) -> None:
        """A provider's read-only view: when the owner stopped sharing anything this screen
        shows (a whole module or one item of it), the sync that learned it closes the screen
        (the copy it shows must leave the provider's view then)."""
        self._leave_if_revoked()

    def _leave_if_revoked(self) -> None:
        own = self.app.toolbox  # type: ignore[attr-defined]
        if not self.read_only or self.partner_id is None or own is None:
            return
        from ..sync.sharing import Sharing

        shown = SCREEN_MODULES.get(self.MODULE, (self.MODULE,))
        opened = getattr(self.toolbox.vault, "slots", {})
        still = Sharing(own.vault).received_slots(self.partner_id)
        if all(slot in still for slot, module in opened.items() if module in shown):
            return
        self.app.notify(_("{name} stopped sharing this; it is no longer in your view.").format(
            name=self.owner), severity="information")
        self.dismiss()

    _bindings_pending = False

    def refresh_bindings(self) -> None:
        """Tell the footer once per refresh, not on every focus change while the screen opens:
        it rebuilds all its keys each time it hears (measured: 4-6 rebuilds, 40-60 ms)."""
        if self._bindings_pending:
            return
        self._bindings_pending = True

        def publish() -> None:
            self._bindings_pending = False
            super(ModuleScreen, self).refresh_bindings()

        self.call_after_refresh(publish)

    def compose(self) -> ComposeResult:
        yield Header()
        own = self.app.toolbox  # type: ignore[attr-defined]
        locale = (own if own is not None and self.read_only else self.toolbox).profile.get().locale
        yield NotForEmergencies(locale)
        if self.read_only:
            yield Static(self.read_only_text(), classes="read-only-banner", markup=False)
        yield from self.compose_body()
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.sub_title = self.TITLE_TEXT

    def on_unmount(self) -> None:
        release_closed_widget_styles()

    def on_screen_resume(self) -> None:
        """Back from another screen (the Sharing screen, a dialog): sharing may have changed,
        or a sync there (which refreshes only the top screen) learned of a revocation."""
        self.refresh_who_can_see()
        self._leave_if_revoked()

    def empty_state(self, text: str | None = None, **kwargs) -> Static:
        return Static(text or self.EMPTY_TEXT, classes="empty-state", **kwargs)

    def confirm(self, question: str, on_yes: Callable[[], None], yes: str | None = None) -> None:
        """Ask first; run ``on_yes`` only when the person says yes."""

        def answered(result: bool | None) -> None:
            if result:
                on_yes()

        self.app.push_screen(ConfirmScreen(question, yes=yes), answered)

    # -- read-only mode ----------------------------------------------------------------------

    def read_only_text(self) -> str:
        return _("Shared by {name} — read only").format(name=self.owner)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In read-only mode edit actions are refused: no key, no footer entry, no command."""
        if action in self.EDIT_ACTIONS:
            return not self.read_only
        if action == "message_about":
            return self.read_only and self.partner_id is not None
        return True

    async def action_message_about(self) -> None:
        """Open the conversation with the person who shared this, about what was opened."""
        if not self.read_only or self.partner_id is None:
            return
        from ..widgets.composer import Composer
        from .messages import ConversationScreen

        conversation = ConversationScreen(self.partner_id)
        await self.app.push_screen(conversation)
        if self.about is not None:
            conversation.query_one(Composer).set_about(self.about)

    # -- who can see this --------------------------------------------------------------------

    def who_can_see_text(self, module: str | None = None, item_id: int | None = None) -> str:
        """One line: "Only you can see this …" or with whom it is shared (and when seen)."""
        if self.read_only:
            return ""
        module = module or self.MODULE
        from ..store.repositories.sharing import SharingRepository

        vault = self.toolbox.vault
        if not module or not SharingRepository(vault).shares():
            return _(WHO_CAN_SEE)  # nothing shared: no need to load the sharing service
        from ..sync.sharing import Sharing

        return Sharing(vault).who_can_see_line(module, item_id)

    def who_can_see(self, module: str | None = None, **kwargs: Any) -> WhoCanSee:
        """The line for ``module`` (default: the screen's); hidden in read-only mode."""
        module = module or self.MODULE
        line = WhoCanSee(module, self.who_can_see_text(module), **kwargs)
        line.display = not self.read_only
        return line

    def item_who_can_see(self, module: str | None = None, **kwargs: Any) -> WhoCanSee:
        """A line for the selected item, hidden until ``show_who_can_see`` points it at one."""
        line = WhoCanSee(module or self.MODULE, "", for_item=True, **kwargs)
        line.display = False
        return line

    def show_who_can_see(self, line: WhoCanSee, item_id: int | None) -> None:
        """Point an item's line at another item (None: hide it). It shows only when it says
        more than the module's line (some items of the module shared, not all)."""
        line.item_id = item_id
        text = ""
        if item_id is not None and not self.read_only:
            text = self.who_can_see_text(line.module, item_id)
            if text == self.who_can_see_text(line.module):
                text = ""
        line.update(text)
        line.display = bool(text)

    def refresh_who_can_see(self) -> None:
        """Read every line of the screen again."""
        if self.read_only or self.current_toolbox() is None:
            return
        for line in self.query(WhoCanSee).results(WhoCanSee):
            if not line.module:
                continue
            if line.for_item:
                self.show_who_can_see(line, line.item_id)
            else:
                line.update(self.who_can_see_text(line.module))
