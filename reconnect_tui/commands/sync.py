"""`reconnect sync`: deliver what is waiting and fetch what is new, from the command line."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import N_, _, ngettext
from .common import (
    JsonOption,
    PassphraseStdinOption,
    RelayOption,
    VaultOption,
    echo,
    handles_errors,
    print_json,
    status,
)
from .vault import open_vault

if TYPE_CHECKING:
    from ..store import Vault
    from ..sync.engine import SyncReport

WatchOption = Annotated[
    bool,
    typer.Option(
        "--watch",
        help=N_("Keep syncing until stopped (Ctrl+C or SIGTERM): at once when the relay says "
                "something arrived, otherwise now and then. Locks after the auto-lock time."),
    ),
]
StayUnlockedOption = Annotated[
    bool,
    typer.Option(
        "--stay-unlocked",
        help=N_("With --watch: do not lock after the auto-lock time."),
    ),
]


@handles_errors
def sync(
    ctx: typer.Context,
    relay: RelayOption = None,
    vault: VaultOption = None,
    passphrase_stdin: PassphraseStdinOption = False,
    as_json: JsonOption = False,
    watch: WatchOption = False,
    stay_unlocked: StayUnlockedOption = False,
) -> None:
    from ..sync.service import resolve_relay_url
    from ..sync.sync_service import sync_and_process

    if stay_unlocked and not watch:
        raise typer.BadParameter(_("only with --watch"), param_hint="--stay-unlocked")
    if watch:
        _watch(ctx, relay, vault, passphrase_stdin, as_json, stay_unlocked)
        return
    with open_vault(ctx, vault, passphrase_stdin) as opened:
        url = resolve_relay_url(opened, relay)
        report = sync_and_process(opened, url, force=True)
    if as_json:
        print_json(_report_json(url, report))
    else:
        (status if report.offline else echo)(report.summary())
        if report.restored:
            echo(_restore_notice(report))
        for problem in dict.fromkeys(report.problems):  # e.g. the relay is full
            status(problem)
    if report.offline:
        if not as_json:
            status(_("Nothing was lost: what is waiting stays in your vault until the next sync."))
        raise typer.Exit(1)


def _report_json(url: str, report: SyncReport) -> dict[str, object]:
    return {
        "relay": url,
        "sent": report.sent,
        "received": report.received,
        "waiting": report.waiting,
        "offline": report.offline,
        "error": report.error,
        "dropped": report.dropped,
        "problems": list(dict.fromkeys(report.problems)),
        "restored_from": (report.restored_from.isoformat() if report.restored_from
                          else None),
        "restored": report.restored,
    }


def _restore_notice(report: SyncReport) -> str:
    from ..sync.restore import notice

    return notice(report.restored_from)


def _watch(ctx: typer.Context, relay: str | None, vault: Path | None, passphrase_stdin: bool,
           as_json: bool, stay_unlocked: bool) -> None:
    """``reconnect sync --watch``: the passphrase is read once; the vault's key stays in this
    process's memory only, until SIGTERM/SIGINT (exit 0) or the auto-lock time (exit 0, with a
    message). Another process may use the vault meanwhile (the app): SQLCipher's locking and
    busy timeout make each wait for the other's transaction (docs/architecture.md)."""
    import json
    import signal
    import threading
    import time

    from ..settings import load_settings
    from ..sync.live import watch as watch_live
    from ..sync.service import resolve_relay_url
    from ..sync.sync_service import SyncService
    from ..text_safety import clean_deep

    stop = threading.Event()
    wake = threading.Event()

    def stopping(signum: int, frame: object) -> None:
        stop.set()
        wake.set()

    previous = {sig: signal.signal(sig, stopping) for sig in (signal.SIGTERM, signal.SIGINT)}
    minutes = load_settings().auto_lock_minutes
    lock_at = None if stay_unlocked or minutes <= 0 else time.monotonic() + minutes * 60
    try:
        opened: Vault = open_vault(ctx, vault, passphrase_stdin)
        with opened:
            url = resolve_relay_url(opened, relay)
            service = SyncService(opened)
            last: list[tuple[bool, bool] | None] = [None]  # (offline, live) of the last

            def report(result: SyncReport, live: bool) -> None:
                """A line for a sync that moved something, the first, and each change
                between live, periodic and offline."""
                now = (result.offline, live)
                changed = now != last[0]
                moved = bool(result.sent or result.received or result.dropped
                             or result.restored)
                if as_json:
                    if moved or changed:
                        echo(json.dumps(clean_deep({**_report_json(url, result),
                                                    "live": live}), ensure_ascii=False))
                elif result.offline:
                    if changed:
                        status(result.summary())
                else:
                    if moved or last[0] is None:
                        echo(result.summary())
                    if changed:
                        status(_("Live: told at once when something arrives.") if live else
                               _("The relay's live channel is not available; syncing now "
                                 "and then instead."))
                if result.restored and not as_json:
                    echo(_restore_notice(result))
                for problem in _problems_for_stderr(result.problems):
                    status(problem)
                last[0] = now
                tell(True)

            def due() -> bool:
                """Every half minute: what is due to go out; now and then, due reminders and
                notices that waited for quiet hours or working hours to end."""
                tell(False)
                return service.work_due()

            tell = _announcer(opened)
            if not as_json:
                status(_("Watching for messages; stop with Ctrl+C."))
            syncs = [0]

            def sync_once() -> SyncReport:  # the first retries whatever waits, at once
                syncs[0] += 1
                return service.sync(url, force=syncs[0] == 1)

            end = watch_live(url, sync=sync_once,
                             targets=service.push_targets, stop=stop, wake=wake,
                             report=report, lock_at=lock_at, due=due)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if end == "locked":
        status(ngettext(
            "Locked after {n} minute, as the auto-lock setting says; run it again to go on "
            "(or add --stay-unlocked).",
            "Locked after {n} minutes, as the auto-lock setting says; run it again to go on "
            "(or add --stay-unlocked).", minutes).format(n=minutes))


def _problems_for_stderr(problems: list[str]) -> list[str]:
    """The watch's problems as said on stderr. At a terminal, each as it is; otherwise (the
    background companion's stderr is the system journal) only that there is one: a problem
    may name what the person wrote (the title of a share too large to publish)."""
    import sys

    unique = list(dict.fromkeys(problems))
    try:
        at_terminal = sys.stderr.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream: as for a log
        at_terminal = False
    if at_terminal or not unique:
        return unique
    return [_("A sync problem needs your attention; open ReConnect to see it.")]


def _announcer(opened: Vault) -> Callable[[bool], None]:
    """Desktop notifications and reminders from the watch (``reconnect_tui/notify``): what is
    new after each sync (``tell(True)``), and between syncs the reminders that fell due, at
    most every ``REMIND_PERIOD`` (``tell(False)``: a vault transaction costs CPU time the idle
    watch otherwise does not spend, bench/live.py)."""
    import time

    from ..errors import ReconnectError
    from ..notify.backends import platform_backend
    from ..notify.news import REMIND_PERIOD, Announcer
    from ..notify.notifier import Notifier
    from ..settings import load_settings

    announcer = Announcer(opened, Notifier.from_settings(load_settings(), platform_backend()))
    last = [time.monotonic()]

    def tell(now: bool) -> None:
        if not now and time.monotonic() - last[0] < REMIND_PERIOD:
            return
        last[0] = time.monotonic()
        with contextlib.suppress(ReconnectError):  # a courtesy: never stops the watch
            announcer.look()

    return tell
