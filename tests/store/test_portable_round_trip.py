"""Everything `export all` writes, `import` reads back identically (issue 13), the dyads and
forums of version 2 too (issue 15: kept as imported history and written again).

Hypothesis makes toolbox content the schema allows; it goes into vault A, A is exported
(file 1), file 1 is imported with --replace into a fresh vault B that already holds data, and B
is exported (file 2): file 1 and file 2 are the same bytes. Arbitrary JSON of the format's
shape is either refused with ImportRefused or imported without any other error.
"""

from __future__ import annotations

import contextlib
import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconnect_tui.errors import ImportRefused
from reconnect_tui.model import Medication, Sector
from reconnect_tui.store import Toolbox, Vault, portable
from tests.support.vaults import Template, copy_vault

TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), max_codepoint=0x2FFFF) | st.sampled_from(
        "\n\t"), max_size=12)
LINE = st.text(st.characters(blacklist_categories=("Cc", "Cs"), max_codepoint=0x2FFFF),
               min_size=1, max_size=8)
NAMES = st.sampled_from(["Mum", "Work", "Sleep", "Ådne", "日记", "a b"])
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)),
                         timezone(timedelta(hours=-8))])
TIME = st.datetimes(datetime(1990, 1, 1), datetime(2100, 1, 1)).flatmap(
    lambda when: st.sampled_from([when.isoformat(), when.replace(microsecond=0).isoformat()])
    | ZONES.map(lambda zone: when.replace(tzinfo=zone).isoformat()))
DAY = st.dates(date(1990, 1, 1), date(2100, 1, 1)).map(date.isoformat)
RATING = st.none() | st.integers(0, 10)
NUMBER = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False) | st.integers(-1000, 1000)
SLUGS = st.from_regex(r"my-[a-z0-9]{1,6}", fullmatch=True)
BUILTIN = st.sampled_from(["box-breathing", "body-scan", "grounding-5-4-3-2-1"])


def goals(domain_names: list[str]) -> st.SearchStrategy[list[dict[str, Any]]]:
    activity = st.fixed_dictionaries({
        "title": LINE, "scheduled_on": st.none() | DAY, "done": st.booleans(),
        "done_at": st.none() | TIME, "notes": TEXT})

    def goal(children: st.SearchStrategy) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries({
            "title": LINE, "why": TEXT,
            "life_domain": st.sampled_from([None, *domain_names]),
            "due": st.none() | DAY, "done": st.booleans(), "notes": TEXT,
            "activities": st.lists(activity, max_size=2), "sub_goals": children})

    tree = st.recursive(st.just([]), lambda inner: st.lists(goal(inner), max_size=2),
                        max_leaves=6)
    return st.lists(goal(tree), max_size=3)


TERM_VALUE = st.none() | st.booleans() | st.integers(-5, 5000) | LINE
SCORES = st.dictionaries(st.sampled_from(["heard", "matters", "way", "overall"]),
                         st.integers(0, 10), max_size=4)
DYADS = st.lists(st.fixed_dictionaries({
    "partner": NAMES | LINE, "partner_role": st.sampled_from(["provider", "user"]),
    "since": st.none() | TIME,
    "messages": st.lists(st.fixed_dictionaries({
        "id": LINE, "outgoing": st.booleans(), "text": TEXT, "sent_at": TIME,
        "status": st.sampled_from(["queued", "read", "unread", "unverified"]),
        "reply_to": st.none() | LINE}), max_size=3),
    "agreements": st.lists(st.fixed_dictionaries({
        "version": st.integers(1, 9), "terms": st.dictionaries(
            st.sampled_from(["notes", "working_hours", "read_receipts", "review_on"]),
            TERM_VALUE, max_size=3),
        "proposed_by_me": st.booleans(), "proposed_at": TIME, "proposer_signature": LINE,
        "accepted_at": st.none() | TIME, "accepter_signature": st.none() | LINE,
        "declined_at": st.none() | TIME, "declined_by_me": st.booleans(),
        "decline_reason": TEXT}), max_size=2),
    "checkins": st.lists(st.fixed_dictionaries({
        "id": LINE, "asked_by_me": st.booleans(), "question": TEXT,
        "domains": st.lists(NAMES, max_size=2), "sent_at": TIME,
        "answered_at": st.none() | TIME, "overall": RATING,
        "domain_scores": st.dictionaries(NAMES, st.integers(0, 10), max_size=2),
        "line": TEXT, "share_trend": st.booleans()}), max_size=2),
    "feedback": st.lists(st.fixed_dictionaries({
        "id": LINE, "from_me": st.booleans(), "scores": SCORES, "given_at": TIME}),
        max_size=2)}), max_size=2)
FORUMS = st.lists(st.fixed_dictionaries({
    "name": LINE, "pseudonym": LINE, "moderator": st.booleans(),
    "posts": st.lists(st.fixed_dictionaries({
        "id": LINE, "thread": LINE, "author": LINE, "text": TEXT, "posted_at": TIME,
        "own": st.booleans(), "hidden": st.booleans(), "hidden_reason": TEXT,
        "pinned": st.sampled_from(["", "rules", "cafe"])}), max_size=3)}), max_size=2)


