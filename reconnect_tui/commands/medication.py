"""`reconnect medication`: your medication overview.

``list --json`` prints each medication with ``id``, ``name``, ``prescribed``, ``dose``,
``schedule``, ``intended_effect``, ``experiences`` and ``questions``; ``add --json`` prints
``{"id": N}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..i18n import N_, _
from .common import JsonOption, PassphraseStdinOption, VaultOption, echo, handles_errors, print_json
from .items import opened_toolbox, pick

if TYPE_CHECKING:
    from ..model import Medication
    from ..store import Toolbox

app = typer.Typer(help=N_("Your medication: dose, when, what it should do, how it is for you."),
                  no_args_is_help=True)

MedicationArgument = Annotated[str, typer.Argument(metavar="MEDICATION",
                                                   help=N_("The medication's id or name."))]
DoseOption = Annotated[str | None, typer.Option("--dose", metavar="TEXT", help=N_("The dose."))]
ScheduleOption = Annotated[str | None, typer.Option("--schedule", metavar="TEXT",
                                                    help=N_("When you take it."))]
EffectOption = Annotated[str | None, typer.Option("--effect", metavar="TEXT",
                                                  help=N_("What it should do."))]
ExperiencesOption = Annotated[str | None, typer.Option(
    "--experiences", metavar="TEXT", help=N_("How it is for you (replaces what was there)."))]
QuestionsOption = Annotated[str | None, typer.Option(
    "--questions", metavar="TEXT", help=N_("Questions for your doctor (replaces them)."))]
PrescribedOption = Annotated[bool | None, typer.Option(
    "--prescribed/--not-prescribed", help=N_("Prescribed by a doctor, or bought yourself."))]


def medication_json(medication: Medication) -> dict[str, Any]:
    return {"id": medication.id, "name": medication.name, "prescribed": medication.prescribed,
            "dose": medication.dose, "schedule": medication.schedule,
            "intended_effect": medication.intended_effect,
            "experiences": medication.experiences, "questions": medication.questions}


def find_medication(toolbox: Toolbox, wanted: str) -> Medication:
    return pick(toolbox.medications.list(), wanted, lambda m: m.name, lambda m: m.id,
                _("medications"))


def _apply(medication: Medication, *, dose: str | None, schedule: str | None,
           effect: str | None, experiences: str | None, questions: str | None,
           prescribed: bool | None) -> None:
    for field, value in (("dose", dose), ("schedule", schedule), ("intended_effect", effect),
                         ("experiences", experiences), ("questions", questions),
                         ("prescribed", prescribed)):
        if value is not None:
            setattr(medication, field, value)


@app.command("list", help=N_("List your medications."),
             epilog=N_("Example: reconnect medication list --json"))
@handles_errors
def list_medications(
    ctx: typer.Context,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        medications = toolbox.medications.list()
    if as_json:
        print_json([medication_json(m) for m in medications])
        return
    if not medications:
        echo(_("No medications yet. Add one: reconnect medication add NAME"))
    for medication in medications:
        parts = [medication.name, medication.dose, medication.schedule]
        if not medication.prescribed:
            parts.append(_("not prescribed"))
        echo(f"{medication.id:>4}  " + "  ".join(p for p in parts if p))


@app.command("add", help=N_("Add a medication."),
             epilog=N_('Example: reconnect medication add Sertraline --dose "50 mg"'
                       ' --schedule "every morning" --json'))
@handles_errors
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=N_("The medication's name."))],
    dose: DoseOption = None,
    schedule: ScheduleOption = None,
    effect: EffectOption = None,
    experiences: ExperiencesOption = None,
    questions: QuestionsOption = None,
    prescribed: PrescribedOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..model import Medication

    if not name.strip():
        raise typer.BadParameter(_("The name cannot be empty."), param_hint="NAME")
    medication = Medication(name=name.strip())
    _apply(medication, dose=dose, schedule=schedule, effect=effect, experiences=experiences,
           questions=questions, prescribed=prescribed)
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        toolbox.medications.add(medication)
    if as_json:
        print_json({"id": medication.id})
    else:
        echo(_("Added {name} ({id}).").format(name=medication.name, id=medication.id))


@app.command("edit", help=N_("Change a medication: only what you give changes."),
             epilog=N_('Example: reconnect medication edit Sertraline --dose "100 mg"'))
@handles_errors
def edit(
    ctx: typer.Context,
    wanted: MedicationArgument,
    name: Annotated[str | None, typer.Option("--name", metavar="NAME",
                                             help=N_("A new name."))] = None,
    dose: DoseOption = None,
    schedule: ScheduleOption = None,
    effect: EffectOption = None,
    experiences: ExperiencesOption = None,
    questions: QuestionsOption = None,
    prescribed: PrescribedOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    if name is not None and not name.strip():
        raise typer.BadParameter(_("The name cannot be empty."), param_hint="--name")
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        medication = find_medication(toolbox, wanted)
        if name is not None:
            medication.name = name.strip()
        _apply(medication, dose=dose, schedule=schedule, effect=effect,
               experiences=experiences, questions=questions, prescribed=prescribed)
        toolbox.medications.update(medication)
    if as_json:
        print_json({"id": medication.id})
    else:
        echo(_("Changed {name} ({id}).").format(name=medication.name, id=medication.id))


@app.command("remove", help=N_("Delete a medication from the overview."),
             epilog=N_("Example: reconnect medication remove Sertraline"))
@handles_errors
def remove(
    ctx: typer.Context,
    wanted: MedicationArgument,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        medication = find_medication(toolbox, wanted)
        assert medication.id is not None
        toolbox.medications.delete(medication.id)
    if as_json:
        print_json({"id": medication.id})
    else:
        echo(_("Removed {name} ({id}).").format(name=medication.name, id=medication.id))
