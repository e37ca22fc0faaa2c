"""`reconnect --lang` and RECONNECT_LANGUAGE choose the language the CLI and the library use."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconnect_tui import i18n, library
from reconnect_tui.cli import app

runner = CliRunner()


def _library_language() -> str:
    return library.info_pages()[0].source.removeprefix("builtin:").partition("/")[0]


def test_lang_nb_reaches_the_library() -> None:
    result = runner.invoke(app, ["--lang", "nb", "relay", "--help"])
    assert result.exit_code == 0, result.output
    assert i18n.current_language() == "nb"
    assert _library_language() == "nb"
    assert library.info_page("emergencies").title == "ReConnect er ikke for akutt hjelp"


@pytest.mark.parametrize("value", ["no", "nn", "nb_NO"])
def test_norwegian_aliases_are_accepted(value: str) -> None:
    result = runner.invoke(app, ["--lang", value, "relay", "--help"])
    assert result.exit_code == 0, result.output
    assert i18n.current_language() == "nb"


def test_reconnect_language_env_reaches_the_library() -> None:
    result = runner.invoke(app, ["relay", "--help"], env={"RECONNECT_LANGUAGE": "nb"})
    assert result.exit_code == 0, result.output
    assert _library_language() == "nb"


def test_settings_file_and_locale_reach_the_library(tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text('language = "nb"\n', encoding="utf-8")
    result = runner.invoke(app, ["relay", "--help"], env={"RECONNECT_CONFIG": str(settings)})
    assert result.exit_code == 0 and _library_language() == "nb"
    settings.write_text('language = "en"\n', encoding="utf-8")
    result = runner.invoke(app, ["relay", "--help"],
                           env={"RECONNECT_CONFIG": str(settings), "LANG": "nb_NO.UTF-8"})
    assert result.exit_code == 0 and _library_language() == "en"  # the file beats the locale
    result = runner.invoke(app, ["relay", "--help"], env={"LANG": "nb_NO.UTF-8"})
    assert result.exit_code == 0 and _library_language() == "nb"  # unset: the locale decides


def test_flag_beats_env_and_settings(tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text('language = "nb"\n', encoding="utf-8")
    env = {"RECONNECT_CONFIG": str(settings), "RECONNECT_LANGUAGE": "nb"}
    result = runner.invoke(app, ["--lang", "en", "relay", "--help"], env=env)
    assert result.exit_code == 0 and _library_language() == "en"


def test_unknown_language_is_a_usage_error() -> None:
    result = runner.invoke(app, ["--lang", "klingon", "relay", "--help"])
    assert result.exit_code == 2
    assert "klingon" in result.output and "en, nb" in result.output
    assert "Traceback" not in result.output


def test_help_names_the_option() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "--lang" in result.stdout
