"""The command line in Norwegian: help of every command, errors and text output, whichever way
the language is chosen; and no Norwegian left when the next run is English."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from reconnect_tui import formats, i18n
from reconnect_tui.cli import app
from reconnect_tui.commands.localized import language_flag, translate_framework_message
from reconnect_tui.export.text import render_text
from reconnect_tui.model import CrisisPlan, Helper
from reconnect_tui.store import Toolbox, Vault
from tests.support.vaults import PASSPHRASE

runner = CliRunner()

ENGLISH_WORDS = frozenset({
    "the", "and", "you", "your", "with", "from", "this", "that", "what", "when", "which",
    "will", "only", "each", "their", "they", "vault", "passphrase", "message", "messages",
    "provider", "providers", "partner", "share", "shared", "write", "show", "read", "options",
    "commands", "usage", "missing", "invalid", "error",
})
"""Common English words that are no Norwegian words (not "for", "at", "to", "be" …)."""

_NOT_PROSE = re.compile(
    r"`[^`]*`"  # commands quoted in help texts
    r"|--as \w+|\b(?:user|provider)(?= \()"  # values an option takes (demo --as)
    r"|--?[\w-]+"  # options
    r"|<[^>]*>"  # Typer's type markers (<bool>, <path>)
    r"|\b\w+(?:\|\w+)+\b"  # the values a choice takes, shown in help (user|provider)
    r"|\breconnect(?: [a-z][\w-]*)+"  # the command words of an example (reconnect goal add)
    r"|\[(?:OPTIONS|ARGS)\]\.*"
    r"|\b[A-Z][A-Z_]+\b"  # metavars and environment variables (FILE, RECONNECT_VAULT)
    r"|debug, info, warning (?:eller|or) error"  # log levels, as the option takes them
    r"|\b[a-z]+(?:-[a-z]+)+\b"  # module names (what-matters, crisis-plan)
    r"|\{[^}]*\}"
    r"|\S+\.(?:db|json|md|py)\b|\w+://\S+"
)


_COMMAND_NAME = re.compile(r"^│\s+[a-z][\w-]*\s", re.MULTILINE)  # a row of the commands panel
_COMMAND_LINE = re.compile(r"(?:Bruk|Usage|Prøv|Try):? .*reconnect.*$", re.MULTILINE)


def english_left(text: str) -> set[str]:
    """The common English words in ``text`` outside command names, options and code."""
    prose = _COMMAND_LINE.sub(" ", _COMMAND_NAME.sub("│ ", text))
    words = re.findall(r"[A-Za-zÆØÅæøå]+", _NOT_PROSE.sub(" ", prose))
    return {w for w in words if w.lower() in ENGLISH_WORDS}


def run(*args: str, env: dict[str, str] | None = None):
    """``reconnect ARGS``, its help on lines long enough that no phrase is broken."""
    return runner.invoke(app, list(args), env={"RECONNECT_PASSPHRASE": PASSPHRASE,
                                               "COLUMNS": "400", **(env or {})})


def command_paths() -> list[list[str]]:
    """Every command and group below ``reconnect``, as the words that name it."""
    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def test_root_help_is_norwegian() -> None:
    result = run("--lang", "nb", "--help")
    assert result.exit_code == 0, result.output
    for norwegian in ("Bruk:", "Valg", "Kommandoer", "hvelv", "Ved akutt fare, ring 113",
                      "Vis denne hjelpeteksten og avslutt.", "Lag et nytt kryptert hvelv"):
        assert norwegian in result.output
    assert not english_left(result.output), result.output


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "reconnect")
def test_every_command_help_is_norwegian(path: list[str]) -> None:
    result = run("--lang", "nb", *path, "--help")
    assert result.exit_code == 0, result.output
    assert "Valg" in result.output and "Bruk:" in result.output
    assert not english_left(result.output), result.output


@pytest.mark.parametrize(
    "env",
    [{"RECONNECT_LANGUAGE": "nb"}, {"LANG": "nb_NO.UTF-8"}, {"RECONNECT_CONFIG": "settings"}],
    ids=["RECONNECT_LANGUAGE", "LANG", "settings file"],
)
def test_help_follows_every_way_of_choosing(env: dict[str, str], tmp_path: Path) -> None:
    if "RECONNECT_CONFIG" in env:
        settings = tmp_path / "settings.toml"
        settings.write_text('language = "nb"\n', encoding="utf-8")
        env = {"RECONNECT_CONFIG": str(settings)}
    result = run("export", "crisis-plan", "--help", env=env)
    assert result.exit_code == 0, result.output
    assert "Skriv kriseplanen din som PDF, Markdown eller ren tekst." in result.output
    assert not english_left(result.output), result.output


def test_english_again_after_norwegian() -> None:
    assert run("--lang", "nb", "--help").exit_code == 0
    result = run("--lang", "en", "--help")
    assert "Create a new encrypted vault" in result.output and "Usage:" in result.output
    assert "Show this message and exit." in result.output
    assert "hvelv" not in result.output and "Bruk:" not in result.output


def test_errors_are_norwegian(tmp_path: Path) -> None:
    missing = run("--lang", "nb", "export", "crisis-plan", "-f", "txt",
                  "--vault", str(tmp_path / "none.db"))
    assert missing.exit_code == 1
    assert f"Feil: Ikke noe hvelv på {tmp_path / 'none.db'}. Lag et med: reconnect init" \
        in missing.output
    usage = run("--lang", "nb", "share", "add")
    assert usage.exit_code == 2
    assert "Argumentet 'module' mangler." in usage.output and "Feil" in usage.output
    unknown = run("--lang", "nb", "export", "crisis-plan", "--bogus")
    assert unknown.exit_code == 2 and "Valget finnes ikke: --bogus" in unknown.output
    bad_value = run("--lang", "nb", "export", "crisis-plan", "-f", "docx")
    assert bad_value.exit_code == 2
    assert "Ugyldig verdi for '--format' / '-f': 'docx' er ikke en av" in bad_value.output
    assert not english_left(missing.output + usage.output + unknown.output + bad_value.output)


def test_text_export_of_the_crisis_plan_is_norwegian(vault_path: Path, user_template) -> None:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        Toolbox(vault).crisis_plan.save(CrisisPlan(
            warning_signs="Jeg sover dårlig", helpers=[Helper(name="Åse", phone="900 00 000")]))
    result = run("--lang", "nb", "export", "crisis-plan", "-f", "txt", "--vault", str(vault_path))
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Kriseplan for Kari Nordmann" in text
    assert "VED AKUTT FARE, RING" in text and "113        Medisinsk nødhjelp" in text
    assert "Mine varselsignaler" in text and "Personer jeg kan be om hjelp" in text
    assert re.search(r"Sist oppdatert \d\d\.\d\d\.\d{4}", text), text
    assert not english_left(text), text


def test_dates_and_numbers_follow_the_language() -> None:
    i18n.set_language("nb")
    assert render_text(CrisisPlan(), "Kari", "NO", today=date(2027, 3, 31)).count(
        "Skrevet ut 31.03.2027") == 1
    assert formats.format_number(6.5) == "6,5"
    assert formats.format_moment(datetime(2027, 3, 31, 14, 5)) == "31.03.2027 14:05"
    i18n.set_language("en")
    assert "Printed 2027-03-31" in render_text(CrisisPlan(), "Kari", "NO", today=date(2027, 3, 31))
    assert formats.format_number(6.5) == "6.5"
    assert formats.format_day(datetime(2027, 3, 31, tzinfo=UTC).date()) == "2027-03-31"


def test_json_output_stays_language_neutral(vault_path: Path) -> None:
    nb = run("--lang", "nb", "share", "list", "--json", "--vault", str(vault_path))
    en = run("--lang", "en", "share", "list", "--json", "--vault", str(vault_path))
    assert nb.exit_code == en.exit_code == 0, nb.output
    assert nb.stdout == en.stdout


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--lang", "nb", "--help"], "nb"),
        (["--lang=nb", "export"], "nb"),
        (["--vault", "--lang", "export"], None),  # "--lang" is the vault's file name here
        (["message", "send", "--lang", "nb"], None),  # after the subcommand: not the global one
        ([], None),
    ],
)
def test_the_language_flag_is_found_before_parsing(args: list[str], flag: str | None) -> None:
    assert language_flag(args) == flag


def test_framework_messages_are_translated_whole() -> None:
    i18n.set_language("nb")
    assert translate_framework_message("No such command 'x'. Did you mean 'share'?") == (
        "No such command 'x'. Mente du 'share'?")  # the inner one is Typer's gettext's
    assert translate_framework_message(
        "Invalid value for '-f': Value error, 'x' is not one of 'pdf', 'md'.") == (
        "Ugyldig verdi for '-f': 'x' er ikke en av 'pdf', 'md'.")
    assert translate_framework_message("Something else.") == "Something else."
