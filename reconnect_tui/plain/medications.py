"""Medication: my medicines, how they work for me, questions for my doctor."""

from __future__ import annotations

from ..i18n import N_, _, ngettext
from ..model import Medication
from .context import Context
from .forms import Field
from .records import Records, run_records

FIELDS = (
    Field("name", N_("Name"), "required"),
    Field("prescribed", N_("Prescribed by a doctor"), "bool"),
    Field("dose", N_("Dose")),
    Field("schedule", N_("When I take it")),
    Field("intended_effect", N_("What it is meant to do")),
    Field("experiences", N_("My experiences with it")),
    Field("questions", N_("Questions for my doctor")),
)


def run(ctx: Context) -> None:
    repo = ctx.toolbox.medications
    run_records(ctx, Records[Medication](
        title=_("Medication"),
        heading=lambda n: ngettext("{n} medicine.", "{n} medicines.", n).format(n=n),
        items=repo.list,
        label=lambda m: m.name,
        fields=FIELDS,
        new=lambda: Medication(name=""),
        add=repo.add,
        update=repo.update,
        delete=lambda m: repo.delete(m.id or 0),
    ))
