"""`reconnect demo`: two believable vaults, paired through a loopback relay the command runs."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from reconnect_tui.app import ReconnectApp
from reconnect_tui.cli import app
from reconnect_tui.demo import build
from reconnect_tui.demo.loopback import LoopbackRelay
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.sync.agreements import Agreements
from reconnect_tui.sync.dyads import Dyads
from reconnect_tui.sync.sharing import Sharing
from reconnect_tui.sync.sync_service import sync_and_process

runner = CliRunner()


def setup_json(directory: Path, *extra: str) -> dict[str, str]:
    result = runner.invoke(app, [*extra, "demo", "--dir", str(directory), "--setup-only",
                                 "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_setup_only_json_makes_two_paired_vaults_with_content(tmp_path: Path) -> None:
    printed = setup_json(tmp_path / "demo")
    assert set(printed) == {"user_vault", "provider_vault", "passphrase", "relay"}
    assert printed["relay"].startswith("http://127.0.0.1:")

    with Vault.unlock(Path(printed["user_vault"]), printed["passphrase"]) as user:
        toolbox = Toolbox(user)
        assert len(toolbox.goals.list()) >= 3
        assert toolbox.crisis_plan.get().safe_surroundings  # the means-safety step is there
        assert len(toolbox.diary.newest(10)) >= 5
        dyads = Dyads(user)
        (provider,) = dyads.partners()
        assert provider.status == "paired" and provider.verified
        texts = [m.text for m in dyads.conversation(provider.id)]
        assert len(texts) >= 5
        assert Agreements(user).state(provider.id).status == "accepted"
        assert {e.module for e in Sharing(user).entries()} >= {"goals", "crisis-plan"}
        assert Agreements(user).open_checkins()  # the provider asked a check-in question

    with Vault.unlock(Path(printed["provider_vault"]), printed["passphrase"]) as provider:
        (person,) = Sharing(provider).shared_with_me()
        assert person.name == "Kari Nordmann"
        assert Sharing(provider).view(Dyads(provider).partners()[0].id).goals.list()


def test_a_second_run_reuses_the_vaults_and_the_relay_still_knows_them(tmp_path: Path) -> None:
    first = setup_json(tmp_path / "demo")
    second = setup_json(tmp_path / "demo")
    assert (first["user_vault"], first["provider_vault"]) == (
        second["user_vault"], second["provider_vault"])
    # The relay of the second run (a new port) serves the mailboxes the first run made.
    with LoopbackRelay(build.relay_db(tmp_path / "demo")) as relay:
        for path in (first["user_vault"], first["provider_vault"]):
            with Vault.unlock(Path(path), first["passphrase"]) as vault:
                report = sync_and_process(vault, relay.url)
                assert not report.offline, report.error


def test_an_unfinished_demo_is_made_again(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / build.USER_FILE).write_bytes(b"half a vault")
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    printed = setup_json(folder)
    with Vault.unlock(Path(printed["user_vault"]), printed["passphrase"]) as user:
        assert Toolbox(user).goals.list()
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"  # not ours: kept


def test_norwegian_demo_content(tmp_path: Path) -> None:
    printed = setup_json(tmp_path / "demo", "--lang", "nb")
    with Vault.unlock(Path(printed["user_vault"]), printed["passphrase"]) as user:
        titles = [goal.title for goal in Toolbox(user).goals.list()]
    assert "Fast døgnrytme" in titles


def test_json_without_setup_only_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--dir", str(tmp_path), "--json"])
    assert result.exit_code == 2
    assert not (tmp_path / build.USER_FILE).exists()


async def test_the_unlock_screen_shows_the_demo_passphrase(tmp_path: Path) -> None:
    printed = setup_json(tmp_path / "demo")
    hint = "Demo vault: the passphrase is reconnect-demo"
    app_ = ReconnectApp(Path(printed["user_vault"]), unlock_hint=hint)
    async with app_.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = "\n".join(str(s.render()) for s in app_.screen.query("Static"))
        assert "reconnect-demo" in shown
