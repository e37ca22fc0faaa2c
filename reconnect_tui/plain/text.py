"""Markdown pages (information, exercises) as plain lines to be read aloud."""

from __future__ import annotations

import re

_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_HEADING = re.compile(r"^#+\s*")
_CHECKBOX = re.compile(r"^([-*+]|\d+\.)\s+\[[ xX]\]\s+")
_BULLET = re.compile(r"^[-*+]\s+")
_RULE = re.compile(r"^\s*([-*_=])\1{2,}\s*$")


def markdown_lines(markdown: str) -> list[str]:
    """Each line of ``markdown`` without its markup: headings, emphasis, bullets and rules go,
    numbered steps keep their number, links become "text (address)"."""
    lines: list[str] = []
    for raw in markdown.splitlines():
        line = raw.strip()
        if not line or _RULE.match(line) or line.startswith(("<!--", "|--", "| --")):
            continue
        line = _HEADING.sub("", line)
        line = _CHECKBOX.sub("", line)
        line = _BULLET.sub("", line)
        line = _LINK.sub(r"\1 (\2)", line)
        line = _EMPHASIS.sub("", line)
        if line.startswith(">"):
            line = line.lstrip("> ")
        if line:
            lines.append(line)
    return lines
