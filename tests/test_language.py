"""Which language ReConnect speaks: --lang / RECONNECT_LANGUAGE, settings file, locale, English."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reconnect_tui import i18n, library
from reconnect_tui.i18n import locale_language, resolve_language, supported_language
from reconnect_tui.settings import load_settings
from tests.support import kdf as kdf_profile


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("nb", "nb"), ("no", "nb"), ("nn", "nb"), ("nb_NO.UTF-8", "nb"), ("nn_NO", "nb"),
        ("no-NO", "nb"), ("NB", "nb"), ("nb_NO@euro", "nb"), ("en", "en"), ("en_GB.UTF-8", "en"),
        ("C", None), ("POSIX", None), ("C.UTF-8", None), ("de_DE", None), ("", None),
        (None, None), ("norsk", None), ("../nb", None),
    ],
)
def test_supported_language(tag: str | None, expected: str | None) -> None:
    assert supported_language(tag) == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "nb_NO.UTF-8"}, "nb"),
        ({"LANG": "nn_NO.UTF-8"}, "nb"),
        ({"LC_MESSAGES": "no_NO"}, "nb"),
        ({"LC_ALL": "nb_NO.UTF-8", "LANG": "en_US.UTF-8"}, "nb"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "nb_NO.UTF-8"}, "en"),  # LC_ALL wins over LANG
        ({"LC_MESSAGES": "en_GB", "LANG": "nb_NO.UTF-8"}, "en"),  # LC_MESSAGES wins over LANG
        ({"LC_ALL": "nb_NO", "LC_MESSAGES": "en_GB"}, "nb"),  # LC_ALL wins over LC_MESSAGES
        ({"LC_ALL": "", "LANG": "nb_NO.UTF-8"}, "nb"),  # an empty variable is not set
        ({"LANGUAGE": "nb:en", "LANG": "en_US.UTF-8"}, "nb"),  # LANGUAGE comes first
        ({"LANGUAGE": "sv:nn", "LANG": "en_US.UTF-8"}, "nb"),  # its first one we have
        ({"LANGUAGE": "de", "LANG": "nb_NO.UTF-8"}, "nb"),
        ({"LANGUAGE": "nb", "LANG": "C"}, None),  # a C locale ignores LANGUAGE
        ({"LANGUAGE": "nb", "LC_ALL": "POSIX", "LANG": "nb_NO"}, None),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "de_DE.UTF-8"}, None),
        ({}, None),
    ],
)
def test_locale_language_follows_posix_precedence(environ: dict, expected: str | None) -> None:
    assert locale_language(environ) == expected


@pytest.mark.parametrize(
    ("flag", "env", "setting", "locale", "expected"),
    [
        ("nb", {}, "en", "en_US.UTF-8", "nb"),  # the flag beats everything
        ("en", {"RECONNECT_LANGUAGE": "nb"}, "nb", "nb_NO.UTF-8", "en"),
        (None, {"RECONNECT_LANGUAGE": "nb"}, "en", "en_US.UTF-8", "nb"),  # env beats settings
        (None, {"RECONNECT_LANGUAGE": "en"}, "nb", "nb_NO.UTF-8", "en"),
        (None, {}, "nb", "en_US.UTF-8", "nb"),  # settings beat the locale
        (None, {}, "en", "nb_NO.UTF-8", "en"),
        (None, {}, "", "nb_NO.UTF-8", "nb"),  # an unset setting lets the locale decide
        (None, {"RECONNECT_LANGUAGE": ""}, None, "nn_NO.UTF-8", "nb"),
        (None, {}, None, "C", "en"),
        (None, {}, None, "POSIX", "en"),
        (None, {}, None, "fi_FI.UTF-8", "en"),  # a locale we have no language for
        (None, {}, "de", "nb_NO.UTF-8", "en"),  # an explicit choice we lack is English
        (None, {}, "  ", "nb_NO.UTF-8", "nb"),
    ],
)
def test_resolve_language_precedence(
    flag: str | None, env: dict, setting: str | None, locale: str, expected: str
) -> None:
    environ = {**env, "LANG": locale}
    assert resolve_language(flag, setting, environ) == expected


def test_settings_file_language_and_unset_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "settings.toml"
    assert load_settings(path).language == ""  # unset: the locale decides
    path.write_text('language = "nb"\n', encoding="utf-8")
    assert load_settings(path).language == "nb"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert resolve_language(None, load_settings(path).language) == "nb"
    monkeypatch.setenv("RECONNECT_LANGUAGE", "en")
    assert resolve_language(None, load_settings(path).language) == "en"


def test_set_language_switches_what_the_library_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    assert i18n.current_language() == "en"  # conftest: LANG=C.UTF-8
    assert library.info_page("personal-recovery").title == "Personal recovery"
    assert i18n.set_language("no") == "nb"
    assert library.info_page("personal-recovery").title == "Personlig bedring"
    assert library.exercise("box-breathing").title == "Firkantpust"
    assert library.info_page("personal-recovery", "en").title == "Personal recovery"
    monkeypatch.setenv("LANG", "nb_NO.UTF-8")
    assert i18n.set_language(None) == "nb"  # None: from the environment
    assert i18n.set_language("de") == "en"


@pytest.mark.parametrize(
    "env",
    [{"RECONNECT_LANGUAGE": "nb"}, {"LANG": "nb_NO.UTF-8"}, {"LC_ALL": "nn_NO.UTF-8"}],
)
def test_a_fresh_process_takes_the_language_from_its_environment(
    env: dict[str, str], tmp_path: Path
) -> None:
    code = "from reconnect_tui import library; print(library.info_pages()[0].source)"
    environment = {"PATH": "/usr/bin:/bin", "PYTHONPATH": kdf_profile.pythonpath(),
                   "LANG": "C.UTF-8", "RECONNECT_CONFIG": str(tmp_path / "none.toml"), **env}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=environment, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "builtin:nb/info/emergencies.md"
