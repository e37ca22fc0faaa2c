"""What a share holds: sections of the portable export, read only for the modules asked."""

from __future__ import annotations

from reconnect_tui.model import Medication
from reconnect_tui.store import Toolbox, portable


def test_export_sections_takes_any_iterable_of_sections(toolbox: Toolbox) -> None:
    toolbox.medications.add(Medication(name="Lithium"))
    wanted = ("medications", "diary")
    full = portable.export_sections(toolbox.vault, list(wanted))
    once = portable.export_sections(toolbox.vault, (name for name in wanted))
    assert set(full) == set(wanted)
    assert once == full
    assert [m["name"] for m in once["medications"]] == ["Lithium"]


def test_listing_what_arrived_does_not_read_the_snapshots(toolbox: Toolbox) -> None:
    """A provider's Home, Shared with me and every sync list received items: the snapshots
    (megabytes for a whole toolbox) come last in the row and are not selected, so SQLite
    never reads (nor SQLCipher decrypts) their overflow pages for a listing."""
    from reconnect_tui.store.repositories.sharing import SharingRepository

    with toolbox.vault.read() as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with toolbox.vault.transaction() as conn:
            columns = [r[1] for r in conn.execute("PRAGMA table_info(received_items)")]
            conn.execute("INSERT INTO received_items(partner_id, slot_id, module, title,"
                         " version, snapshot) VALUES (7, 'a', 'goals', 'Goals', 1, ?)",
                         ('{"goals": []}',))
            conn.execute("INSERT INTO received_items(partner_id, slot_id, module)"
                         " VALUES (7, 'b', 'diary')")
    finally:
        with toolbox.vault.read() as conn:
            conn.execute("PRAGMA foreign_keys = ON")
    assert columns[-1] == "snapshot"
    repo = SharingRepository(toolbox.vault)
    assert [(r.slot_id, r.snapshot) for r in repo.received(7, snapshots=False)] == [
        ("b", None), ("a", "")]
    assert [(r.slot_id, r.snapshot) for r in repo.received(7)] == [
        ("b", None), ("a", '{"goals": []}')]
