"""The person's chosen parts of the toolbox as a FHIR R4 ``Bundle`` of type ``document``.

Built as plain dicts (JSON-ready) from our model objects (``fhir_source.gather``): the runtime
needs no FHIR library; the tests validate every bundle with ``fhir.resources``. Every resource
id is a fresh UUID, every ``fullUrl`` its ``urn:uuid:``, and every reference points inside the
bundle (or, ``#id``, inside its own resource). Standard codes are used only where one fits
exactly; otherwise a ``CodeableConcept.text`` carries the person's own words. Where FHIR has no
element for one of our fields, it goes in an extension or coding of our own
(``urn:reconnect:fhir:…``), so the bundle reads back into our model losing nothing
(``fhir_read.py``). The mapping, and what is left out, is in docs/fhir.md.

Only the modules chosen are read and written: a module that was not ticked leaves no trace.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

from .. import text_safety
from ..i18n import N_, _, ngettext
from ..store.share_snapshots import module_title
from ..store.toolbox import Toolbox
from .document import SectionContent, build_document, clean_line, clean_text, contact_text
from .fhir_source import (
    FHIR_MODULES,
    SHAREABLE_FHIR_MODULES,
    DomainRecord,
    FeedbackEntry,
    FhirSource,
    GoalNode,
    RegistrationRecord,
    UnknownModule,
    check_modules,
    gather,
)

OWN = "urn:reconnect:fhir"
"""Prefix of our own code systems and extensions (documented in docs/fhir.md)."""
MODULE_SYSTEM = f"{OWN}:module"
"""Composition.section.code: which of our modules a section holds."""
FIELD_EXT = f"{OWN}:field"
"""On an Annotation: which of our fields its text is (valueCode)."""
CRISIS_SECTION_SYSTEM = f"{OWN}:crisis-plan-section"
"""Crisis plan sections (the keys of ``export.document.CRISIS_PLAN_SECTIONS``)."""
DOMAIN_PART_SYSTEM = f"{OWN}:life-domain"
"""Observation.component codes of a life domain: status, helps, hinders."""
PRESCRIBED_EXT = f"{OWN}:prescribed"
DONE_AT_EXT = f"{OWN}:done-at"
SCALE_EXT = f"{OWN}:scale"
"""A registration's own scale (its minimum and maximum) as valueRange."""
FEEDBACK_QUESTIONNAIRE = f"{OWN}:questionnaire:relationship-feedback"
FEEDBACK_VERSION = "1"

GOAL_RELATIONSHIP_EXT = "http://hl7.org/fhir/StructureDefinition/goal-relationship"
GOAL_RELATIONSHIP_SYSTEM = "http://hl7.org/fhir/goal-relationship-type"
GOAL_ACHIEVEMENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/goal-achievement"
EMPTY_REASON_SYSTEM = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
XHTML = "http://www.w3.org/1999/xhtml"

CRISIS_ACTIVITY_SECTIONS = frozenset(
    {"self_help", "distractions", "safe_surroundings", "helpers", "professionals"}
)
"""Crisis plan sections that are things to do (CarePlan.activity); the others are notes."""

FEEDBACK_SCALES: tuple[tuple[str, str], ...] = (
    ("heard", N_("I felt heard")),
    ("matters", N_("We worked on what matters to me")),
    ("way", N_("The way we worked suited me")),
    ("overall", N_("Overall")),
)
"""The four 0-10 scales of docs/agreement.md, English source text."""

DOMAIN_PARTS: tuple[tuple[str, str], ...] = (
    ("status", N_("Status")),
    ("helps", N_("What helps")),
    ("hinders", N_("What hinders")),
)

JSON_MEDIA_TYPE = "application/fhir+json"


def default_filename() -> str:
    """A file name for ``-o`` left out: no personal data in it."""
    return "reconnect-fhir.json"


def module_label(module: str) -> str:
    """A module's name as the person reads it (translated)."""
    if module == "feedback":
        return _("Feedback on the working relationship")
    return module_title(module)


def export_fhir(toolbox: Toolbox, modules: Iterable[str], *,
                now: datetime | None = None) -> dict[str, Any]:
    """The FHIR document Bundle of the chosen ``modules`` of ``toolbox`` (plain dicts)."""
    return build_bundle(gather(toolbox, modules), now=now)


