"""The agreement template is worded in the active language (issue 16); validation is not."""

from __future__ import annotations

from datetime import date

from reconnect_tui.i18n import set_language
from reconnect_tui.sync import agreement_terms as at

TODAY = date(2026, 1, 5)


def test_template_follows_the_active_language() -> None:
    english = at.template(TODAY)
    assert english["emergency"] == at.DEFAULT_EMERGENCY
    set_language("nb")
    norwegian = at.template(TODAY)
    assert set(norwegian) == set(english)
    assert "kriseplanen" in norwegian["emergency"] and "(F2)" in norwegian["emergency"]
    assert norwegian["messages_for"].startswith("Praktiske spørsmål")
    assert norwegian["messages_not_for"].startswith("Akutte situasjoner")
    for key in set(english) - {"messages_for", "messages_not_for", "emergency"}:
        assert norwegian[key] == english[key], key
    assert at.validate(norwegian) == norwegian
    assert at.template(TODAY, "en") == english


def test_an_unknown_language_gets_the_english_template() -> None:
    assert at.template(TODAY, "se") == at.template(TODAY, "en")


def test_every_language_words_the_same_keys_within_the_limits() -> None:
    for texts in at.TEMPLATE_TEXTS.values():
        assert set(texts) == set(at.TEMPLATE_TEXTS["en"])
        assert all(0 < len(text) <= at.MAX_TEXT for text in texts.values())


def test_validate_fills_a_missing_emergency_in_english_whatever_the_language() -> None:
    set_language("nb")
    raw = {k: v for k, v in at.template(TODAY).items() if k != "emergency"}
    assert at.validate(raw)["emergency"] == at.DEFAULT_EMERGENCY
