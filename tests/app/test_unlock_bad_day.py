"""The unlock screen on a bad day: it says damaged, read-only or disk full, and keeps the file."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label

from reconnect_tui.screens.unlock import UnlockScreen
from tests.bad_disk import damage_one_page, files_of, fill, immutable, tmpfs
from tests.pilot import SIZE, make_app, submit_passphrase, wait_for
from tests.support.vaults import Template, copy_vault


async def _unlock_says(path: Path, *expected: str) -> str:
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, UnlockScreen)
        await submit_passphrase(pilot)

        def shown() -> str:
            return str(app.screen.query_one("#error", Label).render())

        await wait_for(pilot, lambda: "Unlocking" not in shown() and shown() != "")
        assert isinstance(app.screen, UnlockScreen) and app.toolbox is None
        text = shown()
        label = app.screen.query_one("#error", Label)
        assert label.size.width <= SIZE[0] and label.size.height > 1  # wrapped, not cut off
    for part in expected:
        assert part in text, text
    return text


async def test_a_vault_with_a_damaged_page_is_said_to_be_damaged(vault_path: Path) -> None:
    damage_one_page(vault_path)
    before = files_of(vault_path)
    await _unlock_says(vault_path, "damaged", "reconnect restore")
    assert files_of(vault_path) == before


async def test_an_empty_vault_file_is_damaged_not_a_new_vault(vault_path: Path) -> None:
    vault_path.write_bytes(b"")
    await _unlock_says(vault_path, "empty (0 bytes)", "reconnect restore")
    assert vault_path.stat().st_size == 0


async def test_a_read_only_folder_is_said_as_such(vault_path: Path) -> None:
    before = files_of(vault_path)
    with immutable(vault_path.parent):
        text = await _unlock_says(vault_path, "permission denied", "Your vault is intact")
    assert "damaged" not in text
    assert files_of(vault_path) == before


async def test_a_full_disk_is_said_as_such(user_template: Template, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", size="1m") as disk:
        path = copy_vault(user_template, disk)
        before = files_of(path)
        fill(disk)
        text = await _unlock_says(path, "The disk is full", "Your vault is intact")
        assert "damaged" not in text
        assert files_of(path) == before
