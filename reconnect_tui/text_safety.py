"""Text from others never controls a terminal, a PDF or an export: one sanitiser for all of it.

Two functions, used at every boundary (``docs/text-safety.md`` lists where):

- :func:`clean_text` for free text (messages, posts, diary entries, notes): drops whole escape
  sequences (CSI, OSC to BEL or ST, DCS/SOS/PM/APC to ST, their 8-bit C1 forms, and any other
  ESC sequence or lone ESC), every other C0/C1 control except newline and tab, and the
  invisible bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) and a few other
  invisible format characters. CR, CRLF and the other line breaks of ``str.splitlines`` become
  newline; lone surrogates (which no terminal, PDF or UTF-8 file can carry) become U+FFFD.
- :func:`clean_label` for names and one-line labels (partner names, pseudonyms, titles): the
  same, on one line, but invisible format characters (bidi controls, zero-width characters) are
  shown as ``<U+202E>`` instead of dropped, so a partner name made to look like another can be
  told apart.

Both are idempotent, and what they return never holds ESC (U+001B) or a C1 control (U+0080-
U+009F). An unterminated OSC or DCS loses its introducer and keeps its text: nothing a person
typed disappears without need. Headless: no Textual, no Rich.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from .i18n import _

_SEQUENCE = re.compile(
    r"""
      (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]          # CSI (colours, cursor)
    | (?:\x1b\]|\x9d) [^\x07\x1b\x80-\x9f]* (?:\x07|\x9c|\x1b\\)     # OSC (title, OSC 52 ...)
    | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]) [^\x1b\x80-\x9f]* (?:\x9c|\x1b\\)  # DCS SOS PM APC
    | \x1b [\x20-\x2f]* [\x30-\x7e]                                    # any other ESC sequence
    """,
    re.VERBOSE,
)
"""Whole escape sequences. Bodies stop at the next ESC or C1, so scanning stays linear."""

BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)
"""Embeddings, overrides and isolates: they reorder what is shown around them."""

_INVISIBLE_DROPPED = frozenset(
    ["\u200b", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064", "\ufeff", "\u180e",
     "\ufff9", "\ufffa", "\ufffb"]
)
"""Invisible characters free text does not need (zero-width space, word joiner, BOM …).
ZWJ/ZWNJ (U+200C, U+200D) and the marks LRM/RLM stay: scripts and emoji need them."""

_BREAK = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
"""What ``str.splitlines`` counts as a line break: each becomes ``\n``."""

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
"""C0 except tab and newline, DEL, C1, and lone surrogates."""

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\u200b\u2060-\u2064\ufeff\u180e\ufff9-\ufffb]"
)
"""Anything :func:`clean_text` would change: a fast path for the common clean string."""


def _drop_control(match: re.Match[str]) -> str:
    char = match.group()
    return "\ufffd" if "\ud800" <= char <= "\udfff" else ""


def _strip_controls(text: str) -> str:
    """Escape sequences out, line breaks to ``\\n``, other controls out, surrogates to U+FFFD."""
    text = _SEQUENCE.sub("", text)
    text = _BREAK.sub("\n", text)
    return _CONTROL.sub(_drop_control, text)


def clean_text(text: str) -> str:
    """Free text made safe to store, show, print and export (keeps newlines and tabs)."""
    if _UNSAFE.search(text) is None:
        return text
    text = _strip_controls(text)
    return "".join(c for c in text if c not in BIDI_CONTROLS and c not in _INVISIBLE_DROPPED)


def _visible(char: str) -> str:
    return f"<U+{ord(char):04X}>"


def _is_invisible_format(char: str) -> bool:
    return char in BIDI_CONTROLS or unicodedata.category(char) == "Cf" or char in _FILLERS


_FILLERS = frozenset(["\u115f", "\u1160", "\u3164", "\uffa0", "\u034f", "\u17b4", "\u17b5"])
"""Letters and marks that show as nothing (Hangul fillers, the grapheme joiner, Khmer vowels
inherent): spoofing material in a name."""


def clean_label(text: str) -> str:
    """A name or one-line label made safe: :func:`clean_text` on one line (newlines and tabs
    become spaces), with invisible format characters shown as ``<U+XXXX>``."""
    text = _strip_controls(text).replace("\n", " ").replace("\t", " ")
    if text.isascii():
        return text
    return "".join(_visible(c) if _is_invisible_format(c) else c for c in text)


def label_problems(text: str) -> list[str]:
    """The characters :func:`clean_label` would change, as ``U+XXXX`` (empty: the label is
    fine). For refusing a name someone types, rather than quietly changing it."""
    found: list[str] = []
    for char in text:
        if (_CONTROL.fullmatch(char) or char in "\n\t\u2028\u2029"
                or (not char.isascii() and _is_invisible_format(char))):
            code = f"U+{ord(char):04X}"
            if code not in found:
                found.append(code)
    return found


def name_problem(name: str) -> str | None:
    """Why a name someone types for themselves cannot be used as it is (None: it can). The
    name goes to partners, so it is refused rather than quietly changed."""
    found = label_problems(name)
    if not found:
        return None
    return _(
        "The name holds control or invisible characters ({chars}), for example escape codes"
        " pasted with it. Type the name again without them."
    ).format(chars=", ".join(found[:5]))


def clean_deep(value: Any, clean: Callable[[str], str] = clean_text) -> Any:
    """``clean`` applied to every string (keys too) in JSON-like data: dicts, lists, tuples."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean_deep(k, clean): clean_deep(v, clean) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_deep(v, clean) for v in value]
    return value


def is_terminal_safe(text: str) -> bool:
    """No ESC, no C1 control, no bidi override or isolate: what every rendered line must be."""
    return re.search("[\x1b\x80-\x9f\u202a-\u202e\u2066-\u2069]", text) is None
