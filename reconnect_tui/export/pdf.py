"""PDF export: an A4 page a person prints and keeps by the phone.

fpdf2 is imported inside ``layout_pdf`` only: it (and fontTools) are slow to import and only an
export needs them, so importing ``reconnect_tui.export`` stays light. The PDF is built in memory;
nothing is written to disk here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

from reconnect_tui.export.document import (
    Contact,
    CrisisPlanDocument,
    SectionContent,
    build_document,
    share_lines,
)
from reconnect_tui.i18n import _
from reconnect_tui.model import CrisisPlan

if TYPE_CHECKING:
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

FONT_DIR = Path(__file__).parent / "fonts"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
FONT = "dejavu"

MARGIN = 18.0
TOP = 16.0
BOTTOM = 18.0
FOOTER_Y = 297.0 - 12.0
BODY_PT = 11.0
LINE = 5.6
PHONE_W = 48.0
BULLET_W = 5.0
HEADING_H = 4 + 7 + 3  # gap above, title line, rule and gap below
HEADING_H_COMPACT = 2 + 6 + 2  # the same, tighter: the one page holds seven sections
FIT_SLACK = 0.01  # mm kept free on the compact page so rounding cannot trip fpdf2's page break

INK = (34, 34, 34)
MUTED = (112, 112, 112)
ACCENT = (26, 82, 99)
ACCENT_RULE = (196, 214, 220)
ALERT = (168, 35, 30)
ALERT_FILL = (253, 238, 236)

_BULLET = re.compile(r"^\s*([-*•‣◦–]|\d{1,3}[.)])\s+")


def render_pdf(
    plan: CrisisPlan,
    name: str,
    locale: str,
    *,
    compact: bool = False,
    today: date | None = None,
) -> bytes:
    """The crisis plan as an A4 PDF; ``compact`` gives a single page to fold and carry."""
    return layout_pdf(build_document(plan, name, locale, compact=compact, today=today))


def layout_pdf(doc: CrisisPlanDocument) -> bytes:
    """Lay out a built document as PDF bytes."""
    from fpdf import FPDF  # deferred on purpose: see the module docstring

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.alias_nb_pages("")  # off: user text containing "{nb}" must print as written
    pdf.set_margins(MARGIN, TOP, MARGIN)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    pdf.add_font(FONT, "", str(FONT_REGULAR))
    pdf.add_font(FONT, "B", str(FONT_BOLD))
    pdf.set_creator("ReConnect")
    pdf.set_title(_("Crisis plan"))
    page = _Page(pdf, doc)
    page.header()
    page.emergency_box()
    if doc.compact:
        page.compact_sections()
    else:
        for section in doc.sections:
            page.section(section)
    page.footers()
    return bytes(pdf.output())


def _glyph_filter(pdf: FPDF) -> Callable[[str], str]:
    """Write characters the font cannot draw (emoji, scripts DejaVu lacks) as their Unicode
    name in brackets, "[slightly smiling face]", so the reader learns what was meant instead of
    seeing a box or a "?"; drop invisible ones.

    fpdf2 would otherwise log the missing characters: that would put the user's text in logs.
    """
    # Both are the TrueType fonts added in _new_pdf (a core font has no cmap).
    regular = cast("TTFFont", pdf.fonts[FONT]).cmap
    bold = cast("TTFFont", pdf.fonts[FONT + "B"]).cmap
    cache: dict[str, str] = {}

    def one(char: str) -> str:
        if char not in cache:
            code = ord(char)
            if code in regular and code in bold:
                cache[char] = char
            elif unicodedata.category(char) in ("Mn", "Me", "Cf", "Zl", "Zp"):
                cache[char] = ""
            else:
                name = unicodedata.name(char, "").lower()
                cache[char] = f"[{name}]" if name else f"[U+{code:04X}]"
        return cache[char]

    def safe(text: str) -> str:
        return "".join(map(one, text))

    return safe


class _Page:
    """Draws one document onto an ``FPDF``; coordinates in mm."""

    def __init__(self, pdf: FPDF, doc: CrisisPlanDocument) -> None:
        self.pdf = pdf
        self.doc = doc
        self.safe = _glyph_filter(pdf)
        pdf.add_page()

    # -- small helpers -------------------------------------------------------------------------

    def font(self, size: float, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size)
        self.pdf.set_text_color(*color)

    def para(
        self, text: str, height: float = LINE, width: float = 0, x: float | None = None
    ) -> None:
        self.pdf.set_x(self.pdf.l_margin if x is None else x)
        self.pdf.multi_cell(width, height, self.safe(text), align="L", new_x="LMARGIN")

    def lines_of(self, text: str, width: float) -> list[str]:
        """How the current font wraps ``text`` in ``width`` mm."""
        lines = self.pdf.multi_cell(width, LINE, self.safe(text), dry_run=True, output="LINES")
        return cast(list[str], lines)  # output="LINES" gives the lines alone

    def fit(self, text: str, width: float, ellipsis: bool = False) -> str:
        """``text`` cut to fit ``width`` on one line, ending in "…" when cut (or if asked)."""
        text = self.safe(text)
        suffix = "…" if ellipsis else ""
        if self.pdf.get_string_width(text + suffix) <= width:
            return text + suffix
        low, high = 0, len(text)
        while low < high:
            mid = (low + high + 1) // 2
            if self.pdf.get_string_width(text[:mid].rstrip() + "…") <= width:
                low = mid
            else:
                high = mid - 1
        return text[:low].rstrip() + "…"

    def room(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()

    # -- blocks --------------------------------------------------------------------------------

    def header(self) -> None:
        pdf = self.pdf
        self.font(20, bold=True, color=ACCENT)
        if self.doc.compact:
            pdf.cell(0, 9, self.fit(self.doc.title, pdf.epw), new_x="LMARGIN", new_y="NEXT")
        else:
            self.para(self.doc.title, 9)
        pdf.ln(1)
        self.font(10, color=MUTED)
        self.para(self.doc.date_line, 5)
        pdf.ln(4)

    def emergency_box(self) -> None:
        pdf, doc = self.pdf, self.doc
        pad, row = 5.0, 9.5
        inner = pdf.epw - 2 * pad
        self.font(9.5)
        notice_h = len(self.lines_of(doc.notice, inner)) * 4.6
        height = pad + 8 + row * len(doc.emergency) + 3 + notice_h + pad
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_fill_color(*ALERT_FILL)
        pdf.set_draw_color(*ALERT)
        pdf.set_line_width(0.7)
        pdf.rect(x, y, pdf.epw, height, style="DF", round_corners=True, corner_radius=3)
        self.font(13, bold=True, color=ALERT)
        pdf.set_xy(x + pad, y + pad)
        pdf.cell(inner, 7, self.fit(doc.emergency_title, inner))
        self.font(18, bold=True)
        number_w = max(pdf.get_string_width(self.safe(n.number)) for n in doc.emergency) + 8
        for i, number in enumerate(doc.emergency):
            top = y + pad + 8 + i * row
            self.font(18, bold=True)
            pdf.set_xy(x + pad, top)
            pdf.cell(number_w, row, self.safe(number.number))
            self.font(11.5)
            pdf.set_xy(x + pad + number_w, top)
            pdf.cell(inner - number_w, row, self.fit(number.label, inner - number_w))
        self.font(9.5)
        pdf.set_xy(x + pad, y + pad + 8 + row * len(doc.emergency) + 3)
        pdf.multi_cell(inner, 4.6, self.safe(doc.notice), align="L")
        pdf.set_xy(pdf.l_margin, y + height + 3)

    def heading(self, title: str, body_lines: int = 2) -> None:
        """Section title and rule, kept on one page with the first ``body_lines`` lines under it.

        The compact page passes the exact number of lines it will draw, so the keep-with-next
        check never asks for more room than its line budget counted (and never breaks the page);
        there the title is also held to one line, which is the ``HEADING_H`` the budget assumes.
        """
        pdf = self.pdf
        compact = self.doc.compact
        gap = 2 if compact else 4
        pdf.ln(gap)
        self.room((HEADING_H_COMPACT if compact else HEADING_H) - gap + body_lines * LINE)
        self.font(12 if compact else 13, bold=True, color=ACCENT)
        if compact:
            pdf.cell(0, 6, self.fit(title, pdf.epw), new_x="LMARGIN", new_y="NEXT")
        else:
            self.para(title, 7)
        y = pdf.get_y() + 0.8
        pdf.set_draw_color(*ACCENT_RULE)
        pdf.set_line_width(0.3)
        pdf.line(pdf.l_margin, y, pdf.l_margin + pdf.epw, y)
        pdf.set_y(y + (1.2 if compact else 2.2))

    def section(self, section: SectionContent) -> None:
        self.heading(section.title)
        if not section.filled:
            self.font(10.5, color=MUTED)
            self.para(self.doc.not_filled)
        for contact in section.contacts:
            self.contact(contact)
        self.font(BODY_PT)
        for line in section.lines:
            if not line:
                self.pdf.ln(2.4)
                continue
            bullet = _BULLET.match(line)
            if bullet:
                marker = self.safe(_marker(bullet.group(1)))
                indent = max(BULLET_W, self.pdf.get_string_width(marker) + 1.8)
                self.room(LINE)
                self.pdf.cell(indent, LINE, marker)
                x = self.pdf.l_margin + indent
                self.para(line[bullet.end() :], width=self.pdf.epw - indent, x=x)
            else:
                self.para(line.strip())

    def contact(self, contact: Contact, one_line: bool = False) -> None:
        pdf = self.pdf
        left_w = pdf.epw - PHONE_W
        who = contact.name or contact.role
        role = contact.role if contact.name else ""
        self.font(BODY_PT, bold=True)
        name_lines = [self.fit(who, left_w - 2)] if one_line else self.lines_of(who, left_w - 2)
        if one_line and role:
            name_lines = [self.fit(f"{who} ({role})", left_w - 2)]
            role = ""
        self.font(10)
        role_lines = self.lines_of(role, left_w - 2) if role else []
        self.font(12, bold=True)
        phone = self.fit(contact.phone, PHONE_W) if contact.phone else ""
        height = LINE * len(name_lines) + 4.6 * len(role_lines)
        self.room(height)
        top = pdf.get_y()
        self.font(BODY_PT, bold=True)
        for i, text in enumerate(name_lines):
            pdf.set_xy(pdf.l_margin, top + i * LINE)
            pdf.cell(left_w - 2, LINE, text)
        self.font(10, color=MUTED)
        for i, text in enumerate(role_lines):
            pdf.set_xy(pdf.l_margin, top + LINE * len(name_lines) + i * 4.6)
            pdf.cell(left_w - 2, 4.6, text)
        if phone:
            self.font(12, bold=True)
            pdf.set_xy(pdf.l_margin + left_w, top)
            pdf.cell(PHONE_W, LINE, phone, align="R", link=tel_link(contact.phone))
        pdf.set_xy(pdf.l_margin, top + height + (0 if one_line else 1.2))

    # -- the one-page version ------------------------------------------------------------------

    def compact_sections(self) -> None:
        """Share what is left of the page between the sections; cut what does not fit."""
        pdf = self.pdf
        sections = self.doc.sections
        free = (pdf.page_break_trigger - pdf.get_y() - HEADING_H_COMPACT * len(sections)
                - FIT_SLACK)
        budget = max(len(sections) * 2, int(free // LINE))
        self.font(BODY_PT)
        wrapped = [self._compact_lines(s) for s in sections]
        shares = share_lines([max(1, len(w)) for w in wrapped], budget)
        for section, lines, share in zip(sections, wrapped, shares, strict=True):
            self.heading(section.title, body_lines=share)
            if not section.filled:
                self.font(10.5, color=MUTED)
                pdf.cell(
                    0, LINE, self.fit(self.doc.not_filled, pdf.epw), new_x="LMARGIN", new_y="NEXT"
                )
                continue
            cut = len(lines) > share
            keep = share - 1  # the last line says what was left out
            shown = lines[: max(0, keep)] if cut else lines
            for i, item in enumerate(shown):
                last_cut = cut and i == len(shown) - 1
                if isinstance(item, Contact):
                    self.contact(item, one_line=True)
                else:
                    self.font(BODY_PT)
                    text = self.fit(item, pdf.epw, ellipsis=last_cut) if last_cut else item
                    pdf.cell(0, LINE, text, new_x="LMARGIN", new_y="NEXT")
            if cut and section.contacts:  # "… and 3 more" says it was shortened
                self.font(BODY_PT)
                more = self.doc.more_contacts(len(lines) - len(shown))
                pdf.cell(0, LINE, self.fit(more, pdf.epw), new_x="LMARGIN", new_y="NEXT")
            elif cut:
                self.font(9.5, color=MUTED)
                pdf.cell(0, LINE, self.doc.shortened, new_x="LMARGIN", new_y="NEXT")

    def _compact_lines(self, section: SectionContent) -> list[str | Contact]:
        if section.contacts:
            return list(section.contacts)
        out: list[str | Contact] = []
        for line in section.lines:
            if line:
                bullet = _BULLET.match(line)
                text = f"{_marker(bullet.group(1))} {line[bullet.end() :]}" if bullet else line
                text = text.strip()
                out.extend(self.lines_of(text, self.pdf.epw))
        return out

    # -- every page ----------------------------------------------------------------------------

    def footers(self) -> None:
        """Notice and "Page n of N" on every page, drawn once the page count is known."""
        pdf = self.pdf
        total = pdf.page
        pdf.set_auto_page_break(False)
        label_w = 32.0
        for number in range(1, total + 1):
            pdf.page = number
            # fpdf2 skips a font/colour/width operator equal to the last one it wrote, but that
            # was on another page: toggle each so this page's stream really gets them.
            pdf.set_font(FONT, "B", 8.5)
            pdf.set_draw_color(0, 0, 0)
            pdf.set_line_width(0.1)
            pdf.set_draw_color(*ACCENT_RULE)
            pdf.set_line_width(0.3)
            pdf.line(pdf.l_margin, FOOTER_Y - 2, pdf.l_margin + pdf.epw, FOOTER_Y - 2)
            self.font(8.5, color=MUTED)
            pdf.set_xy(pdf.l_margin, FOOTER_Y)
            pdf.cell(pdf.epw - label_w, 4.5, self.fit(self.doc.notice, pdf.epw - label_w - 2))
            label = _("Page {page} of {total}").format(page=number, total=total)
            pdf.cell(label_w, 4.5, label, align="R")


def tel_link(phone: str) -> str:
    """A ``tel:`` address for a phone number as written ("+47 912 34 567" → "tel:+4791234567"),
    so a phone or a PDF reader can call it with one tap; "" when it holds no digits."""
    digits = "".join(c for c in phone if c.isascii() and c.isdigit())
    if not digits:
        return ""
    return "tel:" + ("+" if phone.lstrip().startswith("+") else "") + digits


def _marker(marker: str) -> str:
    """Dashes and stars print as a bullet; numbers ("1.", "2)") as written."""
    return "•" if marker in "-*•‣◦–" else marker
