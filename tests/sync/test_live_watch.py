"""`reconnect sync --watch` as a real process beside a real relay: it is told of a partner's
deposit and stores the message without anyone syncing it by hand; it survives `kill -9` of
itself and of the relay without losing or doubling a message; two watches on one vault lose
nothing; SIGTERM and SIGINT end it with exit 0 and no traceback."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

import pytest

from tests.relay_server import RelayProcess
from tests.screens.messages_helpers import Person, pair
from tests.support.live import Watch, deliver, received, until
from tests.support.vaults import PASSPHRASE, Template, copy_vault


@pytest.fixture
def provider(provider_template: Template, tmp_path: Path) -> Person:
    return Person(copy_vault(provider_template, tmp_path / "provider"), provider_template)


@pytest.fixture
def user(user_template: Template, tmp_path: Path) -> Person:
    return Person(copy_vault(user_template, tmp_path / "user"), user_template)


@pytest.fixture
def paired(relay: RelayProcess, provider: Person, user: Person) -> RelayProcess:
    pair(provider, user, relay.url)
    return relay


def test_a_watch_stores_a_partners_message_without_being_asked(
        paired: RelayProcess, provider: Person, user: Person, tmp_path: Path) -> None:
    watch = Watch(user.path, tmp_path / "watch")
    try:
        watch.wait_live()
        deliver(provider, paired.url, "Hei, hvordan går det?")
        until(lambda: received(user) == ["Hei, hvordan går det?"])
        deliver(provider, paired.url, "Og nå?")
        until(lambda: Counter(received(user)) == Counter(["Hei, hvordan går det?", "Og nå?"]))
    finally:
        assert watch.stop() == 0, watch.stderr()
    assert "Traceback" not in watch.stderr()


def test_kill_9_of_the_watch_and_the_relay_loses_and_doubles_nothing(
        paired: RelayProcess, provider: Person, user: Person, tmp_path: Path) -> None:
    watch = Watch(user.path, tmp_path / "watch1")
    sent = []
    try:
        watch.wait_live()
        for n in range(6):
            sent.append(f"melding {n}")
            deliver(provider, paired.url, sent[-1])
        # mid-stream: whatever the watch was doing (fetching, decrypting, acknowledging)
        watch.kill()
        paired.kill()
        paired.start()
        for n in range(6, 9):
            sent.append(f"melding {n}")
            deliver(provider, paired.url, sent[-1])
        watch = Watch(user.path, tmp_path / "watch2")
        watch.wait_live()
        for n in range(9, 12):
            sent.append(f"melding {n}")
            deliver(provider, paired.url, sent[-1])
        until(lambda: len(received(user)) >= len(sent))
        # the relay goes down under a live watch and comes back: it reconnects and goes on
        paired.kill()
        paired.start()
        watch.wait_live(times=2)
        sent.append("etter omstart")
        deliver(provider, paired.url, sent[-1])
        until(lambda: len(received(user)) >= len(sent))
    finally:
        assert watch.stop() == 0, watch.stderr()
    assert Counter(received(user)) == Counter(sent)  # each exactly once


def test_two_watches_on_one_vault_lose_nothing(
        paired: RelayProcess, provider: Person, user: Person, tmp_path: Path) -> None:
    watches = [Watch(user.path, tmp_path / f"watch{n}") for n in range(2)]
    try:
        for watch in watches:
            watch.wait_live()
        sent = [f"to vakter {n}" for n in range(8)]
        for text in sent:
            deliver(provider, paired.url, text)
        until(lambda: len(received(user)) >= len(sent))
    finally:
        codes = [watch.stop() for watch in watches]
    assert codes == [0, 0], [w.stderr() for w in watches]
    assert Counter(received(user)) == Counter(sent)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_the_watch_cleanly(paired: RelayProcess, user: Person, tmp_path: Path,
                                         sig: int) -> None:
    watch = Watch(user.path, tmp_path / "watch")
    watch.wait_live()
    assert watch.stop(sig) == 0
    assert "Traceback" not in watch.stderr()


def test_stay_unlocked_needs_watch(user: Person) -> None:
    from typer.testing import CliRunner

    from reconnect_tui.cli import app

    result = CliRunner().invoke(app, ["sync", "--stay-unlocked", "--vault", str(user.path)],
                                env={"RECONNECT_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 2


def test_watch_json_prints_one_object_per_line(paired: RelayProcess, provider: Person,
                                               user: Person, tmp_path: Path) -> None:
    import json

    watch = Watch(user.path, tmp_path / "watch", "--json")
    try:
        until(lambda: watch.out_path.read_text().count("\n") >= 1)  # the first sync
        deliver(provider, paired.url, "JSON, takk")
        until(lambda: any(json.loads(line)["received"] for line in
                          watch.out_path.read_text().splitlines()))
    finally:
        assert watch.stop() == 0, watch.stderr()
    lines = [json.loads(line) for line in watch.out_path.read_text().splitlines()]
    assert all(set(line) >= {"relay", "sent", "received", "waiting", "offline", "live"}
               for line in lines)
    assert lines[-1]["live"] is True and lines[-1]["offline"] is False


def test_without_a_push_channel_the_watch_syncs_on_a_timer_and_is_not_offline(
        provider: Person, user: Person, tmp_path: Path) -> None:
    """A relay that takes no subscribers (``--max-subscribers 0``): the watch says it syncs now
    and then, never "offline", and the message still arrives."""
    relay = RelayProcess(tmp_path / "relay", extra_args=[
        "--rate-limit", "1000000", "--no-address-limits", "--max-subscribers", "0"]).start()
    try:
        pair(provider, user, relay.url)
        watch = Watch(user.path, tmp_path / "watch")
        try:
            until(lambda: "not available" in watch.stderr())
            deliver(provider, relay.url, "Uten direktekanal")
            until(lambda: received(user) == ["Uten direktekanal"])
        finally:
            assert watch.stop() == 0, watch.stderr()
        assert "Offline" not in watch.stderr() and "Live:" not in watch.stderr()
    finally:
        relay.stop()


def test_the_watch_sends_what_another_process_queued(
        paired: RelayProcess, provider: Person, user: Person, tmp_path: Path) -> None:
    """A message queued in the vault by someone else (the app, `reconnect message send`)
    goes out from the watch without a sync asked for."""
    from reconnect_tui.sync.sync_service import sync_and_process
    from tests.screens.messages_helpers import send

    watch = Watch(user.path, tmp_path / "watch")
    try:
        watch.wait_live()
        send(user, "Fra køen")  # queued only: nobody syncs the user's vault but the watch

        def arrived() -> bool:
            with provider.open() as vault:
                sync_and_process(vault, paired.url)
            return received(provider) == ["Fra køen"]

        until(arrived)
    finally:
        assert watch.stop() == 0, watch.stderr()


def test_the_watch_keeps_what_a_person_wrote_out_of_its_log() -> None:
    """The background companion's stderr is the system journal (not a terminal): a problem
    naming a share's title becomes a line without it."""
    from reconnect_tui.commands.sync import _problems_for_stderr

    said = _problems_for_stderr(["Min hemmelige plan is too large to share in one piece."] * 2)
    assert said == ["A sync problem needs your attention; open ReConnect to see it."]
    assert _problems_for_stderr([]) == []


