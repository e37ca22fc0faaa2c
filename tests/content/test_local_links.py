"""A community's own local-links file replaces the built-in page; problems never raise."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconnect_tui import library

OWN = "---\ntitle: Activities in Strand\n---\n# In Strand\n\n- The Tuesday walking group\n"


def test_without_override_the_builtin_page_is_used() -> None:
    page = library.local_links()
    assert page.builtin
    assert page.source == "builtin:en/info/local-links.md"
    assert page.notice == ""


def test_env_override_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "strand.md"
    own.write_text(OWN, encoding="utf-8")
    monkeypatch.setenv("RECONNECT_LOCAL_LINKS", str(own))
    page = library.local_links()
    assert page.source == str(own)
    assert not page.builtin
    assert page.title == "Activities in Strand"
    assert "Tuesday walking group" in page.body
    assert page.slug == "local-links"
    assert page.notice == ""
    # The info list and lookup by slug show the same page.
    assert library.info_page("local-links") == page
    assert page in library.info_pages()


def test_override_without_front_matter_keeps_builtin_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "plain.md"
    own.write_text("- Our drop-in café, Mondays\n", encoding="utf-8")
    monkeypatch.setenv("RECONNECT_LOCAL_LINKS", str(own))
    page = library.local_links()
    builtin = library.info_page("emergencies")  # any built-in page: the cache is unchanged
    assert builtin.builtin
    assert page.title == "Local activities and organisations"
    assert page.body == "- Our drop-in café, Mondays\n"
    assert page.order == 50


def test_missing_env_file_falls_back_to_builtin_with_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere.md"
    monkeypatch.setenv("RECONNECT_LOCAL_LINKS", str(missing))
    page = library.local_links()
    assert page.builtin
    assert "Mental Helse" in page.body
    assert str(missing) in page.notice
    assert "built-in list" in page.notice


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe\x00not utf-8",
        b"---\ntitle: Unclosed\n",
        b"---\ntitle: Only front-matter\n---\n\n",
        b"---\nno colon here\n---\nBody\n",
    ],
)
def test_bad_override_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(content)
    monkeypatch.setenv("RECONNECT_LOCAL_LINKS", str(bad))
    page = library.local_links()
    assert page.builtin
    assert str(bad) in page.notice


def test_directory_as_override_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONNECT_LOCAL_LINKS", str(tmp_path))
    page = library.local_links()
    assert page.builtin
    assert str(tmp_path) in page.notice


def test_config_dir_file_is_used(isolated_config: Path) -> None:
    isolated_config.mkdir(parents=True)
    own = isolated_config / "local-links.md"
    own.write_text(OWN, encoding="utf-8")
    assert library.local_links_override_paths()[-1] == own
    page = library.local_links()
    assert page.source == str(own)
    assert page.notice == ""


def test_env_wins_over_config_dir(
    tmp_path: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated_config.mkdir(parents=True)
    (isolated_config / "local-links.md").write_text("From config\n", encoding="utf-8")
    env_file = tmp_path / "env.md"
    env_file.write_text("From env\n", encoding="utf-8")
    monkeypatch.setenv("RECONNECT_LOCAL_LINKS", str(env_file))
    assert library.local_links().body == "From env\n"


def test_missing_env_file_falls_back_to_config_dir(
    tmp_path: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated_config.mkdir(parents=True)
    own = isolated_config / "local-links.md"
    own.write_text("From config\n", encoding="utf-8")
    monkeypatch.setenv("RECONNECT_LOCAL_LINKS", str(tmp_path / "gone.md"))
    page = library.local_links()
    assert page.source == str(own)
    assert "gone.md" in page.notice
    assert str(own) in page.notice


def test_explicit_arguments_override_the_environment(tmp_path: Path) -> None:
    own = tmp_path / "local-links.md"
    own.write_text(OWN, encoding="utf-8")
    assert library.local_links(environ={}, config_dir=tmp_path).source == str(own)
    page = library.local_links(environ={}, config_dir=tmp_path / "empty")
    assert page.builtin


def test_override_changes_are_seen_without_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "own.md"
    own.write_text("First\n", encoding="utf-8")
    monkeypatch.setenv("RECONNECT_LOCAL_LINKS", str(own))
    assert library.local_links().body == "First\n"
    own.write_text("Second\n", encoding="utf-8")
    assert library.local_links().body == "Second\n"
