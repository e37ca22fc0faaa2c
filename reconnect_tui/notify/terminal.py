"""The open app's notifier: the terminal bell, and OSC 9 (a desktop notification that many
terminals show: iTerm2, WezTerm, kitty, Windows Terminal, foot) written to the terminal the app
itself runs in, never to another. A headless app (tests, a pipe) writes nothing."""

from __future__ import annotations

from typing import Any

from textual.app import App

from ..text_safety import clean_text


class TerminalBell:
    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.told = 0
        """How many lines were rung (tests, and the curious)."""

    def send(self, text: str) -> None:
        """From a worker thread: the app's own thread rings and writes."""
        self.app.call_from_thread(self._ring, clean_text(text).replace("\x07", ""))

    def _ring(self, text: str) -> None:
        self.told += 1
        self.app.bell()
        driver = self.app._driver  # the app's own terminal, through its own writer
        if driver is not None and not self.app.is_headless:
            driver.write(f"\x1b]9;{text}\x07")