def dumps(bundle: dict[str, Any]) -> bytes:
    """The bundle as compact UTF-8 JSON with a newline at the end.

    Compact on purpose: Python's JSON encoder is several times slower when indenting, and a
    ten-year record is a 10 MB bundle (bench/fhir.py); ``python -m json.tool`` pretty-prints it.
    """
    return (json.dumps(bundle, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def build_bundle(source: FhirSource, *, now: datetime | None = None,
                 new_id: Callable[[], str] | None = None) -> dict[str, Any]:
    """The Bundle for ``source``: Composition first, then Patient, then each module's resources.

    ``now`` dates the document (the export time); ``new_id`` makes resource ids (UUIDs).
    """
    builder = _Builder(source, (now or datetime.now(UTC)).astimezone(UTC),
                       new_id or (lambda: str(uuid.uuid4())))
    return builder.bundle()


# -- small pieces ------------------------------------------------------------------------------


def text(value: str | None) -> str | None:
    """The person's text, safe for a FHIR string and any screen that shows it
    (``text_safety.clean_text``, as in every export: no escape sequence, control character or
    bidi override; newlines kept); ``None`` when nothing is written (FHIR has no empty strings).
    """
    if not value:
        return None
    cleaned = clean_text(value)
    return cleaned if cleaned.strip() else None


def line(value: str | None) -> str | None:
    """A label on one line (a unit, a life domain), as printed; ``None`` when empty."""
    cleaned = clean_line(value or "")
    return cleaned or None


def person_name(value: str | None) -> str | None:
    """A person's name (the Patient, a partner): ``text_safety.clean_label``, so an invisible
    character in it shows as ``<U+XXXX>`` instead of making it look like another name."""
    cleaned = " ".join(text_safety.clean_label(value or "").split())
    return cleaned or None


def prune(value: Any) -> Any:
    """Drop ``None``, empty strings, lists and objects, recursively (FHIR forbids empties);
    ``False`` and ``0`` stay."""
    if type(value) is dict:
        kept = {}
        for key, item in value.items():
            item = _pruned(item)
            if item is not _EMPTY:
                kept[key] = item
        return kept
    if type(value) is list:
        return [item for item in map(_pruned, value) if item is not _EMPTY]
    return value


_EMPTY = object()


def _pruned(item: Any) -> Any:
    kind = type(item)
    if kind is dict or kind is list:
        item = prune(item)
        return item if item else _EMPTY
    return _EMPTY if item is None or (kind is str and not item) else item


def when(moment: datetime | date | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).isoformat()
    return moment.isoformat()


def concept(words: str | None, *, system: str | None = None, code: str | None = None,
            display: str | None = None) -> dict[str, Any] | None:
    """A CodeableConcept: the person's (or our) words, with a coding only when given."""
    coding = [{"system": system, "code": code, "display": display}] if code else []
    result = prune({"coding": coding, "text": words})
    return result or None


def note(field: str, value: str | None, time: datetime | None = None) -> dict[str, Any] | None:
    """An Annotation holding one of our text fields, marked with which one."""
    words = text(value)
    if words is None:
        return None
    return {"extension": [{"url": FIELD_EXT, "valueCode": field}], "time": when(time),
            "text": words}


def narrative(summary: str) -> dict[str, str]:
    return {"status": "generated",
            "div": f'<div xmlns="{XHTML}"><p>{html.escape(summary)}</p></div>'}


# -- the bundle --------------------------------------------------------------------------------


class _Builder:
    def __init__(self, source: FhirSource, now: datetime, new_id: Callable[[], str]) -> None:
        self.source = source
        self.now = now
        self.new_id = new_id
        self.entries: list[dict[str, Any]] = []
        self.patient = self.add({"resourceType": "Patient",
                                 "name": [{"text": person_name(source.name) or _("(no name)")}]})

    def add(self, resource: dict[str, Any]) -> dict[str, str]:
        """Put ``resource`` in the bundle with a new id; the reference to it."""
        ref = self.new_ref()
        self.add_with_ref(ref, resource)
        return ref

    def bundle(self) -> dict[str, Any]:
        sections = [self.section(module) for module in self.source.modules]
        title = _("ReConnect: what {name} chose to share").format(
            name=person_name(self.source.name) or _("(no name)"))
        composition_id = self.new_id()
        composition = prune({
            "resourceType": "Composition",
            "id": composition_id,
            "status": "final",
            "type": {"text": _("Personal recovery record (ReConnect)")},
            "subject": self.patient,
            "date": when(self.now),
            "author": [self.patient],
            "title": title,
            "confidentiality": "R",
            "section": sections,
        })
        document_id = self.new_id()
        return {
            "resourceType": "Bundle",
            "id": document_id,
            "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{document_id}"},
            "type": "document",
            "timestamp": when(self.now),
            "entry": [{"fullUrl": f"urn:uuid:{composition_id}", "resource": composition},
                      *self.entries],
        }

    def section(self, module: str) -> dict[str, Any]:
        refs = _MODULE_BUILDERS[module](self)
        title = module_label(module)
        count = len(refs)
        summary = (ngettext("{n} entry", "{n} entries", count).format(n=count) if count
                   else _("Nothing written yet."))
        section: dict[str, Any] = {
            "title": title,
            "code": concept(title, system=MODULE_SYSTEM, code=module),
            "text": narrative(summary),
            "entry": refs,
        }
        if not refs:
            section["emptyReason"] = concept(_("Nothing written yet."),
                                             system=EMPTY_REASON_SYSTEM, code="nilknown",
                                             display="Nil Known")
        return section

    # -- goals ---------------------------------------------------------------------------------

    def goals(self) -> list[dict[str, str]]:
        refs: list[dict[str, str]] = []
        activities: list[dict[str, Any]] = []
        for node in self.source.goals:
            self.goal(node, refs, activities)
        if not refs:
            return []
        plan = self.add({
            "resourceType": "CarePlan",
            "status": "active",
            "intent": "plan",
            "category": [{"text": _("Goals and activities")}],
            "title": _("Goals and activities"),
            "subject": self.patient,
            "author": self.patient,
            "goal": refs,
            "activity": activities,
        })
        return [*refs, plan]

    def goal(self, node: GoalNode, refs: list[dict[str, str]],
             activities: list[dict[str, Any]]) -> dict[str, str]:
        """Add ``node`` and its sub-goals (refs in tree order: a goal, then its sub-goals)."""
        goal = node.goal
        ref = self.new_ref()
        refs.append(ref)
        children = [self.goal(child, refs, activities) for child in node.sub_goals]
        done = goal.done
        self.add_with_ref(ref, {
            "resourceType": "Goal",
            "extension": [
                {"url": GOAL_RELATIONSHIP_EXT, "extension": [
                    {"url": "type", "valueCodeableConcept": concept(
                        _("sub-goal"), system=GOAL_RELATIONSHIP_SYSTEM, code="milestone",
                        display="Milestone")},
                    {"url": "target", "valueReference": child},
                ]} for child in children],
            "lifecycleStatus": "completed" if done else "active",
            "achievementStatus": concept(_("achieved"), system=GOAL_ACHIEVEMENT_SYSTEM,
                                         code="achieved", display="Achieved") if done else None,
            "category": [concept(line(node.domain))],
            "description": {"text": text(goal.title) or _("(no title)")},
            "subject": self.patient,
            "target": [{"dueDate": when(goal.due)}],
            "note": [note("why", goal.why), note("notes", goal.notes)],
        })
        for activity in node.activities:
            status = ("completed" if activity.done
                      else "scheduled" if activity.scheduled_on else "not-started")
            activities.append({
                "progress": [note("notes", activity.notes)],
                "detail": {
                    "extension": [{"url": DONE_AT_EXT, "valueDateTime": when(activity.done_at)}]
                    if activity.done_at else [],
                    "goal": [ref],
                    "status": status,
                    "scheduledPeriod": {"start": when(activity.scheduled_on)},
                    "description": text(activity.title) or _("(no title)"),
                },
            })
        return ref

    # -- crisis plan ---------------------------------------------------------------------------

    def crisis_plan(self) -> list[dict[str, str]]:
        plan = self.source.crisis_plan
        if plan is None or plan.is_empty():
            return []
        from .pdf import render_pdf  # fpdf2 loads only when the crisis plan is exported
        from .text import layout_text

        doc = build_document(plan, self.source.name, self.source.locale)
        pdf = render_pdf(plan, self.source.name, self.source.locale)
        notes: list[dict[str, Any] | None] = []
        activities: list[dict[str, Any]] = []
        contained: list[dict[str, Any]] = []
        for section in doc.sections:
            if not section.filled:
                continue
            code = concept(section.title, system=CRISIS_SECTION_SYSTEM, code=section.spec.key,
                           display=section.spec.title)
            if section.spec.kind != "text":
                activities.append(self.contacts(section, code, contained))
            elif section.spec.key in CRISIS_ACTIVITY_SECTIONS:
                activities.append({"detail": {"code": code, "status": "not-started",
                                              "description": "\n".join(section.lines)}})
            else:
                notes.append({"extension": [{"url": FIELD_EXT, "valueCode": section.spec.key}],
                              "text": "\n".join(section.lines)})
        plan_ref = self.new_ref()
        document = self.add({
            "resourceType": "DocumentReference",
            "status": "current",
            "docStatus": "final",
            "type": {"text": _("Crisis plan (PDF)")},
            "subject": self.patient,
            "date": when(self.now),
            "author": [self.patient],
            "description": doc.title,
            "content": [{"attachment": {
                "contentType": "application/pdf",
                "data": base64.b64encode(pdf).decode("ascii"),
                "size": len(pdf),
                "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),
                "title": doc.title,
                "creation": when(self.now),
            }}],
            "context": {"related": [plan_ref]},
        })
        self.add_with_ref(plan_ref, {
            "resourceType": "CarePlan",
            "contained": contained,
            "status": "active",
            "intent": "plan",
            "category": [{"text": _("Crisis plan (safety plan)")}],
            "title": doc.title,
            "description": layout_text(doc),
            "subject": self.patient,
            "created": when(plan.updated_at),
            "author": self.patient,
            "supportingInfo": [document],
            "activity": activities,
            "note": notes,
        })
        return [plan_ref, document]

    def contacts(self, section: SectionContent, code: dict[str, Any] | None,
                 contained: list[dict[str, Any]]) -> dict[str, Any]:
        """One activity for the helpers (or the professionals), each a contained resource."""
        performers = []
        for contact in section.contacts:
            local = f"{section.spec.key}-{len(contained) + 1}"
            telecom = [{"system": "phone", "value": contact.phone}] if contact.phone else []
            if section.spec.key == "helpers":
                contained.append({"resourceType": "RelatedPerson", "id": local,
                                  "patient": self.patient, "name": [{"text": contact.name}],
                                  "telecom": telecom})
            else:
                contained.append({"resourceType": "PractitionerRole", "id": local,
                                  "practitioner": {"display": contact.name},
                                  "code": [{"text": contact.role}], "telecom": telecom})
            performers.append({"reference": f"#{local}", "display": contact_text(contact)})
        return {"detail": {
            "code": code, "status": "not-started", "performer": performers,
            "description": "\n".join(contact_text(c) for c in section.contacts)}}

    def new_ref(self) -> dict[str, str]:
        """A reference to a resource added later (``add_with_ref``): for two that name each
        other."""
        return {"reference": f"urn:uuid:{self.new_id()}"}

    def add_with_ref(self, ref: dict[str, str], resource: dict[str, Any]) -> None:
        resource_id = ref["reference"].removeprefix("urn:uuid:")
        resource = prune({"resourceType": resource["resourceType"], "id": resource_id,
                          **{k: v for k, v in resource.items() if k != "resourceType"}})
        self.entries.append({"fullUrl": ref["reference"], "resource": resource})

    # -- medications ---------------------------------------------------------------------------

    def medications(self) -> list[dict[str, str]]:
        return [self.add({
            "resourceType": "MedicationStatement",
            "extension": [{"url": PRESCRIBED_EXT, "valueBoolean": m.prescribed}],
            "status": "active",
            "medicationCodeableConcept": {"text": text(m.name) or _("(no name)")},
            "subject": self.patient,
            "informationSource": self.patient,
            "reasonCode": [concept(text(m.intended_effect))],
            "note": [note("experiences", m.experiences), note("questions", m.questions)],
            "dosage": [{"text": text(m.dose),
                        "timing": {"code": concept(text(m.schedule))}}],
        }) for m in self.source.medications]

    # -- registrations -------------------------------------------------------------------------

    def registrations(self) -> list[dict[str, str]]:
        refs = []
        for record in self.source.registrations:
            refs += [self.registration(record, value.day, value.value) for value in record.values]
        return refs

    def registration(self, record: RegistrationRecord, day: date, value: float) -> dict[str, str]:
        parameter = record.parameter
        unit = line(parameter.unit)
        return self.add({
            "resourceType": "Observation",
            "extension": [{"url": SCALE_EXT, "valueRange": {
                "low": {"value": parameter.minimum, "unit": unit},
                "high": {"value": parameter.maximum, "unit": unit}}}],
            "status": "final",
            "code": {"text": text(parameter.name) or _("(no name)")},
            "subject": self.patient,
            "effectiveDateTime": when(day),
            "valueQuantity": {"value": value, "unit": unit},
        })

    # -- life domains --------------------------------------------------------------------------

    def life_domains(self) -> list[dict[str, str]]:
        return [self.domain(record) for record in self.source.life_domains]

    def domain(self, record: DomainRecord) -> dict[str, str]:
        domain = record.domain
        name = text(domain.name) or _("(no name)")
        history = [self.add({
            "resourceType": "Observation",
            "status": "final",
            "code": {"text": name},
            "subject": self.patient,
            "effectiveDateTime": when(entry.recorded_at),
            "valueInteger": entry.rating,
            "component": self.parts({"status": entry.status}),
        }) for entry in record.history]
        return self.add({
            "resourceType": "Observation",
            "status": "final",
            "code": {"text": name},
            "subject": self.patient,
            "effectiveDateTime": when(domain.updated_at),
            "valueInteger": domain.rating,
            "component": self.parts({"status": domain.status, "helps": domain.helps,
                                     "hinders": domain.hinders}),
            "hasMember": history,
        })

    @staticmethod
    def parts(values: dict[str, str]) -> list[dict[str, Any]]:
        return [{"code": concept(_(label), system=DOMAIN_PART_SYSTEM, code=key, display=label),
                 "valueString": text(values[key])}
                for key, label in DOMAIN_PARTS if text(values.get(key))]

    # -- feedback ------------------------------------------------------------------------------

    def feedback(self) -> list[dict[str, str]]:
        if not self.source.feedback:
            return []
        questionnaire = self.add({
            "resourceType": "Questionnaire",
            "url": FEEDBACK_QUESTIONNAIRE,
            "version": FEEDBACK_VERSION,
            "name": "ReConnectRelationshipFeedback",
            "title": _("Feedback on the working relationship"),
            "status": "active",
            "subjectType": ["Patient"],
            "item": [{"linkId": "with", "text": _("Working relationship with"), "type": "string",
                      "required": True},
                     *({"linkId": key, "text": _(label), "type": "integer", "required": True}
                       for key, label in FEEDBACK_SCALES)],
        })
        return [questionnaire, *(self.response(entry) for entry in self.source.feedback)]

    def response(self, entry: FeedbackEntry) -> dict[str, str]:
        return self.add({
            "resourceType": "QuestionnaireResponse",
            "questionnaire": f"{FEEDBACK_QUESTIONNAIRE}|{FEEDBACK_VERSION}",
            "status": "completed",
            "subject": self.patient,
            "authored": when(entry.given_at),
            "author": self.patient,
            "source": self.patient,
            "item": [{"linkId": "with", "text": _("Working relationship with"),
                      "answer": [{"valueString": person_name(entry.partner) or _("(no name)")}]},
                     *({"linkId": key, "text": _(label),
                        "answer": [{"valueInteger": entry.scores[key]}]}
                       for key, label in FEEDBACK_SCALES if key in entry.scores)],
        })


_MODULE_BUILDERS: dict[str, Callable[[_Builder], list[dict[str, str]]]] = {
    "goals": _Builder.goals,
    "crisis-plan": _Builder.crisis_plan,
    "medications": _Builder.medications,
    "registrations": _Builder.registrations,
    "life-domains": _Builder.life_domains,
    "feedback": _Builder.feedback,
}
assert set(_MODULE_BUILDERS) == set(FHIR_MODULES)


__all__ = [
    "FHIR_MODULES",
    "JSON_MEDIA_TYPE",
    "SHAREABLE_FHIR_MODULES",
    "FhirSource",
    "UnknownModule",
    "build_bundle",
    "check_modules",
    "default_filename",
    "dumps",
    "export_fhir",
    "gather",
    "module_label",
]
