"""The footer of every screen: the screen's most important keys that fit, never a cut label.

Textual's ``Footer`` lays out every key in a row and cuts whatever passes the right edge: at
80 columns a conversation showed ``… ^o Agreem▏^p palette`` and none of its own keys for the
agreement, check-ins or trends. ``CompactFooter`` chooses what to show instead:

- F2 (crisis plan) and F1 (help) always show;
- then the screen's own keys (and those of the focused widget), in the order of the screen's
  ``FOOTER_KEYS`` (actions, most important first), the others after them in their order;
- then the app's other keys (lock, sync);

and it keeps the longest run of that ranking that fits the width beside the palette key, so a
label is shown whole or not at all. Everything it leaves out is in the command palette (Ctrl+P)
and in F1's list.

Keys are born in the footer's style, so a rebuild restyles nothing: Textual rebuilds all the
keys whenever the bindings change (a few times while a screen opens, and again on every return
to a screen). A new ``FooterKey`` starts compact (its default) and learns the footer's
``compact`` only once mounted: its watcher adds, then perhaps removes, the ``-compact`` class,
and each change restyles that key. Measured on Home (a full-size footer): two restyles per key
on every return, 122 per open-and-back of a module screen. Keys given the footer's value and
class before they mount make that watcher a no-op; they look the same. Rebuilds that would
make the same keys are skipped (most of them: the second one while a screen opens, every
return to Home).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ALWAYS_SHOWN = ("crisis", "help")
"""The app's actions that are in every footer, whatever the width: F2 and F1."""


@dataclass(frozen=True, slots=True)
class FooterEntry:
    """One key as the footer shows it."""

    key: str
    display: str
    description: str
    action: str
    enabled: bool
    tooltip: str
    from_app: bool
    """An app-wide key (F2, F1, lock, sync), not one of the screen's."""


def footer_entries(bindings: dict[str, ActiveBinding], app: DOMNode, screen: DOMNode,
                   key_display: Any) -> list[FooterEntry]:
    """The keys the footer may show, most important first (see the module's docstring).
    ``key_display``: the app's ``get_key_display``."""
    by_action: dict[str, FooterEntry] = {}
    for active in bindings.values():
        binding = active.binding
        if not binding.show or binding.action in by_action:  # one key per action, as Textual
            continue
        by_action[binding.action] = FooterEntry(
            binding.key, key_display(binding), binding.description, binding.action,
            active.enabled, active.tooltip or binding.tooltip or "", active.node is app)
    order: Sequence[str] = getattr(screen, "FOOTER_KEYS", ())
    entries = list(by_action.values())

    def rank(pair: tuple[int, FooterEntry]) -> tuple[int, int, int]:
        index, entry = pair
        if entry.from_app:
            tier = 0 if entry.action in ALWAYS_SHOWN else 2
            return (tier, 0, index)
        wanted = order.index(entry.action) if entry.action in order else len(order)
        return (1, wanted, index)

    return [entry for _index, entry in sorted(enumerate(entries), key=rank)]


def entry_width(entry: FooterEntry, *, compact: bool) -> int:
    """Columns one key takes, with the space after it (the footer's CSS: a compact key is
    ``key description`` and a margin; a wide one pads the key and the description)."""
    described = cell_len(entry.description) + 1 if entry.description else 0
    return cell_len(entry.display) + described + (1 if compact else 2)


def fitting(entries: Iterable[FooterEntry], width: int, *, compact: bool) -> list[FooterEntry]:
    """The longest run of ``entries`` (ranked) that fits ``width`` columns, F2 and F1 always;
    in the order shown: the screen's keys, then the app's."""
    entries = list(entries)
    kept = [e for e in entries if e.from_app and e.action in ALWAYS_SHOWN]
    room = width - sum(entry_width(e, compact=compact) for e in kept)
    for entry in entries:
        if entry in kept:
            continue
        need = entry_width(entry, compact=compact)
        if need > room:
            break
        kept.append(entry)
        room -= need
    return ([e for e in entries if e in kept and not e.from_app]
            + [e for e in entries if e in kept and e.from_app])


