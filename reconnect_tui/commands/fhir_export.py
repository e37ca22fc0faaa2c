"""`reconnect export fhir` and `reconnect shared export NAME --format fhir`.

Both call the headless ``export.fhir.export_fhir`` the app uses. A person's own export needs
``--only``: nothing goes into a health record by accident. A provider's export holds what the
service user shares (``--only`` narrows it) and counts as reading it, like ``shared show``.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, _
from .common import PassphraseStdinOption, VaultOption, handles_errors, status
from .localized import help_value
from .vault import open_vault

MODULES_TEXT = "goals, crisis-plan, medications, registrations, life-domains, feedback"
help_value("fhir_modules", MODULES_TEXT)

OnlyOption = Annotated[
    str | None,
    typer.Option("--only", help=N_("Comma-separated modules to put in: {fhir_modules}."),
                 show_default=False),
]
OutputOption = Annotated[
    str | None,
    typer.Option("-o", "--output", help=N_("Write to FILE, or - for standard output"
                 " (default: reconnect-fhir.json here)."), show_default=False),
]


class SharedFormat(enum.StrEnum):
    FHIR = "fhir"


def _modules(only: str | None, *, required: bool) -> tuple[str, ...] | None:
    """The modules ``--only`` names; a usage error (exit 2) listing them when wrong."""
    from ..export.fhir import UnknownModule, check_modules

    if only is None:
        if not required:
            return None
        raise typer.BadParameter(
            _("Choose what goes in, so nothing is exported by accident: --only {modules}"
              " (one or more, comma-separated).").format(modules=MODULES_TEXT),
            param_hint="--only")
    try:
        return check_modules(only.split(","))
    except UnknownModule as error:
        raise typer.BadParameter(str(error), param_hint="--only") from None


def _write(data: bytes, output: str | None) -> None:
    """Write the bundle and say on stderr where it went and that it is not encrypted."""
    from ..export import write_export
    from ..export.fhir import default_filename

    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        status(_("The FHIR bundle went to standard output. It is not encrypted."))
        return
    target = Path(output) if output else Path(default_filename())
    write_export(data, target)
    status(_("FHIR bundle written to {file}. It is not encrypted: keep it as carefully as a"
             " printed record, and delete it once it is filed.").format(file=target))


@handles_errors
def export_fhir(
    ctx: typer.Context,
    only: OnlyOption = None,
    output: OutputOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
) -> None:
    from ..export.fhir import dumps
    from ..export.fhir import export_fhir as build
    from ..store import Toolbox

    modules = _modules(only, required=True)
    with open_vault(ctx, vault, passphrase_stdin) as opened:
        data = dumps(build(Toolbox(opened), modules or ()))
    _write(data, output)


@handles_errors
def shared_export(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=N_("The service user's name."))],
    fmt: Annotated[SharedFormat, typer.Option("--format", help=N_("fhir (a FHIR R4 document)."))],
    only: OnlyOption = None,
    output: OutputOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
) -> None:
    from ..errors import NotFound
    from ..export.fhir import SHAREABLE_FHIR_MODULES, dumps, module_label
    from ..export.fhir import export_fhir as build
    from ..sync.sharing import Sharing

    wanted = _modules(only, required=False)
    with open_vault(ctx, vault, passphrase_stdin) as opened:
        sharing = Sharing(opened)
        partner = sharing.dyads.partner_named(name)
        person = next((p for p in sharing.shared_with_me() if p.partner_id == partner.id), None)
        shared = {i.module for i in person.items} if person is not None else set()
        for module in wanted or ():
            if module not in shared:
                raise NotFound(_("{name} does not share {module} with you.").format(
                    name=partner.name, module=module_label(module)))
        modules = wanted or tuple(m for m in SHAREABLE_FHIR_MODULES if m in shared)
        if not modules:
            raise NotFound(_("{name} shares nothing a FHIR document holds ({modules}).").format(
                name=partner.name, modules=", ".join(SHAREABLE_FHIR_MODULES)))
        view = sharing.view(partner.id)
        try:
            data = dumps(build(view, modules))
        finally:
            view.vault.close()  # the in-memory plaintext copy, now rather than at collection
        for module in modules:
            sharing.record_view(partner.id, module)
    _write(data, output)
