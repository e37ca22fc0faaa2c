"""`reconnect shared show` as text: readable, and saying what it leaves out."""

from __future__ import annotations

from reconnect_tui.export.shared_text import SHOWN_VALUES, render_shared


def test_registrations_say_when_only_the_latest_values_are_shown() -> None:
    values = [{"day": f"2026-10-{d:02d}", "value": d} for d in range(1, 21)]
    text = render_shared("Kari", "Registrations", {"registrations": [
        {"name": "Sleep", "unit": "hours", "minimum": 0, "maximum": 12, "values": values}]})
    assert f"the last {SHOWN_VALUES} of 20 values" in text
    assert "2026-10-20  20" in text and "2026-10-06  6" not in text
    assert text.splitlines()[0] == "Registrations — shared by Kari (read only)"
    assert all(len(line) <= 80 for line in text.splitlines())


def test_goals_and_network_read_as_lists() -> None:
    text = render_shared("Kari", "Goals", {"goals": [
        {"title": "Walk", "done": False, "due": "2026-12-01", "why": "Fresh air",
         "activities": [{"title": "Shoes", "done": True}], "sub_goals": [
             {"title": "Lake", "done": True, "activities": [], "sub_goals": []}]}]})
    assert "[ ] Walk (due 2026-12-01)" in text and "- [x] Shoes" in text
    assert "  [x] Lake" in text
