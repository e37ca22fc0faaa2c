"""Exercises: the built-in ones and my own, as text steps (no animation), and the log."""

from __future__ import annotations

from .. import formats, library
from ..i18n import N_, _, ngettext
from ..model import Exercise
from .context import Context
from .forms import Field
from .records import Records, run_records
from .text import markdown_lines

FIELDS = (Field("title", N_("Title"), "required"), Field("category", N_("Category")),
          Field("body", N_("Text")))


def _texts(ctx: Context) -> dict[str, library.ExerciseText]:
    return {t.slug: t for t in library.exercises(ctx.session.settings.language or None)}


def _items(ctx: Context) -> list[Exercise]:
    texts = _texts(ctx)
    repo = ctx.toolbox.exercises
    for text in texts.values():  # as the exercise screen: built-ins get a row to log against
        repo.register_builtin(text.slug, text.title, text.category)
    rows = repo.list()
    order = list(texts)
    builtins = sorted((r for r in rows if r.builtin and r.slug in texts),
                      key=lambda r: order.index(r.slug))
    return builtins + [r for r in rows if not r.builtin]


def do_exercise(ctx: Context, exercise: Exercise) -> None:
    """The exercise as text: its steps, the timer as words, then an offer to log it."""
    console = ctx.console
    text = _texts(ctx).get(exercise.slug) if exercise.builtin else None
    console.say(exercise.title)
    if text is not None:
        console.say(ngettext("About {n} minute.", "About {n} minutes.", text.minutes)
                    .format(n=text.minutes))
        for line in markdown_lines(text.body):
            console.say(line)
        if text.timer and text.rounds:
            console.say(ngettext("The timed part: {n} round of", "The timed part: {n} rounds of",
                                 text.rounds).format(n=text.rounds))
            for label, seconds in text.timer:
                console.say(ngettext("{label}, {n} second.", "{label}, {n} seconds.", seconds)
                            .format(label=label, n=seconds))
    else:
        for line in markdown_lines(exercise.body):
            console.say(line)
    if console.confirm(_("Log it as done?")):
        note = console.ask(_("A note, if you like (Enter for none):"))
        ctx.toolbox.exercises.log(exercise.id or 0, note, when=ctx.session.now())
        console.say(_("Logged."))


def history(ctx: Context) -> None:
    """The log, newest first; an entry can be removed from it (as the exercise screen's
    history tab allows)."""
    console = ctx.console
    repo = ctx.toolbox.exercises
    while True:
        titles = {e.id: e.title for e in repo.list()}
        log = repo.history()
        heading = ngettext("{n} exercise done.", "{n} exercises done.", len(log)).format(
            n=len(log))
        lines = [_("{when}: {title}").format(when=formats.format_moment(e.done_at),
                                             title=titles.get(e.exercise_id, "")) +
                 (f". {e.note}" if e.note else "") for e in log]
        console.say_list(heading, lines)
        if not log:
            return
        console.choose(_("What I have done"), [_("Remove an entry from the history")])
        index = console.pick(heading, lines, listed=False)
        if index is not None and console.confirm(_("Remove this entry from your history?")):
            repo.delete_log(log[index].id or 0)
            console.say(_("Removed from history."))


def run(ctx: Context) -> None:
    repo = ctx.toolbox.exercises

    run_records(ctx, Records[Exercise](
        title=_("Exercises"),
        heading=lambda n: ngettext("{n} exercise.", "{n} exercises.", n).format(n=n),
        items=lambda: _items(ctx),
        label=lambda e: e.title if e.builtin else _("{title} (my own)").format(title=e.title),
        fields=FIELDS,
        new=lambda: Exercise(title=""),
        add=repo.add,
        update=repo.update,
        delete=lambda e: repo.delete(e.id or 0),
        fixed=lambda e: _("A built-in exercise cannot be changed or deleted.") if e.builtin
        else "",
        more=[(_("Do an exercise"), lambda e: do_exercise(ctx, e))],
        extra=[(_("What I have done"), lambda: history(ctx))],
    ))
