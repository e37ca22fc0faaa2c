"""A default life domain's name is shown translated, a name the person wrote as written: one
rule (``domain_names.py``) for the screens, the command line and plain mode."""

from __future__ import annotations

from reconnect_tui import domain_names
from reconnect_tui.commands import items
from reconnect_tui.i18n import _, set_language
from reconnect_tui.widgets.network_rings import SECTOR_SHORT


def test_defaults_are_translated_and_own_names_kept() -> None:
    try:
        set_language("nb")
        assert domain_names.domain_label("Housing") != "Housing"
        assert domain_names.domain_label("My music") == "My music"
        assert items.domain_label is domain_names.domain_label
        assert all(_(label) != label for label in SECTOR_SHORT.values())
    finally:
        set_language("en")
