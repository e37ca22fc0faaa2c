"""No line the app renders holds ESC, a C1 control or a bidi override, whatever the vault holds
and whatever is pasted (docs/text-safety.md). Real vaults, the real app under Pilot."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.widgets import Input

from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.widgets.form import FormScreen
from tests.pilot import SIZE, make_app, open_module, wait_for
from tests.rendered import rendered_lines, unsafe_lines
from tests.support.vaults import Template

PASTED = "\x1b[31mRED\x1b[0mNabo Bjørn\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07"
STORABLE = st.characters(codec="utf-8")
"""Any Unicode SQLite can hold (lone surrogates cannot be stored; pasted text may hold them)."""


def store_raw(vault: Vault, texts: list[str]) -> None:
    """Text as an older vault may hold it: written past the repositories."""
    with vault.transaction() as conn:
        conn.execute("DELETE FROM people")
        conn.execute("DELETE FROM crisis_helpers")
        conn.execute("DELETE FROM goals")
        conn.execute("INSERT INTO people(name, sector, ring, phone, notes, can_help_in_crisis)"
                     " VALUES (?, 'family', 1, ?, ?, 1)", (texts[0], texts[1], texts[2]))
        conn.execute("UPDATE crisis_plan SET warning_signs = ?, self_help = ? WHERE id = 1",
                     (texts[1], texts[2]))
        conn.execute("INSERT INTO crisis_helpers(name, phone, position) VALUES (?, ?, 0)",
                     (texts[0], texts[3]))
        conn.execute("INSERT INTO goals(title, why, notes, position) VALUES (?, ?, ?, 0)",
                     (texts[3], texts[2], texts[1]))


async def render_everywhere(path: Path, template: Template, pasted: str, *,
                            goals: bool = True) -> list[str]:
    """The network, the crisis plan (F2) and a form with ``pasted`` in a field: every line
    each of them renders (the goals screen too when ``goals``)."""
    lines: list[str] = []
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.unlocked(Vault.open_with_key(path, template.key, template.header))
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        for module in ("goals", "network") if goals else ("network",):
            await open_module(pilot, module)
            lines += rendered_lines(app)
        await pilot.press("f2")
        await pilot.pause()
        lines += rendered_lines(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "NetworkScreen")
        await pilot.press("a")  # "Add person": a form with a name field focused
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        app.post_message(events.Paste(pasted))
        await pilot.pause()
        await pilot.pause()
        lines += rendered_lines(app)
        lines.append(app.screen.query_one("#field-name", Input).value)
    return lines


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(STORABLE, min_size=1), min_size=4, max_size=4),
       pasted=st.text(min_size=1))
def test_no_rendered_line_holds_esc_or_c1(vault_path: Path, user_template: Template,
                                          texts: list[str], pasted: str) -> None:
    """Each example starts the app (a few seconds), hence ten; the sanitiser itself is run
    over thousands of strings in tests/test_text_safety.py."""
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        store_raw(vault, texts)
    lines = asyncio.run(render_everywhere(vault_path, user_template, pasted, goals=False))
    assert unsafe_lines(lines) == []


def test_an_attack_pasted_into_a_form_is_saved_and_shown_clean(
        vault_path: Path, user_template: Template) -> None:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        store_raw(vault, [PASTED, "99 88 77 66", "\x1b]0;owned\x07notes", "Sove\x9b2Jbedre"])
    lines = asyncio.run(render_everywhere(vault_path, user_template, PASTED))
    assert unsafe_lines(lines) == []
    assert lines[-1] == "REDNabo Bjørn"  # the field holds the text, not the codes
    assert any("REDNabo Bjørn" in line for line in lines[:-1])
    assert not any("[31m" in line or "52;c" in line for line in lines)
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        assert [p.name for p in Toolbox(vault).network.list()] == ["REDNabo Bjørn"]


async def test_create_vault_cleans_a_pasted_name_and_refuses_an_invisible_one(
        tmp_path: Path) -> None:
    """A pasted name loses its escape codes in the field; a name with an invisible character
    (here a Hangul filler, which can be typed) is refused with the code point named."""
    from textual.widgets import Label

    from reconnect_tui.screens.create import CreateVaultScreen
    from tests.support.vaults import PASSPHRASE

    app = make_app(tmp_path / "vault.db")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, CreateVaultScreen)
        name = app.screen.query_one("#name", Input)
        name.focus()
        app.post_message(events.Paste("\x1b[31mKari\x1b]0;pwned\x07"))
        await pilot.pause()
        await pilot.pause()
        assert name.value == "Kari"
        assert unsafe_lines(rendered_lines(app)) == []
        name.value = "Kari\u3164"
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        app.screen.query_one("#confirm", Input).value = PASSPHRASE
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(app.screen.query_one("#error", Label).render())
        assert "control or invisible characters (U+3164)" in error
        assert app.focused is name
    assert not (tmp_path / "vault.db").exists()
