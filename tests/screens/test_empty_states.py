"""Empty module screens on a new vault: laid out like full ones, not shifted or in italics
(issue 15: the screen's "nothing yet" class once matched the `.empty` text style)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pilot import SIZE, make_app, open_module, unlock
from tests.rendered import rendered_lines


@pytest.mark.parametrize("module_id", ["crisis-plan", "network", "medications"])
async def test_empty_screen_starts_at_the_left_edge(vault_path: Path, module_id: str) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, module_id)
        assert screen.has_class("-nothing-yet")
        assert screen.region.x == 0 and screen.size.width == SIZE[0]
        assert not screen.styles.text_style.italic
        assert screen.styles.padding.left == 0
        empty = screen.query(".empty-state").first()
        assert empty.display and empty.region.x <= 1  # the module body's own margin
        assert empty.region.right <= SIZE[0]
        lines = rendered_lines(app)
        assert lines[0].startswith(" ⭘")  # the header's icon in the first columns
        assert all(len(line) == SIZE[0] for line in lines)
