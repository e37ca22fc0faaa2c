"""The crisis plan between the person's own devices (docs/devices.md): edits made offline on
both devices merge without loss, field by field; the later edit of one field wins; a removed
device gets nothing written after its removal."""

from __future__ import annotations

from pathlib import Path

from reconnect_tui.model import CrisisPlan, Helper
from reconnect_tui.store import Toolbox, Vault
from tests.devices.device_helpers import link, run, sync
from tests.support.vaults import PASSPHRASE, copy_vault


def plan_of(path: Path) -> CrisisPlan:
    with Vault.unlock(path, PASSPHRASE) as vault:
        return Toolbox(vault).crisis_plan.get()


def edit(path: Path, **changes: object) -> None:
    with Vault.unlock(path, PASSPHRASE) as vault:
        plan = Toolbox(vault).crisis_plan.get()
        for name, value in changes.items():
            setattr(plan, name, value)
        Toolbox(vault).crisis_plan.save(plan)


def test_offline_edits_on_both_devices_merge(user_template, tmp_path: Path, relay) -> None:
    laptop = copy_vault(user_template, tmp_path / "laptop")
    edit(laptop, warning_signs="I stop answering the phone", triggers="Night shifts")
    work = tmp_path / "work" / "vault.db"
    link(laptop, work, relay.url)
    sync(work)
    sync(laptop)

    edit(laptop, warning_signs="I stop answering the phone; I skip meals")  # both offline
    edit(work, self_help="A walk by the river", helpers=[Helper("Ola", "+47 912 34 567")])
    edit(laptop, triggers="Night shifts and loud parties")
    edit(work, triggers="Night shifts, loud parties and deadlines")  # the later edit
    for path in (laptop, work, laptop, work):
        sync(path)

    for path in (laptop, work):
        plan = plan_of(path)
        assert plan.warning_signs == "I stop answering the phone; I skip meals"
        assert plan.self_help == "A walk by the river"
        assert [(h.name, h.phone) for h in plan.helpers] == [("Ola", "+47 912 34 567")]
        assert plan.triggers == "Night shifts, loud parties and deadlines"


def test_a_removed_device_gets_nothing_written_after(user_template, tmp_path: Path,
                                                     relay) -> None:
    laptop = copy_vault(user_template, tmp_path / "laptop")
    work = tmp_path / "work" / "vault.db"
    link(laptop, work, relay.url)
    edit(laptop, reasons_for_living="My dog")
    sync(laptop)
    sync(work)
    assert plan_of(work).reasons_for_living == "My dog"

    assert run("device", "remove", "Work PC", "--vault", str(laptop)).exit_code == 0
    edit(laptop, reasons_for_living="My dog and my sister")
    sync(laptop)
    sync(work)
    assert plan_of(work).reasons_for_living == "My dog"
    assert plan_of(laptop).reasons_for_living == "My dog and my sister"


def test_a_record_that_is_not_well_formed_is_refused() -> None:
    import pytest

    from reconnect_tui.errors import ProtocolError
    from reconnect_tui.sync.device_records import decode

    good = {"module": "crisis_plan", "item": "1", "deleted": None,
            "fields": {"self_help": ["Walk", "0000000000001-000000-abc"]}}
    assert decode(good).visible() == {"self_help": "Walk"}
    for bad in ({**good, "module": "diary"},
                {**good, "fields": {"is_admin": ["x", "0000000000001-000000-abc"]}},
                {**good, "fields": {"self_help": [5, "0000000000001-000000-abc"]}},
                {**good, "fields": {"helpers": [[["Ola"]], "0000000000001-000000-abc"]}},
                {**good, "fields": {"self_help": ["Walk", "yesterday"]}}):
        with pytest.raises(ProtocolError):
            decode(bad)


def diary(path: Path) -> list[str]:
    with Vault.unlock(path, PASSPHRASE) as vault, vault.read() as conn:
        return [r[0] for r in conn.execute("SELECT text FROM diary ORDER BY written_at, id")]


def write_diary(path: Path, text: str, when: str) -> None:
    with Vault.unlock(path, PASSPHRASE) as vault, vault.transaction() as conn:
        conn.execute("INSERT INTO diary(written_at, text) VALUES (?, ?)", (when, text))


def change_diary(path: Path, old: str, new: str | None) -> None:
    with Vault.unlock(path, PASSPHRASE) as vault, vault.transaction() as conn:
        if new is None:
            conn.execute("DELETE FROM diary WHERE text = ?", (old,))
        else:
            conn.execute("UPDATE diary SET text = ? WHERE text = ?", (new, old))


def test_diary_entries_merge_and_a_deletion_wins_over_an_older_edit(user_template,
                                                                    tmp_path: Path,
                                                                    relay) -> None:
    laptop = copy_vault(user_template, tmp_path / "laptop")
    write_diary(laptop, "Monday: a good walk", "2026-11-02T09:00:00+00:00")
    write_diary(laptop, "Tuesday: tired", "2026-11-03T09:00:00+00:00")
    work = tmp_path / "work" / "vault.db"
    link(laptop, work, relay.url)
    assert diary(work) == ["Monday: a good walk", "Tuesday: tired"]  # sent with the welcome

    # Offline on both: a new entry each; the work PC edits Tuesday, then the laptop deletes it.
    write_diary(laptop, "Wednesday (laptop)", "2026-11-04T09:00:00+00:00")
    write_diary(work, "Wednesday (work)", "2026-11-04T10:00:00+00:00")
    change_diary(work, "Tuesday: tired", "Tuesday: tired but OK")
    sync(work)  # the edit is stamped now
    change_diary(laptop, "Tuesday: tired", None)  # the later deletion
    for path in (laptop, work, laptop, work):
        sync(path)
    expected = ["Monday: a good walk", "Wednesday (laptop)", "Wednesday (work)"]
    assert diary(laptop) == expected and diary(work) == expected

    change_diary(work, "Monday: a good walk", None)  # a deletion, then a later edit elsewhere
    sync(work)
    change_diary(laptop, "Monday: a good walk", "Monday: a good walk, and soup")
    for path in (laptop, work, laptop, work):
        sync(path)
    # The laptop's edit is stamped after it saw... nothing: it had not synced the deletion, so
    # its edit comes later in time and brings the entry back on both.
    assert diary(laptop) == diary(work)
    assert "Monday: a good walk, and soup" in diary(work)


def test_a_diary_record_that_is_not_well_formed_is_refused() -> None:
    import pytest

    from reconnect_tui.errors import ProtocolError
    from reconnect_tui.sync.device_rows import decode_item

    stamp = "0000000000001-000000-abc"
    good = {"item": "a" * 32, "deleted": None,
            "fields": {"text": ["Walk", stamp], "written_at": ["2026-11-02T09:00:00+00:00",
                                                                stamp]}}
    assert decode_item(good)[1].visible() == {"text": "Walk",
                                              "written_at": "2026-11-02T09:00:00+00:00"}
    for bad in ({**good, "item": "../x"},
                {**good, "fields": {"mood": ["x", stamp]}},
                {**good, "fields": {"written_at": ["yesterday", stamp]}},
                {**good, "fields": {"text": [["nested"], stamp]}},
                {**good, "deleted": 5}):
        with pytest.raises(ProtocolError):
            decode_item(bad)
