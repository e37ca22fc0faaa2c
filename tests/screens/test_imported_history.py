"""Pilot test: conversations and forums an import brought (export format version 2) are read
on their own screen from Messages (y), cleaned, and the live conversation is untouched."""

from __future__ import annotations

from reconnect_tui.screens.imported_history import ImportedHistoryScreen
from reconnect_tui.screens.messages import MessagesScreen
from reconnect_tui.store import portable
from tests.pilot import SIZE, make_app, open_module, unlock, wait_for
from tests.screens.messages_helpers import settle, text_of

DOCUMENT = {"format": "reconnect-export", "version": 2, "dyads": [{
    "partner": "Dr Berg", "partner_role": "provider",
    "messages": [
        {"id": "m1", "outgoing": False, "text": "Velkommen\x1b]0;pwned\x07 tilbake",
         "sent_at": "2025-05-02T09:00:00+00:00"},
        {"id": "m2", "outgoing": True, "text": "Takk for sist", "sent_at":
         "2025-05-02T10:00:00+00:00"}]}],
    "forums": [{"name": "Torsdagsgruppa", "pseudonym": "Måke", "posts": [
        {"id": "p1", "thread": "p1", "author": "Ravn", "text": "Hei alle",
         "posted_at": "2025-05-03T18:00:00+00:00"}]}]}


async def test_imported_history_is_read_from_messages(user, provider, paired) -> None:
    with user.open() as vault:
        portable.import_all(vault, DOCUMENT, replace=True)
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "messages")
        await wait_for(pilot, lambda: isinstance(app.screen, MessagesScreen)
                       and app.screen.loaded)
        await settle(pilot)
        assert app.screen is screen  # one live provider, but history to read: the list stays
        assert screen.check_action("imported", ())
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportedHistoryScreen)
                       and app.screen.loaded)
        shown = text_of(app, "#imported-history")
        assert "Conversation with Dr Berg (imported, read only)" in shown
        assert "Dr Berg: Velkommen tilbake" in shown and "you: Takk for sist" in shown
        assert "Forum Torsdagsgruppa, where you were Måke" in shown
        assert "Ravn: Hei alle" in shown
        assert "\x1b" not in shown and "\x07" not in shown
