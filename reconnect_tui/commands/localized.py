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

import re
from collections.abc import Iterator, Sequence
from typing import Any

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
    # Typer's completion options (typer/completion.py), translated as help texts
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
    N_("Install completion for the specified shell."),
    N_("Show completion for the specified shell, to copy it or customize the installation."),
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


VENDORED_TEXTS = (
    # Typer 0.29 and later carry their own copy of Click (typer/_click), which writes these in
    # English without gettext: they are matched in the finished message and translated
    # (:func:`translate_framework_message`). A placeholder matches any text, so the first
    # match wins: messages that begin with a placeholder come last.
    N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"),
    N_("Value error, {message}"),
    N_("Missing parameter: {param_name}"),
    N_("No such option: {name}"),
    N_("Got unexpected extra argument(s) ({args})"),
    N_("Missing argument {param_hint}."),
    N_("Missing option {param_hint}."),
    N_("Missing parameter {param_hint}."),
    N_("File {path} does not exist."),
    N_("Directory {path} does not exist."),
    N_("Path {path} does not exist."),
    N_("File {path} is a directory."),
    N_("Path {path} is a directory."),
    N_("Directory {path} is a file."),
    N_("{message}. Did you mean {suggestions}?"),
    N_("{value} is not one of {choices}."),
)
_PLACEHOLDER = re.compile(r"\{(\w+)(?:![rsa])?\}")


def _pattern(msgid: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(msgid)  # text, name, text, name, …, text
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)


_PATTERNS = tuple((msgid, _pattern(msgid)) for msgid in VENDORED_TEXTS)


def translate_framework_message(message: str) -> str:
    """``message``, an English message the framework composed, in the active language when it is
    one of :data:`VENDORED_TEXTS` (an inner ``{message}`` is translated the same way)."""
    for msgid, pattern in _PATTERNS:
        found = pattern.fullmatch(message)
        if found is None:
            continue
        values = found.groupdict()
        if "message" in values:
            values["message"] = translate_framework_message(values["message"])
        return _(msgid).format(**values)
    return message


_GETTEXT_MODULES = (
    "click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser",
    "click.termui", "click.types", "typer.core", "typer._click.core", "typer._click.parser",
)
"""Modules whose messages go through the standard library's gettext, as ``_``/``ngettext``."""


def localize_framework() -> None:
    """Make Click's and Typer's own words come from our catalogue in the active language.

    Their ``_``/``ngettext`` become ours; Typer's rich help and error printers are wrapped once,
    so that the help option's text and the messages Typer's own Click copy writes in English
    are translated when shown."""
    import importlib

    modules = []
    for name in _GETTEXT_MODULES:
        try:
            modules.append(importlib.import_module(name))
        except ImportError:  # Typer 0.29+ brings its own Click copy; older ones use Click
            continue
    for module in modules:
        for name, ours in (("_", _), ("ngettext", ngettext)):
            if hasattr(module, name):
                setattr(module, name, ours)
    try:
        from typer import rich_utils
    except ImportError:  # Typer without rich: plain Click help, translated above
        return
    for name, english in _RICH_CONSTANTS.items():
        setattr(rich_utils, name, _(english))
    if not getattr(rich_utils, "_reconnect_localized", False):
        _wrap_rich_printers(rich_utils)


def _wrap_rich_printers(rich_utils: Any) -> None:
    format_help, format_error = rich_utils.rich_format_help, rich_utils.rich_format_error

    def rich_format_help(*, obj: Any, ctx: Any, **kwargs: Any) -> None:
        for param in obj.get_params(ctx):  # with the help option, made when first asked for
            _localize_param(param)
            _plain_type(param)
        return format_help(obj=obj, ctx=ctx, **kwargs)

    def rich_format_error(self: Any) -> None:
        english = self.format_message
        self.format_message = lambda: translate_framework_message(english())
        return format_error(self)

    rich_utils.rich_format_help = rich_format_help
    rich_utils.rich_format_error = rich_format_error
    rich_utils._reconnect_localized = True
    try:  # Typer's own Click copy writes "Usage: " without gettext
        from typer._click.formatting import HelpFormatter
    except ImportError:
        return
    write_usage = HelpFormatter.write_usage

    def localized_write_usage(
        self: Any, prog: str, args: str = "", prefix: str | None = None
    ) -> None:
        write_usage(self, prog, args, f"{_('Usage:')} " if prefix is None else prefix)

    HelpFormatter.write_usage = localized_write_usage  # type: ignore[method-assign]  # Click has no hook for "Usage:"


def _translate(text: str | None) -> str | None:
    if not text:
        return text
    translated = _(text)
    for name, value in _HELP_VALUES.items():
        translated = translated.replace("{" + name + "}", value)
    return translated


def _walk(command: Any) -> Iterator[Any]:
    """``command`` and every command below it (Typer's groups are Click groups or, from Typer
    0.29, groups of its own Click copy: both keep their subcommands in ``commands``)."""
    yield command
    for sub in (getattr(command, "commands", None) or {}).values():
        yield from _walk(sub)


def localize_help(root: Any) -> None:
    """Translate every command's and parameter's help below ``root`` into the active language,
    from the English each had when first seen (so the language can change between runs)."""
    for command in _walk(root):
        english = command.__dict__.setdefault(
            "_reconnect_english", (command.help, command.short_help, command.epilog)
        )
        command.help, command.short_help, command.epilog = (_translate(t) for t in english)
        for param in command.params:
            _localize_param(param)


def _plain_type(param: Any) -> None:
    """No Typer type marker (``<bool>``, ``<str>``, ``<path>``) beside a parameter in help: a
    flag shows nothing, an option its metavar (``DATE``) when it has one, a choice its values
    (``user|provider``); the rest nothing. Set once per parameter, on the instance."""
    if getattr(param, "_reconnect_plain", False) or not hasattr(param, "display_type_rich"):
        return
    marked = param.display_type_rich

    def display_type_rich(ctx: Any) -> str | None:
        if getattr(param, "is_flag", False) or getattr(param, "count", False):
            return None
        if param.param_type_name == "option" and param.metavar:
            return str(param.metavar)
        shown = marked(ctx)
        if shown and shown.startswith("<") and shown.endswith(">") and "|" in shown:
            return str(shown[1:-1])
        return None

    param.display_type_rich = display_type_rich
    param._reconnect_plain = True


def _localize_param(param: Any) -> None:
    if not hasattr(param, "help"):
        return
    original = param.__dict__.setdefault("_reconnect_english", param.help)
    param.help = _translate(original)


class LocalizedGroup(TyperGroup):
    """The root ``reconnect`` group: chooses the language, then translates the help texts and
    the framework's words, before Click parses anything (``cls=`` of the root ``typer.Typer``)."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        import sys

        choose_language(sys.argv[1:] if args is None else args)
        localize_framework()
        localize_help(self)
        return super().main(args, *rest, **kwargs)
