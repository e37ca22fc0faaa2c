"""What a FHIR export holds, as our own model objects, read through the repositories.

``gather`` reads only the modules chosen (never the others), so nothing of a module the person
did not tick is even loaded. The FHIR reader (``fhir_read.py``) gives back the same shapes, which
is how the round trip is tested. Headless: no Textual, no SQL here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import ReconnectError
from ..i18n import _
from ..model import (
    Activity,
    CrisisPlan,
    Goal,
    LifeDomain,
    Medication,
    Registration,
    RegistrationParameter,
    StatusEntry,
)
from ..store.toolbox import Toolbox

FHIR_MODULES: tuple[str, ...] = (
    "goals",
    "crisis-plan",
    "medications",
    "registrations",
    "life-domains",
    "feedback",
)
"""Modules a FHIR export can hold, named as in sharing and the export format, in bundle order."""

SHAREABLE_FHIR_MODULES: tuple[str, ...] = tuple(m for m in FHIR_MODULES if m != "feedback")
"""What a provider can export of what a user shares (feedback is never shared)."""


class UnknownModule(ReconnectError):
    """``--only`` named no module, or one the FHIR export does not know."""


def check_modules(names: Iterable[str]) -> tuple[str, ...]:
    """The chosen modules in bundle order; raises ``UnknownModule`` naming the choices."""
    chosen = {n.strip() for n in names if n.strip()}
    unknown = sorted(chosen - set(FHIR_MODULES))
    if unknown or not chosen:
        what = (_("Unknown module {names}.").format(names=", ".join(unknown)) if unknown
                else _("Choose at least one module."))
        raise UnknownModule(what + " " + _("Modules: {names}.").format(
            names=", ".join(FHIR_MODULES)))
    return tuple(m for m in FHIR_MODULES if m in chosen)


@dataclass
class GoalNode:
    """A goal with its activities and sub-goals; ``domain`` is its life domain's name."""

    goal: Goal
    domain: str = ""
    activities: list[Activity] = field(default_factory=list)
    sub_goals: list[GoalNode] = field(default_factory=list)


@dataclass
class DomainRecord:
    domain: LifeDomain
    history: list[StatusEntry] = field(default_factory=list)


@dataclass
class RegistrationRecord:
    parameter: RegistrationParameter
    values: list[Registration] = field(default_factory=list)


@dataclass
class FeedbackEntry:
    """Feedback the person gave on the working relationship with ``partner``."""

    partner: str
    scores: dict[str, int]
    given_at: datetime


@dataclass
class FhirSource:
    """Everything one export holds; modules not chosen stay empty (``None`` for the plan)."""

    name: str
    locale: str = "NO"
    modules: tuple[str, ...] = ()
    goals: list[GoalNode] = field(default_factory=list)
    crisis_plan: CrisisPlan | None = None
    medications: list[Medication] = field(default_factory=list)
    registrations: list[RegistrationRecord] = field(default_factory=list)
    life_domains: list[DomainRecord] = field(default_factory=list)
    feedback: list[FeedbackEntry] = field(default_factory=list)


def gather(toolbox: Toolbox, modules: Iterable[str]) -> FhirSource:
    """Read the chosen ``modules`` of ``toolbox`` (a vault or a provider's read-only view)."""
    chosen = check_modules(modules)
    profile = toolbox.profile.get()
    source = FhirSource(name=profile.name, locale=profile.locale, modules=chosen)
    if "goals" in chosen:
        source.goals = _goal_tree(toolbox)
    if "crisis-plan" in chosen:
        source.crisis_plan = toolbox.crisis_plan.get()
    if "medications" in chosen:
        source.medications = toolbox.medications.list()
    if "registrations" in chosen:
        source.registrations = [RegistrationRecord(p, toolbox.registrations.values(p.id or 0))
                                for p in toolbox.registrations.list()]
    if "life-domains" in chosen:
        source.life_domains = [DomainRecord(d, toolbox.domains.history(d.id or 0))
                               for d in toolbox.domains.list()]
    if "feedback" in chosen:
        source.feedback = _feedback(toolbox)
    return source


def _goal_tree(toolbox: Toolbox) -> list[GoalNode]:
    domains = {d.id: d.name for d in toolbox.domains.list(include_hidden=True)}
    activities: dict[int, list[Activity]] = {}
    for activity in toolbox.goals.activities():
        activities.setdefault(activity.goal_id, []).append(activity)
    nodes = {g.id: GoalNode(g, domains.get(g.domain_id, ""), activities.get(g.id or 0, []))
             for g in toolbox.goals.list()}
    roots: list[GoalNode] = []
    for node in nodes.values():
        parent = nodes.get(node.goal.parent_id) if node.goal.parent_id is not None else None
        (parent.sub_goals if parent is not None else roots).append(node)
    return roots


def _feedback(toolbox: Toolbox) -> list[FeedbackEntry]:
    """The feedback this person gave, to every partner (what a partner gave is theirs)."""
    from ..store.repositories.agreements import AgreementRepository
    from ..store.repositories.dyads import DyadRepository

    agreements = AgreementRepository(toolbox.vault)
    found = []
    for partner in DyadRepository(toolbox.vault).partners():
        found += [FeedbackEntry(partner.name, dict(r.scores), r.given_at)
                  for r in agreements.feedback(partner.id) if r.from_me]
    return sorted(found, key=lambda f: f.given_at)
