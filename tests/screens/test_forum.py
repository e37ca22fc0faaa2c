"""The peer-support forum screens with Pilot, on real vaults and a real relay on 127.0.0.1.

The moderator ("Mod", Kari's vault) and members ("Fjord", "Heather") are set up through the
real relay with the core API (``sync.forum.Forums``); each side's app is then driven in turn.
What one side does in its app reaches the other only through the relay.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.widgets import Button, Input, OptionList, Static, TextArea

from reconnect_tui.model import Role
from reconnect_tui.screens.forum import ForumScreen, ForumsScreen, ThreadScreen
from reconnect_tui.screens.forum_common import PeerSupportNotice
from reconnect_tui.screens.forum_dialogs import ForumInviteScreen, ForumJoinScreen
from reconnect_tui.screens.forum_moderation import MembersScreen, ReportsScreen
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.screens.registry import available_modules
from reconnect_tui.store import Vault
from reconnect_tui.sync.dyads import relay_for
from reconnect_tui.sync.forum import Forums
from reconnect_tui.sync.service import resolve_relay_url
from reconnect_tui.sync.sync_service import sync_and_process
from reconnect_tui.widgets.confirm import ConfirmScreen
from reconnect_tui.widgets.form import FormScreen
from tests.pilot import SIZE, make_app, unlock, wait_for
from tests.relay_server import RelayProcess, free_port
from tests.support.vaults import Template, copy_vault, make_template

FORUM = "Strand peers"



@dataclass
class Person:
    path: Path
    template: Template

    def open(self) -> Vault:
        return Vault.open_with_key(self.path, self.template.key, self.template.header)

    def sync(self, url: str) -> None:
        with self.open() as vault:
            report = sync_and_process(vault, url)
            assert not report.offline, report.error


def start_forum(moderator: Person, url: str, name: str = FORUM) -> str:
    """The moderator starts a forum (pseudonym "Mod"); returns its id in their vault."""
    with moderator.open() as vault:
        resolve_relay_url(vault, url)
        return Forums(vault).membership.create(name, "Mod").id


def add_member(moderator: Person, member: Person, pseudonym: str, url: str,
               name: str = FORUM) -> None:
    """Invite, join, and the syncs after which the member is in and has the keys."""
    with moderator.open() as vault:
        forums = Forums(vault)
        with relay_for(vault, url) as relay:
            code = forums.membership.invite(forums.views.forum_named(name).id, relay)
    with member.open() as vault:
        resolve_relay_url(vault, url)
        with relay_for(vault, url) as relay:
            Forums(vault).membership.join(code, pseudonym, relay)
    member.sync(url)
    moderator.sync(url)
    member.sync(url)


def post(person: Person, text: str, *, reply_to: str | None = None, name: str = FORUM) -> str:
    """Post through the core API; returns the thread id (the first post's id)."""
    with person.open() as vault:
        forums = Forums(vault)
        forum = forums.views.forum_named(name)
        thread = None
        if reply_to is not None:
            thread = next(p.thread for p in forums.views.posts(forum.id) if p.text == reply_to)
        return forums.posting.post(forum.id, text, thread=thread).thread


def options(app, selector: str) -> list[str]:
    """The rows of an OptionList on the current screen, as plain text (separators skipped)."""
    listing = app.screen.query_one(selector, OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


def highlighted(app, selector: str) -> str:
    listing = app.screen.query_one(selector, OptionList)
    assert listing.highlighted is not None
    return str(listing.get_option_at_index(listing.highlighted).prompt)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def fill_form(pilot, values: dict[str, str]) -> None:
    """Fill the open FormScreen's fields and save it (Ctrl+S)."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    form = pilot.app.screen
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            assert isinstance(widget, Input)
            widget.value = value
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: pilot.app.screen is not form)


@pytest.fixture(scope="session")
def fjord_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return make_template(tmp_path_factory.mktemp("fjord-template"), "Ola Hansen", Role.USER)


@pytest.fixture(scope="session")
def heather_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return make_template(tmp_path_factory.mktemp("heather-template"), "Siv Berg", Role.USER)



@pytest.fixture
def moderator(user_template: Template, tmp_path: Path) -> Person:
    return Person(copy_vault(user_template, tmp_path / "moderator"), user_template)


@pytest.fixture
def fjord(fjord_template: Template, tmp_path: Path) -> Person:
    return Person(copy_vault(fjord_template, tmp_path / "fjord"), fjord_template)


@pytest.fixture
def heather(heather_template: Template, tmp_path: Path) -> Person:
    return Person(copy_vault(heather_template, tmp_path / "heather"), heather_template)


async def open_forums(pilot) -> ForumsScreen:
    """From Home, f opens the forum list."""
    await pilot.press("f")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ForumsScreen))
    await settle(pilot)
    return pilot.app.screen


async def open_first_thread(pilot) -> ThreadScreen:
    """From Home: the forum list, the first forum, its first thread."""
    await open_forums(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ForumScreen))
    await settle(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ThreadScreen))
    await settle(pilot)
    return pilot.app.screen


async def sync_in_app(pilot) -> None:
    """Ctrl+R and wait until the sync worker has finished and the screen has read again."""
    app = pilot.app
    app.sync_status = ""
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: app.sync_status.startswith("Synced"))
    await settle(pilot)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


# -- the list, its empty state, and who is offered the module -------------------------------------


async def test_empty_forum_list_says_what_a_forum_is(moderator: Person) -> None:
    app = make_app(moderator.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_forums(pilot)
        empty = screen.query_one("#forums-empty", Static)
        assert empty.display and not screen.query_one("#forum-list").display
        assert "pseudonym" in str(empty.render()) and "never your name" in str(empty.render())
        assert "j to join" in str(empty.render()) and "n to start" in str(empty.render())
        notice = str(screen.query_one(PeerSupportNotice).render())
        assert "Peer support" in notice and "not treatment" in notice
        assert "not for emergencies" in notice
        assert "Not for emergencies" in text_of(app, "NotForEmergencies")
        titles = {c.title for c in app.get_system_commands(screen)}
        assert {"Join", "New forum"} <= titles
        assert "Invite" not in titles  # nothing to moderate yet
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
    assert "forum" in [m.id for m in available_modules(Role.USER)]
    assert "forum" not in [m.id for m in available_modules(Role.PROVIDER)]


async def test_provider_vaults_are_not_offered_the_forum(
    provider_template: Template, tmp_path: Path
) -> None:
    path = copy_vault(provider_template, tmp_path / "provider")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Open: Peer forum" not in titles
        await pilot.press("f")  # not a key on a provider's Home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        app.push_screen(ForumsScreen())  # even if reached some other way
        await wait_for(pilot, lambda: isinstance(app.screen, ForumsScreen))
        await settle(pilot)
        assert "provider vaults do not join them" in text_of(app, "#forums-empty")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Join" not in titles and "New forum" not in titles


async def test_start_a_forum_post_reply_and_pin_rules_and_cafe(moderator: Person) -> None:
    app = make_app(moderator.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_forums(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        assert str(app.screen.query_one("#save", Button).label) == "Start"
        await fill_form(pilot, {"name": FORUM, "pseudonym": "Mod"})
        await settle(pilot)
        [row] = options(app, "#forum-list")
        assert FORUM in row and "you are Mod" in row and "you moderate it" in row
        assert "Invite" in {c.title for c in app.get_system_commands(app.screen)}

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ForumScreen))
        await settle(pilot)
        forum = app.screen
        assert forum.query_one("#threads-empty").display
        assert "h hide" in text_of(app, "#forum-keys")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        assert str(app.screen.query_one("#save", Button).label) == "Post"
        await fill_form(pilot, {"text": "Welcome to Strand peers\nBe kind. No advice on doses."})
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))
        await settle(pilot)
        thread = app.screen
        await pilot.press("w")  # into the reply box
        area = thread.query_one("#composer-text", TextArea)
        assert area.has_focus
        for reply in ("Glad this exists", "See you at the café"):
            area.insert(reply)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda r=reply: r in options(app, "#posts")[-1])
            assert area.text == ""
        posts = options(app, "#posts")
        assert [p.splitlines()[-1] for p in posts] == [
            "Be kind. No advice on doses.", "Glad this exists", "See you at the café"]
        assert all("Mod (you)" in p for p in posts)

        area.insert("A draft")
        await pilot.press("escape")  # from the reply box back to the posts, draft kept
        assert app.screen is thread and thread.query_one("#posts", OptionList).has_focus
        assert area.text == "A draft"
        await pilot.press("home", "p")  # the first post becomes the rules
        await settle(pilot)
        assert "Pinned: the forum's rules" in options(app, "#posts")[0]
        titles = {c.title for c in app.get_system_commands(thread)}
        assert "Unpin" in titles and "Pin as rules" not in titles
        await pilot.press("u")
        await settle(pilot)
        assert "Pinned" not in options(app, "#posts")[0]
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("end")  # a reply is never pinned
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(thread)}
        assert "Pin as rules" not in titles and "Hide" in titles
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is forum)
        await settle(pilot)

        for text in ("Café dates: 3 December, 7 January", "Anyone up for a walk on Sunday?"):
            await pilot.press("n")
            await fill_form(pilot, {"text": text})
            await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is forum)
            await settle(pilot)
        threads = forum.query_one("#threads", OptionList)
        threads.highlighted = next(i for i, row in enumerate(options(app, "#threads"))
                                   if "Café dates" in row)
        await pilot.press("c")
        await settle(pilot)
        rows = options(app, "#threads")
        # Pinned first (rules and café dates, in full), then by activity.
        assert any(r.startswith("Pinned: the forum's rules") and "No advice on doses" in r
                   for r in rows[:2])
        assert any(r.startswith("Pinned: café dates") for r in rows[:2])
        assert "Anyone up for a walk" in rows[2] and "0 replies" in rows[2]

    with moderator.open() as vault:
        forums = Forums(vault)
        posts = forums.views.posts(forums.views.forum_named(FORUM).id)
        welcome = next(p for p in posts if p.text.startswith("Welcome"))
        replies = [p.text for p in posts if p.thread == welcome.id and p.id != welcome.id]
        assert replies == ["Glad this exists", "See you at the café"]
        assert welcome.pinned == "rules"


# -- joining, what travels, unread and mute --------------------------------------------------------


async def test_member_joins_in_the_app_sees_the_post_replies_and_mutes(
    relay: RelayProcess, moderator: Person, fjord: Person
) -> None:
    url = relay.url
    start_forum(moderator, url)
    app = make_app(moderator.path)  # the moderator makes a code in the app
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_forums(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, ForumInviteScreen))
        await wait_for(pilot, lambda: bool(app.screen.code))
        code = app.screen.code
        assert "Invite someone to Strand peers" in str(
            app.screen.query_one("#forum-invite-title").render())
        assert "in person" in text_of(app, "#invitation-help")
        assert "expires in 24 hours" in text_of(app, "#invitation-help")
        assert code.replace("-", "")[:2] in text_of(app, "#invitation-code").replace(" ", "")

    app = make_app(fjord.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_forums(pilot)
        await pilot.press("j")
        await wait_for(pilot, lambda: isinstance(app.screen, ForumJoinScreen))
        join = app.screen
        assert "never your name" in text_of(app, "#pseudonym-note")
        join.query_one("#forum-code", Input).value = code
        join.query_one("#forum-pseudonym", Input).value = "Fjord"
        join.query_one("#relay-url", Input).value = url  # no relay known yet
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ForumScreen))
        await settle(pilot)

        # The moderator lets them in and writes; a sync in the app brings the post.
        moderator.sync(url)
        post(moderator, "Hello everyone, how was your week?")
        moderator.sync(url)
        await sync_in_app(pilot)
        await wait_for(pilot, lambda: bool(app.screen.threads))
        [row] = options(app, "#threads")
        assert "Hello everyone" in row and "Mod" in row and "1 new" in row
        assert "You are Fjord here" in text_of(app, "#forum-line")

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))
        await settle(pilot)
        [first] = options(app, "#posts")
        assert first.startswith("Mod ·") and "Hello everyone, how was your week?" in first
        relay.stop()  # the relay is down: the reply is queued, and the screen says so
        await pilot.press("w")
        app.screen.query_one("#composer-text", TextArea).insert("A good week, thanks")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(options(app, "#posts")) == 2)
        await wait_for(pilot, lambda: "Offline" in text_of(app, "#forum-sync"))
        assert "waiting" in text_of(app, "#forum-sync")
        relay.start()
        await pilot.press("escape", "escape")  # the reply box, then the thread
        await wait_for(pilot, lambda: isinstance(app.screen, ForumScreen))
        await settle(pilot)
        [row] = options(app, "#threads")
        assert "1 reply" in row and "new" not in row  # read once opened

        await pilot.press("m")
        await settle(pilot)
        [row] = options(app, "#threads")
        assert "muted" in row
        await sync_in_app(pilot)  # the reply goes out

    moderator.sync(url)
    with moderator.open() as vault:
        forums = Forums(vault)
        forum_id = forums.views.forum_named(FORUM).id
        reply = [p for p in forums.views.posts(forum_id) if p.author == "Fjord"]
        assert [p.text for p in reply] == ["A good week, thanks"]
        assert [m.pseudonym for m in forums.views.members(forum_id)] == ["Mod", "Fjord"]
    with fjord.open() as vault:
        forums = Forums(vault)
        assert forums.views.threads(forums.views.forum_named(FORUM).id)[0].muted


async def test_join_with_the_relay_down_says_so_and_keeps_what_was_typed(fjord: Person) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    app = make_app(fjord.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_forums(pilot)
        await pilot.press("j")
        await wait_for(pilot, lambda: isinstance(app.screen, ForumJoinScreen))
        screen = app.screen
        await pilot.press("ctrl+s")
        assert "invitation code" in text_of(app, "#pairing-error")
        screen.query_one("#forum-code", Input).value = "ABCD-EFGH-JKMN"
        await pilot.press("ctrl+s")
        assert "pseudonym" in text_of(app, "#pairing-error")
        screen.query_one("#forum-pseudonym", Input).value = "Fjord"
        screen.query_one("#relay-url", Input).value = url
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "could not be reached" in text_of(app, "#pairing-error"))
        assert app.screen is screen
        assert screen.query_one("#forum-pseudonym", Input).value == "Fjord"


# -- moderation ------------------------------------------------------------------------------------


async def test_report_reaches_the_moderator_who_hides_the_post(
    relay: RelayProcess, moderator: Person, fjord: Person, heather: Person
) -> None:
    url = relay.url
    start_forum(moderator, url)
    add_member(moderator, fjord, "Fjord", url)
    add_member(moderator, heather, "Heather", url)
    fjord.sync(url)  # learns that Heather is in
    post(fjord, "Buy my miracle supplements, cheap")
    fjord.sync(url)
    moderator.sync(url)
    heather.sync(url)

    # Heather reports it.
    app = make_app(heather.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_first_thread(pilot)
        assert "Buy my miracle supplements" in options(app, "#posts")[0]
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        intro = " ".join(str(s.render()) for s in app.screen.query(".help"))
        assert "Only the moderator sees your report" in intro and "113" in intro
        # The button says what it does (FormScreen's save_label), not "Save".
        assert str(app.screen.query_one("#save", Button).label) == "Report"
        await fill_form(pilot, {"reason": "Selling things"})
        await sync_in_app(pilot)

    # The moderator finds it in the reports, opens the post and hides it with a reason.
    moderator.sync(url)
    app = make_app(moderator.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_forums(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ForumScreen))
        await settle(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await settle(pilot)
        [report] = options(app, "#reports")
        assert "From Heather" in report and "Selling things" in report
        assert "miracle supplements" in report
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))
        await settle(pilot)
        assert "miracle supplements" in highlighted(app, "#posts")
        await pilot.press("h")
        await fill_form(pilot, {"reason": "No selling in this forum"})
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "No selling in this forum" in text_of(app, ".question")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))
        await settle(pilot)
        assert "Hidden from everyone. Your reason: No selling" in options(app, "#posts")[0]
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await settle(pilot)
        assert "The post is hidden now." in options(app, "#reports")[0]
        await sync_in_app(pilot)

    fjord.sync(url)
    heather.sync(url)
    # Another member sees only that it was hidden.
    app = make_app(heather.path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        await open_first_thread(pilot)
        [shown] = options(app, "#posts")
        assert "Hidden by the moderator." in shown and "supplements" not in shown
        assert "No selling" not in shown
        await pilot.press("r")  # the key says why it cannot act (issue 15)
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        assert any("already hidden" in n.message for n in app._notifications)
    # Its author sees why.
    app = make_app(fjord.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_first_thread(pilot)
        [shown] = options(app, "#posts")
        assert "The moderator hid this post from everyone. Why: No selling in this forum" in shown
        assert "miracle supplements" in shown


async def test_moderator_removes_a_member_who_then_reads_only(
    relay: RelayProcess, moderator: Person, fjord: Person
) -> None:
    url = relay.url
    start_forum(moderator, url)
    add_member(moderator, fjord, "Fjord", url)
    post(moderator, "Welcome, Fjord")
    moderator.sync(url)

    app = make_app(moderator.path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        await open_forums(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ForumScreen))
        await settle(pilot)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, MembersScreen))
        await settle(pilot)
        rows = options(app, "#members")
        assert rows[0].startswith("Mod") and "moderator" in rows[0]
        assert rows[1].startswith("Fjord")
        await pilot.press("x")  # the moderator is highlighted: the key says why not
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
        assert any("cannot remove yourself" in n.message for n in app._notifications)
        await pilot.press("down", "x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = text_of(app, ".question")
        assert "Remove Fjord from Strand peers?" in question
        assert "can no longer post" in question and "new invitation code" in question
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, MembersScreen))
        await settle(pilot)
        assert [r.split()[0] for r in options(app, "#members")] == ["Mod"]
        await sync_in_app(pilot)

    fjord.sync(url)
    app = make_app(fjord.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_forums(pilot)
        assert "You were removed" in options(app, "#forum-list")[0]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ForumScreen))
        await settle(pilot)
        assert "You were removed from this forum" in text_of(app, "#forum-line")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "New thread" not in titles and "Report" not in titles
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))
        await settle(pilot)
        assert not app.screen.query_one("#composer").display


async def test_an_altered_post_shows_as_one_that_could_not_be_verified(
    relay: RelayProcess, moderator: Person, fjord: Person
) -> None:
    from tests.relay_tamper import alter_envelopes

    url = relay.url
    start_forum(moderator, url)
    add_member(moderator, fjord, "Fjord", url)
    post(moderator, "Secret words")
    moderator.sync(url)
    with fjord.open() as vault:
        forums = Forums(vault)
        mailbox = forums.context.record(forums.views.forum_named(FORUM).id).mailbox_id
    assert alter_envelopes(relay, mailbox) == 1

    app = make_app(fjord.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_forums(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ForumScreen))
        await sync_in_app(pilot)
        shown = " ".join(options(app, "#threads"))
        assert "A post that could not be verified" in shown and "Secret" not in shown
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))
        await settle(pilot)
        text = " ".join(str(w.render()) for w in app.screen.query(Static))
        text += " ".join(options(app, "OptionList")) if app.screen.query(OptionList) else ""
        assert "A post that could not be verified" in text and "Secret" not in text


async def test_forum_screens_fit_60x20(moderator: Person, relay: RelayProcess) -> None:
    """At 60x20 the forum list, a forum's threads and a thread's posts are on screen and big
    enough to use; the keys line gives way to the footer (issue 15)."""
    from tests.rendered import rendered_lines

    small = (60, 20)
    start_forum(moderator, relay.url)
    post(moderator, "Welcome! Say hello and tell us what brought you here.")
    post(moderator, "Hello from the moderator", reply_to="Welcome! Say hello and tell us what"
         " brought you here.")
    moderator.sync(relay.url)
    app = make_app(moderator.path)
    async with app.run_test(size=small) as pilot:
        await unlock(pilot)
        for selector, opened in (("#forum-list", open_forums), ("#threads", None),
                                 ("#posts", None)):
            if opened is not None:
                await opened(pilot)
            else:
                await pilot.press("enter")
                await wait_for(pilot, lambda s=selector: bool(app.screen.query(s)))
                await settle(pilot)
            screen = app.screen
            assert all(len(line) == small[0] for line in rendered_lines(app))
            listing = screen.query_one(selector)
            assert listing.display and listing.region.height >= 4, selector
            assert listing.region.right <= small[0] and listing.region.bottom <= small[1] - 1
            assert screen.has_class("-short") and screen.has_class("-narrow")
            assert all(k.region.height == 0 for k in screen.query(".forum-keys"))


async def test_empty_forum_list_fits_60x20(moderator: Person) -> None:
    """The long explanation of an empty forum list scrolls at 60x20 instead of running under
    the footer (issue 15)."""
    app = make_app(moderator.path)
    async with app.run_test(size=(60, 20)) as pilot:
        await unlock(pilot)
        screen = await open_forums(pilot)
        empty = screen.query_one("#forums-empty")
        assert empty.display and empty.region.height >= 3
        assert empty.region.bottom <= 19 and empty.region.right <= 60
