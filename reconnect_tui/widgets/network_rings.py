"""The network map drawn as four nested rings (boxes), ring 1 innermost around "me".

Each person is written in the band of their ring as ``name (sector)``; people who can help
in a crisis carry a ``+``. The layout is a pure function (``ring_lines``) so it can be tested
without a terminal; the widget only turns its styled segments into Rich text using component
classes, so colours follow the theme. It paints through the line API (``render_line``): only
the visible lines are turned into segments, and each painted line is kept until the people,
the selection, the width or the styles change, so repaints while the screen opens cost
nothing (a Rich ``Text`` of the whole drawing was measured at a third of the screen's open).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment as RichSegment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from ..i18n import N_, _
from ..model import RINGS, Person, Sector

Segment = tuple[str, str]
"""(text, style key); the key is a component class suffix ("" for plain)."""
Line = list[Segment]

MIN_BOX_WIDTH = 30
"""Below this many cells the rings are listed instead of drawn (each ring takes 4 cells)."""
CRISIS_MARK = "+"

SECTOR_SHORT: dict[Sector, str] = {
    Sector.FAMILY: N_("family"),
    Sector.RELATIVES: N_("relatives"),
    Sector.FRIENDS: N_("friends"),
    Sector.SCHOOL_WORK: N_("work/school"),
    Sector.LEISURE: N_("leisure"),
    Sector.PROFESSIONAL: N_("services"),
}
"""Short English labels of the sectors for the drawing (shown through ``_()``)."""

SECTOR_TITLES: dict[Sector, str] = {
    Sector.FAMILY: N_("Family"),
    Sector.RELATIVES: N_("Relatives"),
    Sector.FRIENDS: N_("Friends"),
    Sector.SCHOOL_WORK: N_("School or work"),
    Sector.LEISURE: N_("Leisure"),
    Sector.PROFESSIONAL: N_("Professional services"),
}
"""English titles of the sectors for tables and forms (shown through ``_()``)."""


def ring_title(ring: int) -> str:
    titles = {1: _("1 · closest"), 4: _("4 · further away")}
    return titles.get(ring, str(ring))


def _fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` cells, ending in an ellipsis when cut."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(width - 1, 0)) + "…"


def _tokens(person: Person, selected_id: int | None) -> list[Segment]:
    name_style = "selected" if person.id is not None and person.id == selected_id else "name"
    tokens: list[Segment] = [(" ".join(person.name.split()), name_style)]
    tokens.append((f" ({_(SECTOR_SHORT[person.sector])})", "sector"))
    if person.can_help_in_crisis:
        tokens.append((CRISIS_MARK, "crisis"))
    return tokens


def _wrap(people: Sequence[Person], width: int, selected_id: int | None) -> list[Line]:
    """Lay people out left to right, two spaces apart, on lines of at most ``width`` cells."""
    lines: list[Line] = []
    current: Line = []
    used = 0
    for person in people:
        tokens = _tokens(person, selected_id)
        size = sum(cell_len(text) for text, _style in tokens)
        if size > width:
            name, style = tokens[0]
            tokens = [(_fit(name, width - 1 if person.can_help_in_crisis else width), style)]
            if person.can_help_in_crisis:
                tokens.append((CRISIS_MARK, "crisis"))
            size = sum(cell_len(text) for text, _style in tokens)
        gap = 2 if current else 0
        if current and used + gap + size > width:
            lines.append(current)
            current, used, gap = [], 0, 0
        if gap:
            current.append(("  ", ""))
        current.extend(tokens)
        used += gap + size
    if current:
        lines.append(current)
    return lines


def _pad(line: Line, width: int, centre: bool = False) -> Line:
    used = sum(cell_len(text) for text, _style in line)
    spare = max(width - used, 0)
    left = spare // 2 if centre else 0
    padded: Line = [(" " * left, "")] if left else []
    return padded + line + [(" " * (spare - left), "")]


def _box(
    ring: int, width: int, by_ring: dict[int, list[Person]], selected: int | None
) -> list[Line]:
    inner_width = width - 4
    names = _wrap(by_ring.get(ring, []), inner_width, selected)
    if ring == 1:
        middle = [_pad([("★ ", "me"), (_("Me"), "me")], inner_width, centre=True)]
    else:
        middle = _box(ring - 1, inner_width, by_ring, selected)
    above, below = names[: (len(names) + 1) // 2], names[(len(names) + 1) // 2 :]
    label = f" {_fit(ring_title(ring), width - 6)} "
    top: Line = [("╭─", "border"), (label, "label")]
    top.append(("─" * (width - 3 - cell_len(label)) + "╮", "border"))
    lines = [top]
    rows = [_pad(n, inner_width) for n in above] + middle + [_pad(n, inner_width) for n in below]
    for row in rows:
        lines.append([("│ ", "border"), *row, (" │", "border")])
    lines.append([("╰" + "─" * (width - 2) + "╯", "border")])
    return lines


def _listed(width: int, by_ring: dict[int, list[Person]], selected: int | None) -> list[Line]:
    """The narrow fallback: each ring as a heading with its people below."""
    lines: list[Line] = []
    for ring in RINGS:
        lines.append([(_fit(_("Ring {ring}").format(ring=ring_title(ring)), width), "label")])
        people = by_ring.get(ring, [])
        lines.extend(_wrap(people, width, selected) or [[("–", "sector")]])
    return lines


def ring_lines(people: Iterable[Person], width: int, selected_id: int | None = None) -> list[Line]:
    """The drawing as lines of styled segments, each line exactly ``width`` cells when boxed."""
    by_ring: dict[int, list[Person]] = {}
    for person in people:
        ring = min(max(person.ring, RINGS[0]), RINGS[-1])
        by_ring.setdefault(ring, []).append(person)
    if width < MIN_BOX_WIDTH:
        return _listed(max(width, 1), by_ring, selected_id)
    return _box(RINGS[-1], width, by_ring, selected_id)


def plain(lines: list[Line]) -> str:
    """The drawing without styles (tests, screen readers)."""
    return "\n".join("".join(text for text, _style in line) for line in lines)


class NetworkRings(Widget):
    """Draws people on the four closeness rings; call ``show`` to change what is drawn."""

    COMPONENT_CLASSES = {
        "network-rings--border",
        "network-rings--label",
        "network-rings--me",
        "network-rings--name",
        "network-rings--sector",
        "network-rings--crisis",
        "network-rings--selected",
    }

    DEFAULT_CSS = """
    NetworkRings {
        height: auto;
        width: 1fr;
    }
    NetworkRings > .network-rings--border { color: $primary; }
    NetworkRings > .network-rings--label { color: $accent; text-style: bold; }
    NetworkRings > .network-rings--me { color: $accent; text-style: bold; }
    NetworkRings > .network-rings--name { color: $text; }
    NetworkRings > .network-rings--sector { color: $text-muted; }
    NetworkRings > .network-rings--crisis { color: $success; text-style: bold; }
    NetworkRings > .network-rings--selected { color: $text; background: $accent 40%;
        text-style: bold; }
    """

    def __init__(self, people: Sequence[Person] = (), **kwargs) -> None:
        super().__init__(**kwargs)
        self.people: list[Person] = list(people)
        self.selected_id: int | None = None
        self._drawn: tuple[tuple[int, int | None], list[Line]] | None = None
        """The last drawing and its (width, selected id): layout and paint both need it."""
        self._strips: dict[int, Strip] = {}
        """Painted lines of the current drawing, by line number."""
        self._strip_styles: dict[str, Style] | None = None

    def drawing(self, width: int) -> list[Line]:
        """The drawing at this width (kept until the people, selection or width change)."""
        key = (width, self.selected_id)
        if self._drawn is None or self._drawn[0] != key:
            self._drawn = (key, ring_lines(self.people, width, self.selected_id))
            self._strips.clear()
        return self._drawn[1]

    def show(self, people: Sequence[Person], selected_id: int | None = None) -> None:
        self.people = list(people)
        self.selected_id = selected_id
        self._drawn = None
        self.refresh(layout=True)

    def select(self, selected_id: int | None) -> None:
        if selected_id != self.selected_id:
            self.selected_id = selected_id
            self.refresh()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.drawing(width))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._strip_styles = None

    def render_line(self, y: int) -> Strip:
        """One line of the drawing, cropped or padded to the content width."""
        width = self.content_size.width
        lines = self.drawing(width)
        strip = self._strips.get(y)
        if strip is None:
            if self._strip_styles is None:
                base = self.rich_style
                self._strip_styles = {"": base}
                for name in self.COMPONENT_CLASSES:
                    style = self.get_component_rich_style(name)
                    self._strip_styles[name.rpartition("--")[2]] = base + style
            styles = self._strip_styles
            segments = (
                [RichSegment(text, styles[key]) for text, key in lines[y]]
                if 0 <= y < len(lines)
                else []
            )
            strip = Strip(segments).adjust_cell_length(width, styles[""])
            self._strips[y] = strip
        return strip

    def render(self) -> Text:
        """The whole drawing as text (tests and text dumps; painting uses ``render_line``)."""
        styles: dict[str, Style] = {"": Style()}
        for name in self.COMPONENT_CLASSES:
            styles[name.rpartition("--")[2]] = self.get_component_rich_style(name)
        text = Text(no_wrap=True, overflow="crop")
        lines = self.drawing(self.content_size.width)
        for index, line in enumerate(lines):
            if index:
                text.append("\n")
            for segment, key in line:
                text.append(segment, styles[key])
        return text
