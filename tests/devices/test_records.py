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
