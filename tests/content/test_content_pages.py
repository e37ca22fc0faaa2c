"""The built-in information pages load, are complete, and carry the safety information."""

from __future__ import annotations

import pytest

from reconnect_tui import library
from reconnect_tui.errors import NotFound

REQUIRED_SLUGS = {
    "user-involvement",
    "working-relationship",
    "personal-recovery",
    "how-to-use",
    "emergencies",
    "local-links",
}


def test_every_page_has_title_and_body() -> None:
    pages = library.info_pages()
    assert pages
    for page in pages:
        assert page.title.strip(), page.slug
        assert len(page.body.strip()) > 200, page.slug
        assert not page.body.lstrip().startswith("---"), page.slug
        assert page.builtin and page.source.endswith(f"{page.slug}.md")
        assert page.notice == ""


def test_required_pages_exist_and_slugs_are_unique() -> None:
    slugs = [page.slug for page in library.info_pages()]
    assert set(slugs) >= REQUIRED_SLUGS
    assert len(slugs) == len(set(slugs))


def test_pages_are_sorted_by_order_with_emergencies_first() -> None:
    pages = library.info_pages()
    assert [p.order for p in pages] == sorted(p.order for p in pages)
    assert pages[0].slug == "emergencies"


def test_info_page_by_slug() -> None:
    page = library.info_page("personal-recovery")
    assert page.title == "Personal recovery"
    for theme in ("Connectedness", "Hope", "Identity", "Meaning", "Empowerment"):
        assert f"## {theme}" in page.body


def test_unknown_page_raises_not_found() -> None:
    with pytest.raises(NotFound, match="no-such-page"):
        library.info_page("no-such-page")


def test_emergency_page_lists_the_numbers() -> None:
    body = library.info_page("emergencies").body
    for number in ("113", "116 117", "112", "116 123", "999"):
        assert f"**{number}**" in body
    assert "crisis plan" in body
    assert "days" in body


def test_how_to_use_says_messages_are_not_for_emergencies() -> None:
    body = library.info_page("how-to-use").body
    assert "not for emergencies" in body
    assert "recovery code" in body
    assert "encrypted" in body


def test_builtin_local_links_name_national_organisations_and_mark_examples() -> None:
    body = library.info_page("local-links").body
    for name in ("Mental Helse", "LPP", "WSO", "Rådet for psykisk helse", "Kirkens SOS"):
        assert name in body
    assert "22 40 00 40" in body
    assert "*Example:*" in body
    assert "RECONNECT_LOCAL_LINKS" in body
    assert "http" not in body


@pytest.mark.parametrize("language", ["de", "sv_SE", "de-DE", "", "../../etc", "en/../x"])
def test_missing_or_odd_language_falls_back_to_english(language: str) -> None:
    assert library.info_pages(language) == library.info_pages("en")
    assert library.exercises(language) == library.exercises("en")


def test_returned_lists_are_copies() -> None:
    pages = library.info_pages()
    pages.clear()
    assert library.info_pages()
