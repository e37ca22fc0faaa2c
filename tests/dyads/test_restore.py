"""Restore and rollback (docs/dyads.md): a vault put back to an older copy of its file finds out
at its next sync, and each dyad moves to a new Olm session without pairing again; nothing is
lost, nothing shows as unverified, safety numbers stay the same and verified."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from reconnect_tui import wire
from reconnect_tui.store.repositories.dyads import DyadRepository
from reconnect_tui.store.repositories.sync_state import SyncStateRepository
from reconnect_tui.sync import olm, restore
from reconnect_tui.sync.sync_service import sync_and_process
from tests.dyads.dyad_helpers import Person, close, fetch_only, inject, pair, run, session_pickle


def _files(path: Path) -> list[Path]:
    return [p for p in path.parent.iterdir() if p.name.startswith(path.name)]


def backup(person: Person, target: Path) -> None:
    """Copy the vault's files aside, as a person backing up their disk would."""
    person.vault.close()
    target.mkdir(parents=True)
    for file in _files(person.path):
        shutil.copyfile(file, target / file.name)
    person.reopen()


def put_back(person: Person, source: Path) -> None:
    """Copy the older files back over the vault."""
    person.vault.close()
    for file in _files(person.path):
        file.unlink()
    for file in source.iterdir():
        shutil.copyfile(file, person.path.parent / file.name)
    person.reopen()


def exchange(provider: Person, user: Person, p_id: int, u_id: int, tag: str, each: int,
             written: list[str]) -> None:
    """``each`` messages from either side, written alternately (before any sync)."""
    for i in range(each):
        written.append(user.dyads.send(u_id, f"{tag}-u{i}").id)
        written.append(provider.dyads.send(p_id, f"{tag}-p{i}").id)


def settle(provider: Person, user: Person, rounds: int = 3) -> list:
    reports = []
    for _ in range(rounds):
        reports.append(user.sync())
        reports.append(provider.sync())
    return reports


def test_restore_from_a_backup_loses_nothing_and_keeps_verification(
        provider: Person, user: Person, tmp_path: Path) -> None:
    on_provider, on_user = pair(provider, user)
    provider.dyads.verify(on_provider.id)
    user.dyads.verify(on_user.id)
    numbers = (on_provider.safety_number, on_user.safety_number)
    written: list[str] = []
    exchange(provider, user, on_provider.id, on_user.id, "before", 5, written)
    settle(provider, user)
    backup(user, tmp_path / "backup")
    restored_point = restore.current(user.vault).made_at

    exchange(provider, user, on_provider.id, on_user.id, "lost", 15, written)
    settle(provider, user)
    assert len(user.dyads.conversation(on_user.id)) == 40

    put_back(user, tmp_path / "backup")
    assert len(user.dyads.conversation(on_user.id)) == 10  # as it was at the backup
    exchange(provider, user, on_provider.id, on_user.id, "after", 10, written)  # stale session
    first = user.sync()
    assert first.restored and first.restored_from == restored_point
    reports = settle(provider, user, rounds=4)
    assert not any(r.restored for r in reports)  # said once

    mine = user.dyads.conversation(on_user.id)
    theirs = provider.dyads.conversation(on_provider.id)
    assert len(mine) == len(theirs) == 60
    assert [m.id for m in mine] == written
    assert [m.id for m in theirs] == written
    assert not [m for m in mine + theirs if m.status == "unverified"]
    assert all(m.status in ("delivered", "read") for m in mine + theirs if m.outgoing)
    assert [m.text for m in mine if not m.outgoing][-1] == "after-p9"
    assert [m.text for m in theirs if not m.outgoing][-1] == "after-u9"
    again_p = provider.dyads.partner_named("Kari Nordmann")
    again_u = user.dyads.partner_named("Dr Lind")
    assert (again_p.safety_number, again_u.safety_number) == numbers
    assert again_p.verified and again_u.verified and not again_u.key_changed
    # The new session works both ways afterwards, and nothing waits for a reset any more.
    user.dyads.send(on_user.id, "still there?")
    provider.dyads.send(on_provider.id, "yes")
    settle(provider, user, rounds=2)
    assert user.dyads.conversation(on_user.id)[-1].text == "yes"
    assert provider.dyads.conversation(on_provider.id)[-2].text == "still there?"
    assert user.dyads.resets_open() == 0 and provider.dyads.resets_open() == 0


