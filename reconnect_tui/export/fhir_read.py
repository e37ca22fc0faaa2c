"""Read a bundle written by ``export/fhir.py`` back into our model (``FhirSource``).

The other half of the round trip: what the person wrote comes back field by field, which is how
the tests prove the export loses nothing. It reads our own bundles (the codes and extensions
``fhir.py`` writes), not any FHIR document.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..model import (
    Activity,
    CrisisPlan,
    Goal,
    Helper,
    LifeDomain,
    Medication,
    Registration,
    RegistrationParameter,
    ServiceContact,
    StatusEntry,
)
from .fhir import (
    CRISIS_SECTION_SYSTEM,
    DOMAIN_PART_SYSTEM,
    DONE_AT_EXT,
    FIELD_EXT,
    GOAL_RELATIONSHIP_EXT,
    MODULE_SYSTEM,
    PRESCRIBED_EXT,
    SCALE_EXT,
)
from .fhir_source import (
    DomainRecord,
    FeedbackEntry,
    FhirSource,
    GoalNode,
    RegistrationRecord,
)

Resource = dict[str, Any]


def read_bundle(bundle: Resource) -> FhirSource:
    """The model objects a bundle holds (ids are not kept: the bundle has none of ours)."""
    by_url = {e["fullUrl"]: e["resource"] for e in bundle.get("entry", [])}
    composition = bundle["entry"][0]["resource"]
    patient = by_url[composition["subject"]["reference"]]
    source = FhirSource(name=patient["name"][0]["text"])
    modules = []
    for section in composition.get("section", []):
        module = _code(section.get("code"), MODULE_SYSTEM) or ""
        modules.append(module)
        resources = [by_url[ref["reference"]] for ref in section.get("entry", [])]
        _READERS[module](source, resources, by_url)
    source.modules = tuple(modules)
    return source


def _code(concept: Resource | None, system: str) -> str | None:
    for coding in (concept or {}).get("coding", []):
        if coding.get("system") == system:
            code = coding.get("code")
            return None if code is None else str(code)
    return None


def _field(annotations: list[Resource] | None, field: str) -> str:
    for annotation in annotations or []:
        if any(e["url"] == FIELD_EXT and e.get("valueCode") == field
               for e in annotation.get("extension", [])):
            return str(annotation["text"])
    return ""


def _extension(resource: Resource, url: str) -> Resource | None:
    return next((e for e in resource.get("extension", []) if e["url"] == url), None)


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _required_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _goals(source: FhirSource, resources: list[Resource], by_url: dict[str, Resource]) -> None:
    goals = [r for r in resources if r["resourceType"] == "Goal"]
    plan = next((r for r in resources if r["resourceType"] == "CarePlan"), {})
    url_of = {id(by_url[u]): u for u in by_url}
    nodes: dict[str, GoalNode] = {}
    children: set[str] = set()
    for resource in goals:
        url = url_of[id(resource)]
        done = resource["lifecycleStatus"] == "completed"
        due = (resource.get("target") or [{}])[0].get("dueDate")
        goal = Goal(title=resource["description"]["text"], why=_field(resource.get("note"), "why"),
                    due=_date(due), done=done, notes=_field(resource.get("note"), "notes"))
        domain = (resource.get("category") or [{}])[0].get("text", "")
        nodes[url] = GoalNode(goal, domain)
    for resource in goals:
        for relation in resource.get("extension", []):
            if relation["url"] != GOAL_RELATIONSHIP_EXT:
                continue
            target = next(e["valueReference"]["reference"] for e in relation["extension"]
                          if e["url"] == "target")
            nodes[url_of[id(resource)]].sub_goals.append(nodes[target])
            children.add(target)
    for activity in plan.get("activity", []):
        detail = activity["detail"]
        done_at = _extension(detail, DONE_AT_EXT)
        nodes[detail["goal"][0]["reference"]].activities.append(Activity(
            goal_id=0, title=detail["description"],
            scheduled_on=_date(detail.get("scheduledPeriod", {}).get("start")),
            done=detail["status"] == "completed",
            done_at=_datetime(done_at["valueDateTime"]) if done_at else None,
            notes=_field(activity.get("progress"), "notes")))
    source.goals = [node for url, node in nodes.items() if url not in children]


def _crisis_plan(source: FhirSource, resources: list[Resource], _by_url: Any) -> None:
    plan = next((r for r in resources if r["resourceType"] == "CarePlan"), None)
    if plan is None:
        source.crisis_plan = CrisisPlan()
        return
    result = CrisisPlan(updated_at=_datetime(plan.get("created")))
    contained = {f"#{r['id']}": r for r in plan.get("contained", [])}
    for annotation in plan.get("note", []):
        key = next(e["valueCode"] for e in annotation["extension"] if e["url"] == FIELD_EXT)
        setattr(result, key, annotation["text"])
    for activity in plan.get("activity", []):
        detail = activity["detail"]
        key = _code(detail.get("code"), CRISIS_SECTION_SYSTEM)
        if key in ("helpers", "professionals"):
            for performer in detail.get("performer", []):
                who = contained[performer["reference"]]
                phone = next((t["value"] for t in who.get("telecom", [])), "")
                if key == "helpers":
                    result.helpers.append(Helper(who.get("name", [{}])[0].get("text", ""), phone))
                else:
                    result.professionals.append(ServiceContact(
                        who.get("practitioner", {}).get("display", ""), phone,
                        (who.get("code") or [{}])[0].get("text", "")))
        elif key:
            setattr(result, key, detail.get("description", ""))
    source.crisis_plan = result


def _medications(source: FhirSource, resources: list[Resource], _by_url: Any) -> None:
    for r in resources:
        dosage = (r.get("dosage") or [{}])[0]
        prescribed = _extension(r, PRESCRIBED_EXT)
        source.medications.append(Medication(
            name=r["medicationCodeableConcept"]["text"],
            prescribed=prescribed["valueBoolean"] if prescribed else True,
            dose=dosage.get("text", ""),
            schedule=dosage.get("timing", {}).get("code", {}).get("text", ""),
            intended_effect=(r.get("reasonCode") or [{}])[0].get("text", ""),
            experiences=_field(r.get("note"), "experiences"),
            questions=_field(r.get("note"), "questions")))


def _registrations(source: FhirSource, resources: list[Resource], _by_url: Any) -> None:
    records: dict[str, RegistrationRecord] = {}
    for r in resources:
        name = r["code"]["text"]
        scale = (_extension(r, SCALE_EXT) or {}).get("valueRange", {})
        quantity = r["valueQuantity"]
        record = records.setdefault(name, RegistrationRecord(RegistrationParameter(
            name=name, unit=quantity.get("unit", ""),
            minimum=scale.get("low", {}).get("value", 0),
            maximum=scale.get("high", {}).get("value", 10))))
        record.values.append(Registration(0, date.fromisoformat(r["effectiveDateTime"]),
                                          quantity["value"]))
    source.registrations = list(records.values())


def _parts(observation: Resource) -> dict[str, str]:
    return {_code(c["code"], DOMAIN_PART_SYSTEM) or "": c.get("valueString", "")
            for c in observation.get("component", [])}


def _life_domains(source: FhirSource, resources: list[Resource],
                  by_url: dict[str, Resource]) -> None:
    for r in resources:
        parts = _parts(r)
        domain = LifeDomain(name=r["code"]["text"], status=parts.get("status", ""),
                            rating=r.get("valueInteger"), helps=parts.get("helps", ""),
                            hinders=parts.get("hinders", ""),
                            updated_at=_datetime(r.get("effectiveDateTime")))
        history = [by_url[m["reference"]] for m in r.get("hasMember", [])]
        source.life_domains.append(DomainRecord(domain, [
            StatusEntry(_parts(h).get("status", ""), h.get("valueInteger"),
                        _required_datetime(h["effectiveDateTime"]))
            for h in history]))


def _feedback(source: FhirSource, resources: list[Resource], _by_url: Any) -> None:
    for r in resources:
        if r["resourceType"] != "QuestionnaireResponse":
            continue
        answers = {i["linkId"]: i["answer"][0] for i in r.get("item", [])}
        source.feedback.append(FeedbackEntry(
            answers.get("with", {}).get("valueString", ""),
            {k: a["valueInteger"] for k, a in answers.items() if k != "with"},
            _required_datetime(r["authored"])))


_READERS = {
    "goals": _goals,
    "crisis-plan": _crisis_plan,
    "medications": _medications,
    "registrations": _registrations,
    "life-domains": _life_domains,
    "feedback": _feedback,
}
