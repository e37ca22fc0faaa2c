"""The crisis plan's "Export…" dialog: format, compact or full, and where to write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
)

from ..i18n import _

if TYPE_CHECKING:
    pass


EXPORT_FORMATS: tuple[tuple[str, str], ...] = (
    ("pdf", "PDF"),
    ("md", "Markdown"),
    ("txt", "Plain text"),
)
"""(format, English label) in the order the export dialog offers them."""


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
