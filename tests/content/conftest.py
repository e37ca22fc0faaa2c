"""Keep the person's own config (and any local-links override) out of these tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty XDG config home, and no RECONNECT_LOCAL_LINKS from the environment."""
    config_home = tmp_path / "xdg-config"
    config_home.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    monkeypatch.delenv("RECONNECT_LOCAL_LINKS", raising=False)
    return config_home / "reconnect"
