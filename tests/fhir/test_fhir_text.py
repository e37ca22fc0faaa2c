"""Any text a person can type goes into a valid bundle and comes back as written (control
characters aside, which FHIR strings may not hold and every export drops)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from reconnect_tui.export.fhir import build_bundle, dumps, person_name, text
from reconnect_tui.export.fhir_read import read_bundle
from reconnect_tui.export.fhir_source import FeedbackEntry, FhirSource, GoalNode
from reconnect_tui.model import Activity, Goal, Medication
from tests.fhir.fhir_helpers import unresolved, validate

words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


def as_written(value: str) -> str:
    return text(value) or ""


@settings(max_examples=60, deadline=None)
@given(name=words, dose=words, notes=words, title=words, partner=words,
       due=st.none() | st.dates(date(1900, 1, 1), date(2200, 1, 1)))
def test_any_text_round_trips(name: str, dose: str, notes: str, title: str, partner: str,
                              due: date | None) -> None:
    source = FhirSource(
        name=name, modules=("goals", "medications", "feedback"),
        goals=[GoalNode(Goal(title=title, why=notes, due=due),
                        activities=[Activity(0, title, notes=notes)])],
        medications=[Medication(name, dose=dose, schedule=notes, experiences=notes)],
        feedback=[FeedbackEntry(partner, {"heard": 0, "matters": 10, "way": 5, "overall": 1},
                                datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC))],
    )
    bundle = json.loads(dumps(build_bundle(source)))
    validate(bundle)
    assert unresolved(bundle) == []
    back = read_bundle(bundle)
    [medication] = back.medications
    assert (medication.dose, medication.schedule, medication.experiences) == (
        as_written(dose), as_written(notes), as_written(notes))
    [goal] = back.goals
    assert goal.goal.why == as_written(notes) and goal.goal.due == due
    assert goal.activities[0].notes == as_written(notes)
    if as_written(title):
        assert goal.goal.title == as_written(title)
    if person_name(partner):
        assert back.feedback[0].partner == person_name(partner)  # invisible ones shown
    assert back.feedback[0].given_at == source.feedback[0].given_at
