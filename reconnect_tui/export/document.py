"""What a crisis plan export holds, independent of the file format.

``CRISIS_PLAN_SECTIONS`` is the one ordered list of sections: the three renderers and the
crisis plan screen all walk it, so a file always holds what the app shows.
``build_document`` turns a plan into a ``CrisisPlanDocument`` whose fixed strings are already
translated and whose user text is cleaned of control characters; renderers only lay it out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from reconnect_tui import text_safety
from reconnect_tui.emergency import EmergencyNumber, emergency_numbers
from reconnect_tui.formats import format_day
from reconnect_tui.i18n import N_, _, ngettext
from reconnect_tui.model import CRISIS_TEXT_SECTIONS, CrisisPlan

SectionKind = Literal["text", "helpers", "professionals"]


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """One section of the crisis plan as shown on screen and in every export."""

    key: str
    """Attribute of ``CrisisPlan`` holding the section's content."""
    title: str
    """English source text; show it through ``_()``."""
    kind: SectionKind
    in_compact: bool
    """Whether the one-page (fold-and-carry) version includes it."""


_COMPACT_KEYS = frozenset({
    "warning_signs", "self_help", "distractions", "helpers", "professionals",
    "safe_surroundings", "reasons_for_living",
})
"""The one-page version keeps every step of the Stanley–Brown safety plan (warning signs, what I
can do myself, people and places that distract, people to ask, professionals and emergency
numbers, making my surroundings safe) and the reasons for living: it shortens lines, and never
drops a step, least of all means safety. Left out: triggers, how to meet me, treatment wishes."""


def _section_specs() -> tuple[SectionSpec, ...]:
    specs: list[SectionSpec] = []
    for key, title in CRISIS_TEXT_SECTIONS:
        specs.append(SectionSpec(key, title, "text", key in _COMPACT_KEYS))
        if key == "distractions":
            specs.append(SectionSpec("helpers", N_("People I can ask for help"), "helpers", True))
            specs.append(
                SectionSpec(
                    "professionals",
                    N_("Professionals and services to contact"),
                    "professionals",
                    True,
                )
            )
    return tuple(specs)


CRISIS_PLAN_SECTIONS: tuple[SectionSpec, ...] = _section_specs()
"""Every section in display order: ``model.CRISIS_TEXT_SECTIONS`` with helpers and
professionals right after "distractions"."""


@dataclass(frozen=True, slots=True)
class Contact:
    """A helper or a service, ready to print."""

    name: str
    phone: str = ""
    role: str = ""


@dataclass(frozen=True, slots=True)
class SectionContent:
    spec: SectionSpec
    title: str
    """Translated title."""
    lines: tuple[str, ...] = ()
    """The user's text, one entry per line (blank entries separate paragraphs)."""
    contacts: tuple[Contact, ...] = ()

    @property
    def filled(self) -> bool:
        return bool(self.lines or self.contacts)


@dataclass(frozen=True, slots=True)
class CrisisPlanDocument:
    """A crisis plan ready to lay out: every fixed string already translated."""

    title: str
    date_line: str
    emergency_title: str
    emergency: tuple[EmergencyNumber, ...]
    """Labels translated; the first is the number named in ``notice``."""
    notice: str
    sections: tuple[SectionContent, ...]
    compact: bool
    not_filled: str
    shortened: str
    more_contacts: Callable[[int], str]
    """The line for ``count`` contacts left out of the compact version."""


def clean_text(text: str) -> str:
    """The user's text as ``text_safety.clean_text`` leaves it (no escape sequence, control
    character, bidi override or lone surrogate reaches a PDF or a file), tabs as spaces."""
    return text_safety.clean_text(text).replace("\t", "    ")


def clean_line(text: str) -> str:
    """``clean_text`` squeezed onto one line (names, phone numbers, roles)."""
    return " ".join(clean_text(text).split())


