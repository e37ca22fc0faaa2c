"""Markdown export (CommonMark): the user's text is escaped so it shows exactly as written."""

from __future__ import annotations

import re
from datetime import date

from reconnect_tui.export.document import (
    Contact,
    CrisisPlanDocument,
    SectionContent,
    build_document,
    contact_text,
)
from reconnect_tui.export.text import COMPACT_MAX_CONTACTS, COMPACT_MAX_LINES, shorten, wrap
from reconnect_tui.model import CrisisPlan

_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_BLOCK_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")
_BULLET = re.compile(r"^\s*[-*•‣◦–]\s+")


def escape(text: str) -> str:
    """Escape ``text`` so CommonMark shows it literally (inline and at the start of a line)."""
    text = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", text))
    match = _BLOCK_START.match(text)
    if match:
        at = match.end() if match.group(2)[0].isdigit() else match.end() - 1
        text = f"{text[:at]}\\{text[at:]}"
    return text


def _paragraphs(lines: tuple[str, ...] | list[str]) -> list[str]:
    """User lines as Markdown blocks: "- item" lines become a list, other lines paragraphs."""
    out: list[str] = []
    in_list = False
    for line in lines:
        bullet = _BULLET.match(line)
        if bullet:
            if not in_list and out:
                out.append("")
            out.append("- " + escape(line[bullet.end() :].strip()))
            in_list = True
        elif line.strip():
            if out:
                out.append("")
            out.append(escape(line.strip()))
            in_list = False
    return out


def _section_body(section: SectionContent, doc: CrisisPlanDocument) -> list[str]:
    if not section.filled:
        return [f"*{escape(doc.not_filled)}*"]
    if section.contacts:
        contacts = list(section.contacts)
        hidden = 0
        if doc.compact and len(contacts) > COMPACT_MAX_CONTACTS:
            hidden = len(contacts) - (COMPACT_MAX_CONTACTS - 1)
            contacts = contacts[: COMPACT_MAX_CONTACTS - 1]
        out = [f"- {_contact(c)}" for c in contacts]
        if hidden:
            out += [f"- {escape(doc.more_contacts(hidden))}"]
            out += ["", f"*{escape(doc.shortened)}*"]
        return out
    if not doc.compact:
        return _paragraphs(section.lines)
    kept, cut = _shorten_lines(section.lines, COMPACT_MAX_LINES)
    body = _paragraphs(kept)
    return [*body, "", f"*{escape(doc.shortened)}*"] if cut else body


def _shorten_lines(lines: tuple[str, ...], budget: int) -> tuple[list[str], bool]:
    """Keep user lines while they fit ``budget`` lines as wrapped at 80 columns (as in text)."""
    kept: list[str] = []
    for line in lines:
        pieces = wrap(line, "") if line else [""]
        if len(pieces) <= budget:
            kept.append(line)
            budget -= len(pieces)
            continue
        if budget > 0:
            part, _cut = shorten(pieces, budget)
            kept.append(" ".join(p.strip() for p in part))
        elif kept:
            kept[-1] = kept[-1].rstrip() + "…"
        return kept, True
    return kept, False


def _contact(contact: Contact) -> str:
    if contact.phone:
        who = contact_text(Contact(contact.name, "", contact.role))
        return f"{escape(who)}: **{escape(contact.phone)}**" if who else escape(contact.phone)
    return escape(contact_text(contact))


def layout_markdown(doc: CrisisPlanDocument) -> str:
    """Lay out a built document as CommonMark."""
    out = [f"# {escape(doc.title)}", "", f"*{escape(doc.date_line)}*", ""]
    out += [f"> **{escape(doc.emergency_title)}**", ">"]
    out += [f"> - **{escape(n.number)}**: {escape(n.label)}" for n in doc.emergency]
    out += [">", f"> {escape(doc.notice)}"]
    for section in doc.sections:
        out += ["", f"## {escape(section.title)}", "", *_section_body(section, doc)]
    return "\n".join(out) + "\n"


def render_markdown(
    plan: CrisisPlan,
    name: str,
    locale: str,
    *,
    compact: bool = False,
    today: date | None = None,
) -> str:
    """The crisis plan as Markdown."""
    return layout_markdown(build_document(plan, name, locale, compact=compact, today=today))
