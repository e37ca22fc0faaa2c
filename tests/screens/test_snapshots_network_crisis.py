"""Snapshots of the Network map and the Crisis plan at 80x24 and 120x40 (seeded, fixed clock)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconnect_tui.model import CrisisPlan, Helper, Person, Sector, ServiceContact
from reconnect_tui.store import Toolbox, Vault
from tests.pilot import make_app, open_module, unlock

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


def seed(vault_path: Path, user_template) -> None:
    vault = Vault.open_with_key(vault_path, user_template.key, user_template.header)
    try:
        toolbox = Toolbox(vault)
        people = [
            Person("Mor", "mother", Sector.FAMILY, 1, phone="900 00 001", can_help_in_crisis=True),
            Person("Siri", "sister", Sector.FAMILY, 1, phone="911 11 111", can_help_in_crisis=True),
            Person("Anna", "friend", Sector.FRIENDS, 2),
            Person("Per", "neighbour", Sector.LEISURE, 2),
            Person("Ola", "colleague", Sector.SCHOOL_WORK, 3),
            Person("Tante Liv", "aunt", Sector.RELATIVES, 3),
            Person("Dr Lind", "GP", Sector.PROFESSIONAL, 4, phone="22 00 00 00"),
        ]
        for person in people:
            toolbox.network.add(person)
        toolbox.crisis_plan.save(
            CrisisPlan(
                warning_signs="I stop sleeping\nI avoid people",
                self_help="Walk by the sea",
                helpers=[Helper("Siri", "911 11 111", people[1].id)],
                professionals=[ServiceContact("Dr Lind", "22 00 00 00", "GP")],
                reasons_for_living="My cat",
            )
        )
    finally:
        vault.close()


def opener(module_id: str):
    async def run_before(pilot) -> None:
        await unlock(pilot)
        await open_module(pilot, module_id)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()

    return run_before


@SIZES
def test_network_snapshot(snap_compare, vault_path: Path, user_template, size) -> None:
    seed(vault_path, user_template)
    assert snap_compare(make_app(vault_path), terminal_size=size, run_before=opener("network"))


@SIZES
def test_crisis_plan_snapshot(snap_compare, vault_path: Path, user_template, size) -> None:
    seed(vault_path, user_template)
    assert snap_compare(make_app(vault_path), terminal_size=size, run_before=opener("crisis-plan"))
