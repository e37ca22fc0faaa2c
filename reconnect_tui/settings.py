"""One settings object, read from a TOML file and overridable by ``RECONNECT_*`` variables.

The file is ``platformdirs.user_config_dir("reconnect")/settings.toml`` (or the path in
``RECONNECT_CONFIG``). No secret ever lives in settings.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import platformdirs

APP_NAME = "reconnect"


@dataclass(slots=True)
class Settings:
    auto_lock_minutes: int = 10
    """Minutes without a key press or click before the app locks (0 turns it off)."""

    theme: str = "textual-dark"
    """Textual theme name; "textual-light" reads well on light terminals."""

    language: str = ""
    """Language of the interface and content: "en" or "nb" ("no" and "nn" mean "nb"). Empty
    (unset) lets the system locale decide; ``i18n.resolve_language`` makes the choice."""

    relay_url: str = ""
    """Relay address used when a vault has none yet (https, or http on loopback only)."""

    locale: str = "NO"
    """Country whose emergency numbers are shown (NO, GB, or EU for 112)."""

    notifications: str = "something"
    """Desktop notifications: "off", "something" (only "ReConnect: something new", the
    default) or "name" (what kind, and from whom). Never what anyone wrote (``notify/``)."""

    quiet_start: str = "22:00"
    quiet_end: str = "07:00"
    """Quiet hours, local time "HH:MM": no notifications from start to end (past midnight
    allowed); what came meanwhile is told when they end. Both empty: no quiet hours."""

    plain: bool = False
    """Open plain mode (a line-by-line conversation for screen readers and braille,
    ``reconnect_tui/plain/``) instead of the full-screen app."""


_ENV = {
    "auto_lock_minutes": "RECONNECT_AUTO_LOCK_MINUTES",
    "theme": "RECONNECT_THEME",
    "language": "RECONNECT_LANGUAGE",
    "relay_url": "RECONNECT_RELAY",
    "locale": "RECONNECT_LOCALE",
    "plain": "RECONNECT_PLAIN",
    "notifications": "RECONNECT_NOTIFICATIONS",
    "quiet_start": "RECONNECT_QUIET_START",
    "quiet_end": "RECONNECT_QUIET_END",
}

_TRUE = frozenset({"1", "true", "yes", "on"})


def config_path() -> Path:
    override = os.environ.get("RECONNECT_CONFIG")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "settings.toml"


def _read_file(path: Path) -> dict:
    """The settings file's keys; none when it is missing or not TOML. ``tomllib`` is imported
    only when there is a file: the unlock screen's cold start does not wait for it otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def load_settings(path: Path | None = None) -> Settings:
    """Defaults, then the file (unknown keys and bad values are ignored), then the environment."""
    settings = Settings()
    data = _read_file(path or config_path())
    for f in fields(Settings):
        raw = os.environ.get(_ENV[f.name], data.get(f.name))
        if raw is None:
            continue
        try:
            if f.type in (bool, "bool"):
                value: object = raw if isinstance(raw, bool) else str(raw).strip().lower() in _TRUE
            else:
                value = int(raw) if f.type in (int, "int") else str(raw)
        except (TypeError, ValueError):
            continue
        setattr(settings, f.name, value)
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write ``settings`` to the settings file (the Settings screen; a theme picked in the app).

    Keys ReConnect does not know are kept; comments are not (the file is rewritten). The file
    is replaced atomically, so a crash never leaves half a file; raises ``OSError``.
    """
    import tomli_w  # imported only when something is saved

    path = path or config_path()
    data = _read_file(path)
    data.update(asdict(settings))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".settings.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            tomli_w.dump(data, file)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return path


def default_vault_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "vault.db"


def resolve_vault_path(explicit: str | Path | None = None) -> Path:
    """``--vault`` wins, then ``RECONNECT_VAULT``, then the default under the user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("RECONNECT_VAULT")
    if env:
        return Path(env).expanduser()
    return default_vault_path()