def text_lines(text: str) -> tuple[str, ...]:
    """The user's text as lines: trailing spaces and runs of blank lines removed."""
    lines: list[str] = []
    for raw in clean_text(text).split("\n"):
        line = raw.rstrip()
        if line.strip() or (lines and lines[-1]):
            lines.append(line if line.strip() else "")
    while lines and not lines[-1]:
        lines.pop()
    return tuple(lines)


def _contacts(plan: CrisisPlan, kind: SectionKind) -> tuple[Contact, ...]:
    if kind == "helpers":
        found = [Contact(clean_line(h.name), clean_line(h.phone)) for h in plan.helpers]
    else:
        found = [
            Contact(clean_line(s.name), clean_line(s.phone), clean_line(s.role))
            for s in plan.professionals
        ]
    return tuple(c for c in found if c.name or c.phone or c.role)


def section_content(plan: CrisisPlan, spec: SectionSpec) -> SectionContent:
    """The content of one section of ``plan``."""
    if spec.kind == "text":
        return SectionContent(spec, _(spec.title), lines=text_lines(getattr(plan, spec.key)))
    return SectionContent(spec, _(spec.title), contacts=_contacts(plan, spec.kind))


def format_date(day: date) -> str:
    """A date as the reader's language writes it (``i18n.format_day``): 2024-05-03 in English,
    03.05.2024 in Norwegian."""
    return format_day(day)


def _date_line(updated_at: datetime | None, today: date | None) -> str:
    if updated_at is not None:
        # Stored in UTC; the person reads the date of their own clock.
        return _("Last updated {date}").format(date=format_date(updated_at.astimezone().date()))
    return _("Printed {date}").format(date=format_date(today or date.today()))


def _more_contacts(count: int) -> str:
    return ngettext("… and {count} more", "… and {count} more", count).format(count=count)


def build_document(
    plan: CrisisPlan,
    name: str,
    locale: str,
    *,
    compact: bool = False,
    today: date | None = None,
) -> CrisisPlanDocument:
    """Everything an export shows, in order; ``today`` dates a plan never saved."""
    person = clean_line(name)
    numbers = tuple(
        EmergencyNumber(_(n.label), clean_line(n.number)) for n in emergency_numbers(locale)
    )
    first = numbers[0]
    specs = [s for s in CRISIS_PLAN_SECTIONS if s.in_compact or not compact]
    return CrisisPlanDocument(
        title=_("Crisis plan for {name}").format(name=person) if person else _("Crisis plan"),
        date_line=_date_line(plan.updated_at, today)
        + (" · " + _("Short version: the full plan has more") if compact else ""),
        emergency_title=_("In an emergency, call"),
        emergency=numbers,
        notice=_(
            "ReConnect is not for emergencies: in an acute crisis, call {number} ({label})."
        ).format(number=first.number, label=first.label),
        sections=tuple(section_content(plan, s) for s in specs),
        compact=compact,
        not_filled=_("(not filled in)"),
        shortened=_("(shortened — see full plan)"),
        more_contacts=_more_contacts,
    )


def contact_text(contact: Contact) -> str:
    """``Name (role): phone`` with the empty parts left out."""
    who = contact.name
    if contact.role:
        who = f"{who} ({contact.role})" if who else contact.role
    if contact.phone:
        return f"{who}: {contact.phone}" if who else contact.phone
    return who


def share_lines(needs: list[int], budget: int) -> list[int]:
    """Split ``budget`` lines between sections wanting ``needs`` lines, fairly (water filling).

    A section that is cut gets at least 2 lines: one of text and the "(shortened …)" note (for
    contacts: one contact and "… and N more").
    """
    shares = [0] * len(needs)
    open_ = list(range(len(needs)))
    left = budget
    while open_:
        even = max(2, left // len(open_))
        satisfied = [i for i in open_ if needs[i] <= even]
        if not satisfied:  # every section left wants more: split what is left, to the line
            even, extra = divmod(left, len(open_))
            for k, i in enumerate(open_):
                shares[i] = max(2, even + (1 if k < extra else 0))
            break
        for i in satisfied:
            shares[i] = needs[i]
            left -= needs[i]
            open_.remove(i)
    return shares
