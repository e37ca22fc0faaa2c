"""The FHIR export of a real vault: only the chosen modules, valid FHIR, references inside the
bundle, a round trip that loses nothing, and a crisis plan whose text is the PDF's."""

from __future__ import annotations

import base64
import io
import json
import re
from dataclasses import replace
from datetime import date

import pytest

from reconnect_tui.export.fhir import FHIR_MODULES, build_bundle, dumps, export_fhir
from reconnect_tui.export.fhir_read import read_bundle
from reconnect_tui.export.fhir_source import UnknownModule, check_modules, gather
from reconnect_tui.store import Toolbox
from reconnect_tui.sync.agreements import Agreements
from tests.dyads.dyad_helpers import pair
from tests.fhir.fhir_helpers import MARKERS, NEVER_EXPORTED, fill, text_of, unresolved, validate

SCORES = {"heard": 8, "matters": 6, "way": 7, "overall": 9}

COMBINATIONS = [
    *((m,) for m in FHIR_MODULES),
    ("goals", "crisis-plan", "medications"),
    ("registrations", "life-domains"),
    ("crisis-plan", "feedback"),
    FHIR_MODULES,
]


@pytest.fixture
def filled(provider, user) -> Toolbox:
    """Kari's vault with every module written in, paired with Dr Lind and feedback given."""
    _on_provider, on_user = pair(provider, user)
    Agreements(user.vault).give_feedback(on_user.id, SCORES)
    toolbox = Toolbox(user.vault)
    fill(toolbox)
    return toolbox


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def pdf_text(bundle: dict) -> str:
    from pypdf import PdfReader

    [document] = resources(bundle, "DocumentReference")
    data = base64.b64decode(document["content"][0]["attachment"]["data"])
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_only_the_chosen_modules_and_always_valid(filled: Toolbox) -> None:
    for chosen in COMBINATIONS:
        bundle = json.loads(dumps(export_fhir(filled, chosen)))
        validate(bundle)
        assert unresolved(bundle) == [], chosen
        assert bundle["type"] == "document"
        composition = bundle["entry"][0]["resource"]
        assert composition["resourceType"] == "Composition"
        assert [s["code"]["coding"][0]["code"] for s in composition["section"]] == list(chosen)
        assert len({e["fullUrl"] for e in bundle["entry"]}) == len(bundle["entry"])
        assert all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", e["fullUrl"])
                   for e in bundle["entry"])
        everything = text_of(bundle)
        if "crisis-plan" in chosen:
            everything += pdf_text(bundle)
        for module, marker in MARKERS.items():
            assert (marker in everything) == (module in chosen), (chosen, marker)
        for marker in NEVER_EXPORTED:
            assert marker not in everything
        [patient] = resources(bundle, "Patient")
        assert patient["name"] == [{"text": "Kari Nordmann"}] and "identifier" not in patient


def test_round_trip_loses_nothing_the_person_wrote(filled: Toolbox) -> None:
    back = read_bundle(json.loads(dumps(export_fhir(filled, FHIR_MODULES))))
    assert back.name == "Kari Nordmann" and back.modules == FHIR_MODULES

    def goal_tree(nodes) -> list:
        return [(replace(n.goal, id=None, parent_id=None, position=0, domain_id=None), n.domain,
                 [replace(a, id=None, goal_id=0) for a in n.activities], goal_tree(n.sub_goals))
                for n in nodes]

    from reconnect_tui.export.fhir_source import gather

    mine = gather(filled, FHIR_MODULES)
    assert goal_tree(back.goals) == goal_tree(mine.goals)
    assert [n.goal.title for n in back.goals] == ["Swim GOALMARKER"]
    assert back.goals[0].sub_goals[0].activities[0].done_at is not None
    assert back.crisis_plan == filled.crisis_plan.get()
    assert back.medications == [replace(m, id=None) for m in filled.medications.list()]
    assert [(replace(r.parameter, id=None), [(v.day, v.value) for v in r.values])
            for r in back.registrations] == [
        (replace(r.parameter, id=None), [(v.day, v.value) for v in r.values])
        for r in mine.registrations]
    assert [(replace(d.domain, id=None, position=0), [replace(h, id=None) for h in d.history])
            for d in back.life_domains] == [
        (replace(d.domain, id=None, position=0), [replace(h, id=None) for h in d.history])
        for d in mine.life_domains]
    work = next(d for d in back.life_domains if d.domain.name == "Work DOMAINMARKER")
    assert [(h.status, h.rating) for h in work.history] == [("Part time", 6),
                                                            ("Three days a week", 7)]
    assert [(f.partner, f.scores) for f in back.feedback] == [("Dr Lind", SCORES)]
    assert back.feedback == mine.feedback


