"""The Information screen: pages from content/ rendered as Markdown, chosen from a list, and the
local-links page naming the file it came from."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import OptionList, Static

from reconnect_tui.screens.info import MarkdownText
from tests.pilot import SIZE, make_app, open_module, unlock


async def test_pages_listed_and_rendered(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "info")
        listing = screen.query_one("#info-pages", OptionList)
        slugs = [page.slug for page in screen.pages]
        assert {"personal-recovery", "how-to-use", "local-links"} <= set(slugs)
        assert listing.option_count == len(slugs)
        assert not screen.query_one("#info-empty").display
        first = screen.query_one("#info-page", MarkdownText)
        before = first.source
        await pilot.press("down")
        assert first.source != before and first.source == screen.pages[1].body
        await pilot.press("enter")
        assert app.focused is screen.query_one("#info-view")
        await pilot.press("p")
        assert app.focused is listing
        titles = {str(c.title) for c in app.get_system_commands(screen)}
        assert {"Read page", "Page list", "Local links"} <= titles


async def test_local_links_say_where_they_came_from(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "info")
        await pilot.press("l")
        source = screen.query_one("#info-source", Static)
        assert source.display
        assert "en/info/local-links.md" in str(source.render())
        await pilot.press("up")
        assert not source.display


async def test_community_local_links_file(vault_path: Path, tmp_path: Path, monkeypatch) -> None:
    links = tmp_path / "strand-links.md"
    links.write_text("# Strand\n\n- Turlag, Tuesdays at 18\n", encoding="utf-8")
    monkeypatch.setenv("RECONNECT_LOCAL_LINKS", str(links))
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "info")
        await pilot.press("l")
        assert str(links) in str(screen.query_one("#info-source", Static).render())
        assert "Turlag" in screen.query_one("#info-page", MarkdownText).source


async def test_markdown_is_one_widget_with_readable_headings_and_links() -> None:
    """Rich draws the page as one widget; links keep their address, headings their words."""
    source = "# Strand\n\n## Groups\n\nSee [Mental Helse](https://mentalhelse.no).\n\n- Turlag\n"

    class One(App):
        def compose(self) -> ComposeResult:
            yield MarkdownText(source)

    app = One()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        widget = app.query_one(MarkdownText)
        assert not widget.children
        lines = [widget.render_line(y).text.strip() for y in range(widget.size.height)]
        assert lines[0] == "Strand" and "Groups" in lines
        assert "See Mental Helse (https://mentalhelse.no)." in lines
        assert "• Turlag" in lines
        widget.set_source("# Other")
        await pilot.pause()
        assert widget.source == "# Other" and widget.render_line(0).text.strip() == "Other"