def test_a_due_checkin_goes_out_from_the_watch_with_no_app_open(
        paired: RelayProcess, provider: Person, user: Person, tmp_path: Path) -> None:
    """The provider scheduled a check-in and closed the app; only the watch runs: the
    check-in goes out, once. (One that falls due later is sent by the watch's look every 30 s,
    the same path as a queued message: test_the_watch_sends_what_another_process_queued.)"""
    from reconnect_tui.sync.agreements import Agreements
    from reconnect_tui.sync.dyads import Dyads
    from reconnect_tui.sync.sync_service import sync_and_process

    with provider.open() as vault:
        partner = Dyads(vault).partners()[0]
        Agreements(vault).schedule_checkin(partner.id, "Hvordan har du sovet?", 7)
    watch = Watch(provider.path, tmp_path / "watch")
    try:
        watch.wait_live()

        def asked() -> list[str]:
            with user.open() as vault:
                sync_and_process(vault, paired.url)
                partner = Dyads(vault).partners()[0]
                return [c.question for c in Agreements(vault).checkins(partner.id)
                        if not c.asked_by_me]

        until(lambda: asked() == ["Hvordan har du sovet?"])
    finally:
        assert watch.stop() == 0, watch.stderr()
    assert asked() == ["Hvordan har du sovet?"]  # once, however often the watch looked
