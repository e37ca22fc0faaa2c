"""What matters and the life domains: status, rating, what helps and what hinders."""

from __future__ import annotations

from .. import formats
from ..domain_names import domain_label
from ..i18n import N_, _, ngettext
from ..model import LifeDomain
from .context import Context
from .forms import Field, ask_text
from .records import Records, run_records

FIELDS = (
    Field("name", N_("Name"), "required"),
    Field("status", N_("Status")),
    Field("rating", N_("Rating"), "rating"),
    Field("helps", N_("What helps")),
    Field("hinders", N_("What hinders")),
    Field("hidden", N_("Hidden"), "bool"),
)


def label(domain: LifeDomain) -> str:
    name = domain_label(domain.name)
    if domain.hidden:
        name = _("{name} (hidden)").format(name=name)
    if domain.rating is None:
        return name
    return _("{name}, rated {rating} of 10").format(name=name, rating=domain.rating)


def run(ctx: Context) -> None:
    repo = ctx.toolbox.domains
    console = ctx.console

    def details(domain: LifeDomain) -> None:
        history = repo.history(domain.id or 0)
        console.say_list(
            ngettext("{n} earlier status.", "{n} earlier statuses.", len(history))
            .format(n=len(history)),
            [_("{day}: {status}, rating {rating}").format(
                day=formats.day(e.recorded_at.astimezone().date()), status=e.status or "-",
                rating="-" if e.rating is None else e.rating) for e in history])

    def what_matters() -> None:
        text = ctx.toolbox.what_matters.get()
        console.say(_("What is important in my life:"))
        if text:
            console.say_text(text)
        else:
            console.say(_("Not written yet."))
        if console.confirm(_("Write it anew?")):
            ctx.toolbox.what_matters.set(ask_text(console, _("What is important in my life:")))
            console.say(_("Saved."))

    run_records(ctx, Records[LifeDomain](
        title=_("What matters and life domains"),
        heading=lambda n: ngettext("{n} life domain.", "{n} life domains.", n).format(n=n),
        items=lambda: repo.list(include_hidden=True),
        label=label,
        fields=FIELDS,
        new=lambda: LifeDomain(name=""),
        add=repo.add,
        update=repo.update,
        delete=lambda d: repo.delete(d.id or 0),
        details=details,
        extra=[(_("What is important in my life"), what_matters)],
    ))
