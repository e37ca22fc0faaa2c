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
)
from reconnect_tui.model import CrisisPlan

WIDTH = 80
INDENT = "  "
COMPACT_MAX_LINES = 8
"""Wrapped lines of one section kept in the compact version (a page holds about 60)."""
COMPACT_MAX_CONTACTS = 6

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


def _section_body(section: SectionContent, doc: CrisisPlanDocument) -> list[str]:
    if not section.filled:
        return [INDENT + doc.not_filled]
    if section.contacts:
        contacts = list(section.contacts)
        hidden = 0
        if doc.compact and len(contacts) > COMPACT_MAX_CONTACTS:
            hidden = len(contacts) - (COMPACT_MAX_CONTACTS - 1)
            contacts = contacts[: COMPACT_MAX_CONTACTS - 1]
        out = [line for c in contacts for line in wrap("- " + contact_text(c))]
        if hidden:
            out += wrap(doc.more_contacts(hidden)) + [INDENT + doc.shortened]
        return out
    out = []
    for line in section.lines:
        out.extend(wrap(line) if line else [""])
    if doc.compact:
        out, cut = shorten(out, COMPACT_MAX_LINES)
        if cut:
            out.append(INDENT + doc.shortened)
    return out


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
    for section in doc.sections:
        out += ["", *_heading(section.title), *_section_body(section, doc)]
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
