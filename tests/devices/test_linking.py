"""Linking a second device through a real relay (docs/devices.md): the code, the welcome with
the person key and the toolbox, device lists on both devices, removal."""

from __future__ import annotations

import json
from pathlib import Path

from reconnect_tui.model import CrisisPlan
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.sync.devices import Devices
from tests.devices.device_helpers import devices, invite, join, run, sync
from tests.support.vaults import PASSPHRASE, copy_vault


def crisis_plan(path: Path) -> CrisisPlan:
    with Vault.unlock(path, PASSPHRASE) as vault:
        return Toolbox(vault).crisis_plan.get()


def test_link_a_second_device_and_remove_it(user_template, tmp_path: Path, relay) -> None:
    laptop = copy_vault(user_template, tmp_path / "laptop")
    with Vault.unlock(laptop, PASSPHRASE) as vault:
        plan = Toolbox(vault).crisis_plan.get()
        plan.warning_signs = "I stop answering the phone"
        Toolbox(vault).crisis_plan.save(plan)
    work = tmp_path / "work" / "vault.db"

    code = invite(laptop, relay.url)
    joined = join(code, work, relay.url)
    assert joined.exit_code == 0, joined.output
    first = json.loads(joined.stdout)
    assert first["linked"] is False and first["recovery_code"]
    sync(laptop)  # the first device checks the answer and sends the welcome
    again = join(code, work, relay.url)  # resumes with the vault it made
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["linked"] is True
    once_more = join(code, work, relay.url)  # run again after it linked: nothing to do
    assert once_more.exit_code == 0 and json.loads(once_more.stdout)["linked"] is True

    on_laptop, on_work = devices(laptop), devices(work)
    assert [(d["name"], d["this_device"]) for d in on_laptop] == [
        ("Laptop", True), ("Work PC", False)]
    assert [(d["name"], d["this_device"]) for d in on_work] == [
        ("Laptop", False), ("Work PC", True)]
    assert all(d["linked_at"] for d in on_work)
    assert crisis_plan(work).warning_signs == "I stop answering the phone"
    with Vault.unlock(work, PASSPHRASE) as vault:
        assert vault.profile().name == "Kari Nordmann"

    removed = run("device", "remove", "Work PC", "--vault", str(laptop))
    assert removed.exit_code == 0, removed.output
    assert [d["name"] for d in devices(laptop)] == ["Laptop"]
    sync(laptop)
    sync(work)
    with Vault.unlock(work, PASSPHRASE) as vault:
        assert not Devices(vault).is_linked()  # it forgot the person key
    assert crisis_plan(work).warning_signs == "I stop answering the phone"  # its own copy


def test_a_wrong_code_changes_nothing(user_template, tmp_path: Path, relay) -> None:
    laptop = copy_vault(user_template, tmp_path / "laptop")
    code = invite(laptop, relay.url)
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    work = tmp_path / "work" / "vault.db"
    result = join(wrong, work, relay.url)
    assert result.exit_code == 1
    assert "No link code like this" in result.stderr and "Traceback" not in result.output
    assert not work.exists()
    typo = join("not a code", work, relay.url)
    assert typo.exit_code == 1 and "not an invitation code" in typo.stderr
    assert json.loads(join(code, work, relay.url).stdout)["recovery_code"]  # the right one works


def test_a_code_cannot_be_used_twice_nor_a_device_name_reused(user_template, tmp_path: Path,
                                                              relay) -> None:
    laptop = copy_vault(user_template, tmp_path / "laptop")
    code = invite(laptop, relay.url)
    assert join(code, tmp_path / "a" / "vault.db", relay.url).exit_code == 0
    second = join(code, tmp_path / "b" / "vault.db", relay.url)
    assert second.exit_code == 1 and "works once" in second.stderr
    assert not (tmp_path / "b" / "vault.db").exists()


def test_a_device_cannot_remove_itself_and_an_unknown_name_is_said(user_template, tmp_path: Path,
                                                                   relay) -> None:
    laptop = copy_vault(user_template, tmp_path / "laptop")
    invite(laptop, relay.url)
    itself = run("device", "remove", "Laptop", "--vault", str(laptop))
    assert itself.exit_code == 1 and "device you are using" in itself.stderr
    unknown = run("device", "remove", "Phone", "--vault", str(laptop))
    assert unknown.exit_code == 1 and "No device named Phone" in unknown.stderr


def test_a_device_linked_by_a_linked_device_is_known_to_all(user_template, tmp_path: Path,
                                                           relay) -> None:
    """Laptop links Work PC, which links Tablet: the laptop learns of the tablet from Work PC's
    new list, and a crisis-plan edit on the tablet reaches the laptop through Work PC."""
    from tests.devices.device_helpers import link

    laptop = copy_vault(user_template, tmp_path / "laptop")
    work, tablet = tmp_path / "work" / "vault.db", tmp_path / "tablet" / "vault.db"
    link(laptop, work, relay.url, "Work PC")
    result = run("device", "invite", "--json", "--vault", str(work), "--relay", relay.url)
    code = json.loads(result.stdout)["code"]
    assert join(code, tablet, relay.url, "Tablet").exit_code == 0
    sync(work)
    assert json.loads(join(code, tablet, relay.url, "Tablet").stdout)["linked"]
    sync(laptop)
    assert [d["name"] for d in devices(laptop)] == ["Laptop", "Work PC", "Tablet"]
    assert [(d["name"], d["this_device"]) for d in devices(tablet)] == [
        ("Laptop", False), ("Work PC", False), ("Tablet", True)]

    with Vault.unlock(tablet, PASSPHRASE) as vault:
        plan = Toolbox(vault).crisis_plan.get()
        plan.distractions = "Knitting"
        Toolbox(vault).crisis_plan.save(plan)
    for path in (tablet, work, work, laptop):
        sync(path)
    assert crisis_plan(laptop).distractions == "Knitting"


def test_a_place_where_no_vault_can_be_made_is_said_before_the_code_is_used(
        user_template, tmp_path: Path, relay) -> None:
    laptop = copy_vault(user_template, tmp_path / "laptop")
    code = invite(laptop, relay.url)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    result = join(code, blocker / "vault.db", relay.url)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(join(code, tmp_path / "work" / "vault.db", relay.url).stdout)[
        "recovery_code"]  # the code still works