def test_cli_sync_says_once_that_the_vault_was_restored(provider: Person, user: Person,
                                                          tmp_path: Path) -> None:
    on_provider, on_user = pair(provider, user)
    backup(user, tmp_path / "backup")
    provider.dyads.send(on_provider.id, "after the backup")
    settle(provider, user)
    put_back(user, tmp_path / "backup")
    close(user, provider)
    said = run("sync", "--vault", str(user.path), "--relay", user.relay_url, "--json")
    assert said.exit_code == 0, said.output
    answer = json.loads(said.stdout)
    assert answer["restored"] is True and answer["restored_from"] is not None
    assert {"sent", "received", "waiting", "offline", "problems"} <= set(answer)
    listed = run("pair", "list", "--vault", str(user.path))
    assert "setting up the connection again after a restore" in listed.output
    assert json.loads(run("pair", "list", "--vault", str(user.path), "--json").stdout
                      )[0]["resetting"] is True
    again = run("sync", "--vault", str(user.path), "--relay", user.relay_url)
    assert again.exit_code == 0 and "restored from a backup" not in again.output
    plain = run("sync", "--vault", str(user.path), "--relay", user.relay_url, "--json")
    assert json.loads(plain.stdout)["restored_from"] is None


def test_a_replayed_reset_request_is_refused(provider: Person, user: Person,
                                            tmp_path: Path) -> None:
    on_provider, on_user = pair(provider, user)
    backup(user, tmp_path / "backup")
    user.dyads.send(on_user.id, "lost")
    settle(provider, user)
    put_back(user, tmp_path / "backup")
    user.sync()  # detects; the reset request leaves
    request = fetch_only(provider)
    assert len(request) == 1
    _inbox_id, _envelope, mailbox, ciphertext = request[0]
    provider.dyads.process_inbox()
    after_reset = session_pickle(provider, on_provider.id)
    before = len(provider.dyads.conversation(on_provider.id))
    inject(provider.vault, mailbox, ciphertext)  # the relay plays it again
    provider.dyads.process_inbox()
    assert session_pickle(provider, on_provider.id) == after_reset
    conversation = provider.dyads.conversation(on_provider.id)
    assert len(conversation) == before + 1 and conversation[-1].status == "unverified"
    settle(provider, user)
    assert [m.text for m in user.dyads.conversation(on_user.id)] == ["lost"]


def test_a_reset_request_not_signed_by_the_partner_changes_nothing(
        provider: Person, user: Person, second_user: Person) -> None:
    """Sealed under the dyad's envelope key (as only the partner can), but signed with another
    identity: refused, the session and the account untouched."""
    on_provider, on_user = pair(provider, user)
    record = DyadRepository(user.vault).partner(on_user.id)
    assert record is not None
    stranger = olm.new_account()
    forged = restore.ResetRequest(
        user.dyads.identity_key, record.ed25519, "ab" * 16, 99, user.dyads._now(),
        user.dyads._identity().curve25519_key.to_base64(),
        olm.fresh_one_time_key(stranger), 0, 1)
    sealed = olm.seal(record.envelope_key, record.outbound_mailbox,
                      olm.OlmEnvelope(olm.RESET, restore.encode_request(forged, stranger)))
    before = session_pickle(provider, on_provider.id)
    outbox_before = SyncStateRepository(provider.vault).waiting_count()
    inject(provider.vault, record.outbound_mailbox, sealed)
    provider.dyads.process_inbox()
    assert session_pickle(provider, on_provider.id) == before
    assert SyncStateRepository(provider.vault).waiting_count() == outbox_before
    assert provider.dyads.conversation(on_provider.id)[-1].status == "unverified"
    # The genuine session still works.
    user.dyads.send(on_user.id, "hello")
    settle(provider, user, rounds=1)
    assert provider.dyads.conversation(on_provider.id)[-1].text == "hello"


def test_relay_down_during_detection_loses_nothing(provider: Person, user: Person, relay,
                                                  tmp_path: Path) -> None:
    on_provider, on_user = pair(provider, user)
    backup(user, tmp_path / "backup")
    provider.dyads.send(on_provider.id, "one")
    settle(provider, user)
    put_back(user, tmp_path / "backup")
    user.dyads.send(on_user.id, "two")
    relay.stop()
    report = sync_and_process(user.vault, user.relay_url, timeout=2.0)
    assert report.offline and not report.restored
    assert report.waiting == 1  # the message stays queued
    relay.start()
    first = user.sync()
    assert first.restored
    settle(provider, user)
    assert [m.text for m in user.dyads.conversation(on_user.id)] == ["one", "two"]
    assert [m.text for m in provider.dyads.conversation(on_provider.id)] == ["one", "two"]


