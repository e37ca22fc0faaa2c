"""Devices in plain mode (the app's Devices screen offers the same): a one-time code said as
text, the real ``device join`` on a new vault, the list, and removal after a yes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from reconnect_tui.model import Role
from tests.devices.device_helpers import devices, join, sync
from tests.plain.plain_helpers import home, problems, run_plain
from tests.support.vaults import Template, copy_vault


def _run(vault: Path, answers: list[str], relay_url: str, role: Role = Role.USER) -> str:
    result = run_plain(vault, answers, env={"RECONNECT_RELAY": relay_url})
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    assert problems(result.stdout) == [], problems(result.stdout)
    return result.stdout


def test_link_list_and_remove_a_device_in_plain_mode(user_template: Template, relay,
                                                     tmp_path: Path) -> None:
    laptop = copy_vault(user_template, tmp_path / "laptop")
    said = _run(laptop, [home("devices"), "1", "q", home("quit")], relay.url)
    assert "Only this device so far." in said
    [code] = re.findall(r"One-time code: (\S+)", said)
    assert f"reconnect device join {code} --name NAME --relay {relay.url}" in said

    work = tmp_path / "work" / "vault.db"
    assert join(code, work, relay.url).exit_code == 0
    sync(laptop)
    joined = join(code, work, relay.url)
    assert joined.exit_code == 0 and json.loads(joined.stdout)["linked"], joined.output

    said = _run(laptop, [home("devices"), "2", "1", "yes", "q", home("quit")], relay.url)
    assert "2 devices." in said and "Work PC, linked" in said
    assert "Remove Work PC? It gets nothing written after this" in said
    assert "Removed Work PC." in said
    assert [d["name"] for d in devices(laptop)] == [d["name"] for d in devices(laptop)
                                                    if d["this_device"]]


def test_a_relay_that_cannot_be_reached_makes_no_code(user_template: Template,
                                                      tmp_path: Path) -> None:
    laptop = copy_vault(user_template, tmp_path / "laptop")
    said = _run(laptop, [home("devices"), "1", "q", home("quit")], "http://127.0.0.1:9")
    assert "No code was made:" in said and "One-time code" not in said
