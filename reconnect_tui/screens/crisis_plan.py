"""Crisis plan editor: section by section, in the order every export uses.

The sections come from ``export.document.CRISIS_PLAN_SECTIONS``, so the file written by
"Export…" always holds what this screen shows. Text sections open a one-field form; the
helpers and the professionals open ``CrisisContactsScreen``, where people from the network map
who can help in a crisis are offered first. Every change is saved to the vault at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import (
    Label,
    ListItem,
    ListView,
    Static,
)

from ..emergency import emergency_numbers
from ..errors import ReconnectError
from ..export.document import (
    CRISIS_PLAN_SECTIONS,
    SectionContent,
    SectionSpec,
    contact_text,
    section_content,
)
from ..export.fhir import FHIR_MODULES, FhirSource, gather, module_label
from ..i18n import N_, _
from ..model import CrisisPlan
from ..store import Toolbox
from ..widgets.form import Field, FormScreen
from .base import ModuleScreen
from .crisis_contacts import CrisisContactsScreen
from .crisis_export_dialog import FHIR, ExportDialog, ExportRequest

if TYPE_CHECKING:
    from ..export import ExportFormat


def emergency_text(locale: str) -> str:
    """The emergency numbers on one or two lines, numbers first."""
    numbers = "   ".join(f"{n.number} {_(n.label)}" for n in emergency_numbers(locale))
    return _("In an emergency, call: {numbers}").format(numbers=numbers)


class SectionItem(ListItem):
    """One section of the plan: its title and what is written in it."""

    def __init__(self, spec: SectionSpec, plan: CrisisPlan) -> None:
        super().__init__(classes=f"section-{spec.key}")
        self.spec = spec
        self.plan = plan
        self.content: SectionContent | None = None
        """What the section shows now (set when composed)."""

    def show(self, plan: CrisisPlan) -> None:
        """Show the plan's version of this section: the two widgets are updated in place (a
        rebuild of every section when the plan arrives was a relayout of the whole screen)."""
        self.plan = plan
        content = section_content(plan, self.spec)
        if content == self.content:
            return
        self.content = content
        self.query_one(".section-title", Label).update(content.title)
        body = self.query_one(".section-body", Static)
        body.update(self._body_text(content))
        body.set_classes(self._body_classes(content))

    @staticmethod
    def _body_text(content: SectionContent) -> str:
        if not content.filled:
            return _("Not filled in yet.")
        if content.contacts:
            return "\n".join(f"• {contact_text(c)}" for c in content.contacts)
        return "\n".join(content.lines)

    @staticmethod
    def _body_classes(content: SectionContent) -> str:
        return "section-body " + ("item" if content.filled else "empty")

    def compose(self) -> ComposeResult:
        content = self.content = section_content(self.plan, self.spec)
        yield Label(content.title, classes="section-title")
        yield Static(self._body_text(content), classes=self._body_classes(content), markup=False)


@dataclass(frozen=True, slots=True)
class PlanData:
    """What the screen shows, read in its loading thread."""

    plan: CrisisPlan
    locale: str
    """The vault's country: which emergency numbers head the plan."""


