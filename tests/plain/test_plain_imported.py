"""Conversations and forums an import file brought are read in plain mode from Messages,
cleaned like any partner's text (the export format's version 2)."""

from __future__ import annotations

from pathlib import Path

from reconnect_tui.store import Vault, portable
from tests.plain.plain_helpers import home, problems, run_plain
from tests.support.vaults import Template, copy_vault

DOCUMENT = {"format": "reconnect-export", "version": 2, "dyads": [{
    "partner": "Dr Berg", "partner_role": "provider",
    "messages": [
        {"id": "m1", "outgoing": False, "text": "Velkommen\x1b]0;pwned\x07 tilbake",
         "sent_at": "2025-05-02T09:00:00+00:00"},
        {"id": "m2", "outgoing": True, "text": "Takk for sist",
         "sent_at": "2025-05-02T10:00:00+00:00"}]}],
    "forums": [{"name": "Torsdagsgruppa", "pseudonym": "Måke", "posts": [
        {"id": "p1", "thread": "p1", "author": "Ravn", "text": "Hei alle",
         "posted_at": "2025-05-03T18:00:00+00:00"}]}]}


def test_imported_history_is_read_from_messages(user_template: Template,
                                                tmp_path: Path) -> None:
    path = copy_vault(user_template, tmp_path / "user")
    vault = Vault.open_with_key(path, user_template.key, user_template.header)
    try:
        portable.import_all(vault, DOCUMENT, replace=True)
    finally:
        vault.close()
    result = run_plain(path, [home("messages"), "1", "q", home("quit")])
    assert result.returncode == 0, result.stderr
    said = result.stdout
    assert "1 choice.\n1: Imported history" in said
    assert "Conversation with Dr Berg (imported, read only): 2 messages." in said
    assert "Dr Berg: Velkommen tilbake" in said and "you: Takk for sist" in said
    assert "Forum Torsdagsgruppa (imported, read only): 1 post." in said
    assert "Ravn: Hei alle" in said
    assert problems(said) == [] and "\x07" not in said
