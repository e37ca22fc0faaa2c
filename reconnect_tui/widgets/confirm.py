"""A yes/no question as a modal screen that returns a typed result."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..i18n import N_, _


class ConfirmScreen(ModalScreen[bool]):
    """Ask before something that cannot be undone, such as deleting an item."""

    BINDINGS = [
        Binding("escape", "answer(False)", N_("Cancel")),
        Binding("y", "answer(True)", N_("Yes"), show=False),
        Binding("n", "answer(False)", N_("No"), show=False),
    ]

    def __init__(self, question: str, yes: str | None = None, no: str | None = None, *,
                 danger: bool = True) -> None:
        """``danger``: "yes" destroys something (red); False for a choice between two goods."""
        super().__init__()
        self.question = question
        self.yes = yes or _("Delete")
        self.no = no or _("Keep")
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="question")
            with Horizontal(classes="buttons"):
                yield Button(self.no, id="no", variant="primary")
                yield Button(self.yes, id="yes", variant="error" if self.danger else "default")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