class CrisisPlanScreen(ModuleScreen[PlanData]):
    AUTO_FOCUS = "#sections"
    MODULE = "crisis-plan"
    EDIT_ACTIONS = frozenset({"edit", "add", "clear"})
    TITLE_TEXT = N_("Crisis plan")
    EMPTY_TEXT = N_(
        "A crisis plan says what you notice when things get hard, what helps, and whom to call. "
        "Writing it on a good day makes it easier to use on a bad one; press e to start."
    )
    BINDINGS = [
        Binding("e", "edit", N_("Edit section")),
        Binding("a", "add", N_("Add to section")),
        Binding("x,delete", "clear", N_("Clear section")),
        Binding("p", "export", N_("Export…")),
    ]
    FOOTER_KEYS = ("edit", "add", "export", "clear")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan = CrisisPlan()
        self._match = ""
        """Words search found: the section holding them is selected once the plan shows."""

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="crisis-plan-body"):
            yield Static("", id="emergency-numbers", markup=False)
            yield self.who_can_see()
            yield self.empty_state(id="crisis-plan-empty")
            yield ListView(
                *(SectionItem(spec, self.plan) for spec in CRISIS_PLAN_SECTIONS), id="sections"
            )

    def on_screen_resume(self) -> None:
        """Back from the contacts screen or a dialog: show what is saved now."""
        if self.loaded:
            self.reload()

    def reload(self) -> None:
        """Read the plan again, in the loading thread."""
        self.request_load()

    def load_data(self, toolbox: Toolbox) -> PlanData:
        session = self.current_session()
        own = session.toolbox if session is not None else toolbox
        return PlanData(toolbox.crisis_plan.get(), own.profile.get().locale)

    def show_data(self, data: PlanData) -> None:
        self.plan = data.plan
        self.query_one("#emergency-numbers", Static).update(emergency_text(data.locale))
        for item in self.query(SectionItem):
            item.show(self.plan)
        self.set_class(self.plan.is_empty(), "-nothing-yet")
        if self._match:
            self.call_after_refresh(self._select_match)

    def select_item(self, item_id: int, kind: str = "", match: str = "") -> None:
        """Opened from search: select the section that holds ``match`` and scroll to it."""
        self._match = match
        if self.loaded and match:
            self._select_match()

    def _select_match(self) -> None:
        match, self._match = self._match.casefold(), ""
        sections = self.query_one("#sections", ListView)
        for index, item in enumerate(self.query(SectionItem).results(SectionItem)):
            if item.content is not None and match in item._body_text(item.content).casefold():
                sections.index = index
                sections.focus()
                sections.scroll_to_widget(item, animate=False)
                return

    def current(self) -> SectionSpec:
        index = self.query_one("#sections", ListView).index or 0
        return CRISIS_PLAN_SECTIONS[index]

    def save(self) -> None:
        self.toolbox.crisis_plan.save(self.plan)
        self.reload()

    # -- actions -----------------------------------------------------------------------------

    def action_edit(self) -> None:
        spec = self.current()
        if spec.kind != "text":
            self.app.push_screen(CrisisContactsScreen(spec))
            return

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                setattr(self.plan, spec.key, values[spec.key])
                self.save()
                self.notify(_("Saved."))

        field = Field(spec.key, _(spec.title), "multiline")
        form = FormScreen(
            _(spec.title),
            [field],
            {spec.key: getattr(self.plan, spec.key)},
            intro=_("Ctrl+S saves, Escape cancels."),
            draft=self.toolbox.drafts.slot("crisis-plan-section", spec.key),
        )
        self.app.push_screen(form, saved)

    def action_add(self) -> None:
        spec = self.current()
        if spec.kind == "text":
            self.action_edit()
            return
        self.app.push_screen(CrisisContactsScreen(spec, start_adding=True))

    def action_clear(self) -> None:
        spec = self.current()
        if not section_content(self.plan, spec).filled:
            self.nothing_chosen(_("This section is empty already."))
            return

        def clear() -> None:
            setattr(self.plan, spec.key, [] if spec.kind != "text" else "")
            self.save()
            self.notify(_("Section cleared."))

        self.confirm(
            _("Clear the section “{title}”?").format(title=_(spec.title)), clear, _("Clear")
        )

    def action_export(self) -> None:
        def chosen(request: ExportRequest | None) -> None:
            if request is None:
                return
            if request.fmt == FHIR:
                self.export_fhir(request, gather(self.toolbox, request.modules))
                return
            profile = self.toolbox.profile.get()
            plan = self.toolbox.crisis_plan.get()
            self.export(request, plan, profile.name, profile.locale)

        # FHIR is for the person's own record; a provider exports a share with the CLI.
        offered = () if self.read_only else tuple((m, module_label(m)) for m in FHIR_MODULES)
        self.app.push_screen(ExportDialog(fhir_modules=offered), chosen)

    @work(thread=True, exclusive=True, group="crisis-export")
    def export_fhir(self, request: ExportRequest, source: FhirSource) -> None:
        """Build the bundle (the PDF inside takes a moment) and write it; report by notify.
        ``source`` was read from the vault on the app's thread."""
        from ..export import write_export
        from ..export.fhir import build_bundle, dumps

        try:
            write_export(dumps(build_bundle(source)), request.path)
        except ReconnectError as error:
            self.app.call_from_thread(
                self.app.notify, str(error), title=_("Export failed"), severity="error"
            )
            return
        message = _("FHIR bundle written to {file}. It is not encrypted.").format(
            file=request.path)
        self.app.call_from_thread(self.app.notify, message, title=_("Exported"))

    @work(thread=True, exclusive=True, group="crisis-export")
    def export(self, request: ExportRequest, plan: CrisisPlan, name: str, locale: str) -> None:
        """Render and write in a thread (PDF layout takes a moment); report back by notify."""
        # fpdf2 loads only when exporting
        from ..export import export_crisis_plan, write_export

        try:
            fmt = cast("ExportFormat", request.fmt)
            data = export_crisis_plan(plan, name, locale, fmt, compact=request.compact)
            write_export(data, request.path)
        except ReconnectError as error:
            self.app.call_from_thread(
                self.app.notify, str(error), title=_("Export failed"), severity="error"
            )
            return
        message = _("Crisis plan written to {file}.").format(file=request.path)
        self.app.call_from_thread(self.app.notify, message, title=_("Exported"))

    @on(ListView.Selected, "#sections")
    def section_chosen(self) -> None:
        self.action_edit()


# -- helpers and professionals --------------------------------------------------------------
