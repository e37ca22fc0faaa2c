"""What every toolbox module screen shares: header, notice, footer keys, access to the vault,
an empty state, and asking before deleting.

A module screen subclasses ``ModuleScreen``, sets ``TITLE_TEXT``, ``EMPTY_TEXT`` and its
``BINDINGS`` (which appear in the footer and, through the app, in the command palette), and
composes its body in ``compose_body``. It reaches data only through ``self.toolbox``.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ..store import Toolbox
from ..widgets.confirm import ConfirmScreen
from ..widgets.notice import NotForEmergencies

WHO_CAN_SEE = "Only you can see this (nothing is shared)."
"""English source text of the line every module shows until sharing exists; show via ``_()``."""


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


class ModuleScreen(Screen):
    TITLE_TEXT = ""
    """Shown as the screen's sub-title in the header (already translated by the subclass)."""
    EMPTY_TEXT = ""
    """One or two sentences: what the module is for and how it can help."""

    @property
    def toolbox(self) -> Toolbox:
        toolbox = self.app.toolbox  # type: ignore[attr-defined]
        assert toolbox is not None, "module screens exist only while the vault is unlocked"
        return toolbox

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
        yield NotForEmergencies(self.toolbox.profile.get().locale)
        yield from self.compose_body()
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.sub_title = self.TITLE_TEXT

    def on_unmount(self) -> None:
        release_closed_widget_styles()

    def empty_state(self, text: str | None = None, **kwargs) -> Static:
        return Static(text or self.EMPTY_TEXT, classes="empty-state", **kwargs)

    def confirm(self, question: str, on_yes: Callable[[], None], yes: str | None = None) -> None:
        """Ask first; run ``on_yes`` only when the person says yes."""

        def answered(result: bool | None) -> None:
            if result:
                on_yes()

        self.app.push_screen(ConfirmScreen(question, yes=yes), answered)
