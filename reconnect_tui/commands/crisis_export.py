"""`reconnect export crisis-plan`: the same headless export the app's "Export…" uses."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, _
from .common import (
    PassphraseStdinOption,
    VaultOption,
    handles_errors,
    status,
    stdout_is_terminal,
)
from .vault import open_vault


class ExportFormat(enum.StrEnum):
    PDF = "pdf"
    MD = "md"
    TXT = "txt"


@handles_errors
def crisis_plan(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help=N_("pdf, md (Markdown) or txt."))
    ] = ExportFormat.PDF,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help=N_("Write to FILE, or - for standard output (md and txt: also if left out)."),
        ),
    ] = None,
    compact: Annotated[
        bool,
        typer.Option(
            "--compact",
            help=N_("One page to fold and carry: every step of the plan, lines shortened."),
        ),
    ] = False,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
) -> None:
    from ..export import export_crisis_plan, write_export  # fpdf2 loads only when exporting
    from ..store import Toolbox

    to_stdout = output is None or str(output) == "-"
    if fmt is ExportFormat.PDF and output is None:
        raise typer.BadParameter(_("A PDF needs a file: add -o FILE (or -o - to pipe it)."),
                                 param_hint="-o")
    if fmt is ExportFormat.PDF and to_stdout and stdout_is_terminal():
        raise typer.BadParameter(_("A PDF is not for the terminal: give -o FILE, or send -o - to"
                                   " a pipe or a file."), param_hint="-o")
    with open_vault(ctx, vault, passphrase_stdin) as opened:
        plan = Toolbox(opened).crisis_plan.get()
        profile = opened.profile()
    data = export_crisis_plan(plan, profile.name, profile.locale, fmt.value, compact=compact)
    if to_stdout or output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_export(data, output)
    status(_("Crisis plan written to {file}.").format(file=output))
