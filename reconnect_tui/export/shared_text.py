"""What a service user shared, as plain text for ``reconnect shared show`` (read-only).

Works on portable-format sections (``store/portable.py``); the crisis plan uses the crisis
plan export's own text layout, so it reads the same as the user's printed plan.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ..formats import format_day, format_moment, format_number
from ..i18n import _, ngettext

WIDTH = 80
SHOWN_VALUES = 14
"""Registration values shown per parameter in text (the most recent)."""


def _para(label: str, text: str | None, indent: str = "  ") -> list[str]:
    if not text:
        return []
    wrapped = textwrap.wrap(str(text), WIDTH - len(indent) - 2) or [""]
    return [f"{indent}{label}: {wrapped[0]}", *(f"{indent}  {line}" for line in wrapped[1:])]


def _day(value: object) -> str:
    """An ISO date of the portable format as the reader's language writes it."""
    try:
        return format_day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _moment(value: object) -> str:
    """An ISO time of the portable format, to the minute, as the reader's language writes it
    (the clock time as stored, as before)."""
    try:
        return format_moment(datetime.fromisoformat(str(value)[:16]))
    except ValueError:
        return str(value)[:16].replace("T", " ")


def _value(value: object) -> str:
    return format_number(value, 2) if isinstance(value, float) else str(value)


def _goal(goal: dict[str, Any], depth: int) -> list[str]:
    indent = "  " * depth
    mark = "[x]" if goal.get("done") else "[ ]"
    due = " " + _("(due {date})").format(date=_day(goal["due"])) if goal.get("due") else ""
    lines = [f"{indent}{mark} {goal['title']}{due}"]
    lines += _para(_("Why"), goal.get("why"), indent + "    ")
    lines += _para(_("Notes"), goal.get("notes"), indent + "    ")
    for activity in goal.get("activities", []):
        tick = "x" if activity.get("done") else " "
        when = f" {_day(activity['scheduled_on'])}" if activity.get("scheduled_on") else ""
        lines.append(f"{indent}    - [{tick}] {activity['title']}{when}")
    for child in goal.get("sub_goals", []):
        lines += _goal(child, depth + 1)
    return lines


def _domains(domains: list[dict[str, Any]]) -> list[str]:
    lines = []
    for d in domains:
        rating = f" {d['rating']}/10" if d.get("rating") is not None else ""
        lines.append(f"* {d['name']}{rating}")
        lines += _para(_("Status"), d.get("status"))
        lines += _para(_("Helps"), d.get("helps"))
        lines += _para(_("Hinders"), d.get("hinders"))
        if d.get("history"):
            n = len(d["history"])
            earlier = ngettext("{n} earlier status", "{n} earlier statuses", n)
            lines.append("  " + earlier.format(n=n))
    return lines


def _network(people: list[dict[str, Any]]) -> list[str]:
    lines = []
    for p in people:
        crisis = " · " + _("can help in a crisis") if p.get("can_help_in_crisis") else ""
        relation = f" ({p['relation']})" if p.get("relation") else ""
        ring = _("ring {ring}").format(ring=p.get("ring", ""))
        lines.append(f"* {p['name']}{relation}, {ring}{crisis}")
        lines += _para(_("Phone"), p.get("phone"))
        lines += _para(_("Notes"), p.get("notes"))
    return lines


def _medications(medications: list[dict[str, Any]]) -> list[str]:
    lines = []
    for m in medications:
        lines.append(f"* {m['name']}" + (f" {m['dose']}" if m.get("dose") else ""))
        lines += _para(_("When"), m.get("schedule"))
        lines += _para(_("Meant to"), m.get("intended_effect"))
        lines += _para(_("My experience"), m.get("experiences"))
        lines += _para(_("Questions"), m.get("questions"))
    return lines


def _exercises(exercises: dict[str, Any]) -> list[str]:
    lines = [f"* {e['title']}" for e in exercises.get("own", [])]
    for entry in exercises.get("log", []):
        note = f": {entry['note']}" if entry.get("note") else ""
        lines.append(f"  {_moment(entry['done_at'])} {entry['title']}{note}")
    return lines


def _diary(entries: list[dict[str, Any]]) -> list[str]:
    lines = []
    for entry in entries:
        lines.append(f"* {_moment(entry['written_at'])}")
        lines += ["  " + line for line in textwrap.wrap(entry["text"], WIDTH - 2)]
    return lines


def _registrations(parameters: list[dict[str, Any]]) -> list[str]:
    lines = []
    for p in parameters:
        unit = f" ({p['unit']})" if p.get("unit") else ""
        lines.append(f"* {p['name']}{unit}")
        values = p.get("values", [])
        if len(values) > SHOWN_VALUES:
            lines.append("  " + ngettext(
                "the last {shown} of {n} value (--json has them all)",
                "the last {shown} of {n} values (--json has them all)",
                len(values),
            ).format(shown=SHOWN_VALUES, n=len(values)))
        for value in values[-SHOWN_VALUES:]:
            lines.append(f"  {_day(value['day'])}  {_value(value['value'])}")
    return lines


_RENDER: dict[str, Callable[[Any], list[str]]] = {
    "life_domains": _domains,
    "goals": lambda goals: [line for g in goals for line in _goal(g, 0)],
    "network": _network,
    "medications": _medications,
    "exercises": _exercises,
    "diary": _diary,
    "registrations": _registrations,
}


def render_shared(owner: str, title: str, sections: dict[str, Any], locale: str = "NO") -> str:
    """``title`` shared by ``owner``, read-only, as text wrapped at 80 columns."""
    lines = [_("{title} — shared by {owner} (read only)").format(title=title, owner=owner), ""]
    for section, content in sections.items():
        if section == "what_matters":
            lines += textwrap.wrap(content, WIDTH) or [_("(not filled in)")]
        elif section == "crisis_plan":
            lines.append(_crisis_plan(owner, content, locale).rstrip("\n"))
        else:
            rendered = _RENDER[section](content)
            lines += rendered or [_("(nothing yet)")]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _crisis_plan(owner: str, plan: dict[str, Any], locale: str) -> str:
    from ..store.received_view import read_only_toolbox
    from .text import render_text

    toolbox = read_only_toolbox(owner, {"crisis_plan": plan}, locale)
    try:
        return render_text(toolbox.crisis_plan.get(), owner, locale)
    finally:
        toolbox.vault.close()  # the in-memory plaintext copy, now rather than at collection
