"""`reconnect exercise list|log` and `reconnect search`.

``exercise list --json`` prints each exercise (the built-in ones, then your own) with ``id``,
``slug``, ``title``, ``category``, ``builtin``, ``times_done`` and ``last_done`` (ISO time or
null); ``log EXERCISE --json`` prints ``{"id": N}`` of the log entry. ``search QUERY --json``
prints the hits with ``module``, ``id``, ``title`` and ``snippet``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..formats import format_moment
from ..i18n import N_, _
from .common import JsonOption, PassphraseStdinOption, VaultOption, echo, handles_errors, print_json
from .items import DateOption, iso, one_line, opened_toolbox, parse_day_option, pick

if TYPE_CHECKING:
    from ..model import Exercise
    from ..store import Toolbox

app = typer.Typer(help=N_("Guided exercises, and a log of the ones you did."),
                  no_args_is_help=True)


def exercises(toolbox: Toolbox) -> list[Exercise]:
    """The built-in exercises (registered in the vault as the app does when it unlocks) in the
    order of content/, then your own."""
    from .. import library

    texts = library.exercises()
    for text in texts:
        toolbox.exercises.register_builtin(text.slug, text.title, text.category)
    order = [t.slug for t in texts]
    rows = toolbox.exercises.list()
    builtin = sorted((r for r in rows if r.builtin),
                     key=lambda r: order.index(r.slug) if r.slug in order else len(order))
    return builtin + [r for r in rows if not r.builtin]


@app.command("list", help=N_("List the exercises, with how often and when you last did each."),
             epilog=N_("Example: reconnect exercise list --json"))
@handles_errors
def list_exercises(
    ctx: typer.Context,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        items = exercises(toolbox)
        history = toolbox.exercises.history()
    done: dict[int, list[datetime]] = {}
    for entry in history:
        done.setdefault(entry.exercise_id, []).append(entry.done_at)
    data: list[dict[str, Any]] = [
        {"id": e.id, "slug": e.slug, "title": e.title, "category": e.category,
         "builtin": e.builtin, "times_done": len(done.get(e.id or 0, [])),
         "last_done": iso(max(done.get(e.id or 0, []), default=None))}
        for e in items]
    if as_json:
        print_json(data)
        return
    for item, exercise in zip(data, items, strict=True):
        last = (_("last done {when}").format(
            when=format_moment(datetime.fromisoformat(item["last_done"])))
            if item["last_done"] else "")
        echo(f"{exercise.id:>4}  {exercise.title}  {last}".rstrip())


@app.command("log", help=N_("Log an exercise as done (now, or on --date)."),
             epilog=N_('Example: reconnect exercise log "Box breathing" --note "Calmer after"'))
@handles_errors
def log(
    ctx: typer.Context,
    wanted: Annotated[str, typer.Argument(metavar="EXERCISE", help=N_(
        "The exercise's id or title."))],
    note: Annotated[str, typer.Option("--note", metavar="TEXT",
                                      help=N_("How it went."))] = "",
    day: DateOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    now = datetime.now().astimezone()
    chosen = parse_day_option(day, "--date")
    when = datetime.combine(chosen, now.timetz()) if chosen and chosen != now.date() else now
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        exercise = pick(exercises(toolbox), wanted, lambda e: e.title, lambda e: e.id,
                        _("exercises"))
        assert exercise.id is not None
        entry = toolbox.exercises.log(exercise.id, note.strip(), when.astimezone(UTC))
    if as_json:
        print_json({"id": entry.id})
    else:
        echo(_("Logged {title}.").format(title=exercise.title))


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(metavar="QUERY", help=N_("The words to look for."))],
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        hits = toolbox.search.search(query)
    if as_json:
        print_json([{"module": h.module, "id": h.item_id, "title": h.title,
                     "snippet": h.snippet} for h in hits])
        return
    if not hits:
        echo(_("Nothing found."))
    for hit in hits:
        echo(f"{hit.module}  {hit.item_id}  {one_line(hit.title)}")
        if hit.snippet.strip():
            echo(f"      {one_line(hit.snippet, 100)}")