def palette_width(description: str, display: str, *, compact: bool) -> int:
    """Columns of the palette key docked at the right (its border, key and description)."""
    text = 1 + cell_len(display) + 1 + cell_len(description)
    return text if compact else text + 1


class QuietFooter(Footer):
    """A footer that shows the screen's most important keys that fit (module docstring), each
    born in the footer's style; the wide style unless ``compact``."""

    def __init__(self, *, compact: bool = False, **kwargs: Any) -> None:
        super().__init__(compact=compact, **kwargs)
        self._composed_width = 0
        self._composed_key: tuple[object, ...] | None = None
        """What the keys shown were built from (``_plan_key``); None before the first build."""
        self.shown_actions: tuple[str, ...] = ()
        """The actions of the keys shown now (tests read it)."""

    def _width(self) -> int:
        return self.size.width or self.app.size.width

    def _plan(self) -> tuple[int, tuple[FooterEntry, ...], ActiveBinding | None]:
        """What a rebuild would show now: the width, the keys that fit, the palette key."""
        screen = self.screen
        active = screen.active_bindings
        width = self._width()
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        room = width
        if palette is not None:
            binding = palette.binding
            room -= palette_width(binding.description, self.app.get_key_display(binding),
                                  compact=self.compact)
        entries = footer_entries(active, self.app, screen, self.app.get_key_display)
        return width, tuple(fitting(entries, room, compact=self.compact)), palette

    def _plan_key(self, plan: tuple[int, tuple[FooterEntry, ...], ActiveBinding | None]
                  ) -> tuple[object, ...]:
        """What of a plan shows: two plans with the same key make the same keys."""
        width, shown, palette = plan
        if palette is None:
            return (width, shown, None)
        binding = palette.binding
        return (width, shown, binding.key, binding.description, palette.enabled, binding.tooltip)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        plan = self._plan()
        width, shown, palette = plan
        self._composed_width = width
        self._composed_key = self._plan_key(plan)
        self.shown_actions = tuple(entry.action for entry in shown)
        for entry in shown:
            widget = FooterKey(entry.key, entry.display, entry.description, entry.action,
                               disabled=not entry.enabled, tooltip=entry.tooltip)
            yield _styled(widget, compact=self.compact)
        if palette is not None:
            binding = palette.binding
            widget = FooterKey(binding.key, self.app.get_key_display(binding),
                               binding.description, binding.action, classes="-command-palette",
                               disabled=not palette.enabled,
                               tooltip=binding.tooltip or binding.description)
            # The command palette's key is not bound to the footer: it stays compact.
            yield _styled(widget, compact=True)

    def bindings_changed(self, screen: Screen) -> None:
        """Textual rebuilds a footer whenever its screen's bindings may have changed, also
        when another screen was pushed over it: Home's footer was rebuilt, and Home laid out
        again, inside every module screen's open. A screen that is not on top is rebuilt when
        it shows again (its resume tells its footer once more)."""
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        self.call_after_refresh(self._recompose_if_on_top)

    async def _recompose_if_on_top(self) -> None:
        """Rebuild, unless the keys would come out as they are (most rebuilds while a screen
        opens or on a return to it: one recompose, about 10 keys mounted and laid out)."""
        if not self.is_attached or self.screen is not self.app.screen:
            return
        if self._composed_key is not None and self._plan_key(self._plan()) == self._composed_key:
            return
        await self.recompose()

    def on_resize(self, event: events.Resize) -> None:
        """Wider or narrower: choose again."""
        if self._bindings_ready and event.size.width != self._composed_width:
            self.call_after_refresh(self.recompose)


class CompactFooter(QuietFooter):
    """``Footer(compact=True)``: the module screens' footer."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(compact=True, **kwargs)


def _styled(key: FooterKey, *, compact: bool) -> FooterKey:
    """``key`` with the footer's ``compact`` and class before it mounts (no restyle then)."""
    key.set_reactive(FooterKey.compact, compact)
    key.set_class(compact, "-compact", update=False)
    return key
