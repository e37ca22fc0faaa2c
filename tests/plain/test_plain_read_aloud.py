"""Plain mode's text as a speech synthesizer or a braille display meets it.

The crisis plan and a conversation are what a person in a hard moment listens to: no runs of
punctuation or symbols read out character by character, no decorative bullets or line glyphs,
no escape bytes whoever wrote the text (a partner's hostile message included).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from reconnect_tui.model import CrisisPlan, Helper, ServiceContact
from reconnect_tui.plain.crisis import say_plan
from reconnect_tui.plain.io import Console
from reconnect_tui.plain.messages import message_line
from reconnect_tui.sync.dyads import ChatMessage
from tests.plain.plain_helpers import problems, spelled_out_runs

DECORATIONS = set("•─│┌┐└┘▶►◆●▪═")


def _console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(io.StringIO(""), out, interactive=False), out


def test_the_crisis_plan_reads_aloud_cleanly() -> None:
    console, out = _console()
    plan = CrisisPlan(
        warning_signs="I stop sleeping\nI avoid friends",
        self_help="Walk the dog",
        helpers=[Helper("Anna", "91 23 45 67")],
        professionals=[ServiceContact("DPS Lind", "22 33 44 55", "nurse")],
        reasons_for_living="My kids",
        updated_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    say_plan(console, plan, "Kari Nordmann", "NO")
    console.emergency()
    text = out.getvalue()
    assert spelled_out_runs(text) == []
    assert not DECORATIONS & set(text)
    assert problems(text) == []
    assert "People I can ask for help: 1 contact.\n1: Anna: 91 23 45 67" in text


def test_a_conversation_reads_aloud_cleanly_even_when_the_partner_wrote_noise() -> None:
    console, out = _console()
    sent = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    messages = [
        ChatMessage("a", 1, False, "Dr Lind", "How are you?", sent, "read", None, None),
        ChatMessage("b", 1, True, "Kari Nordmann", "Fine, thank you.", sent, "delivered",
                    None, None),
        ChatMessage("c", 1, False, "Dr Lind", "\x1b[2J\x1b]0;owned\x07Hi ──── •", sent, "unread",
                    None, None),
    ]
    console.say_list("3 messages.", [message_line(m) for m in messages])
    text = out.getvalue()
    assert "\x1b" not in text and not DECORATIONS & set(text)
    assert text.endswith("Dr Lind wrote (unread): Hi   -\n")  # glyphs silent, bullet a dash
    assert spelled_out_runs(text) == []
    assert problems(text) == []
