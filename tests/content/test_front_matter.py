"""Malformed content gives a clear ContentError that names the file."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconnect_tui.errors import ReconnectError
from reconnect_tui.library import (
    ContentError,
    parse_exercise,
    parse_front_matter,
    parse_page,
    parse_timer,
)

NAME = "en/info/sample.md"
GOOD_PAGE = "---\ntitle: Sample\nslug: sample\norder: 3\n---\n# Sample\n\nSome text.\n"
GOOD_EXERCISE = (
    "---\ntitle: Breathe\nslug: sample\ncategory: breathing\nminutes: 2\n"
    "timer: in 4, hold 7, out 8\nrounds: 3\n---\nText.\n"
)


def test_good_page_parses() -> None:
    page = parse_page(GOOD_PAGE, NAME, "sample")
    assert (page.slug, page.title, page.order) == ("sample", "Sample", 3)
    assert page.body == "# Sample\n\nSome text.\n"


def test_good_exercise_parses_with_custom_timer() -> None:
    item = parse_exercise(GOOD_EXERCISE, NAME, "sample")
    assert item.timer == (("Breathe in", 4), ("Hold", 7), ("Breathe out", 8))
    assert item.rounds == 3
    assert item.total_seconds == 57


def test_value_may_contain_a_colon_and_comments_and_bom_are_allowed() -> None:
    text = "\ufeff---\n# a comment\ntitle: A: B\nslug: sample\norder: 1\n---\nBody\n"
    page = parse_page(text, NAME)
    assert page.title == "A: B"


def test_timer_without_rounds_defaults_to_one_round() -> None:
    text = GOOD_EXERCISE.replace("rounds: 3\n", "")
    assert parse_exercise(text, NAME).rounds == 1


def test_free_labels_are_kept() -> None:
    assert parse_timer("Rest 5, hold 2", NAME) == (("Rest", 5), ("Hold", 2))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: Sample\n", "must start with a '---'"),
        ("---\ntitle: Sample\nslug: sample\n", "no closing '---'"),
        ("---\ntitle Sample\n---\nBody\n", "line 2: expected 'key: value'"),
        ("---\ntitle: A\ntitle: B\n---\nBody\n", "line 3: 'title' is given twice"),
        ("---\nslug: sample\norder: 1\n---\nBody\n", "needs 'title'"),
        ("---\ntitle: A\norder: 1\n---\nBody\n", "needs 'slug'"),
        ("---\ntitle: A\nslug: sample\norder: first\n---\nBody\n", "'order' must be a whole"),
        ("---\ntitle: A\nslug: sample\norder: -1\n---\nBody\n", "'order' must be a whole"),
        ("---\ntitle: A\nslug: Sample Page\norder: 1\n---\nBody\n", "may hold only a-z"),
        ("---\ntitle: A\nslug: other\norder: 1\n---\nBody\n", "must match the file name"),
        ("---\ntitle: A\nslug: sample\norder: 1\n---\n\n  \n", "has no text"),
        ("", "must start with a '---'"),
    ],
)
def test_page_errors_name_the_file(text: str, expected: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_page(text, NAME, "sample")
    message = str(caught.value)
    assert message.startswith(NAME + ":")
    assert expected in message
    assert isinstance(caught.value, ReconnectError)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("category: breathing", "category: yoga"), "category 'yoga' is not one of"),
        (("minutes: 2", "minutes: 0"), "'minutes' must be a whole number of at least 1"),
        (("timer: in 4, hold 7, out 8\n", ""), "'rounds' needs a 'timer'"),
        (("rounds: 3", "rounds: 0"), "'rounds' must be a whole number"),
        (("in 4, hold 7, out 8", "box 4 4 4"), "timer 'box 4 4 4'"),
        (("in 4, hold 7, out 8", "box 4 4 4 x"), "timer"),
        (("in 4, hold 7, out 8", "in 4, out"), "timer"),
        (("in 4, hold 7, out 8", "in 0"), "timer"),
        (("in 4, hold 7, out 8", "in 61"), "timer"),
        (("in 4, hold 7, out 8", "4"), "timer"),
    ],
)
def test_exercise_errors_name_the_file(change: tuple[str, str], expected: str) -> None:
    text = GOOD_EXERCISE.replace(*change)
    assert text != GOOD_EXERCISE
    with pytest.raises(ContentError) as caught:
        parse_exercise(text, NAME, "sample")
    assert str(caught.value).startswith(NAME + ":")
    assert expected in str(caught.value)


@given(st.text(max_size=300))
def test_any_text_parses_or_raises_content_error(text: str) -> None:
    for candidate in (text, "---\n" + text):
        try:
            fields, body = parse_front_matter(candidate, NAME)
        except ContentError as error:
            assert NAME in str(error)
        else:
            assert isinstance(fields, dict) and isinstance(body, str)
