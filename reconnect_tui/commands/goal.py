"""`reconnect goal`: goals, sub-goals and their activities, for scripts and shells.

A goal is named by its id or its title (a part of it that only it has); so is its life domain.
``list --json`` prints each goal with ``id``, ``title``, ``why``, ``domain``, ``domain_id``,
``due`` (ISO day or null), ``done``, ``notes``, ``parent_id`` and its ``activities`` (``id``,
``title``, ``date``, ``done``); ``add --json`` prints ``{"id": N}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..formats import format_day
from ..i18n import N_, _
from .common import JsonOption, PassphraseStdinOption, VaultOption, echo, handles_errors, print_json
from .items import DateOption, domain_label, iso, one_line, opened_toolbox, parse_day_option, pick

if TYPE_CHECKING:
    from ..model import Activity, Goal, LifeDomain
    from ..store import Toolbox

app = typer.Typer(help=N_("Your goals, their sub-goals and activities."), no_args_is_help=True)
activity_app = typer.Typer(help=N_("What you do for a goal: planned on a day, ticked off."),
                           no_args_is_help=True)
app.add_typer(activity_app, name="activity")

GoalArgument = Annotated[str, typer.Argument(metavar="GOAL",
                                             help=N_("The goal's id or title."))]
ByOption = Annotated[str | None, typer.Option(
    "--by", metavar="DATE",
    help=N_("When the goal should be reached: 31.03.2027 or 2027-03-31 (empty: no date)."))]
DomainOption = Annotated[str | None, typer.Option(
    "--domain", metavar="NAME", help=N_("The life domain it belongs to (empty: none)."))]
WhyOption = Annotated[str | None, typer.Option("--why", metavar="TEXT",
                                               help=N_("Why it matters to you."))]


def goal_json(goal: Goal, domains: dict[int, str], activities: list[Activity]) -> dict[str, Any]:
    return {
        "id": goal.id, "title": goal.title, "why": goal.why,
        "domain": domains.get(goal.domain_id) if goal.domain_id is not None else None,
        "domain_id": goal.domain_id, "due": iso(goal.due), "done": goal.done,
        "notes": goal.notes, "parent_id": goal.parent_id,
        "activities": [activity_json(a) for a in activities],
    }


def activity_json(activity: Activity) -> dict[str, Any]:
    return {"id": activity.id, "goal_id": activity.goal_id, "title": activity.title,
            "date": iso(activity.scheduled_on), "done": activity.done}


def find_goal(toolbox: Toolbox, wanted: str) -> Goal:
    return pick(toolbox.goals.list(), wanted, lambda g: g.title, lambda g: g.id, _("goals"))


def find_domain(toolbox: Toolbox, wanted: str) -> LifeDomain:
    """By id, by the name shown (a default domain in the active language) or as stored."""
    domains = toolbox.domains.list(include_hidden=True)
    stored = [d for d in domains if d.name.casefold() == wanted.strip().casefold()]
    if len(stored) == 1:
        return stored[0]
    return pick(domains, wanted, lambda d: domain_label(d.name), lambda d: d.id,
                _("life domains"))


def _domain_id(toolbox: Toolbox, wanted: str | None, current: int | None) -> int | None:
    if wanted is None:
        return current
    return find_domain(toolbox, wanted).id if wanted.strip() else None


@app.command("list", help=N_("List your goals; sub-goals under their goal."),
             epilog=N_("Example: reconnect goal list --json"))
@handles_errors
def list_goals(
    ctx: typer.Context,
    domain: Annotated[str | None, typer.Option(
        "--domain", metavar="NAME", help=N_("Only the goals of this life domain."))] = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        domain_id = find_domain(toolbox, domain).id if domain else None
        goals = toolbox.goals.list(domain_id)
        domains = {d.id: d.name for d in toolbox.domains.list(include_hidden=True)
                   if d.id is not None}
        activities: dict[int | None, list[Activity]] = {}
        for activity in toolbox.goals.activities():
            activities.setdefault(activity.goal_id, []).append(activity)
    if as_json:
        print_json([goal_json(g, domains, activities.get(g.id, [])) for g in goals])
        return
    if not goals:
        echo(_("No goals yet. Add one: reconnect goal add TITLE"))
    for goal in goals:
        indent = "    " if goal.parent_id is not None else ""
        details = [_("by {day}").format(day=format_day(goal.due))] if goal.due else []
        if goal.domain_id in domains:
            details.append(domain_label(domains[goal.domain_id]))
        mark = "x" if goal.done else " "
        suffix = f" ({', '.join(details)})" if details else ""
        echo(f"{indent}{goal.id:>4} [{mark}] {one_line(goal.title)}{suffix}")
        for activity in activities.get(goal.id, []):
            when = f" {format_day(activity.scheduled_on)}" if activity.scheduled_on else ""
            tick = "x" if activity.done else " "
            echo(f"{indent}       - [{tick}] {one_line(activity.title)}{when}"
                 f"  (#{activity.id})")


@app.command("add", help=N_("Add a goal (or a sub-goal, with --parent)."),
             epilog=N_('Example: reconnect goal add "Walk every day" --by 31.03.2027'
                       ' --domain "Physical health" --json'))
@handles_errors
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(metavar="TITLE", help=N_("What you want to reach."))],
    by: ByOption = None,
    domain: DomainOption = None,
    parent: Annotated[str | None, typer.Option(
        "--parent", metavar="ID", help=N_("Make it a sub-goal of this goal (id or title)."))
    ] = None,
    why: WhyOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..model import Goal

    if not title.strip():
        raise typer.BadParameter(_("The title cannot be empty."), param_hint="TITLE")
    due = parse_day_option(by, "--by") if by else None
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        parent_id = find_goal(toolbox, parent).id if parent else None
        goal = toolbox.goals.add(Goal(title=title.strip(), why=why or "", due=due,
                                      domain_id=_domain_id(toolbox, domain, None),
                                      parent_id=parent_id))
    if as_json:
        print_json({"id": goal.id})
    else:
        echo(_("Added goal {id}.").format(id=goal.id))


@app.command("edit", help=N_("Change a goal: only what you give changes."),
             epilog=N_('Example: reconnect goal edit 3 --title "Walk most days" --by 2027-04-30'))
@handles_errors
def edit(
    ctx: typer.Context,
    goal_name: GoalArgument,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT",
                                              help=N_("A new title."))] = None,
    by: ByOption = None,
    domain: DomainOption = None,
    why: WhyOption = None,
    notes: Annotated[str | None, typer.Option("--notes", metavar="TEXT",
                                              help=N_("Notes (replaces them)."))] = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    if title is not None and not title.strip():
        raise typer.BadParameter(_("The title cannot be empty."), param_hint="--title")
    due = parse_day_option(by, "--by") if by else None
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        goal = find_goal(toolbox, goal_name)
        if title is not None:
            goal.title = title.strip()
        if by is not None:
            goal.due = due
        goal.domain_id = _domain_id(toolbox, domain, goal.domain_id)
        if why is not None:
            goal.why = why
        if notes is not None:
            goal.notes = notes
        toolbox.goals.update(goal)
    if as_json:
        print_json({"id": goal.id})
    else:
        echo(_("Changed goal {id}.").format(id=goal.id))


@app.command("done", help=N_("Mark a goal as reached (--undo: not yet)."),
             epilog=N_("Example: reconnect goal done 3"))
@handles_errors
def done(
    ctx: typer.Context,
    goal_name: GoalArgument,
    undo: Annotated[bool, typer.Option("--undo", help=N_("Mark it as not reached."))] = False,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        goal = find_goal(toolbox, goal_name)
        goal.done = not undo
        toolbox.goals.update(goal)
    if as_json:
        print_json({"id": goal.id, "done": goal.done})
    elif goal.done:
        echo(_("Goal {id} is reached. Well done.").format(id=goal.id))
    else:
        echo(_("Goal {id} is open again.").format(id=goal.id))


@app.command("remove", help=N_("Delete a goal, with its sub-goals and activities."),
             epilog=N_("Example: reconnect goal remove 3"))
@handles_errors
def remove(
    ctx: typer.Context,
    goal_name: GoalArgument,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        goal = find_goal(toolbox, goal_name)
        assert goal.id is not None
        toolbox.goals.delete(goal.id)
    if as_json:
        print_json({"id": goal.id})
    else:
        echo(_("Deleted goal {id}.").format(id=goal.id))


# -- activities ------------------------------------------------------------------------------


def find_activity(toolbox: Toolbox, wanted: str, goal: Goal | None = None) -> Activity:
    items = toolbox.goals.activities(goal.id if goal else None)
    return pick(items, wanted, lambda a: a.title, lambda a: a.id, _("activities"))


@activity_app.command("list", help=N_("List the activities of one goal, or of all."),
                      epilog=N_("Example: reconnect goal activity list 3 --json"))
@handles_errors
def activity_list(
    ctx: typer.Context,
    goal_name: Annotated[str | None, typer.Argument(
        metavar="GOAL", help=N_("The goal's id or title (leave out: every goal)."))] = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        goal = find_goal(toolbox, goal_name) if goal_name else None
        activities = toolbox.goals.activities(goal.id if goal else None)
    if as_json:
        print_json([activity_json(a) for a in activities])
        return
    if not activities:
        echo(_("No activities yet. Add one: reconnect goal activity add GOAL TEXT"))
    for activity in activities:
        when = f" {format_day(activity.scheduled_on)}" if activity.scheduled_on else ""
        tick = "x" if activity.done else " "
        goal_label = _("goal {id}").format(id=activity.goal_id)
        echo(f"{activity.id:>4} [{tick}] {one_line(activity.title)}{when}  ({goal_label})")


@activity_app.command("add", help=N_("Add an activity to a goal, planned on a day or not."),
                      epilog=N_('Example: reconnect goal activity add 3 "Walk to the shop"'
                                " --date 31.03.2027 --json"))
@handles_errors
def activity_add(
    ctx: typer.Context,
    goal_name: GoalArgument,
    text: Annotated[str, typer.Argument(metavar="TEXT", help=N_("What you will do."))],
    day: DateOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    from ..model import Activity

    if not text.strip():
        raise typer.BadParameter(_("The text cannot be empty."), param_hint="TEXT")
    scheduled = parse_day_option(day, "--date")
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        goal = find_goal(toolbox, goal_name)
        assert goal.id is not None
        activity = toolbox.goals.add_activity(
            Activity(goal_id=goal.id, title=text.strip(), scheduled_on=scheduled))
    if as_json:
        print_json({"id": activity.id})
    else:
        echo(_("Added activity {id} to goal {goal}.").format(id=activity.id, goal=goal.id))


@activity_app.command("done", help=N_("Tick an activity off (--undo: not done)."),
                      epilog=N_("Example: reconnect goal activity done 7"))
@handles_errors
def activity_done(
    ctx: typer.Context,
    activity_name: Annotated[str, typer.Argument(metavar="ACTIVITY",
                                                 help=N_("The activity's id or text."))],
    undo: Annotated[bool, typer.Option("--undo", help=N_("Mark it as not done."))] = False,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        activity = find_activity(toolbox, activity_name)
        assert activity.id is not None
        activity = toolbox.goals.set_activity_done(activity.id, not undo)
    if as_json:
        print_json(activity_json(activity))
    else:
        echo(_("Activity {id} is done.").format(id=activity.id) if activity.done
             else _("Activity {id} is not done.").format(id=activity.id))


@activity_app.command("remove", help=N_("Delete an activity."),
                      epilog=N_("Example: reconnect goal activity remove 7"))
@handles_errors
def activity_remove(
    ctx: typer.Context,
    activity_name: Annotated[str, typer.Argument(metavar="ACTIVITY",
                                                 help=N_("The activity's id or text."))],
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
) -> None:
    with opened_toolbox(ctx, vault, passphrase_stdin) as toolbox:
        activity = find_activity(toolbox, activity_name)
        assert activity.id is not None
        toolbox.goals.delete_activity(activity.id)
    if as_json:
        print_json({"id": activity.id})
    else:
        echo(_("Deleted activity {id}.").format(id=activity.id))
