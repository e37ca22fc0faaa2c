"""Goals, sub-goals and the activities towards them, as lists in tree order."""

from __future__ import annotations

from .. import formats
from ..domain_names import domain_label
from ..i18n import N_, _, ngettext
from ..model import Activity, Goal
from .context import Context
from .forms import Field, fill
from .records import Records, run_records

ACTIVITY_FIELDS = (
    Field("title", N_("Activity"), "required"),
    Field("scheduled_on", N_("Day"), "day"),
    Field("done", N_("Done"), "bool"),
    Field("notes", N_("Notes")),
)


def goal_fields(ctx: Context) -> tuple[Field, ...]:
    domains = [(None, N_("No life domain"))] + [
        (d.id, domain_label(d.name)) for d in ctx.toolbox.domains.list()]
    return (
        Field("title", N_("Goal"), "required"),
        Field("why", N_("Why it matters to me")),
        Field("domain_id", N_("Life domain"), "choice", tuple(domains)),
        Field("due", N_("Reach it by"), "day"),
        Field("done", N_("Done"), "bool"),
        Field("notes", N_("Notes")),
    )


def goal_label(goal: Goal, goals: list[Goal]) -> str:
    title = goal.title + (_(" (done)") if goal.done else "")
    parent = next((g for g in goals if g.id == goal.parent_id), None)
    if parent is None:
        return title
    return _("{title}, a sub-goal of {parent}").format(title=title, parent=parent.title)


def activity_label(activity: Activity) -> str:
    parts = [activity.title]
    if activity.scheduled_on is not None:
        parts.append(formats.day(activity.scheduled_on))
    if activity.done:
        parts.append(_("done"))
    return ", ".join(parts)


def run(ctx: Context) -> None:
    repo = ctx.toolbox.goals
    fields = goal_fields(ctx)

    def label(goal: Goal) -> str:
        return goal_label(goal, repo.list())

    def details(goal: Goal) -> None:
        subgoals = [g for g in repo.list() if g.parent_id == goal.id]
        ctx.console.say_list(
            ngettext("{n} sub-goal.", "{n} sub-goals.", len(subgoals)).format(n=len(subgoals)),
            [g.title for g in subgoals])
        activities = repo.activities(goal.id)
        ctx.console.say_list(
            ngettext("{n} activity.", "{n} activities.", len(activities))
            .format(n=len(activities)), [activity_label(a) for a in activities])

    def add_subgoal(parent: Goal) -> None:
        goal = fill(ctx.console, Goal(title="", parent_id=parent.id, domain_id=parent.domain_id),
                    fields, editing=False, today=ctx.today(), region=ctx.region)
        repo.add(goal)
        ctx.console.say(_("Saved: {name}.").format(name=label(goal)))

    run_records(ctx, Records[Goal](
        title=_("Goals"),
        heading=lambda n: ngettext("{n} goal.", "{n} goals.", n).format(n=n),
        items=repo.list,
        label=label,
        fields=fields,
        new=lambda: Goal(title=""),
        add=repo.add,
        update=repo.update,
        delete=lambda g: repo.delete(g.id or 0),
        details=details,
        more=[(_("Add a sub-goal"), add_subgoal),
              (_("Activities of a goal"), lambda goal: activities(ctx, goal))],
    ))


def activities(ctx: Context, goal: Goal) -> None:
    repo = ctx.toolbox.goals

    def update(activity: Activity) -> None:
        was_done = repo.get_activity(activity.id or 0).done
        repo.update_activity(activity)
        if activity.done != was_done:
            repo.set_activity_done(activity.id or 0, activity.done)

    def toggle(activity: Activity) -> None:
        ticked = repo.set_activity_done(activity.id or 0, not activity.done)
        ctx.console.say(activity_label(ticked))

    run_records(ctx, Records[Activity](
        title=_("Activities for {goal}").format(goal=goal.title),
        heading=lambda n: ngettext("{n} activity.", "{n} activities.", n).format(n=n),
        items=lambda: repo.activities(goal.id),
        label=activity_label,
        fields=ACTIVITY_FIELDS,
        new=lambda: Activity(goal_id=goal.id or 0, title=""),
        add=repo.add_activity,
        update=update,
        delete=lambda a: repo.delete_activity(a.id or 0),
        more=[(_("Tick off, or open again"), toggle)],
    ))
