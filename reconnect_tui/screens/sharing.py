"""Sharing: the service user's whole picture of who sees what, one provider at a time.

Every shareable module, with the items that can be shared one by one indented under it, is
listed with a mark for the chosen provider; Space shares or stops sharing. Each row says
whether the relay holds it yet ("waiting for sync" or the published version) and when the
provider last opened it. Stopping asks first and says plainly that what the provider already
saw cannot be taken back; what was stopped stays listed under the list, "waiting for <provider>'s
vault to confirm", until that vault acknowledges it (after a day without, it says so plainly).
A provider whose key changed is shown as paused until the safety number is verified again.
All of it goes through ``sync.sharing.Sharing``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from .. import formats
from ..domain_names import domain_label
from ..errors import ReconnectError
from ..i18n import N_, _
from ..store import Toolbox
from ..store.share_snapshots import module_title
from ..sync.sharing import (
    ITEM_MODULES,
    SHAREABLE_MODULES,
    RevocationEntry,
    ShareablePartner,
    ShareEntry,
    Sharing,
    revocation_status,
)
from .base import ModuleScreen
from .events import SyncRequested


def when_text(moment: datetime) -> str:
    """A moment in local time, to the minute."""
    return formats.day_and_time(moment.astimezone())


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the list: a whole module (``item_id`` None) or one of its items."""

    module: str
    item_id: int | None
    title: str
    within: tuple[tuple[int, str], ...] = ()
    """A sub-goal's goals above it, nearest first (id, title): sharing one of them shares it."""
    hidden: bool = False
    """A hidden life domain (listed only on request, or while it is shared)."""

    @property
    def key(self) -> str:
        return f"{self.module}:{'' if self.item_id is None else self.item_id}"


def status_text(entry: ShareEntry) -> str:
    """Where a share stands: paused, waiting for the next sync, or published; and seen."""
    if entry.paused:
        parts = [_("paused until the safety number is verified")]
    elif entry.published_version is None:
        parts = [_("waiting for sync")]
    else:
        published = _("version {n} sent").format(n=entry.published_version)
        if entry.published_at is not None:
            published += " " + when_text(entry.published_at)
        parts = [published]
    if entry.seen_at is not None:
        parts.append(
            _("seen by {name} on {when}").format(
                name=entry.partner_name, when=when_text(entry.seen_at)
            )
        )
    return " · ".join(parts)


def revoked_text(revoked: list[RevocationEntry]) -> Text:
    """What was stopped for this provider, each with whether their vault confirmed it."""
    text = Text()
    for r in revoked:
        if text:
            text.append("\n")
        mark = "⚠ " if r.state == "late" else ""
        text.append(mark + _("Stopped: {title}.").format(title=r.title) + " ",
                    style="bold" if r.state == "late" else "")
        text.append(revocation_status(r), style="" if r.state == "late" else "italic")
    return text


def row_text(row: Row, entry: ShareEntry | None, whole: ShareEntry | None,
             with_goal: str | None = None) -> Text:
    """The mark, the title and the status of one row (``whole``: the module's own share;
    ``with_goal``: the shared goal a sub-goal is shared with)."""
    indent = "" if row.item_id is None else "    " + "  " * len(row.within)
    title = row.title + ("  " + _("(hidden)") if row.hidden else "")
    if entry is not None:
        text = Text(f"{indent}[x] ", style="bold")
        text.append(title, style="bold")
        if row.module == "goals" and row.item_id is not None:
            text.append("  " + _("with its sub-goals and activities"), style="italic")
        text.append("  " + status_text(entry), style="italic")
    elif whole is not None and row.item_id is not None:
        text = Text(f"{indent}[x] ", style="dim")
        text.append(title)
        text.append("  " + _("(with the whole module)"), style="dim italic")
    elif with_goal is not None:
        text = Text(f"{indent}[x] ", style="dim")
        text.append(title)
        text.append("  " + _("(with “{goal}”)").format(goal=with_goal), style="dim italic")
    else:
        text = Text(f"{indent}[ ] ")
        text.append(title)
    return text


def _goal_rows(toolbox: Toolbox, items: list[tuple[int, str]]) -> list[Row]:
    """The goals as a tree (each sub-goal under its goal, indented), each row knowing the
    goals above it: sharing a goal shares its sub-goals and activities."""
    titles = dict(items)
    children: dict[int | None, list[int]] = {}
    for goal in toolbox.goals.list():
        if goal.id is not None and goal.id in titles:
            parent = goal.parent_id if goal.parent_id in titles else None
            children.setdefault(parent, []).append(goal.id)
    rows: list[Row] = []

    def walk(parent: int | None, within: tuple[tuple[int, str], ...]) -> None:
        for goal_id in children.get(parent, []):
            rows.append(Row("goals", goal_id, titles[goal_id], within))
            walk(goal_id, ((goal_id, titles[goal_id]), *within))

    walk(None, ())
    listed = {r.item_id for r in rows}
    return rows + [Row("goals", i, t) for i, t in items if i not in listed]


