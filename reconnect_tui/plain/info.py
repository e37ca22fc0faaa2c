"""Information pages and local links, read as plain lines."""

from __future__ import annotations

from .. import library
from ..i18n import _, ngettext
from .context import Context
from .io import Back
from .text import markdown_lines


def run(ctx: Context) -> None:
    language = ctx.session.settings.language or None
    while True:
        pages = library.info_pages(language)
        heading = ngettext("{n} page.", "{n} pages.", len(pages)).format(n=len(pages))
        try:
            index = ctx.console.pick(heading, [p.title for p in pages])
        except Back:
            return
        if index is None:
            return
        page = pages[index]
        if page.slug == library.LOCAL_LINKS_SLUG:
            page = library.local_links(language)
            if page.notice:
                ctx.console.say(page.notice)
        read_page(ctx, page.title, page.body)


def read_page(ctx: Context, title: str, body: str) -> None:
    lines = markdown_lines(body)
    ctx.console.say(ngettext("{title}, {n} line.", "{title}, {n} lines.", len(lines))
                    .format(title=title, n=len(lines)))
    for line in lines:
        ctx.console.say(line)
    ctx.console.say(_("End of the page."))
