"""An animated breathing timer: it counts the phases (in, hold, out, hold) of each round with a
bar that grows while breathing in and shrinks while breathing out. Space pauses.

The counting lives in ``BreathingState`` (no Textual), so it can be tested by advancing time;
the widget only ticks it with ``set_interval`` and draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

from ..i18n import N_, _

TICK_SECONDS = 0.1
BAR_WIDTH = 40


@dataclass
class BreathingState:
    """Where a guided breathing exercise is: round, phase and seconds into the phase."""

    phases: tuple[tuple[str, int], ...]
    rounds: int
    round: int = 1
    phase: int = 0
    elapsed: float = 0.0
    paused: bool = False

    @property
    def finished(self) -> bool:
        return self.round > self.rounds

    @property
    def label(self) -> str:
        return "" if self.finished else self.phases[self.phase][0]

    @property
    def seconds_left(self) -> int:
        """Whole seconds left in this phase, counting down (4, 3, 2, 1)."""
        if self.finished:
            return 0
        duration = self.phases[self.phase][1]
        return max(1, int(duration - self.elapsed + 0.999))

    def advance(self, seconds: float) -> None:
        """Move on by ``seconds`` (nothing happens while paused or finished)."""
        if self.paused:
            return
        remaining = seconds
        while remaining > 0 and not self.finished:
            duration = self.phases[self.phase][1]
            step = min(remaining, duration - self.elapsed)
            self.elapsed += step
            remaining -= step
            if self.elapsed >= duration - 1e-9:
                self.elapsed = 0.0
                self.phase += 1
                if self.phase == len(self.phases):
                    self.phase = 0
                    self.round += 1

    def level(self) -> float:
        """How full the bar is, 0..1: it grows breathing in, shrinks breathing out, and stays
        where it was while holding."""
        if self.finished:
            return 0.0
        start = self._level_before(self.phase)
        duration = self.phases[self.phase][1]
        fraction = min(1.0, self.elapsed / duration)
        kind = _kind(self.phases[self.phase][0])
        if kind == "in":
            return fraction
        if kind == "out":
            return 1.0 - fraction
        return start

    def _level_before(self, index: int) -> float:
        level = 0.0
        for label, _seconds in self.phases[:index]:
            kind = _kind(label)
            if kind == "in":
                level = 1.0
            elif kind == "out":
                level = 0.0
        return level


def _kind(label: str) -> str:
    if label == _("Breathe in"):
        return "in"
    if label == _("Breathe out"):
        return "out"
    return "hold"


class BreathingTimer(Widget, can_focus=True):
    """Counts the phases of a breathing exercise with a growing and shrinking bar."""

    DEFAULT_CSS = """
    BreathingTimer {
        height: 5;
        padding: 0 1;
        border: round $accent 50%;
    }
    BreathingTimer:focus {
        border: round $accent;
    }
    """

    BINDINGS = [Binding("space", "toggle_pause", N_("Pause / resume"))]

    class Finished(Message):
        """All rounds are done."""

    def __init__(self, phases: tuple[tuple[str, int], ...], rounds: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = BreathingState(phases, rounds)
        self.ticker: Timer | None = None

    def on_mount(self) -> None:
        self.ticker = self.set_interval(TICK_SECONDS, self._tick)

    def _tick(self) -> None:
        self.advance(TICK_SECONDS)

    def advance(self, seconds: float) -> None:
        """Move the timer on by ``seconds`` and redraw; announce when it has finished."""
        was_finished = self.state.finished
        self.state.advance(seconds)
        self.refresh()
        if self.state.finished and not was_finished:
            if self.ticker is not None:
                self.ticker.stop()
            self.post_message(self.Finished())

    def restart(self) -> None:
        self.state = BreathingState(self.state.phases, self.state.rounds)
        if self.ticker is not None:
            self.ticker.stop()
        self.ticker = self.set_interval(TICK_SECONDS, self._tick)
        self.refresh()

    def action_toggle_pause(self) -> None:
        self.state.paused = not self.state.paused
        self.refresh()

    def render(self) -> Text:
        state = self.state
        if state.finished:
            return Text(_("Well done. Take a moment before you go on."), style="bold")
        width = max(4, min(BAR_WIDTH, self.size.width - 2))
        filled = round(state.level() * width)
        bar = Text("█" * filled, style="bold") + Text("░" * (width - filled), style="dim")
        head = Text(f"{state.label}  {state.seconds_left}", style="bold")
        if state.paused:
            head += Text("  " + _("(paused: press Space to go on)"), style="italic")
        foot = _("Round {round} of {rounds} · Space pauses").format(
            round=state.round, rounds=state.rounds
        )
        return Text("\n").join([head, bar, Text(foot, style="dim")])
