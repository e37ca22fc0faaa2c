"""The Norwegian (bokmål) content: a twin for every English file, in Norwegian, chosen for nb."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from reconnect_tui import library

SECTIONS = ("info", "exercises")
ENGLISH_WORDS = frozenset({
    "the", "and", "you", "your", "with", "call", "this", "that", "what", "when", "if", "are",
    "have", "will", "would", "should", "about", "of", "it", "in", "on", "can", "please", "from",
    "there",
})
"""Common English words that are not also Norwegian words (so not 'for', 'is', 'to', 'at')."""

_URL_RE = re.compile(r"https?://\S+")
_CODE_RE = re.compile(r"`[^`]*`")
_WORD_RE = re.compile(r"[^\W\d_]+")


def _files(language: str, section: str) -> dict[str, str]:
    folder = resources.files("reconnect_tui").joinpath("content", language, section)
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".md")
    }


@pytest.mark.parametrize("section", SECTIONS)
def test_every_english_file_has_a_norwegian_twin_and_back(section: str) -> None:
    assert set(_files("nb", section)) == set(_files("en", section))


@pytest.mark.parametrize("section", SECTIONS)
def test_twins_keep_slug_and_every_key_but_the_title(section: str) -> None:
    english, norwegian = _files("en", section), _files("nb", section)
    for name, text in norwegian.items():
        nb_fields, nb_body = library.parse_front_matter(text, f"nb/{section}/{name}")
        en_fields, en_body = library.parse_front_matter(english[name], f"en/{section}/{name}")
        assert set(nb_fields) == set(en_fields), name
        for key in en_fields.keys() - {"title"}:
            assert nb_fields[key] == en_fields[key], (name, key)
        assert nb_fields["title"] != en_fields["title"], name
        assert nb_body != en_body, name
        parse = library.parse_page if section == "info" else library.parse_exercise
        parse(text, f"nb/{section}/{name}", name.removesuffix(".md"))


@pytest.mark.parametrize("language", ["nb", "nb_NO", "nb-NO"])
def test_language_nb_gives_the_norwegian_pages_and_exercises(language: str) -> None:
    pages = library.info_pages(language)
    assert [p.slug for p in pages] == [p.slug for p in library.info_pages("en")]
    assert all(p.source.startswith("builtin:nb/") for p in pages)
    assert library.info_page("personal-recovery", language).title == "Personlig bedring"
    items = library.exercises(language)
    assert {e.slug for e in items} == {e.slug for e in library.exercises("en")}
    assert all(e.source.startswith("builtin:nb/") for e in items)
    assert library.exercise("box-breathing", language).title == "Firkantpust"
    assert library.exercise("box-breathing", language).total_seconds == 64
    assert library.local_links(language).source == "builtin:nb/info/local-links.md"


def test_norwegian_emergency_page_has_the_norwegian_numbers_and_services() -> None:
    body = library.info_page("emergencies", "nb").body
    for number in ("113", "112", "110", "116 117", "116 123"):
        assert f"**{number}**" in body
    for term in ("legevakt", "kriseplan", "fastlege", "DPS", "ambulant akutteam"):
        assert term in body


def test_norwegian_pages_use_the_terms_norwegian_services_use() -> None:
    text = " ".join(p.body for p in library.info_pages("nb"))
    text += " ".join(e.body for e in library.exercises("nb"))
    for term in ("kriseplan", "pårørende", "fastlege", "legevakt", "DPS", "ambulant akutteam",
                 "brukermedvirkning", "individuell plan"):
        assert term in text, term


def test_norwegian_sleep_checklist_has_items() -> None:
    items = library.checklist_items(library.exercise("sleep-checklist", "nb").body)
    assert len(items) == len(library.checklist_items(library.exercise("sleep-checklist").body))
    assert any("bære det i hodet" in item for item in items)  # a wrapped item is one line


def _resources(body: str) -> list[str]:
    """The top-level list items of the national-resources section, continuation lines joined."""
    section = body.split("\n## ")[1]
    items: list[str] = []
    for line in section.splitlines():
        if line.startswith("- "):
            items.append(line)
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
    return items


def test_norwegian_local_links_list_resources_each_with_a_web_address() -> None:
    body = library.info_page("local-links", "nb").body
    items = _resources(body)
    assert len(items) >= 5
    for item in items:
        assert re.search(r"https://[a-z0-9.-]+\.no\b", item), item
    for expected in ("116 123", "22 40 00 40", "116 111", "https://mentalhelse.no",
                     "https://kirkens-sos.no", "https://lpp.no", "https://psykiskhelse.no",
                     "https://helsenorge.no"):
        assert expected in body
    assert "*Eksempel:*" in body
    assert "RECONNECT_LOCAL_LINKS" in body and "local-links.md" in body


def test_norwegian_local_links_can_be_replaced_like_the_english(tmp_path, monkeypatch) -> None:
    own = tmp_path / "strand.md"
    own.write_text("# Strand\n\n- Turlaget, tirsdager kl. 18\n", encoding="utf-8")
    monkeypatch.setenv("RECONNECT_LOCAL_LINKS", str(own))
    page = library.info_page("local-links", "nb")
    assert page.source == str(own)
    assert page.title == "Lokale aktiviteter og organisasjoner"


@pytest.mark.parametrize("section", SECTIONS)
def test_norwegian_files_hold_no_common_english_words(section: str) -> None:
    for name, text in _files("nb", section).items():
        fields, body = library.parse_front_matter(text, name)  # keys and timer words stay English
        prose = _CODE_RE.sub(" ", _URL_RE.sub(" ", f"{fields['title']}\n{body}"))
        english = {w for w in _WORD_RE.findall(prose) if w.lower() in ENGLISH_WORDS}
        assert not english, (name, sorted(english))


def test_the_english_word_check_would_catch_english() -> None:
    prose = _CODE_RE.sub(" ", _URL_RE.sub(" ", library.info_page("emergencies").body))
    assert {w.lower() for w in _WORD_RE.findall(prose)} & ENGLISH_WORDS
