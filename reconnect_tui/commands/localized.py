"""The command line in the person's language: help texts, Typer's and Click's own words.

Help texts are written with ``N_()`` (extracted, left in English when the modules are imported)
and translated by :class:`LocalizedGroup` just before the command line runs, once the language
is known: ``--lang`` (found in the arguments before Click parses them, because ``--help`` is
handled while parsing), ``RECONNECT_LANGUAGE``, the settings file, the system locale
(``i18n.resolve_language``). So ``reconnect --lang nb export --help`` is Norwegian, in the same
process as an English run (tests use ``typer.testing.CliRunner``).

Typer and Click translate their own words ("Usage:", "Options", "Missing argument" …) with the
standard library's ``gettext`` and no catalogue of theirs; :func:`localize_framework` points
their ``_``/``ngettext`` at ours, and :data:`FRAMEWORK_TEXTS` puts the words a person meets
into our catalogue.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import click
from typer.core import TyperGroup

from ..i18n import N_, _, ngettext, resolve_language, set_language, supported_language

FRAMEWORK_TEXTS = (
    # Click (click/core.py, exceptions.py, types.py, parser.py, decorators.py, formatting.py,
    # termui.py): the exact English, so that their gettext calls find our translation.
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Arguments"),
    N_("Aborted!"),
    N_("Missing command."),
    N_("Show this message and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing parameter: {param_name}"),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("unknown error"),
    N_("Could not open file {filename!r}: {message}"),
    N_("Choose from:\n\t{choices}"),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("Option {name!r} does not take a value."),
    N_("Repeat for confirmation"),
    N_("Error: The two entered values do not match."),
    N_("Error: invalid input"),
    # Typer (typer/core.py, typer/rich_utils.py)
    N_("default: {default}"),
    N_("required"),
    N_("Error"),
    N_("Aborted."),
    N_("[default: {}]"),
    N_("[required]"),
    N_("Try [blue]'{command_path} {help_option}'[/] for help."),
)
FRAMEWORK_PLURALS = (
    ngettext(
        "Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1
    ),
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1),
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1),
    ngettext(
        "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1
    ),
)
"""Only for extraction: Click's plural messages (these calls run once, at import, harmlessly)."""

_RICH_CONSTANTS = {
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "DEFAULT_STRING": "[default: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}
"""typer.rich_utils translates these once, at import; they are set again per language."""

_HELP_VALUES: dict[str, str] = {}


def help_value(name: str, value: str) -> None:
    """Let help texts name ``{name}`` (say, a list of module names that must not be translated);
    it is filled in after translation."""
    _HELP_VALUES[name] = value


def language_flag(args: Sequence[str]) -> str | None:
    """The value of the global ``--lang`` in ``args``: only before the subcommand, so that a
    message text such as ``reconnect message send -- --lang`` never changes the language."""
    tokens = iter(args)
    for token in tokens:
        if token == "--lang":
            return next(tokens, None)
        if token.startswith("--lang="):
            return token.partition("=")[2]
        if token == "--vault":
            next(tokens, None)
        elif not token.startswith("-"):
            return None  # the subcommand: its options are its own
    return None


def _settings_language() -> str | None:
    from ..errors import ReconnectError
    from ..settings import load_settings

    try:
        return load_settings().language
    except (ReconnectError, OSError, ValueError):
        return None  # the command itself reports a broken settings file


def choose_language(args: Sequence[str]) -> str:
    """Activate the language ``args`` and the environment ask for; returns it. An unknown
    ``--lang`` is left to the option's own check (a usage error), the rest decides meanwhile."""
    flag = language_flag(args)
    if flag is not None and supported_language(flag) is None:
        flag = None
    return set_language(resolve_language(flag, _settings_language()))


def localize_framework() -> None:
    """Make Click's and Typer's own words come from our catalogue in the active language."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types
    import typer.core

    for module in (
        click.core, click.decorators, click.exceptions, click.formatting, click.parser,
        click.termui, click.types, typer.core,
    ):
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    try:
        from typer import rich_utils
    except ImportError:  # Typer without rich: plain Click help, translated above
        return
    for name, english in _RICH_CONSTANTS.items():
        setattr(rich_utils, name, _(english))


def _translate(text: str | None) -> str | None:
    if not text:
        return text
    translated = _(text)
    for name, value in _HELP_VALUES.items():
        translated = translated.replace("{" + name + "}", value)
    return translated


def _walk(command: click.Command) -> Iterator[click.Command]:
    yield command
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _walk(sub)


def localize_help(root: click.Command) -> None:
    """Translate every command's and parameter's help below ``root`` into the active language,
    from the English each had when first seen (so the language can change between runs)."""
    for command in _walk(root):
        english = command.__dict__.setdefault(
            "_reconnect_english", (command.help, command.short_help, command.epilog)
        )
        command.help, command.short_help, command.epilog = (_translate(t) for t in english)
        for param in command.params:
            if not hasattr(param, "help"):
                continue
            original = param.__dict__.setdefault("_reconnect_english", param.help)
            param.help = _translate(original)  # type: ignore[attr-defined]


class LocalizedGroup(TyperGroup):
    """The root ``reconnect`` group: chooses the language, then translates the help texts and
    the framework's words, before Click parses anything (``cls=`` of the root ``typer.Typer``)."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        import sys

        choose_language(sys.argv[1:] if args is None else args)
        localize_framework()
        localize_help(self)
        return super().main(args, *rest, **kwargs)
