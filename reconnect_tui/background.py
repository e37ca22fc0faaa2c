"""The background companion (issue 18): a user-level service that runs ``reconnect sync
--watch`` from login to logout, so messages arrive (and are told) while the app is closed.

Linux: a systemd user unit in ``$XDG_CONFIG_HOME/systemd/user/``; macOS: a launchd agent in
``~/Library/LaunchAgents/``. Nothing else is supported: the person is shown the command to run
instead.

The passphrase is never in the unit. A service has no terminal to ask on, so the unit feeds the
watch's standard input from a file only the person can read (``--passphrase-stdin``;
``StandardInput=file:`` / ``StandardInPath``), written by ``reconnect background install``
after it checked that the passphrase opens the vault, and deleted by ``remove``. The trade-off
(docs/architecture.md, "Background companion"): whoever can read the person's files (or their
backups) can unlock the vault, as with any service that starts unattended.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from .settings import APP_NAME

UNIT_NAME = "reconnect-companion.service"
AGENT_LABEL = "org.reconnect.companion"


def watch_command(vault: Path) -> list[str]:
    """What the companion runs: this Python, this package, this vault."""
    return [sys.executable, "-m", "reconnect_tui.cli", "--vault", str(vault), "sync", "--watch",
            "--stay-unlocked", "--passphrase-stdin"]


def passphrase_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "companion-passphrase"


def systemd_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def launchd_dir() -> Path:
    return Path.home() / "Library" / "LaunchAgents"


def _quote_systemd(arg: str) -> str:
    if arg and not any(c in arg for c in ' "\\\'$%;'):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


def systemd_unit(vault: Path, secret: Path) -> str:
    command = " ".join(_quote_systemd(a) for a in watch_command(vault))
    return (
        "[Unit]\n"
        "Description=ReConnect background companion (reconnect sync --watch)\n"
        "After=network-online.target\n\n"
        "[Service]\n"
        f"ExecStart={command}\n"
        f"StandardInput=file:{secret}\n"
        "Restart=on-failure\n"
        "RestartSec=30\n\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )


def launchd_plist(vault: Path, secret: Path) -> str:
    from xml.sax.saxutils import escape

    arguments = "".join(f"\n        <string>{escape(a)}</string>" for a in watch_command(vault))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
        '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
        '<plist version="1.0">\n<dict>\n'
        f"    <key>Label</key>\n    <string>{AGENT_LABEL}</string>\n"
        f"    <key>ProgramArguments</key>\n    <array>{arguments}\n    </array>\n"
        f"    <key>StandardInPath</key>\n    <string>{escape(str(secret))}</string>\n"
        "    <key>RunAtLoad</key>\n    <true/>\n"
        "    <key>KeepAlive</key>\n    <dict>\n"
        "        <key>SuccessfulExit</key>\n        <false/>\n    </dict>\n"
        "</dict>\n</plist>\n"
    )


@dataclass(frozen=True)
class Platform:
    kind: str
    """"systemd", "launchd", or "none"."""
    service_file: Path | None
    manager: str | None
    """The program that starts it (systemctl, launchctl), None when not on this machine."""


def platform() -> Platform:
    if sys.platform == "darwin":
        return Platform("launchd", launchd_dir() / f"{AGENT_LABEL}.plist",
                        shutil.which("launchctl"))
    if sys.platform.startswith("linux"):
        return Platform("systemd", systemd_dir() / UNIT_NAME, shutil.which("systemctl"))
    return Platform("none", None, None)


def write_secret(passphrase: str) -> Path:
    """The passphrase in a file only this user can read (0600, its folder 0700)."""
    path = passphrase_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(passphrase + "\n")
    return path


def write_service(where: Platform, vault: Path) -> Path:
    assert where.service_file is not None
    secret = passphrase_file()
    text = systemd_unit(vault, secret) if where.kind == "systemd" else launchd_plist(vault, secret)
    where.service_file.parent.mkdir(parents=True, exist_ok=True)
    where.service_file.write_text(text, encoding="utf-8")
    return where.service_file


def manager_commands(where: Platform, action: str) -> list[list[str]]:
    """The service manager's commands for "start" (enable now and at login) or "stop"."""
    if where.kind == "systemd":
        if action == "start":
            return [["systemctl", "--user", "daemon-reload"],
                    ["systemctl", "--user", "enable", "--now", UNIT_NAME]]
        return [["systemctl", "--user", "disable", "--now", UNIT_NAME],
                ["systemctl", "--user", "daemon-reload"]]
    if where.kind == "launchd" and where.service_file is not None:
        verb = "load" if action == "start" else "unload"
        return [["launchctl", verb, "-w", str(where.service_file)]]
    return []


def run_manager(where: Platform, action: str) -> bool:
    """Run the manager's commands; False when one failed or there is no manager."""
    if where.manager is None:
        return False
    for argv in manager_commands(where, action):
        try:
            done = subprocess.run([where.manager, *argv[1:]], capture_output=True, timeout=30,
                                  check=False)
        except (OSError, subprocess.SubprocessError):
            return False
        if done.returncode != 0:
            return False
    return True


def running(where: Platform) -> bool | None:
    """Whether the service runs now; None when this cannot be asked here."""
    if where.manager is None:
        return None
    if where.kind == "systemd":
        argv = [where.manager, "--user", "is-active", "--quiet", UNIT_NAME]
    elif where.kind == "launchd":
        argv = [where.manager, "list", AGENT_LABEL]
    else:
        return None
    try:
        return subprocess.run(argv, capture_output=True, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return None
