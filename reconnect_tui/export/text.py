"""Plain text export: wraps at 80 columns, readable in any editor or on a terminal."""

from __future__ import annotations

import re
import textwrap
from datetime import date

from reconnect_tui.export.document import (
    CrisisPlanDocument,
    SectionContent,
    build_document,
    contact_text,
    share_lines,
)
from reconnect_tui.model import CrisisPlan

WIDTH = 80
INDENT = "  "
COMPACT_MAX_LINES = 8
"""Lines of one section kept in the compact Markdown (which has no page to fill)."""
COMPACT_MAX_CONTACTS = 6
PAGE_LINES = 66
"""Lines on one printed page of plain text: the compact version shares them between its
sections (``share_lines``), so every section keeps at least a line and the note that it was
shortened."""

_BULLET = re.compile(r"^\s*(?:[-*•‣◦–]|\d{1,3}[.)])\s+")


def wrap(line: str, indent: str = INDENT, width: int = WIDTH) -> list[str]:
    """Wrap one line of the user's text; a list item keeps its hanging indent."""
    bullet = _BULLET.match(line)
    marker = bullet.group(0).strip() + " " if bullet else ""
    body = line[bullet.end() :] if bullet else line.strip()
    wrapper = textwrap.TextWrapper(
        width=width,
        initial_indent=indent + marker,
        subsequent_indent=indent + " " * len(marker),
        break_long_words=True,
        break_on_hyphens=True,
    )
    return wrapper.wrap(body) or [(indent + marker).rstrip()]


def shorten(lines: list[str], max_lines: int, width: int = WIDTH) -> tuple[list[str], bool]:
    """Keep ``max_lines`` lines, the last one ending in an ellipsis when text was cut."""
    if len(lines) <= max_lines:
        return lines, False
    kept = lines[:max_lines]
    last = kept[-1].rstrip()
    kept[-1] = (last if len(last) < width else last[: width - 1]) + "…"
    return kept, True


def _heading(title: str) -> list[str]:
    lines = textwrap.wrap(title, WIDTH, break_long_words=True) or [""]
    return [*lines, "-" * max(len(line) for line in lines)]


def _full_body(section: SectionContent, doc: CrisisPlanDocument) -> list[str]:
    if not section.filled:
        return [INDENT + doc.not_filled]
    if section.contacts:
        return [line for c in section.contacts for line in wrap("- " + contact_text(c))]
    out: list[str] = []
    for line in section.lines:
        out.extend(wrap(line) if line else [""])
    return out


def _cut_body(section: SectionContent, doc: CrisisPlanDocument, share: int) -> list[str]:
    """At most ``share`` lines of the section, the last saying it was shortened."""
    full = _full_body(section, doc)
    if len(full) <= share:
        return full
    if section.contacts:
        kept: list[str] = []
        shown = 0
        for contact in section.contacts:
            lines = wrap("- " + contact_text(contact))
            if len(kept) + len(lines) > share - 1:
                break
            kept += lines
            shown += 1
        # "… and 3 more" says it was shortened (one line: its text is short)
        return [*kept, *wrap(doc.more_contacts(len(section.contacts) - shown))[:1]]
    kept, _cut = shorten(full, max(1, share - 1))
    return [*kept, INDENT + doc.shortened]


def layout_text(doc: CrisisPlanDocument) -> str:
    """Lay out a built document as plain text (every line at most 80 characters)."""
    rule = "=" * WIDTH
    title = textwrap.wrap(doc.title, WIDTH, break_long_words=True)
    out = [*title, "=" * max(len(line) for line in title), doc.date_line, "", rule]
    out.append(doc.emergency_title.upper())
    column = max(len(n.number) for n in doc.emergency) + 4
    for number in doc.emergency:
        out += wrap(f"{number.number:<{column}}{number.label}", INDENT)
    out += ["", *textwrap.wrap(doc.notice, WIDTH, break_long_words=True), rule]
    headings = [["", *_heading(section.title)] for section in doc.sections]
    if doc.compact:
        budget = PAGE_LINES - len(out) - sum(len(h) for h in headings)
        needs = [len(_full_body(section, doc)) for section in doc.sections]
        shares = share_lines(needs, budget)
        bodies = [_cut_body(s, doc, share) for s, share in zip(doc.sections, shares, strict=True)]
    else:
        bodies = [_full_body(section, doc) for section in doc.sections]
    for heading, body in zip(headings, bodies, strict=True):
        out += [*heading, *body]
    return "\n".join(out) + "\n"


def render_text(
    plan: CrisisPlan,
    name: str,
    locale: str,
    *,
    compact: bool = False,
    today: date | None = None,
) -> str:
    """The crisis plan as plain text, wrapped at 80 columns."""
    return layout_text(build_document(plan, name, locale, compact=compact, today=today))