@dataclass(frozen=True, slots=True)
class SharingData:
    """What the screen shows, read in its loading thread."""

    partners: list[ShareablePartner]
    entries: list[ShareEntry]
    revoked: list[RevocationEntry]
    rows: list[Row]
    hidden_domains: int = 0
    """Hidden life domains left out of ``rows`` (``h`` lists them)."""


class SharingScreen(ModuleScreen[SharingData]):
    """Choose what each provider may see; see what is published and what they saw."""

    AUTO_FOCUS = "#share-list"
    TITLE_TEXT = N_("Sharing: who sees what")
    EMPTY_TEXT = N_(
        "You are not paired with a provider yet, so nothing can be shared. On Home, press p"
        " and enter the invitation code your provider gives you in a consultation; after a"
        " sync, come back here to choose what they may see. Until then, only you can see"
        " your toolbox."
    )
    BINDINGS = [
        Binding(
            "space", "share_or_stop", N_("Share / stop"),
            tooltip=N_("Share this, or stop sharing it"),
        ),
        Binding("p", "next_provider", N_("Next provider"), tooltip=N_("Show another provider")),
        Binding(
            "v", "safety_number", N_("Safety number"), tooltip=N_("Compare it with this provider")
        ),
        Binding("h", "toggle_hidden", N_("Hidden domains"),
                tooltip=N_("List hidden life domains too, or leave them out again")),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.partners: list[ShareablePartner] = []
        self.partner_index = 0
        self.entries: dict[tuple[int, str, int | None], ShareEntry] = {}
        self.rows: list[Row] = []
        self.revoked: list[RevocationEntry] = []
        self.show_hidden = False
        """List hidden life domains (they are not offered for sharing unless asked for)."""
        self.hidden_domains = 0

    @property
    def sharing(self) -> Sharing:
        return self.session.sharing

    @property
    def partner(self) -> ShareablePartner | None:
        if not self.partners:
            return None
        return self.partners[self.partner_index % len(self.partners)]

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="sharing-body"):
            yield Static("", id="sharing-provider", classes="section-title", markup=False)
            yield Static("", id="sharing-paused", classes="key-warning", markup=False)
            yield self.empty_state(id="sharing-empty")
            yield OptionList(id="share-list")
            yield Static("", id="sharing-revoked", markup=False)
            yield Static(
                _(
                    "Space shares or stops sharing. What you share goes to the provider,"
                    " end-to-end encrypted, at the next sync; a change is sent again as a new"
                    " version."
                ),
                id="sharing-help",
                classes="help",
            )

    def on_screen_resume(self) -> None:
        """Back from the safety number: the provider may be verified now."""
        if self.loaded:
            self.reload()

    def refresh_after_sync(self) -> None:
        """A sync published versions or brought "seen" receipts."""
        self.reload()

    # -- loading -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read again, in the loading thread."""
        self.request_load()

    def load_data(self, toolbox: Toolbox) -> SharingData:
        sharing = self.sharing
        entries = sharing.entries()
        shared = {(e.module, e.item_id) for e in entries}
        rows: list[Row] = []
        left_out = 0
        for module in SHAREABLE_MODULES:
            rows.append(Row(module, None, module_title(module)))
            if module in ITEM_MODULES:
                items = sharing.shareable_items(module)
                if module == "goals":
                    rows += _goal_rows(toolbox, items)
                elif module == "life-domains":
                    hidden = {d.id for d in toolbox.domains.list(include_hidden=True) if d.hidden}
                    offered = [(i, t) for i, t in items if i not in hidden or self.show_hidden
                               or (module, i) in shared]
                    left_out = len(items) - len(offered)
                    rows += [Row(module, i, domain_label(title), hidden=i in hidden)
                             for i, title in offered]
                else:
                    rows += [Row(module, i, title) for i, title in items]
                # A shared item deleted since stays listed, so it can still be stopped.
                present = {i for i, _title in items}
                gone = {(e.item_id, e.title) for e in entries
                        if e.module == module and e.item_id is not None
                        and e.item_id not in present}
                rows += [Row(module, i, title) for i, title in sorted(gone)]
        return SharingData(sharing.partners(), entries, sharing.revocations(), rows, left_out)

    def show_data(self, data: SharingData) -> None:
        current = self.partner.partner_id if self.partner else None
        self.partners = data.partners
        ids = [p.partner_id for p in self.partners]
        self.partner_index = ids.index(current) if current in ids else 0
        self.entries = {(e.partner_id, e.module, e.item_id): e for e in data.entries}
        self.revoked = data.revoked
        self.rows = data.rows
        self.hidden_domains = data.hidden_domains
        self._show()

    def _show(self) -> None:
        partner = self.partner
        paired = partner is not None
        self.query_one("#sharing-empty").display = not paired
        listing = self.query_one("#share-list", OptionList)
        listing.display = paired
        self.query_one("#sharing-help").display = paired
        paused = self.query_one("#sharing-paused", Static)
        paused.display = partner is not None and not partner.can_share
        provider = self.query_one("#sharing-provider", Static)
        provider.display = paired
        revoked = self.query_one("#sharing-revoked", Static)
        mine = [r for r in self.revoked if partner and r.partner_id == partner.partner_id]
        revoked.display = bool(mine)
        revoked.update(revoked_text(mine))
        self.refresh_bindings()
        if partner is None:
            return
        provider.update(self._provider_line(partner))
        if not partner.can_share:
            paused.update(
                "⚠ "
                + _("Sharing with {name} is paused.").format(name=partner.name)
                + " "
                + partner.reason
                + " "
                + _("(v: safety number)")
            )
        keep = listing.highlighted
        listing.set_options(
            Option(self._row_text(partner.partner_id, row), id=row.key) for row in self.rows
        )
        if self.rows:
            listing.highlighted = min(keep or 0, len(self.rows) - 1)

    def _provider_line(self, partner: ShareablePartner) -> Text:
        count = sum(1 for key in self.entries if key[0] == partner.partner_id)
        line = Text(_("What {name} can see").format(name=partner.name), style="bold")
        line.append("  " + _("{n} shared").format(n=count))
        if len(self.partners) > 1:
            line.append(
                "  · "
                + _("provider {i} of {n} (p: next)").format(
                    i=self.partner_index + 1, n=len(self.partners)
                )
            )
        return line

    def _row_text(self, partner_id: int, row: Row) -> Text:
        entry = self.entries.get((partner_id, row.module, row.item_id))
        whole = self.entries.get((partner_id, row.module, None))
        return row_text(row, entry, whole, self._shared_goal_above(partner_id, row))

    def _shared_goal_above(self, partner_id: int, row: Row) -> str | None:
        """The title of the shared goal that shares this sub-goal with it, if one is."""
        return next((title for goal_id, title in row.within
                     if (partner_id, row.module, goal_id) in self.entries), None)

    def current_row(self) -> Row | None:
        index = self.query_one("#share-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.rows):
            return None
        return self.rows[index]

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("share_or_stop", "safety_number"):
            return bool(self.partners)
        if action == "next_provider":
            return len(self.partners) > 1
        if action == "toggle_hidden":
            return bool(self.partners) and (self.show_hidden or self.hidden_domains > 0)
        return super().check_action(action, parameters)

    def action_next_provider(self) -> None:
        if self.partners:
            self.partner_index = (self.partner_index + 1) % len(self.partners)
            self._show()

    def action_toggle_hidden(self) -> None:
        self.show_hidden = not self.show_hidden
        self.reload()

    def action_safety_number(self) -> None:
        from .pairing import SafetyNumberScreen

        if self.partner is not None:
            self.app.push_screen(SafetyNumberScreen(self.partner.partner_id))

    def action_share_or_stop(self) -> None:
        partner, row = self.partner, self.current_row()
        if partner is None or row is None:
            self.nothing_chosen()
            return
        entry = self.entries.get((partner.partner_id, row.module, row.item_id))
        if entry is not None:
            self._ask_to_stop(partner, row)
            return
        if row.item_id is not None and (partner.partner_id, row.module, None) in self.entries:
            self.notify(
                _(
                    "{name} sees all of {module} already. To share items one by one, stop"
                    " sharing the whole module first."
                ).format(name=partner.name, module=module_title(row.module))
            )
            return
        goal = self._shared_goal_above(partner.partner_id, row)
        if goal is not None:
            self.notify(_("{name} sees it already, with “{goal}”.").format(
                name=partner.name, goal=goal))
            return
        if not partner.can_share:
            self.notify(partner.reason, title=_("Sharing is paused"), severity="warning")
            return
        try:
            self.sharing.share(row.module, row.item_id, partner.partner_id)
        except ReconnectError as error:
            self.notify(str(error), title=_("Not shared"), severity="error")
            return
        self.notify(
            _("“{title}” is shared with {name}. It goes out at the next sync.").format(
                title=row.title, name=partner.name
            )
        )
        self.reload()
        self._sync_soon()

    def revoke_question(self, partner: ShareablePartner, row: Row) -> str:
        return _(
            "Stop sharing “{title}” with {name}? No new versions reach {name}. Their app"
            " removes it from their view when it receives this change; this screen shows when"
            " {name}'s vault confirms that. What {name} has already seen cannot be taken back."
        ).format(title=row.title, name=partner.name)

    def _ask_to_stop(self, partner: ShareablePartner, row: Row) -> None:
        def stop() -> None:
            try:
                self.sharing.revoke(row.module, row.item_id, partner.partner_id)
            except ReconnectError as error:
                self.notify(str(error), title=_("Still shared"), severity="error")
                return
            self.notify(
                _(
                    "“{title}” is no longer shared with {name}. Waiting for {name}'s vault to"
                    " confirm that it removed it. What they already saw cannot be taken back."
                ).format(title=row.title, name=partner.name)
            )
            self.reload()
            self._sync_soon()

        self.confirm(self.revoke_question(partner, row), stop, _("Stop sharing"))

    def _sync_soon(self) -> None:
        """Sync now (or right after the one running) so the change does not wait for the
        timer."""
        self.app.post_message(SyncRequested())
