"""What every toolbox module screen shares: header, notice, footer keys, access to the vault,
an empty state, asking before deleting, the "who can see this" line, and read-only mode.

A module screen subclasses ``ModuleScreen``, sets ``TITLE_TEXT``, ``EMPTY_TEXT``, ``MODULE``,
its ``BINDINGS`` (which appear in the footer and, through the app, in the command palette) and
``EDIT_ACTIONS`` (the actions that change the store), and composes its body in
``compose_body``. It reaches data only through ``self.toolbox``.

Loading: a screen that shows data from the vault reads it in ``load_data`` (run in a thread
worker, never on the UI thread; it only reads: nothing is written or sent while loading) and
shows it in ``show_data`` (on the UI thread). Between the two travels one typed message,
``ScreenLoaded``, carrying a ``ScreenData`` with the screen's own payload (a dataclass of the
screen's choosing) and what every module screen shows: the vault's country for the emergency
line and the shares behind the "who can see this" lines. ``request_load`` starts it again (after
a change); an older read that arrives after a newer one was asked for is dropped.

Read-only mode is the provider's view of what a service user shared: the screen is given a
toolbox over the received copy (``Sharing.view``), ``check_action`` refuses every edit action
(so those keys do nothing and vanish from the footer and the palette), edit actions called
directly (Enter on an item) do nothing, and a banner says whose it is. The store refuses writes
to received items as well (``ReadOnlyItem``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Header, Static

from ..errors import VaultLocked
from ..i18n import _
from ..store import Toolbox
from ..widgets.confirm import ConfirmScreen
from ..widgets.footer import CompactFooter
from ..widgets.notice import NotForEmergencies
from . import collector
from .access import SessionAccess
from .events import OpenConversation
from .localized import LocalizedScreen
from .responsive import Responsive

if TYPE_CHECKING:
    from ..session import Session
    from ..sync.dyads import ItemRef
    from ..sync.sharing import ShareEntry

DataT = TypeVar("DataT")

COLLECTOR_HOLD_SECONDS = 2.0
"""The longest a screen keeps the garbage collector back when its data does not arrive."""
COLLECTOR_AFTER_PAINT = 0.2
"""Seconds after the first paint with data when the collector may run again."""

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

    guarded.__dict__["_refuses_read_only"] = True  # a mark on the function
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


@dataclass(frozen=True, slots=True)
class ScreenData(Generic[DataT]):
    """What a module screen's loading thread read, handed to the UI thread."""

    data: DataT | None
    """The screen's own payload (``load_data``); None when only the shared part was read
    again (``with_data`` False: back from a dialog, after a sync)."""
    with_data: bool
    locale: str
    """The vault's country: which emergency numbers the notice names."""
    shares: tuple[ShareEntry, ...]
    """Everything the person shares (``Sharing.entries``): the "who can see this" lines."""
    still_shared: bool
    """A provider's read-only view: False once the owner stopped sharing what it shows."""


class ScreenLoaded(Message, Generic[DataT]):
    """A screen's loading thread finished reading; posted to that screen only."""

    bubble = False

    def __init__(self, loaded: ScreenData[DataT], generation: int) -> None:
        super().__init__()
        self.loaded = loaded
        self.generation = generation


SCREEN_MODULES: dict[str, tuple[str, ...]] = {
    "life-domains": ("what-matters", "life-domains"),
    "diary": ("diary", "registrations"),
}
"""Sharing modules a screen shows, where it shows more than its own ``MODULE``."""