def test_generation_is_committed_before_the_relay_hears_of_it(provider: Person,
                                                              user: Person) -> None:
    """Two syncs in a row: no rollback; the item at the relay is ours and opens. A vault
    without a dyad writes none (its own relay key stays unused)."""
    seed = SyncStateRepository(user.vault).device_seed()
    assert not user.sync().restored
    assert restore.current(user.vault).generation == 0
    pair(provider, user)
    assert not user.sync().restored
    assert not user.sync().restored
    state = restore.current(user.vault)
    from reconnect_tui.sync.service import connect

    with connect(user.vault, user.relay_url) as engine:
        held = engine.relay.get_item(restore.item_id(seed))
    assert held is not None and held.version == state.generation
    opened = restore.open_state(seed, held.ciphertext)
    assert opened is not None and opened.stamp == state.stamp
    assert wire.is_valid_id(restore.item_id(seed))


def test_a_message_delivered_on_the_stale_session_is_sent_again(
        provider: Person, user: Person, tmp_path: Path) -> None:
    """A restored copy's message that reached the partner before the rollback was found (an
    older ReConnect, or a sync that skipped detection): the partner shows it "unverified" until
    the reset, then drops that entry and gets the message again on the new session."""
    from reconnect_tui.sync.service import connect

    on_provider, on_user = pair(provider, user)
    user.dyads.send(on_user.id, "kept")
    settle(provider, user, rounds=1)
    backup(user, tmp_path / "backup")
    provider.dyads.send(on_provider.id, "lost reply")
    user.dyads.send(on_user.id, "lost")
    settle(provider, user)
    put_back(user, tmp_path / "backup")
    user.dyads.send(on_user.id, "stale")
    with connect(user.vault, user.relay_url) as engine:  # delivered, no detection
        assert engine.sync(force=True).sent == 1
    provider.sync()
    assert provider.dyads.conversation(on_provider.id)[-1].status == "unverified"
    assert user.sync().restored
    settle(provider, user)
    texts = ["kept", "lost reply", "lost", "stale"]
    assert sorted(m.text for m in provider.dyads.conversation(on_provider.id)) == sorted(texts)
    assert sorted(m.text for m in user.dyads.conversation(on_user.id)) == sorted(texts)
    assert not [m for m in provider.dyads.conversation(on_provider.id)
                if m.status == "unverified"]


def test_messages_written_while_the_reset_waits_go_out_on_the_new_session(
        provider: Person, user: Person, tmp_path: Path) -> None:
    on_provider, on_user = pair(provider, user)
    backup(user, tmp_path / "backup")
    user.dyads.send(on_user.id, "lost")
    settle(provider, user, rounds=1)
    put_back(user, tmp_path / "backup")
    assert user.sync().restored  # the request leaves; no answer yet
    assert user.dyads.partner_named("Dr Lind").resetting
    waiting = user.dyads.send(on_user.id, "written while waiting")
    assert waiting.status == "queued"
    user.dyads.mark_read(on_user.id)  # no receipt on the stale session
    settle(provider, user)
    assert not user.dyads.partner_named("Dr Lind").resetting
    assert [m.text for m in provider.dyads.conversation(on_provider.id)] == [
        "lost", "written while waiting"]
    assert [(m.text, m.status) for m in user.dyads.conversation(on_user.id)] == [
        ("lost", "delivered"), ("written while waiting", "delivered")]


def test_shares_after_a_restore_match_the_restored_vault(provider: Person, user: Person,
                                                         tmp_path: Path) -> None:
    """What was shared after the backup is not in the restored vault: the provider stops
    seeing it. A share made after the restore arrives, a crisis plan shared before stays."""
    from tests.sharing.sharing_helpers import sharing, write_crisis_plan

    on_provider, on_user = pair(provider, user)
    write_crisis_plan(user, "Sleeping badly")
    sharing(user).share("crisis-plan", None, on_user.id)
    settle(provider, user, rounds=1)
    backup(user, tmp_path / "backup")
    sharing(user).share("diary", None, on_user.id)  # after the backup: lost by the restore
    settle(provider, user, rounds=1)

    def seen() -> list[str]:
        people = sharing(provider).shared_with_me()
        return sorted(i.module for p in people for i in p.items)

    assert seen() == ["crisis-plan", "diary"]
    put_back(user, tmp_path / "backup")
    assert [e.module for e in sharing(user).entries()] == ["crisis-plan"]
    settle(provider, user)
    assert seen() == ["crisis-plan"]
    sharing(user).share("network", None, on_user.id)
    write_crisis_plan(user, "Not answering the phone")
    settle(provider, user)
    assert seen() == ["crisis-plan", "network"]
    plan = sharing(provider).view(on_provider.id).crisis_plan.get()
    assert plan.warning_signs == "Not answering the phone"