@st.composite
def toolboxes(draw: st.DrawFn) -> dict[str, Any]:
    domains = draw(st.lists(st.fixed_dictionaries({
        "name": NAMES | LINE, "status": TEXT, "rating": RATING, "helps": TEXT, "hinders": TEXT,
        "hidden": st.booleans(),
        "history": st.lists(st.fixed_dictionaries({
            "status": TEXT, "rating": RATING, "recorded_at": TIME}), max_size=3)}), max_size=4))
    network = draw(st.lists(st.fixed_dictionaries({
        "name": NAMES | LINE, "relation": LINE | st.just(""),
        "sector": st.sampled_from([s.value for s in Sector]), "ring": st.integers(1, 4),
        "contact_frequency": TEXT.filter(lambda t: "\n" not in t), "phone": LINE,
        "can_help_in_crisis": st.booleans(), "notes": TEXT}), max_size=4))
    person_names = [p["name"] for p in network] or ["Nobody"]
    plan = draw(st.fixed_dictionaries({
        "warning_signs": TEXT, "triggers": TEXT, "self_help": TEXT, "distractions": TEXT,
        "safe_surroundings": TEXT, "how_to_meet_me": TEXT, "treatment_wishes": TEXT,
        "reasons_for_living": TEXT, "updated_at": st.none() | TIME,
        "helpers": st.lists(st.fixed_dictionaries({
            "name": st.sampled_from(person_names) | LINE, "phone": LINE,
            "from_network": st.booleans()}), max_size=3),
        "professionals": st.lists(st.fixed_dictionaries({
            "name": LINE, "phone": LINE, "role": LINE}), max_size=2)}))
    own = draw(st.lists(st.fixed_dictionaries({
        "slug": SLUGS, "title": LINE, "category": LINE, "body": TEXT}),
        max_size=3, unique_by=lambda e: e["slug"]))
    own_slugs = [e["slug"] for e in own]
    log_entry = st.one_of(
        st.fixed_dictionaries({"exercise": BUILTIN, "builtin": st.just(True), "title": LINE,
                               "done_at": TIME, "note": TEXT}),
        *([st.fixed_dictionaries({"exercise": st.sampled_from(own_slugs),
                                  "builtin": st.just(False), "title": LINE,
                                  "done_at": TIME, "note": TEXT})] if own_slugs else []))
    registrations = draw(st.lists(st.fixed_dictionaries({
        "name": NAMES | LINE, "unit": LINE, "minimum": NUMBER, "maximum": NUMBER,
        "values": st.lists(st.fixed_dictionaries({"day": DAY, "value": NUMBER}), max_size=4,
                           unique_by=lambda v: v["day"])}),
        max_size=3, unique_by=lambda r: r["name"]))
    return {
        "format": "reconnect-export", "version": 2,
        "what_matters": draw(TEXT),
        "life_domains": domains,
        "goals": draw(goals([d["name"] for d in domains])),
        "network": network,
        "crisis_plan": plan,
        "exercises": {"own": own, "log": draw(st.lists(log_entry, max_size=4))},
        "medications": draw(st.lists(st.fixed_dictionaries({
            "name": LINE, "prescribed": st.booleans(), "dose": LINE, "schedule": LINE,
            "intended_effect": TEXT, "experiences": TEXT, "questions": TEXT}), max_size=3)),
        "diary": draw(st.lists(st.fixed_dictionaries({"written_at": TIME, "text": TEXT}),
                               max_size=4)),
        "registrations": registrations,
        "dyads": draw(DYADS),
        "forums": draw(FORUMS),
    }


def fresh(template: Template, directory: Path) -> Vault:
    return Vault.open_with_key(copy_vault(template, directory), template.key, template.header)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(toolboxes())
def test_export_import_export_gives_the_same_file(user_template: Template, content) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        a, b = fresh(user_template, Path(tmp) / "a"), fresh(user_template, Path(tmp) / "b")
        try:
            portable.import_all(a, content)
            first = portable.dumps(portable.export_all(a))
            Toolbox(b).medications.add(Medication(name="Was here before"))
            portable.import_all(b, portable.parse(first), replace=True)
            second = portable.dumps(portable.export_all(b))
        finally:
            a.close()
            b.close()
    assert second == first


_KEYS = ["goals", "title", "network", "name", "ring", "diary", "written_at", "text",
         "crisis_plan", "updated_at", "helpers", "life_domains", "life_domain", "history",
         "registrations", "values", "day", "value", "exercises", "own", "log", "slug",
         "exercise", "builtin", "done_at", "sub_goals", "activities", "rating", "sector"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
    | DAY | TIME | st.sampled_from(["my-a", "box-breathing", "Work", "family"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(_KEYS), children, max_size=4),
    max_leaves=14))
def test_whatever_is_accepted_imports_without_another_error(
    user_template: Template, value
) -> None:
    document: dict[str, Any] = {"format": "reconnect-export", "version": 1}
    if isinstance(value, dict):
        document.update(value)
    with contextlib.suppress(ImportRefused):
        checked = portable.check(document)
        with tempfile.TemporaryDirectory() as tmp:
            vault = fresh(user_template, Path(tmp))
            try:
                portable.import_all(vault, checked, replace=True)
                portable.parse(portable.dumps(portable.export_all(vault)))  # still valid
            finally:
                vault.close()


@settings(max_examples=40, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5)
    | DAY | TIME | st.sampled_from(["my-a", "box-breathing", "Work", "family"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(_KEYS), children, max_size=4),
    max_leaves=14))
def test_whatever_a_partner_sends_opens_or_could_not_be_opened(value) -> None:
    """The provider's view: shared sections either load or raise ImportRefused."""
    from reconnect_tui.store.received_view import read_only_toolbox

    sections = {k: v for k, v in value.items() if k in portable.MODULES} if isinstance(
        value, dict) else {}
    with contextlib.suppress(ImportRefused):
        toolbox = read_only_toolbox("Kari", sections)
        try:
            portable.parse(portable.dumps(portable.export_all(toolbox.vault)))
        finally:
            toolbox.vault.close()
