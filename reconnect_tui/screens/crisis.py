"""F2 from anywhere: emergency numbers, the non-emergency notice, and the crisis plan to read.

Before the vault is unlocked only the numbers and the notice are shown; the plan itself is in
the encrypted vault.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from ..export.document import build_document, contact_text
from ..i18n import N_, _
from ..model import CrisisPlan, emergency_numbers
from ..widgets.footer import QuietFooter
from .events import OpenModule
from .localized import LocalizedModalScreen


class CrisisScreen(LocalizedModalScreen[None]):
    BINDINGS = [
        Binding("escape,f2", "dismiss", N_("Close")),
        Binding("e", "edit", N_("Edit the plan")),
    ]

    def __init__(self, plan: CrisisPlan | None, name: str, locale: str) -> None:
        super().__init__()
        self.plan = plan
        self.name_ = name
        self.locale = locale

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="crisis"):
            yield Label(_("In an emergency, call"), classes="title")
            for number in emergency_numbers(self.locale):
                yield Static(f"[b]{number.number}[/b]  {_(number.label)}", classes="number")
            yield Static(
                _(
                    "ReConnect is not for emergencies. Messages may not be read for days."
                    " If you are in danger or cannot keep yourself safe, call now."
                ),
                classes="notice",
            )
            if self.plan is None:
                yield Static(_("Unlock ReConnect to see your crisis plan."), classes="empty")
            else:
                yield from self._plan(self.plan)
        yield QuietFooter()

    def _plan(self, plan: CrisisPlan) -> ComposeResult:
        document = build_document(plan, self.name_, self.locale)
        yield Label(document.title, classes="title")
        if plan.updated_at is not None:  # "Printed …" belongs on paper, not on this screen
            yield Static(document.date_line, classes="help")
        for section in document.sections:
            yield Label(section.title, classes="section-title")
            if not section.filled:
                yield Static(document.not_filled, classes="empty")
            elif section.contacts:
                for contact in section.contacts:
                    yield Static(f"• {contact_text(contact)}", classes="item", markup=False)
            else:
                yield Static("\n".join(section.lines), classes="item", markup=False)

    def action_edit(self) -> None:
        if self.plan is None:
            return
        self.dismiss(None)
        self.app.post_message(OpenModule("crisis-plan"))
