"""F2 from anywhere: emergency numbers, the non-emergency notice, and the crisis plan to read.

Before the vault is unlocked only the numbers and the notice are shown; the plan itself is in
the encrypted vault. A provider has no crisis plan of their own here: F2 shows the numbers and
the service users who share a crisis plan with them, Enter opening that plan (read-only).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from ..emergency import emergency_numbers
from ..export.document import build_document, contact_text
from ..i18n import N_, _
from ..model import CrisisPlan
from ..widgets.footer import QuietFooter
from .events import OpenModule, OpenSharedCrisisPlan
from .localized import LocalizedModalScreen


class CrisisScreen(LocalizedModalScreen[None]):
    BINDINGS = [
        # F2 first: the footer names the key that opened this, and F1 works here too
        Binding("f2,escape", "dismiss", N_("Close")),
        Binding("f1", "app.help", N_("Help")),
        Binding("e", "edit", N_("Edit the plan")),
    ]

    def __init__(self, plan: CrisisPlan | None, name: str, locale: str, *,
                 shared_plans: list[tuple[int, str]] | None = None) -> None:
        """``shared_plans``: for a provider (instead of a plan), the service users who share a
        crisis plan with them, as (partner id, name)."""
        super().__init__()
        self.plan = plan
        self.name_ = name
        self.locale = locale
        self.shared_plans = shared_plans

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
            if self.shared_plans is not None:
                yield from self._shared_plans(self.shared_plans)
            elif self.plan is None:
                yield Static(_("Unlock ReConnect to see your crisis plan."), classes="empty")
            else:
                yield from self._plan(self.plan)
        yield QuietFooter()

    def _shared_plans(self, shared: list[tuple[int, str]]) -> ComposeResult:
        yield Label(_("Crisis plans shared with you"), classes="title")
        if not shared:
            yield Static(_("No service user shares a crisis plan with you."), classes="empty")
            return
        yield OptionList(*[Option(name, id=str(partner_id)) for partner_id, name in shared],
                         id="shared-plans")
        yield Static(_("Enter opens the plan, read only."), classes="help")

    def on_mount(self) -> None:
        plans = self.query("#shared-plans")
        if plans:
            plans.first().focus()

    @on(OptionList.OptionSelected, "#shared-plans")
    def open_shared_plan(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(None)
        self.app.post_message(OpenSharedCrisisPlan(int(event.option.id or 0)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return self.plan is not None
        return True

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
