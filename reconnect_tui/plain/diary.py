"""Diary entries (newest first) and the registrations I chose to track, day by day."""

from __future__ import annotations

from .. import formats
from ..clock import utc_now
from ..i18n import N_, _, ngettext
from ..model import DiaryEntry, RegistrationParameter
from ..parsing import ParseError, parse_day, parse_number
from .context import Context
from .forms import Field
from .io import Back
from .io import one_line as short
from .records import Records, run_records

SHOWN_ENTRIES = 50
ENTRY_FIELDS = (Field("text", N_("Entry"), "required"),)
PARAMETER_FIELDS = (
    Field("name", N_("Name"), "required"),
    Field("unit", N_("Unit")),
    Field("minimum", N_("Lowest value"), "number"),
    Field("maximum", N_("Highest value"), "number"),
)


def run(ctx: Context) -> None:
    while True:
        try:
            choice = ctx.console.choose(_("Diary and registrations"),
                                        [_("Diary"), _("Registrations")])
        except Back:
            return
        (diary if choice == 0 else registrations)(ctx)


def diary(ctx: Context) -> None:
    repo = ctx.toolbox.diary
    run_records(ctx, Records[DiaryEntry](
        title=_("Diary"),
        heading=lambda n: ngettext("{n} entry.", "{n} entries.", n).format(n=n),
        items=lambda: repo.newest(SHOWN_ENTRIES),
        label=lambda e: _("{when}: {text}").format(when=formats.format_moment(e.written_at),
                                                   text=short(e.text, 80)),
        fields=ENTRY_FIELDS,
        new=lambda: DiaryEntry(text="", written_at=utc_now()),
        add=repo.add,
        update=repo.update,
        delete=lambda e: repo.delete(e.id or 0),
        details=lambda e: ctx.console.say_text(e.text),
    ))


def parameter_label(parameter: RegistrationParameter) -> str:
    low, high = formats.number(parameter.minimum), formats.number(parameter.maximum)
    if parameter.unit:
        return _("{name}, {low} to {high} {unit}").format(name=parameter.name, low=low,
                                                           high=high, unit=parameter.unit)
    return _("{name}, {low} to {high}").format(name=parameter.name, low=low, high=high)


def registrations(ctx: Context) -> None:
    repo = ctx.toolbox.registrations

    def values(parameter: RegistrationParameter) -> None:
        found = repo.values(parameter.id or 0)
        ctx.console.say_list(
            ngettext("{n} value.", "{n} values.", len(found)).format(n=len(found)),
            [_("{day}: {value}").format(day=formats.day(v.day), value=formats.number(v.value))
             for v in found])

    def register(parameter: RegistrationParameter) -> None:
        console = ctx.console
        while True:
            answer = console.ask(_("Which day? Enter for today:"))
            try:
                day = parse_day(answer, ctx.today()) if answer else ctx.today()
                break
            except ParseError as error:
                console.say(str(error))
        while True:
            answer = console.ask(_("Value, from {low} to {high}:").format(
                low=formats.number(parameter.minimum), high=formats.number(parameter.maximum)))
            try:
                value = parse_number(answer)
            except ParseError as error:
                console.say(str(error))
                continue
            if parameter.minimum <= value <= parameter.maximum:
                break
            console.say(_("That is outside the range."))
        repo.record(parameter.id or 0, day, value)
        console.say(_("Registered {value} for {day}.").format(value=formats.number(value),
                                                              day=formats.day(day)))

    run_records(ctx, Records[RegistrationParameter](
        title=_("Registrations"),
        heading=lambda n: ngettext("{n} thing to register.", "{n} things to register.", n)
        .format(n=n),
        items=repo.list,
        label=parameter_label,
        fields=PARAMETER_FIELDS,
        new=lambda: RegistrationParameter(name=""),
        add=repo.add,
        update=repo.update,
        delete=lambda p: repo.delete(p.id or 0),
        details=values,
        more=[(_("Register a value"), register)],
    ))