def test_crisis_plan_text_is_the_pdf_text(filled: Toolbox) -> None:
    bundle = export_fhir(filled, ["crisis-plan"])
    [plan] = resources(bundle, "CarePlan")
    printed = squeeze(pdf_text(bundle))
    written = [a["detail"]["description"] for a in plan["activity"]
               if "performer" not in a["detail"]]
    written += [n["text"] for n in plan["note"]]
    assert len(written) == 8  # every text section of the plan is filled in
    for section in written:
        for one in section.split("\n"):
            assert squeeze(one) in printed
    contacts = [c for c in plan["contained"]]
    assert len(contacts) == 2
    for contact in contacts:  # the PDF prints name, role and phone apart
        for words in (contact.get("name", [{}])[0].get("text"), contact["telecom"][0]["value"],
                      contact.get("practitioner", {}).get("display"),
                      contact.get("code", [{}])[0].get("text")):
            assert words is None or words in printed
    for title in ("My warning signs", "My reasons for living", "People I can ask for help"):
        assert title in printed and title in plan["description"]
    assert "+47 911 22 333" in printed and "Anna CRISISMARKER" in printed
    [document] = resources(bundle, "DocumentReference")
    assert document["context"]["related"] == [{"reference": next(
        e["fullUrl"] for e in bundle["entry"] if e["resource"] is plan)}]
    assert plan["supportingInfo"] == [{"reference": next(
        e["fullUrl"] for e in bundle["entry"] if e["resource"] is document)}]


def test_helpers_and_professionals_are_contained_with_their_phones(filled: Toolbox) -> None:
    [plan] = resources(export_fhir(filled, ["crisis-plan"]), "CarePlan")
    contained = {c["id"]: c for c in plan["contained"]}
    helper = next(c for c in contained.values() if c["resourceType"] == "RelatedPerson")
    assert helper["name"] == [{"text": "Anna CRISISMARKER"}]
    assert helper["telecom"] == [{"system": "phone", "value": "+47 911 22 333"}]
    role = next(c for c in contained.values() if c["resourceType"] == "PractitionerRole")
    assert role["practitioner"] == {"display": "DPS crisis team"}
    assert role["code"] == [{"text": "Night nurse"}]


def test_empty_modules_still_make_a_valid_document(toolbox: Toolbox) -> None:
    bundle = export_fhir(toolbox, ["goals", "crisis-plan", "medications", "feedback"])
    validate(bundle)
    sections = bundle["entry"][0]["resource"]["section"]
    assert all("emptyReason" in s and "entry" not in s for s in sections)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Composition", "Patient"]


def test_control_characters_never_reach_the_bundle(toolbox: Toolbox) -> None:
    from reconnect_tui.model import Medication

    toolbox.medications.add(Medication("Odd\x00\x1b[31m name", dose="\x07 5 mg\r\n twice"))
    bundle = export_fhir(toolbox, ["medications"])
    validate(bundle)
    [statement] = resources(bundle, "MedicationStatement")
    assert statement["medicationCodeableConcept"]["text"] == "Odd name"  # the whole sequence
    assert statement["dosage"][0]["text"] == " 5 mg\n twice"


def test_unknown_or_no_modules_are_refused_naming_the_choices() -> None:
    with pytest.raises(UnknownModule, match="diary.*Modules: goals, crisis-plan"):
        check_modules(["goals", "diary"])
    with pytest.raises(UnknownModule, match="Choose at least one"):
        check_modules([" "])
    assert check_modules(["medications", "goals"]) == ("goals", "medications")


def test_hostile_text_is_made_safe_in_every_field(toolbox: Toolbox) -> None:
    """Escape sequences, bidi overrides and control characters pasted into any module never
    reach the bundle (text_safety, as in every export); names show invisible characters."""
    from reconnect_tui import text_safety
    from reconnect_tui.model import Goal, Helper, Medication, RegistrationParameter

    hostile = "A\x1b]0;owned\x07B\x1b[31mC\u202eD\x9bE"
    toolbox.goals.add(Goal(title=hostile, notes=hostile))
    toolbox.medications.add(Medication(hostile, dose=hostile))
    parameter = toolbox.registrations.add(RegistrationParameter(hostile, unit=hostile))
    toolbox.registrations.record(parameter.id, date(2026, 11, 1), 3)
    plan = toolbox.crisis_plan.get()
    plan.warning_signs = hostile
    plan.helpers = [Helper(hostile, "+47 1\x1b[2J23")]
    toolbox.crisis_plan.save(plan)
    source = gather(toolbox, ["goals", "crisis-plan", "medications", "registrations"])
    source.name = "Kari\u202eNordmann"
    bundle = build_bundle(source)
    validate(bundle)
    written = text_of(bundle)
    assert text_safety.is_terminal_safe(written)
    assert "owned" not in written and "[31m" not in written
    assert "ABCD" in written  # \x9bE is a whole (8-bit) CSI sequence
    [patient] = resources(bundle, "Patient")
    assert patient["name"] == [{"text": "Kari<U+202E>Nordmann"}]