class ModuleScreen(Responsive, SessionAccess, LocalizedScreen[Any], Generic[DataT]):
    TITLE_TEXT = ""
    """Shown as the screen's sub-title in the header. English source text (``N_``) at class
    level; translated in ``__init__``, so an instance may also set it already translated."""
    EMPTY_TEXT = ""
    """One or two sentences: what the module is for and how it can help (as ``TITLE_TEXT``)."""
    MODULE = ""
    """The sharing module this screen shows (``sync.sharing.SHAREABLE_MODULES``), or ""."""
    EDIT_ACTIONS: frozenset[str] = frozenset()
    """Actions that change the store: refused in read-only mode."""
    FOOTER_KEYS: tuple[str, ...] = ()
    """Actions, most important first, whose keys the footer keeps when it cannot show all
    (``widgets/footer.py``); the others follow in ``BINDINGS`` order. Every key stays in the
    command palette and in F1's list."""

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
        shared_by: int | None = None,
        about: ItemRef | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``toolbox``: show this one instead of the app's (the provider's received view);
        ``owner``: whose it is; ``shared_by``: the partner (dyad) whose shared copy a read-only
        view shows, to whom "m" writes, ``about`` being what it writes about."""
        super().__init__(name=name, id=id, classes=classes)
        # Class attributes are made at import, perhaps in another language: translate now.
        self.TITLE_TEXT = _(self.TITLE_TEXT) if self.TITLE_TEXT else ""
        self.EMPTY_TEXT = _(self.EMPTY_TEXT) if self.EMPTY_TEXT else ""
        self._toolbox = toolbox
        self.read_only = read_only
        self.owner = owner
        self.shared_by = shared_by
        """The partner who shared what this read-only view shows (None: one's own)."""
        self.about = about
        self.loaded = False
        """True once ``show_data`` has shown the first read (tests wait for it)."""
        self.share_entries: tuple[ShareEntry, ...] = ()
        """What the person shares, as of the last read: the "who can see this" lines."""
        self._generation = 0
        if read_only:
            self.EMPTY_TEXT = _("Nothing here is shared with you.")
            if shared_by is not None:  # only this screen gets the key, not its whole class
                self._bindings.key_to_bindings.setdefault("m", []).append(
                    Binding(
                        "m",
                        "message_about",
                        _("Message {name} about this").format(name=owner),
                        tooltip=_("Write to the person who shared this, about it"),
                    )
                )

    # -- after an unlock: back where the person was ------------------------------------------

    _return_pending: object | None = None

    def reopen(self) -> Callable[[], ModuleScreen] | None:
        """How to open this screen again after a lock (the app keeps it while locked and
        reopens it after the unlock, ``ReconnectApp.unlocked``); None: not reopened. By
        default a toolbox module's own screen is; a screen that needs arguments (a partner, a
        forum) overrides this, and a read-only view or one whose opening does something (a
        pairing code) is not reopened."""
        if self.read_only or self._toolbox is not None:
            return None
        from .registry import MODULES

        target = f"{type(self).__module__}:{type(self).__qualname__}"
        if any(module.target == target for module in MODULES):
            return type(self)
        return None

    def return_point(self) -> object | None:
        """The item highlighted now, for ``return_to`` after an unlock (None: none)."""
        return None

    def return_to(self, point: object) -> None:
        """Highlight ``point`` (from ``return_point``) again; called once the data is shown."""

    def return_later(self, point: object | None) -> None:
        """After an unlock: highlight ``point`` once the first data is shown."""
        self._return_pending = point

    @property
    def toolbox(self) -> Toolbox:
        toolbox = self.current_toolbox()
        assert toolbox is not None, "module screens exist only while the vault is unlocked"
        return toolbox

    def current_toolbox(self) -> Toolbox | None:
        """The toolbox shown, or None once the app locked (for thread workers)."""
        session = self.current_session()
        if session is None:
            return None
        return self._toolbox if self._toolbox is not None else session.toolbox

    def refresh_after_sync(self) -> None:
        """A sync may have changed what is shared (and, in a provider's read-only view, the
        owner may have stopped sharing what this screen shows: then the screen closes, as the
        copy it shows must leave the provider's view). Read that again, off the UI thread."""
        self.request_load(with_data=False)

    # -- loading -----------------------------------------------------------------------------

    def load_data(self, toolbox: Toolbox) -> DataT | None:
        """Read what the screen shows. Runs in a thread worker: read only, never write or
        send, never touch widgets. The default: nothing of its own to read."""
        return None

    def show_data(self, data: DataT) -> None:
        """Show what ``load_data`` read (on the UI thread)."""

    def request_load(self, *, with_data: bool = True) -> None:
        """Read again in a thread worker; ``with_data`` False reads only the shared part
        (who can see what, whether a provider's view is still shared)."""
        if with_data:  # a read of the shared part alone never drops a data read under way
            self._generation += 1
        generation = self._generation
        self.run_worker(
            functools.partial(self._read, generation, with_data),
            thread=True,
            group="screen-load",
            name=f"{type(self).__name__} load",
        )

    def _read(self, generation: int, with_data: bool) -> None:
        """The worker: read, then post what was read to this screen."""
        toolbox = self.current_toolbox()
        session = self.current_session()
        if toolbox is None or session is None:
            return
        try:
            data = self.load_data(toolbox) if with_data else None
            locale = session.toolbox.profile.get().locale
            shares = () if self.read_only else _read_shares(session)
            still_shared = self._still_shared(session)
        except VaultLocked:
            return  # locked while reading: the screen is about to close
        loaded = ScreenData(data, with_data, locale, shares, still_shared)
        self.post_message(ScreenLoaded(loaded, generation))

    def _still_shared(self, session: Session) -> bool:
        if not self.read_only or self.shared_by is None:
            return True
        shown = SCREEN_MODULES.get(self.MODULE, (self.MODULE,))
        opened = getattr(self.toolbox.vault, "slots", {})
        still = session.sharing.received_slots(self.shared_by)
        return all(slot in still for slot, module in opened.items() if module in shown)

    @on(ScreenLoaded)
    def _loaded(self, message: ScreenLoaded[DataT]) -> None:
        message.stop()
        if message.generation != self._generation or not self.is_attached:
            return  # a newer data read was asked for, or the screen closed meanwhile
        loaded = message.loaded
        if not loaded.still_shared:
            self.app.notify(_("{name} stopped sharing this; it is no longer in your view.")
                            .format(name=self.owner), severity="information")
            self.dismiss()
            return
        self.share_entries = loaded.shares
        for notice in self.query(NotForEmergencies).results(NotForEmergencies):
            notice.show_locale(loaded.locale)
        if loaded.with_data:
            if not self.loaded:
                self._show_body()
            self.show_data(loaded.data)  # type: ignore[arg-type]  # DataT, read with data
            self.loaded = True
            point, self._return_pending = self._return_pending, None
            if point is not None:
                self.call_after_refresh(self.return_to, point)
            # The collector runs again a moment after that first paint, not inside it.
            self.call_after_refresh(self.set_timer, COLLECTOR_AFTER_PAINT, self._release_collector)
        self.refresh_who_can_see()

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

    _holds_collector = False

    def _hold_collector(self) -> None:
        if not self._holds_collector:
            self._holds_collector = True
            collector.hold()

    def _release_collector(self) -> None:
        if self._holds_collector:
            self._holds_collector = False
            collector.release()

    def compose(self) -> ComposeResult:
        self._hold_collector()  # until the first data is painted (``collector.py``)
        self.fit_size()
        yield Header()
        yield NotForEmergencies(None)  # the vault's country arrives with the first read
        if self.read_only:
            yield Static(self.read_only_text(), classes="read-only-banner", markup=False)
        yield from self.compose_body()
        yield CompactFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.sub_title = self.TITLE_TEXT
        self._hide_body()
        self.request_load()
        self.set_timer(COLLECTOR_HOLD_SECONDS, self._release_collector)

    def _hide_body(self) -> None:
        """Keep the body (``.module-body``) out of the layout until the first data shows.

        An empty body was laid out and drawn, then laid out and drawn again when the data
        arrived (a table at the width of its headings, then at its rows', ...): every widget of
        the body twice. Hidden, it is laid out and drawn once, with its content."""
        for body in self.query(".module-body"):
            body.display = False

    def _show_body(self) -> None:
        for body in self.query(".module-body"):
            body.display = True

    def on_unmount(self) -> None:
        self._release_collector()
        release_closed_widget_styles()

    def on_screen_resume(self) -> None:
        """Back from another screen (the Sharing screen, a dialog): sharing may have changed,
        or a sync there (which refreshes only the top screen) learned of a revocation."""
        if self.loaded:
            self.request_load(with_data=False)

    def nothing_chosen(self, text: str | None = None) -> None:
        """A key that acts on the highlighted item found none: say why instead of nothing."""
        self.notify(text or _("Nothing to act on: the list is empty, or nothing in it is"
                              " highlighted."), severity="information")

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
            return self.read_only and self.shared_by is not None
        return True

    async def action_message_about(self) -> None:
        """Open the conversation with the person who shared this, about what was opened."""
        if not self.read_only or self.shared_by is None:
            return
        self.app.post_message(OpenConversation(self.shared_by, self.about))

    # -- who can see this --------------------------------------------------------------------

    def who_can_see_text(self, module: str | None = None, item_id: int | None = None) -> str:
        """One line: "Only you can see this …" or with whom it is shared (and when seen),
        from the shares read with the screen's data (no vault read here)."""
        if self.read_only:
            return ""
        module = module or self.MODULE
        if not module or not self.share_entries:
            return _(WHO_CAN_SEE)
        from ..sync.sharing import who_can_see_line

        return who_can_see_line(list(self.share_entries), module, item_id)

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
        """Show every line of the screen from the shares last read."""
        if self.read_only:
            return
        own = self.who_can_see_text(self.MODULE) if self.MODULE else ""
        for line in self.query(WhoCanSee).results(WhoCanSee):
            if not line.module:
                continue
            if line.for_item:
                self.show_who_can_see(line, line.item_id)
            else:
                text = self.who_can_see_text(line.module)
                line.update(text)
                # A second module on the screen (registrations beside the diary, what matters
                # beside the life domains) says its line only when it differs: not twice.
                line.display = line.module == self.MODULE or text != own


def _read_shares(session: Session) -> tuple[ShareEntry, ...]:
    """Everything shared (in the loading thread); the sharing service is built only when
    something is."""
    from ..store.repositories.sharing import SharingRepository

    if not SharingRepository(session.vault).shares():
        return ()
    return tuple(session.sharing.entries())
