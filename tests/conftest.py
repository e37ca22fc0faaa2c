"""Shared fixtures: real SQLCipher vaults in temp dirs, with a fast KDF profile.

KDF profiles (``tests/support/kdf.py``). Every test runs with the *fast* profile unless it is
marked ``@pytest.mark.real_kdf``: ReConnect's Argon2id floor (``MIN_OPSLIMIT``/``MIN_MEMLIMIT``
in ``reconnect_tui/store/keys.py``) is lowered to libsodium's minimum in the test process, and in
every Python child a test starts (``tests/support/fast_kdf_site/sitecustomize.py``, put on the
child's ``PYTHONPATH`` by ``support.kdf.pythonpath()``; ``os.environ`` carries it for children
that inherit it). Vaults made under it open in milliseconds. The product itself has no knob for
this. Tests about the KDF, the key header and the passphrase path are marked ``real_kdf``: they run
with the product's own floor, in-process and in their children, and ``vault_path``/``vault`` give
them a copy of a vault made with it (``real_user_template``).

To stay fast, one vault per role is created per session and copied for each test; tests that need
the key open the copy with the key unwrapped once, and tests of the passphrase path unlock it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconnect_tui.i18n import set_language
from reconnect_tui.model import Role
from reconnect_tui.store import Toolbox, Vault
from tests.relay_server import RelayProcess
from tests.support import kdf as kdf_profile
from tests.support.vaults import Template, copy_vault, make_template


def pytest_configure(config: pytest.Config) -> None:
    """Compile the message catalogues from the .po in the tree (tests/catalogues.py), and set
    the fast KDF profile, here and (through ``PYTHONPATH``) in every child process."""
    from tests.catalogues import compile_catalogues

    compile_catalogues()
    kdf_profile.use_fast()
    os.environ["PYTHONPATH"] = kdf_profile.pythonpath()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` run first (otherwise in their usual order): under ``-n 2`` a long
    test handed out last leaves one worker running it alone while the other has finished."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _kdf_profile(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """The real floor for tests marked ``real_kdf`` (and their children); the fast one otherwise."""
    if request.node.get_closest_marker("real_kdf") is None:
        yield
        return
    with kdf_profile.real():
        monkeypatch.setenv("PYTHONPATH", kdf_profile.pythonpath())
        yield


def is_real_kdf(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("real_kdf") is not None


@pytest.fixture(scope="session")
def user_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return make_template(tmp_path_factory.mktemp("user-template"), "Kari Nordmann", Role.USER)


@pytest.fixture(scope="session")
def real_user_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A service user's vault made with the product's real KDF floor (for ``real_kdf`` tests)."""
    with kdf_profile.real():
        return make_template(
            tmp_path_factory.mktemp("real-user-template"), "Kari Nordmann", Role.USER
        )


@pytest.fixture(scope="session")
def provider_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return make_template(tmp_path_factory.mktemp("provider-template"), "Dr Lind", Role.PROVIDER)


def _user_template(request: pytest.FixtureRequest) -> Template:
    name = "real_user_template" if is_real_kdf(request) else "user_template"
    return request.getfixturevalue(name)


@pytest.fixture
def vault_path(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A fresh copy of a new service user's vault (passphrase: PASSPHRASE), made with the test's
    KDF profile (``real_user_template`` under ``real_kdf``, else ``user_template``)."""
    return copy_vault(_user_template(request), tmp_path / "user")


@pytest.fixture
def vault(vault_path: Path, request: pytest.FixtureRequest):
    template = _user_template(request)
    opened = Vault.open_with_key(vault_path, template.key, template.header)
    yield opened
    opened.close()


@pytest.fixture
def toolbox(vault: Vault) -> Toolbox:
    return Toolbox(vault)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's own vault, settings and passphrase out of every test."""
    for name in (
        "RECONNECT_VAULT",
        "RECONNECT_PASSPHRASE",
        "RECONNECT_NEW_PASSPHRASE",
        "RECONNECT_RECOVERY_CODE",
        "RECONNECT_RELAY",
        "RECONNECT_LANGUAGE",
        "RECONNECT_LOCAL_LINKS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RECONNECT_CONFIG", str(tmp_path / "no-settings.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    # The tester's own locale must not choose the language (i18n.resolve_language), and a test
    # that switched it (``--lang nb``, an app with language nb) must not leave it switched.
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language(None)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))  # crash reports


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RelayProcess]:
    """A real relay subprocess on 127.0.0.1 without request budgets, for tests whose subject is
    not the relay's limits (``tests/relay/conftest.py`` has its own, on both backends)."""
    process = RelayProcess(tmp_path / "relay", extra_args=["--rate-limit", "1000000",
                                                           "--no-address-limits"]).start()
    yield process
    process.stop()
