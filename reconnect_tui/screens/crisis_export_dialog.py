"""The crisis plan's "Export…" dialog: format, compact or full, and where to write.

It also offers FHIR (a document for a health record, ``export/fhir.py``) when given the modules
to offer: a checklist with nothing ticked, so nothing goes in by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
    RadioSet,
    Static,
)

from ..i18n import N_, _
from ..widgets.toggles import StateCheckbox, StateRadioButton

EXPORT_FORMATS: tuple[tuple[str, str], ...] = (
    ("pdf", "PDF"),
    ("md", "Markdown"),
    ("txt", N_("Plain text")),
)
"""(format, English label) in the order the export dialog offers them."""


FHIR = "fhir"


@dataclass(frozen=True, slots=True)
class ExportRequest:
    fmt: str
    compact: bool
    path: Path
    modules: tuple[str, ...] = ()
    """For FHIR: the modules ticked, in the order offered."""


def path_problem(path: Path) -> str:
    """What stops writing a file at ``path`` (its folder missing, a folder given), or ""."""
    if path.is_dir():
        return _("{path} is a folder: add a file name to it.").format(path=path)
    if not path.parent.is_dir():
        return _("The folder {folder} does not exist. Choose another one, or create it"
                 " first.").format(folder=path.parent)
    return ""


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Choose format, compact or full, and where to write; Ctrl+S exports."""

    DEFAULT_CSS = """
    ExportDialog #export-dialog { overflow-y: auto; }
    ExportDialog #fhir-modules { height: auto; }
    ExportDialog #fhir-modules Checkbox { border: none; padding: 0; height: 1; }
    """

    BINDINGS = [
        Binding("ctrl+s", "export", N_("Export")),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, folder: Path | None = None,
                 fhir_modules: tuple[tuple[str, str], ...] = ()) -> None:
        """``fhir_modules``: (module, translated label) to offer for FHIR; none: no FHIR."""
        super().__init__()
        self.folder = folder or Path.home()
        self.fhir_modules = fhir_modules

    def default_path(self, fmt: str, compact: bool) -> Path:
        if fmt == FHIR:
            from ..export.fhir import default_filename as fhir_filename

            return self.folder / fhir_filename()
        from ..export import default_filename

        return self.folder / default_filename(fmt, compact=compact)  # type: ignore[arg-type]  # a radio id: an ExportFormat

    def formats(self) -> tuple[tuple[str, str], ...]:
        extra = ((FHIR, "FHIR, for a health record"),) if self.fhir_modules else ()
        return EXPORT_FORMATS + extra

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form", id="export-dialog"):
            yield Label(_("Export the crisis plan"), classes="title")
            with RadioSet(id="export-format"):
                for index, (fmt, label) in enumerate(self.formats()):
                    yield StateRadioButton(_(label), value=index == 0, id=f"format-{fmt}")
            yield StateCheckbox(_("Compact: one page to fold and carry"), id="export-compact")
            if self.fhir_modules:
                with Vertical(id="fhir-modules"):
                    yield Label(_("What goes in (nothing is ticked until you choose):"))
                    for module, label in self.fhir_modules:
                        yield StateCheckbox(label, value=False, id=f"fhir-{module}")
                    yield Static(_("The file is not encrypted: keep it as carefully as a"
                                   " printed record."), classes="help")
            yield Label(_("Save as"))
            yield Input(str(self.default_path("pdf", False)), id="export-path")
            yield Static("", id="export-error", classes="error", markup=False)
            yield Static(_("Ctrl+S exports, Escape cancels."), classes="help")
            with Horizontal(classes="buttons"):
                yield Button(_("Export"), id="export", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def chosen_format(self) -> str:
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        return (pressed.id or "format-pdf").removeprefix("format-") if pressed else "pdf"

    def on_mount(self) -> None:
        self.show_choices()

    def show_choices(self) -> None:
        """The module checklist only for FHIR; "compact" only for the printed formats."""
        fhir = self.chosen_format() == FHIR
        self.query_one("#export-compact", Checkbox).display = not fhir
        if self.fhir_modules:
            self.query_one("#fhir-modules").display = fhir

    def chosen_modules(self) -> tuple[str, ...]:
        return tuple(module for module, _label in self.fhir_modules
                     if self.query_one(f"#fhir-{module}", Checkbox).value)

    @on(RadioSet.Changed, "#export-format")
    @on(Checkbox.Changed, "#export-compact")
    def follow_choice(self) -> None:
        """Keep the suggested file name in step with the choices, unless the person typed one."""
        self.show_choices()
        path_input = self.query_one("#export-path", Input)
        suggested = {
            str(self.default_path(fmt, compact))
            for fmt, _label in self.formats()
            for compact in (False, True)
        }
        if path_input.value in suggested:
            compact = self.query_one("#export-compact", Checkbox).value
            path_input.value = str(self.default_path(self.chosen_format(), compact))

    def action_export(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        error = self.query_one("#export-error", Static)
        if not raw:
            error.update(_("Please give a file name."))
            return
        fhir = self.chosen_format() == FHIR
        modules = self.chosen_modules() if fhir else ()
        if fhir and not modules:
            error.update(_("Tick what goes in: nothing is exported until you choose."))
            return
        path = Path(raw).expanduser()
        problem = path_problem(path)
        if problem:  # said here, with the dialog and what was typed still open
            error.update(problem)
            self.query_one("#export-path", Input).focus()
            self.call_after_refresh(error.scroll_visible, animate=False, immediate=True)
            return
        self.dismiss(
            ExportRequest(
                self.chosen_format(),
                self.query_one("#export-compact", Checkbox).value and not fhir,
                path,
                modules,
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
