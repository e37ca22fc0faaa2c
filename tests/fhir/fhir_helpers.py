"""Helpers for the FHIR tests: a toolbox with a unique marker in every module, and checks that
a bundle is valid FHIR (``fhir.resources``' R4B models) whose references all resolve inside it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from reconnect_tui.model import (
    Activity,
    DiaryEntry,
    Exercise,
    Goal,
    Helper,
    LifeDomain,
    Medication,
    Person,
    RegistrationParameter,
    ServiceContact,
)
from reconnect_tui.store import Toolbox

MARKERS: dict[str, str] = {
    "goals": "GOALMARKER",
    "crisis-plan": "CRISISMARKER",
    "medications": "MEDMARKER",
    "registrations": "REGMARKER",
    "life-domains": "DOMAINMARKER",
    "feedback": "Dr Lind",  # the provider the feedback is about: only feedback names them
}
"""A string only that module's content holds."""
NEVER_EXPORTED = ("DIARYMARKER", "NETWORKMARKER", "WHATMATTERSMARKER", "EXERCISEMARKER")


def fill(toolbox: Toolbox) -> None:
    """Write something with its module's marker into every module of the toolbox."""
    domain = toolbox.domains.add(LifeDomain(name="Work DOMAINMARKER", status="Part time",
                                            rating=6, helps="A calm boss", hinders="Noise"))
    domain.rating, domain.status = 7, "Three days a week"
    toolbox.domains.update(domain)
    goal = toolbox.goals.add(Goal(title="Swim GOALMARKER", why="To sleep better",
                                  due=date(2027, 3, 1), notes="Pool opens at 7"))
    sub = toolbox.goals.add(Goal(title="Buy goggles GOALMARKER", parent_id=goal.id, done=True))
    toolbox.goals.add_activity(Activity(goal.id, "Swim 20 minutes GOALMARKER",
                                        scheduled_on=date(2027, 1, 10), notes="Bring a towel"))
    done = toolbox.goals.add_activity(Activity(sub.id, "Visit the shop GOALMARKER"))
    toolbox.goals.set_activity_done(done.id)
    plan = toolbox.crisis_plan.get()
    toolbox.crisis_plan.save(replace(
        plan,
        warning_signs="I stop eating CRISISMARKER\nI stay in bed",
        triggers="Arguments at home",
        self_help="Walk the dog CRISISMARKER",
        distractions="Music",
        helpers=[Helper("Anna CRISISMARKER", "+47 911 22 333")],
        professionals=[ServiceContact("DPS crisis team", "+47 22 00 00 00", "Night nurse")],
        safe_surroundings="Give my pills to Anna",
        how_to_meet_me="Speak calmly",
        treatment_wishes="No injections",
        reasons_for_living="My daughter CRISISMARKER",
    ))
    toolbox.medications.add(Medication("Sertraline MEDMARKER", dose="50 mg",
                                       schedule="every morning", intended_effect="Less anxiety",
                                       experiences="Dry mouth MEDMARKER", questions="Can I stop?"))
    toolbox.medications.add(Medication("Melatonin", prescribed=False, dose="3 mg"))
    sleep = toolbox.registrations.add(RegistrationParameter("Sleep REGMARKER", unit="hours",
                                                            minimum=0, maximum=14))
    toolbox.registrations.record(sleep.id, date(2026, 11, 1), 6.5)
    toolbox.registrations.record(sleep.id, date(2026, 11, 2), 8)
    toolbox.network.add(Person("Uncle NETWORKMARKER", phone="+47 400 00 000"))
    toolbox.what_matters.set("My garden WHATMATTERSMARKER")
    toolbox.diary.add(DiaryEntry("A bad day DIARYMARKER", datetime(2026, 11, 3, tzinfo=UTC)))
    exercise = toolbox.exercises.add(Exercise("Breathing EXERCISEMARKER", body="In, out"))
    toolbox.exercises.log(exercise.id, note="calmer EXERCISEMARKER")


REQUIRED_CODES: dict[tuple[str, str], set[str]] = {
    ("Composition", "status"): {"preliminary", "final", "amended", "entered-in-error"},
    ("Goal", "lifecycleStatus"): {"proposed", "planned", "accepted", "active", "on-hold",
                                  "completed", "cancelled", "entered-in-error", "rejected"},
    ("CarePlan", "status"): {"draft", "active", "on-hold", "revoked", "completed",
                             "entered-in-error", "unknown"},
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
    ("MedicationStatement", "status"): {"active", "completed", "entered-in-error", "intended",
                                        "stopped", "on-hold", "unknown", "not-taken"},
    ("Observation", "status"): {"registered", "preliminary", "final", "amended"},
    ("QuestionnaireResponse", "status"): {"in-progress", "completed", "amended",
                                          "entered-in-error", "stopped"},
    ("Questionnaire", "status"): {"draft", "active", "retired", "unknown"},
    ("DocumentReference", "status"): {"current", "superseded", "entered-in-error"},
}
ACTIVITY_STATUS = {"not-started", "scheduled", "in-progress", "on-hold", "completed",
                   "cancelled", "stopped", "unknown", "entered-in-error"}


def validate(bundle: dict[str, Any]) -> Any:
    """Parse with fhir.resources (R4B models, the same resources as R4): raises when invalid.

    fhir.resources checks structure and types, not the required code bindings nor FHIR's "no
    empty strings": those are checked here for what the export writes."""
    from fhir.resources.R4B.bundle import Bundle

    parsed = Bundle.model_validate(bundle)
    assert not empties(bundle), "FHIR has no empty strings, lists or objects"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        for (kind, key), allowed in REQUIRED_CODES.items():
            if resource["resourceType"] == kind:
                assert resource[key] in allowed, (kind, key, resource[key])
        for activity in resource.get("activity", []):
            assert activity["detail"]["status"] in ACTIVITY_STATUS
    return parsed


def empties(value: Any) -> list[Any]:
    """Every empty string, list or object anywhere in ``value``."""
    if value in ("", [], {}):
        return [value]
    if isinstance(value, dict):
        return [e for item in value.values() for e in empties(item)]
    if isinstance(value, list):
        return [e for item in value for e in empties(item)]
    return []


def references(value: Any) -> list[str]:
    """Every ``reference`` string anywhere in ``value``."""
    found: list[str] = []
    if isinstance(value, dict):
        if isinstance(value.get("reference"), str):
            found.append(value["reference"])
        for item in value.values():
            found += references(item)
    elif isinstance(value, list):
        for item in value:
            found += references(item)
    return found


def unresolved(bundle: dict[str, Any]) -> list[str]:
    """References that point nowhere in the bundle (``#id``: nowhere in their own resource);
    canonical questionnaire references must name a Questionnaire of the bundle."""
    urls = {e["fullUrl"] for e in bundle["entry"]}
    missing = []
    questionnaires = {f"{e['resource']['url']}|{e['resource']['version']}"
                      for e in bundle["entry"] if e["resource"]["resourceType"] == "Questionnaire"}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        local = {f"#{c['id']}" for c in resource.get("contained", [])}
        for ref in references(resource):
            if ref not in urls and ref not in local:
                missing.append(ref)
        if resource["resourceType"] == "QuestionnaireResponse" and (
                resource["questionnaire"] not in questionnaires):
            missing.append(resource["questionnaire"])
    return missing


def text_of(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, ensure_ascii=False)
