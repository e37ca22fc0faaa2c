"""Information pages and local links: read-only pages from content/, chosen from a list."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Heading
from rich.markdown import Markdown as RichMarkdown
from rich.segment import Segment
from rich.theme import Theme
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from .. import library
from ..errors import ReconnectError
from ..i18n import N_, _
from .base import ModuleScreen

MARKDOWN_THEME = Theme(
    {
        "markdown.h1": "bold underline",
        "markdown.h2": "bold",
        "markdown.h3": "bold italic",
        "markdown.h4": "italic",
        "markdown.h5": "italic",
        "markdown.h6": "italic",
        "markdown.block_quote": "italic",
        "markdown.code": "bold",
        "markdown.code_block": "none",
        "markdown.list": "none",
        "markdown.item.number": "bold",
        "markdown.hr": "dim",
        "markdown.link": "underline",
        "markdown.link_url": "italic",
        "markdown.table.border": "dim",
        "markdown.table.header": "bold",
        "markdown.kbd": "bold",
    }
)
"""No colours of their own: text keeps the widget's colour, so it reads in every theme."""


class _LeftHeading(Heading):
    LEVEL_ALIGN: ClassVar = dict.fromkeys(Heading.LEVEL_ALIGN, "left")


class _Document(RichMarkdown):
    """Rich's Markdown with every heading on the left and links written out in full
    (``text (url)``), since not every terminal shows hyperlinks."""

    elements: ClassVar = {**RichMarkdown.elements, "heading_open": _LeftHeading}

    def __init__(self, source: str) -> None:
        super().__init__(source, hyperlinks=False, code_theme="ansi_dark")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        with console.use_theme(MARKDOWN_THEME):
            yield from super().__rich_console__(console, options)


class _RenderedOnce:
    """A document drawn once per width: Textual measures a ``height: auto`` widget's content
    and then draws it, and again when a scroll bar appears beside it (narrower by its width),
    so one open drew each page four times. The lines drawn are kept per width and options."""

    def __init__(self, document: _Document) -> None:
        self.document = document
        self._lines: dict[tuple[object, ...], list[list[Segment]]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = (id(console), options.max_width, options.justify, options.overflow,
               options.no_wrap, options.ascii_only, options.highlight, options.markup)
        lines = self._lines.get(key)
        if lines is None:
            lines = console.render_lines(self.document, options.update(height=None), pad=False)
            self._lines[key] = lines
        new_line = Segment.line()
        for line in lines:
            yield from line
            yield new_line


class MarkdownText(Static):
    """A Markdown document laid out as ONE widget (drawn by Rich).

    Textual's ``Markdown`` mounts a widget per block, tens per page; laying those out was most
    of the 300-600 ms it took to open Information and Exercises.
    """

    DEFAULT_CSS = """
    MarkdownText {
        height: auto;
    }
    """

    def __init__(self, source: str = "", **kwargs) -> None:
        super().__init__(_RenderedOnce(_Document(source)), **kwargs)
        self.source = source

    def set_source(self, source: str) -> None:
        """Show another document."""
        self.source = source
        self.update(_RenderedOnce(_Document(source)))


def source_line(page: library.Page) -> str:
    """Where the local-links page came from, in words."""
    if page.builtin:
        name = page.source.removeprefix(library.BUILTIN_PREFIX)
        return _("National resources that come with ReConnect ({name}). Your municipality or"
                 " DPS can replace this page with its own.").format(name=name)
    return _("From your community's file {path}.").format(path=page.source)


class InfoScreen(ModuleScreen):
    """Read the information pages; nothing here can be changed."""

    AUTO_FOCUS = "#info-pages"

    TITLE_TEXT = N_("Information and local links")
    EMPTY_TEXT = N_(
        "Information pages explain recovery, taking part in your care and how to use "
        "ReConnect, with links to local activities. No pages could be found in this installation."
    )
    BINDINGS = [
        Binding("enter", "read", N_("Read page"), show=False),
        Binding("r", "read", N_("Read page")),
        Binding("p", "pages", N_("Page list")),
        Binding("l", "local_links", N_("Local links")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pages: list[library.Page] = []
        self.problem = ""
        self.shown: int | None = None
        """The index of the page on show."""

    def compose_body(self) -> ComposeResult:
        language = self.session.settings.language
        try:
            self.pages = library.info_pages(language)
        except ReconnectError as error:
            self.problem = str(error)
        with Horizontal(id="info-panes", classes="module-body"):
            yield OptionList(
                *[Option(page.title, id=page.slug) for page in self.pages], id="info-pages"
            )
            with VerticalScroll(id="info-view", can_focus=True):
                yield Static("", id="info-source", markup=False)
                yield MarkdownText(id="info-page")
        yield self.empty_state(
            f"{self.EMPTY_TEXT}\n{self.problem}".strip(), id="info-empty", markup=False
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#info-panes").display = bool(self.pages)
        self.query_one("#info-empty").display = not self.pages
        if self.pages:
            listing = self.query_one("#info-pages", OptionList)
            listing.highlighted = 0
            self.show_page(0)

    def show_page(self, index: int) -> None:
        if not 0 <= index < len(self.pages) or index == self.shown:
            return
        self.shown = index
        page = self.pages[index]
        source = self.query_one("#info-source", Static)
        if page.slug == library.LOCAL_LINKS_SLUG:
            source.update(" ".join(filter(None, [source_line(page), page.notice])))
            source.display = True
        else:
            source.display = False
        self.query_one("#info-page", MarkdownText).set_source(page.body)
        self.query_one("#info-view", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionHighlighted, "#info-pages")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_page(event.option_index)

    @on(OptionList.OptionSelected, "#info-pages")
    def selected(self) -> None:
        self.action_read()

    def action_read(self) -> None:
        """Move into the page so the arrows and Page Down scroll it."""
        if self.pages:
            self.query_one("#info-view", VerticalScroll).focus()

    def action_pages(self) -> None:
        if self.pages:
            self.query_one("#info-pages", OptionList).focus()

    def action_local_links(self) -> None:
        slugs = [page.slug for page in self.pages]
        if library.LOCAL_LINKS_SLUG in slugs:
            listing = self.query_one("#info-pages", OptionList)
            listing.highlighted = slugs.index(library.LOCAL_LINKS_SLUG)
            self.show_page(listing.highlighted)
