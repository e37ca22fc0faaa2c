"""A contact name pasted with escape codes never reaches a PDF, Markdown, text or JSON export
raw, whether it was stored before the sanitiser existed or typed now (docs/text-safety.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from reconnect_tui.cli import app
from reconnect_tui.export import export_crisis_plan
from reconnect_tui.model import CrisisPlan, Helper, ServiceContact
from reconnect_tui.store import Toolbox, Vault, portable
from reconnect_tui.text_safety import is_terminal_safe
from tests.export.export_plans import FIXED_TODAY, pdf_pages
from tests.support.vaults import PASSPHRASE, Template

runner = CliRunner()
PASTED = "\x1b[31mRED\x1b[0mNabo Bjørn"
RAW_PARTS = ("\x1b", "[31m", "[0m", "\u202e")


def contains_raw(text: str) -> bool:
    return any(part in text for part in RAW_PARTS) or not is_terminal_safe(text)


def store_raw(vault: Vault) -> None:
    """What an older vault holds: the pasted name in the network, the crisis plan's helpers and
    professionals, and a title sequence in the plan's text, written past the repositories."""
    with vault.transaction() as conn:
        conn.execute("INSERT INTO people(name, sector, ring, phone, can_help_in_crisis)"
                     " VALUES (?, 'family', 1, ?, 1)", (PASTED, "\x1b[1m99 88 77 66"))
        conn.execute("UPDATE crisis_plan SET warning_signs = ?, updated_at = ? WHERE id = 1",
                     ("I stop sleeping\x1b]0;owned\x07\u202e and eating",
                      "2026-11-01T10:00:00+00:00"))
        conn.execute("INSERT INTO crisis_helpers(name, phone, position) VALUES (?, ?, 0)",
                     (PASTED, "99 88 77 66"))
        conn.execute("INSERT INTO crisis_professionals(name, phone, role, position)"
                     " VALUES (?, '116 117', ?, 0)", (PASTED, "fastlege\x9b2J"))


@pytest.mark.parametrize("fmt", ["pdf", "md", "txt"])
def test_crisis_plan_exports_hold_no_escape_codes(vault_path: Path, user_template: Template,
                                                  tmp_path: Path, fmt: str) -> None:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        store_raw(vault)
    out = tmp_path / f"plan.{fmt}"
    result = runner.invoke(app, ["export", "crisis-plan", "--format", fmt, "-o", str(out),
                                 "--vault", str(vault_path)],
                           env={"RECONNECT_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    text = "\n".join(pdf_pages(out.read_bytes())) if fmt == "pdf" else out.read_text("utf-8")
    assert "REDNabo Bjørn" in text and "99 88 77 66" in text
    assert not contains_raw(text)
    assert "owned" not in text and "I stop sleeping and eating" in " ".join(text.split())


def test_json_export_and_the_repositories_hold_no_escape_codes(
        vault_path: Path, user_template: Template, tmp_path: Path) -> None:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        store_raw(vault)
        plan = Toolbox(vault).crisis_plan.get()
        assert [h.name for h in plan.helpers] == ["REDNabo Bjørn"]
        assert plan.warning_signs == "I stop sleeping and eating"
    out = tmp_path / "all.json"
    result = runner.invoke(app, ["export", "all", "-o", str(out), "--vault", str(vault_path)],
                           env={"RECONNECT_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    raw = out.read_text("utf-8")
    data = json.loads(raw)
    assert not contains_raw(raw) and "\\u001b" not in raw.lower() and "\\u202e" not in raw.lower()
    assert data["crisis_plan"]["helpers"][0]["name"] == "REDNabo Bjørn"
    assert data["network"][0]["name"] == "REDNabo Bjørn"


def test_typed_text_is_cleaned_before_it_is_stored(vault: Vault) -> None:
    toolbox = Toolbox(vault)
    plan = CrisisPlan(warning_signs="a\x1b]52;c;ZXZpbA==\x07b",
                      helpers=[Helper(name=PASTED, phone="1")],
                      professionals=[ServiceContact(name="Dr\u202e Lind", phone="2", role="x")])
    toolbox.crisis_plan.save(plan)
    with vault.read() as conn:
        stored = [tuple(r) for r in conn.execute(
            "SELECT name FROM crisis_helpers UNION ALL SELECT name FROM crisis_professionals"
            " UNION ALL SELECT warning_signs FROM crisis_plan")]
    assert stored == [("REDNabo Bjørn",), ("Dr<U+202E> Lind",), ("ab",)]


def test_an_import_file_with_escape_codes_is_stored_clean(vault: Vault) -> None:
    data = portable.parse(json.dumps({
        "format": portable.FORMAT, "version": portable.VERSION,
        "network": [{"name": PASTED, "relation": "", "sector": "family", "ring": 1,
                     "contact_frequency": "", "phone": "", "can_help_in_crisis": True,
                     "notes": "\x1b]0;x\x07notes"}]}))
    portable.import_all(vault, data, replace=True)
    with vault.read() as conn:
        assert tuple(conn.execute("SELECT name, notes FROM people").fetchone()) == (
            "REDNabo Bjørn", "notes")


@settings(max_examples=60, deadline=None)
@given(name=st.text(), text=st.text())
def test_every_export_format_is_clean_for_any_text(name: str, text: str) -> None:
    plan = CrisisPlan(warning_signs=text, helpers=[Helper(name=name, phone=text)],
                      professionals=[ServiceContact(name=name, phone="1", role=text)])
    for fmt in ("md", "txt"):
        out = export_crisis_plan(plan, name, "NO", fmt, today=FIXED_TODAY).decode("utf-8")
        assert is_terminal_safe(out)