class _GoneAfterConflict:
    """The relay answers the first write (409) and the read, then cannot be reached."""

    def __init__(self, relay) -> None:
        self.relay = relay
        self.puts = 0

    def get_item(self, item_id: str):
        return self.relay.get_item(item_id)

    def put_item(self, item_id: str, version: int, ciphertext: bytes) -> bool:
        from reconnect_tui.errors import RelayError

        self.puts += 1
        if self.puts > 1:
            raise RelayError("the relay could not be reached")
        return self.relay.put_item(item_id, version, ciphertext)


def test_relay_gone_right_after_the_rollback_was_found(provider: Person, user: Person,
                                                     tmp_path: Path) -> None:
    """The rollback is kept, and the next sync tells the person and makes the resets."""
    import pytest

    from reconnect_tui.clock import utc_now
    from reconnect_tui.errors import RelayError
    from reconnect_tui.sync.service import connect

    on_provider, on_user = pair(provider, user)
    backup(user, tmp_path / "backup")
    provider.dyads.send(on_provider.id, "one")
    settle(provider, user)
    put_back(user, tmp_path / "backup")
    with connect(user.vault, user.relay_url) as engine, pytest.raises(RelayError):
        restore.check(user.vault, _GoneAfterConflict(engine.relay), utc_now())
    report = user.sync()
    assert report.restored and report.restored_from is not None
    settle(provider, user)
    assert [m.text for m in user.dyads.conversation(on_user.id)] == ["one"]
    assert not user.sync().restored


def test_a_backup_from_before_vaults_kept_a_generation(provider: Person, user: Person,
                                                        tmp_path: Path) -> None:
    """No date to name: the notice says only that it was restored; nothing is lost."""
    on_provider, on_user = pair(provider, user)
    user.dyads.send(on_user.id, "before")
    settle(provider, user, rounds=1)
    backup(user, tmp_path / "backup")
    provider.dyads.send(on_provider.id, "lost")
    settle(provider, user)
    put_back(user, tmp_path / "backup")
    with user.vault.transaction() as conn:
        conn.execute("DELETE FROM settings WHERE key LIKE 'vault_%'")
    report = user.sync()
    assert report.restored and report.restored_from is None
    assert "backup of" not in restore.notice(report.restored_from)
    settle(provider, user)
    assert [m.text for m in user.dyads.conversation(on_user.id)] == ["before", "lost"]
    assert [m.text for m in provider.dyads.conversation(on_provider.id)] == ["before", "lost"]


def test_a_provider_restored_with_two_service_users(provider: Person, user: Person,
                                                    second_user: Person, tmp_path: Path) -> None:
    """Each dyad resets on its own; a share made before the provider's backup and edited after
    it is seen again, with its newest content."""
    from tests.sharing.sharing_helpers import sharing, write_crisis_plan

    p_kari, kari = pair(provider, user)
    p_ola, ola = pair(provider, second_user)
    write_crisis_plan(user, "Sleeping badly")
    sharing(user).share("crisis-plan", None, kari.id)
    people = (user, second_user)
    for person in people:
        person.sync()
    provider.sync()
    backup(provider, tmp_path / "backup")
    written: dict[int, list[str]] = {p_kari.id: [], p_ola.id: []}
    for p_id, person, u_id in ((p_kari.id, user, kari.id), (p_ola.id, second_user, ola.id)):
        written[p_id] += [person.dyads.send(u_id, "lost from user").id,
                          provider.dyads.send(p_id, "lost from provider").id]
    write_crisis_plan(user, "Not answering the phone")
    for _ in range(2):
        for person in people:
            person.sync()
        provider.sync()
    put_back(provider, tmp_path / "backup")
    for p_id, person, u_id in ((p_kari.id, user, kari.id), (p_ola.id, second_user, ola.id)):
        written[p_id] += [provider.dyads.send(p_id, "after from provider").id,
                          person.dyads.send(u_id, "after from user").id]
    assert provider.sync().restored
    for _ in range(4):
        for person in people:
            person.sync()
        provider.sync()
    for p_id, person, u_id in ((p_kari.id, user, kari.id), (p_ola.id, second_user, ola.id)):
        theirs = provider.dyads.conversation(p_id)
        mine = person.dyads.conversation(u_id)
        assert [m.id for m in theirs] == [m.id for m in mine] == written[p_id]
        assert not [m for m in theirs + mine if m.status == "unverified"]
    plan = sharing(provider).view(p_kari.id).crisis_plan.get()
    assert plan.warning_signs == "Not answering the phone"
    assert provider.dyads.resets_open() == 0
