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
