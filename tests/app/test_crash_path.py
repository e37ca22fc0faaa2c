"""The crash path: lock, keep drafts, a report without locals or user text (0600), one short
line, a non-zero exit — never Textual's traceback with local variables.

The subprocess tests run the real app (headless, driven by an auto-pilot) with a screen that
raises while a local variable holds the passphrase and a marker of the person's text.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from textual import work
from textual.screen import Screen
from textual.widgets import Static

from reconnect_tui import crash
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.store.repositories.drafts import DraftKey
from tests.pilot import SIZE, make_app, unlock, wait_for
from tests.support import kdf as kdf_profile
from tests.support.vaults import PASSPHRASE

MARKER = "MARKER-7f3a my crisis plan: call Nina"

APP_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from textual.screen import Screen
    from textual.widgets import TextArea

    from reconnect_tui.app import ReconnectApp, finish
    from reconnect_tui.settings import Settings

    VAULT, PASSPHRASE, MARKER, WHERE = sys.argv[1:5]


    class Boom(Screen):
        def compose(self):
            secret = PASSPHRASE  # a local the old traceback printed
            plan_text = MARKER
            if WHERE == "compose":
                raise ValueError(plan_text + " " + secret)
            yield from ()

        def on_mount(self):
            if WHERE == "worker":
                self.explode(MARKER + " " + PASSPHRASE)

        from textual import work

        @work(thread=True)
        def explode(self, text):
            words = {"text": text}
            raise KeyError(words["text"])


    async def drive(pilot):
        from reconnect_tui.screens.diary import EntryEditor
        from reconnect_tui.screens.home import HomeScreen

        app = pilot.app
        app.screen.query_one("#passphrase").value = PASSPHRASE
        await pilot.press("enter")
        while not isinstance(app.screen, HomeScreen):
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
        app.action_open_module("diary")
        while type(app.screen).__name__ != "DiaryScreen":
            await pilot.pause(0.05)
        await pilot.press("a")
        while not isinstance(app.screen, EntryEditor):
            await pilot.pause(0.05)
        app.screen.query_one(TextArea).insert("unsaved words")
        await pilot.pause()
        app.push_screen(Boom())


    app = ReconnectApp(Path(VAULT), Settings(auto_lock_minutes=0))
    app.run(headless=True, size=(80, 24), auto_pilot=drive)
    sys.exit(finish(app))
    """
)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECONNECT_")}
    env.update(
        PYTHONPATH=kdf_profile.pythonpath(),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        RECONNECT_CONFIG=str(tmp_path / "none.toml"),
    )
    return env


def _reports(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "state" / "reconnect").glob("crash-*.txt"))


