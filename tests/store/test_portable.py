"""`export all` / `import`: the user's data as JSON, round trip, refusal and --replace."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconnect_tui.errors import ImportRefused
from reconnect_tui.model import (
    Activity,
    CrisisPlan,
    DiaryEntry,
    Exercise,
    Goal,
    Helper,
    Medication,
    Person,
    RegistrationParameter,
    Sector,
    ServiceContact,
)
from reconnect_tui.store import Toolbox, Vault, portable
from tests.support.vaults import Template, copy_vault


def fill(toolbox: Toolbox) -> None:
    toolbox.what_matters.set("Mine barn, hagen og å føle meg nyttig")
    domain = toolbox.domains.list()[1]
    domain.status, domain.rating, domain.helps = "Lonely", 3, "The café on Thursdays"
    toolbox.domains.update(domain)
    goal = toolbox.goals.add(Goal(title="Meet people", domain_id=domain.id, due=date(2027, 3, 1)))
    sub = toolbox.goals.add(Goal(title="Join the choir", parent_id=goal.id))
    toolbox.goals.add_activity(
        Activity(goal_id=sub.id, title="Email", scheduled_on=date(2026, 12, 1))
    )
    toolbox.network.add(
        Person(name="Mum", sector=Sector.FAMILY, ring=1, phone="900", can_help_in_crisis=True)
    )
    mum = toolbox.network.list()[0]
    toolbox.crisis_plan.save(
        CrisisPlan(
            warning_signs="Not sleeping",
            triggers="Deadlines",
            self_help="Walk",
            reasons_for_living="Kids",
            helpers=[Helper(name="Mum", phone="900", person_id=mum.id), Helper(name="Neighbour")],
            professionals=[ServiceContact(name="Legevakt", phone="116 117")],
        )
    )
    ex = toolbox.exercises.register_builtin("box-breathing", "Box breathing", "breathing")
    toolbox.exercises.log(ex.id, "ok", when=datetime(2026, 11, 1, 8, tzinfo=UTC))
    own = toolbox.exercises.add(Exercise(title="Cold water", body="Splash"))
    toolbox.exercises.log(own.id, "", when=datetime(2026, 11, 2, 8, tzinfo=UTC))
    toolbox.medications.add(Medication(name="Sertraline", dose="50 mg"))
    toolbox.diary.add(DiaryEntry(text="Sol i dag", written_at=datetime(2026, 11, 3, tzinfo=UTC)))
    sleep = toolbox.registrations.add(RegistrationParameter(name="Sleep", unit="h"))
    toolbox.registrations.record(sleep.id, date(2026, 11, 3), 7.5)


def fresh(template: Template, directory: Path) -> Toolbox:
    path = copy_vault(template, directory)
    return Toolbox(Vault.open_with_key(path, template.key, template.header))


def test_contract_keys(toolbox: Toolbox) -> None:
    fill(toolbox)
    data = portable.export_all(toolbox.vault)
    assert data["format"] == "reconnect-export" and data["version"] == 2
    assert isinstance(data["what_matters"], str)
    for key in ("warning_signs", "triggers", "self_help", "reasons_for_living"):
        assert isinstance(data["crisis_plan"][key], str)
    for key in ("life_domains", "goals", "network", "medications", "diary"):
        assert isinstance(data[key], list)


def test_round_trip_gives_the_same_file(toolbox: Toolbox, user_template, tmp_path: Path) -> None:
    fill(toolbox)
    first = portable.dumps(portable.export_all(toolbox.vault))
    other = fresh(user_template, tmp_path / "other")
    portable.import_all(other.vault, portable.parse(first))
    second = portable.dumps(portable.export_all(other.vault))
    assert second == first
    assert other.crisis_plan.get().helpers[0].person_id == other.network.list()[0].id
    assert str(toolbox.vault.path) not in first


def test_same_content_same_file_regardless_of_vault(user_template, tmp_path: Path) -> None:
    a, b = fresh(user_template, tmp_path / "a"), fresh(user_template, tmp_path / "b")
    b.network.add(Person(name="Temp"))  # ids in b now differ from a's
    b.network.delete(b.network.list()[0].id)
    fill(a)
    fill(b)
    assert _only_timestamps_differ(a, b)


def _only_timestamps_differ(a: Toolbox, b: Toolbox) -> bool:
    """fill() stamps 'now' on status history and the plan; compare all but those."""

    def strip(data):
        for d in data["life_domains"]:
            for h in d["history"]:
                h.pop("recorded_at")
        data["crisis_plan"].pop("updated_at")
        return data

    return strip(portable.export_all(a.vault)) == strip(portable.export_all(b.vault))


def test_import_refuses_into_a_vault_with_user_data(
    toolbox: Toolbox, user_template, tmp_path
) -> None:
    source = fresh(user_template, tmp_path / "src")
    fill(source)
    data = portable.export_all(source.vault)
    toolbox.medications.add(Medication(name="Melatonin"))
    toolbox.diary.add(DiaryEntry(text="kept", written_at=datetime(2026, 1, 1, tzinfo=UTC)))
    with pytest.raises(ImportRefused, match="--replace"):
        portable.import_all(toolbox.vault, data)
    assert [m.name for m in toolbox.medications.list()] == ["Melatonin"]
    only_meds = {"format": "reconnect-export", "version": 1, "medications": data["medications"]}
    assert portable.import_all(toolbox.vault, only_meds, replace=True) == ["medications"]
    assert [m.name for m in toolbox.medications.list()] == ["Sertraline"]
    assert [e.text for e in toolbox.diary.list()] == ["kept"]  # modules not in the file stay


def test_new_vault_has_no_user_data(toolbox: Toolbox) -> None:
    assert not portable.has_user_data(toolbox.vault)
    toolbox.exercises.register_builtin("body-scan", "Body scan", "mindfulness")
    assert not portable.has_user_data(toolbox.vault)
    toolbox.what_matters.set("x")
    assert portable.has_user_data(toolbox.vault)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{", "not valid JSON"),
        ("[]", "not a ReConnect export"),
        ('{"format": "reconnect-export", "version": 9}', "version 9"),
        ('{"format": "reconnect-export", "version": 1, "goals": [{"title": 5}]}', "title"),
        (
            '{"format": "reconnect-export", "version": 1, "network": [{"name": "a", "ring": 7}]}',
            r"network\[0\]\.ring: out of range",
        ),
        ('{"format": "reconnect-export", "version": 1, "diary": [{"text": "a"}]}', "written_at"),
        ('{"format": "reconnect-export", "version": 1, "extra": 1}', "extra: not a key"),
    ],
)
def test_bad_files_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ImportRefused, match=reason):
        portable.parse(text)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "goals",
                        "title",
                        "network",
                        "name",
                        "diary",
                        "crisis_plan",
                        "history",
                        "life_domains",
                        "helpers",
                        "values",
                        "registrations",
                        "exercises",
                    ]
                ),
                children,
                max_size=4,
            )
        ),
        max_leaves=12,
    )
)
def test_parse_never_crashes_on_arbitrary_json(value) -> None:
    document = {"format": "reconnect-export", "version": 1}
    if isinstance(value, dict):
        document.update(value)
    with contextlib.suppress(ImportRefused):
        portable.parse(json.dumps(document))


def test_replacing_life_domains_keeps_goals_on_their_domain_by_name(toolbox: Toolbox) -> None:
    domains = {d.name: d.id for d in toolbox.domains.list()}
    kept = toolbox.goals.add(Goal(title="Choir", domain_id=domains["Social life"]))
    dropped = toolbox.goals.add(Goal(title="Rent", domain_id=domains["Housing"]))
    file = {"format": "reconnect-export", "version": 1,
            "life_domains": [{"name": "Work"}, {"name": "Social life", "rating": 4}]}
    assert portable.import_all(toolbox.vault, file, replace=True) == ["life_domains"]
    now = {d.name: d.id for d in toolbox.domains.list()}
    assert list(now) == ["Work", "Social life"]
    assert toolbox.goals.get(kept.id or 0).domain_id == now["Social life"]
    assert toolbox.goals.get(dropped.id or 0).domain_id is None
    assert [h.title for h in toolbox.search.search("social")] == ["Social life"]
