"""Form drafts: kept in the (encrypted) vault by form identity, replaced, discarded, and
brought to a vault written by the schema before them."""

from __future__ import annotations

from pathlib import Path

from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.store import keys as vault_keys
from reconnect_tui.store.db import open_connection
from reconnect_tui.store.repositories.drafts import DraftKey, DraftRepository
from reconnect_tui.store.schema import SCHEMA_VERSION, migrate

MARKER = "DRAFT-MARKER-5b1c walk to the lake"


def test_a_draft_is_kept_replaced_and_discarded(toolbox: Toolbox) -> None:
    slot = toolbox.drafts.slot("goal")
    assert slot.load() is None
    slot.keep({"title": "Walk", "due": "2026-13-40", "done": False, "domain_id": 3})
    draft = slot.load()
    assert draft is not None and draft.saved_at is not None
    # raw values as typed, even when they would not pass the form's checks
    assert draft.fields == {"title": "Walk", "due": "2026-13-40", "done": False, "domain_id": 3}
    slot.keep({"title": "Walk to the lake"})
    assert slot.load().fields == {"title": "Walk to the lake"}
    assert len(toolbox.drafts.list()) == 1
    slot.discard()
    assert slot.load() is None and toolbox.drafts.list() == []


def test_drafts_are_told_apart_by_form_and_item(toolbox: Toolbox) -> None:
    toolbox.drafts.slot("goal").keep({"title": "new"})
    toolbox.drafts.slot("goal", 7).keep({"title": "edited"})
    toolbox.drafts.slot("message", 7).keep({"text": "hello"})
    assert toolbox.drafts.get(DraftKey("goal", "7")).fields == {"title": "edited"}
    assert toolbox.drafts.slot("goal").load().fields == {"title": "new"}
    toolbox.drafts.slot("goal", 7).discard()
    assert {d.key for d in toolbox.drafts.list()} == {DraftKey("goal"), DraftKey("message", "7")}


def test_a_draft_survives_reopening_and_is_encrypted(toolbox: Toolbox, user_template) -> None:
    toolbox.drafts.slot("diary-entry").keep({"text": MARKER})
    path = toolbox.vault.path
    toolbox.vault.close()
    for file in path.parent.iterdir():
        assert MARKER.encode() not in file.read_bytes(), file.name
    again = Toolbox(Vault.open_with_key(path, user_template.key, user_template.header))
    try:
        assert again.drafts.slot("diary-entry").load().fields == {"text": MARKER}
    finally:
        again.vault.close()


def test_an_unreadable_draft_is_no_draft(toolbox: Toolbox) -> None:
    with toolbox.vault.transaction() as conn:
        conn.execute(
            "INSERT INTO form_drafts(form, item, fields, saved_at)"
            " VALUES ('goal', '', '[1, 2', 'garbage'), ('note', '', '{\"a\": [1]}', 'x')"
        )
    assert toolbox.drafts.slot("goal").load() is None
    assert toolbox.drafts.slot("note").load().fields == {}  # a nested value is dropped
    assert toolbox.drafts.slot("note").load().saved_at is None


def test_drafts_arrive_in_a_vault_of_the_schema_before(tmp_path: Path, user_template) -> None:
    """A vault written before drafts existed: opening it adds the table, keeps its data."""
    key = vault_keys.new_vault_key()
    conn = open_connection(tmp_path / "v.db", key)
    migrate(conn, target=SCHEMA_VERSION - 1)
    conn.execute("INSERT INTO meta(key, value) VALUES ('what_matters', 'my garden')")
    assert migrate(conn) == SCHEMA_VERSION
    conn.close()
    vault = Vault(tmp_path / "v.db", open_connection(tmp_path / "v.db", key), key,
                  user_template.header)
    try:
        DraftRepository(vault).slot("goal").keep({"title": "Garden"})
        assert DraftRepository(vault).slot("goal").load().fields == {"title": "Garden"}
        with vault.read() as c:
            assert c.execute("SELECT value FROM meta WHERE key = 'what_matters'").fetchone()[0] \
                == "my garden"
    finally:
        vault.close()