@pytest.mark.parametrize("where,kind", [("compose", "ValueError"), ("worker", "KeyError")])
def test_a_crash_locks_keeps_the_draft_and_prints_no_locals(
    tmp_path: Path, vault_path: Path, user_template, where: str, kind: str
) -> None:
    script = tmp_path / "crashing_app.py"
    script.write_text(APP_SCRIPT)
    result = subprocess.run(
        [sys.executable, str(script), str(vault_path), PASSPHRASE, MARKER, where],
        capture_output=True, text=True, env=_env(tmp_path), timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == crash.EXIT_CODE != 0, output
    for secret in (MARKER, PASSPHRASE, "MARKER", "Nina", "unsaved words"):
        assert secret not in output
    assert "Traceback" not in output and "locals" not in output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert f"({kind})" in lines[0] and "saved" in lines[0]

    [report] = _reports(tmp_path)
    assert str(report) in lines[0]
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text()
    for secret in (MARKER, PASSPHRASE, "MARKER", "Nina", "unsaved words"):
        assert secret not in text
    assert f"Error: {kind}" in text
    assert "Boom.compose" in text if where == "compose" else "Boom.explode" in text
    assert str(Path.home()) not in text or str(Path.home()) == "/"

    # the app locked through the usual path: the open diary entry was kept as a draft
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        toolbox = Toolbox(vault)
        assert toolbox.diary.count() == 0
        assert toolbox.drafts.get(DraftKey("new-diary-entry")).fields == {
            "text": "unsaved words"}


class Exploding(Screen):
    """A screen whose thread worker fails (Textual wraps that in WorkerFailed)."""

    def compose(self):
        yield Static("about to fail")

    def on_mount(self) -> None:
        self.fail()

    @work(thread=True)
    def fail(self) -> None:
        passphrase = PASSPHRASE  # noqa: F841 - a local that must never be printed
        raise LookupError(MARKER)


async def test_in_the_app_a_worker_failure_is_unwrapped_and_the_vault_closed(
    vault_path: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = make_app(vault_path)
    with pytest.raises(LookupError):  # Pilot re-raises what crashed the app, for tests
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            vault = app.toolbox.vault
            app.push_screen(Exploding())
            await wait_for(pilot, lambda: app.crash is not None)
    assert app.crash.kind == "LookupError"  # not "WorkerFailed"
    assert app.return_code == crash.EXIT_CODE
    assert app.toolbox is None and not vault.is_open
    assert app._exit_renderables == []  # nothing for Textual to print
    assert app.crash_report is not None and MARKER not in app.crash_report.read_text()


async def test_an_exception_in_a_bare_asyncio_callback_takes_the_crash_path(
    vault_path: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    """asyncio would log it with its message onto the terminal; it is a crash like any other."""
    import asyncio

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def boom() -> None:
        passphrase = PASSPHRASE  # noqa: F841
        raise ArithmeticError(MARKER)

    app = make_app(vault_path)
    with pytest.raises(ArithmeticError):
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            asyncio.get_running_loop().call_soon(boom)
            await wait_for(pilot, lambda: app.crash is not None)
    assert app.crash.kind == "ArithmeticError" and app.toolbox is None
    captured = capsys.readouterr()
    assert MARKER not in captured.out + captured.err


def _raise_with_locals() -> None:
    passphrase = PASSPHRASE  # noqa: F841
    try:
        {}["x"]
    except KeyError as error:
        raise RuntimeError(MARKER) from error


def test_describe_keeps_types_and_frames_only() -> None:
    try:
        _raise_with_locals()
    except RuntimeError as error:
        failure = crash.describe(error)
    assert failure.kind == "RuntimeError" and failure.cause.kind == "KeyError"
    assert failure.frames[-1].function == "_raise_with_locals"
    assert failure.frames[-1].file == "tests/app/test_crash_path.py"
    text = crash.report_text(failure)
    assert MARKER not in text and PASSPHRASE not in text
    assert "RuntimeError" in text and "KeyError" in text and "textual" in text


def test_os_errors_say_their_number_not_their_message(tmp_path: Path) -> None:
    try:
        open(tmp_path / MARKER)  # noqa: SIM115 - the file name is user text in the message
    except OSError as error:
        failure = crash.describe(error)
    assert failure.kind == "FileNotFoundError" and failure.detail == "ENOENT"
    assert MARKER not in crash.report_text(failure)


def test_a_rich_traceback_from_panic_gives_up_its_types_only() -> None:
    from rich.traceback import Traceback

    try:
        _raise_with_locals()
    except RuntimeError:
        trace = Traceback(show_locals=True).trace
    failure = crash.describe_trace(trace)
    assert failure.kind == "KeyError" or failure.kind == "RuntimeError"
    assert {failure.kind, failure.cause.kind} == {"KeyError", "RuntimeError"}
    assert MARKER not in crash.report_text(failure)
    assert PASSPHRASE not in crash.report_text(failure)


def test_reports_are_private_and_only_the_last_ten_kept(tmp_path: Path) -> None:
    failure = crash.Failure("ValueError", (crash.Frame("reconnect_tui/app.py", 1, "f"),))
    paths = [crash.write_report(failure, tmp_path / "state") for _ in range(13)]
    assert all(paths)
    kept = sorted((tmp_path / "state").glob("crash-*.txt"))
    assert kept == sorted(paths)[-10:]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in kept)
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700


def test_an_unwritable_state_folder_still_gives_one_line(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert crash.write_report(crash.Failure("X"), blocker / "sub") is None
    line = crash.message(crash.Failure("ValueError"), None, kept=None)
    assert "ValueError" in line and "No report" in line


def test_handle_outside_the_app_reports_and_returns_non_zero(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    try:
        _raise_with_locals()
    except RuntimeError as error:
        code = crash.handle(error)
    assert code == crash.EXIT_CODE != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "RuntimeError" in err and MARKER not in err
    assert _reports(tmp_path)
