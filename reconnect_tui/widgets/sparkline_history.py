"""A life domain's history: its ratings as a sparkline and its past statuses with dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from .. import formats
from ..i18n import _
from ..model import StatusEntry
from .scaled_sparkline import ScaledSparkline

SHOWN_STATUSES = 30
"""Past statuses listed under the sparkline (newest first); older ones are counted."""
SPARKLINE_RATINGS = 60
"""The newest ratings drawn in the sparkline."""


def local_day(moment: datetime) -> str:
    return formats.day(moment.astimezone().date())


def ratings(entries: Sequence[StatusEntry]) -> list[float]:
    return [float(e.rating) for e in entries if e.rating is not None]


def history_lines(entries: Sequence[StatusEntry], limit: int | None = None) -> Text:
    """Newest first: ``2026-11-27  7/10  Sleeping better``; at most ``limit`` lines, then one
    line counting the older ones (hundreds of lines are slow to wrap and lay out)."""
    text = Text()
    shown = entries if limit is None else entries[max(len(entries) - limit, 0) :]
    for entry in reversed(shown):
        if text:
            text.append("\n")
        text.append(local_day(entry.recorded_at), style="bold")
        if entry.rating is not None:
            text.append(f"  {entry.rating}/10")
        if entry.status:
            text.append(f"  {entry.status}")
    older = len(entries) - len(shown)
    if older:
        text.append("\n" + _("… and {count} older statuses").format(count=older), style="dim")
    return text


class DomainHistory(Vertical):
    """Shows nothing until ``show`` is called with a domain's entries (oldest first)."""

    def compose(self) -> ComposeResult:
        yield Static(_("History"), classes="section-title")
        yield ScaledSparkline([], lowest=0, highest=10, id="history-sparkline")
        yield Static("", id="history-range", classes="help")
        yield Static("", id="history-lines")

    def show(self, entries: Sequence[StatusEntry]) -> None:
        rated = [e for e in entries if e.rating is not None][-SPARKLINE_RATINGS:]
        values = ratings(rated)
        sparkline = self.query_one(ScaledSparkline)
        sparkline.data = values
        sparkline.display = len(values) >= 2
        scale = self.query_one("#history-range", Static)
        if len(values) >= 2:
            scale.update(
                _(
                    "Ratings over time, from {first} to {last} (lowest {low}, highest {high})."
                ).format(
                    first=local_day(rated[0].recorded_at),
                    last=local_day(rated[-1].recorded_at),
                    low=int(min(values)),
                    high=int(max(values)),
                )
            )
        else:
            scale.update(_("Rate this domain from time to time; the ratings then show as a line."))
        lines = self.query_one("#history-lines", Static)
        if entries:
            lines.update(history_lines(entries, SHOWN_STATUSES))
        else:
            lines.update(Text(_("No history yet.")))
