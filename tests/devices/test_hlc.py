"""Hybrid logical clocks and the per-field merge (docs/devices.md): a join of records, so
devices that exchange them in any order and any number of times end with the same item."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconnect_tui.sync.hlc import MAX_DRIFT_MS, Hlc, Record, Stamp, merge

stamps = st.builds(Stamp, st.integers(0, 50), st.integers(0, 3), st.sampled_from("ABC"))
values = st.one_of(st.text(max_size=5), st.integers(-3, 3), st.none())
records = st.builds(
    Record,
    st.dictionaries(st.sampled_from(["warning_signs", "self_help", "triggers"]),
                    st.tuples(values, stamps), max_size=3),
    st.one_of(st.none(), stamps),
).map(lambda r: merge(r, Record()))  # in the normal form merge keeps
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(records, records)
def test_merge_is_commutative(a: Record, b: Record) -> None:
    assert merge(a, b) == merge(b, a)


@PROPERTY
@given(records, records, records)
def test_merge_is_associative(a: Record, b: Record, c: Record) -> None:
    assert merge(merge(a, b), c) == merge(a, merge(b, c))


@PROPERTY
@given(records, records)
def test_merge_is_idempotent(a: Record, b: Record) -> None:
    assert merge(a, a) == a
    assert merge(merge(a, b), b) == merge(a, b)


@PROPERTY
@given(records, stamps)
def test_a_deletion_wins_over_every_older_edit(a: Record, deletion: Stamp) -> None:
    merged = a.delete(deletion)
    assert all(stamp > deletion for _value, stamp in merged.fields.values())
    if all(stamp <= deletion for _value, stamp in a.fields.values()):
        assert merged.visible() is None


def test_offline_edits_of_different_fields_both_survive_and_a_later_edit_wins() -> None:
    laptop, phone = Hlc("laptop"), Hlc("phone")
    plan = Record().edit({"warning_signs": "sleep less", "self_help": "walk"}, laptop.tick(1000))
    on_phone = plan.edit({"self_help": "call Ola"}, phone.tick(2000))
    on_laptop = plan.edit({"warning_signs": "sleep less, skip meals"}, laptop.tick(1500))
    assert merge(on_phone, on_laptop).visible() == {
        "self_help": "call Ola", "warning_signs": "sleep less, skip meals"}


def test_an_edit_after_a_deletion_brings_the_item_back_with_only_newer_fields() -> None:
    clock = Hlc("a")
    item = Record().edit({"title": "Walk", "notes": "daily"}, clock.tick(10))
    deleted = item.delete(clock.tick(20))
    assert deleted.visible() is None
    assert merge(deleted, item).visible() is None  # a stale copy does not bring it back
    revived = deleted.edit({"title": "Walk again"}, clock.tick(30))
    assert revived.visible() == {"title": "Walk again"}


def test_the_clock_orders_after_what_it_saw_even_when_its_wall_clock_is_behind() -> None:
    ahead, behind = Hlc("a"), Hlc("b")
    seen = ahead.tick(5000)
    assert behind.observe(seen, 1000) > seen
    assert behind.tick(1001) > seen
    assert behind.tick(1001) > behind.last._replace(counter=0)


def test_a_stamp_from_far_in_the_future_does_not_drag_the_clock_along() -> None:
    clock = Hlc("a")
    clock.observe(Stamp(10 * MAX_DRIFT_MS, 0, "z"), 1000)
    assert clock.last.wall_ms == 1000


@given(stamps)
def test_stamps_round_trip_as_text(stamp: Stamp) -> None:
    assert Stamp.decode(stamp.encode()) == stamp
