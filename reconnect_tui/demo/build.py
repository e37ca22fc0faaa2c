"""Create (or reuse) the demo's two vaults and bring them to a believable state.

A finished demo folder holds ``user.db``, ``provider.db`` (each with its key header), the
relay's ``relay.db`` and a ``ready`` mark written last. A folder without the mark (the setup
was interrupted) is cleared by ``clear_unfinished`` before the relay starts, and set up again
from the start; only these files are ever removed, so a ``--dir`` that holds other things
keeps them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import ReconnectError
from ..i18n import _
from ..model import Profile, Role
from ..store import Vault, keys, portable
from ..sync.agreements import Agreements
from ..sync.dyads import Dyads, relay_for
from ..sync.service import resolve_relay_url
from ..sync.sharing import Sharing
from ..sync.sync_service import sync_and_process
from . import content

PASSPHRASE = "reconnect-demo"
"""Both demo vaults' passphrase: shown on screen, because the vaults hold only invented data."""

USER_FILE = "user.db"
PROVIDER_FILE = "provider.db"
RELAY_FILE = "relay.db"
READY_FILE = "ready"
SHARED_MODULES = ("what-matters", "life-domains", "goals", "crisis-plan")


@dataclass(frozen=True)
class DemoVaults:
    user_vault: Path
    provider_vault: Path
    passphrase: str
    relay_url: str


def default_directory() -> Path:
    """A folder of this user's in the temporary directory, the same on every run (reused)."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"reconnect-demo-{uid}"


def relay_db(directory: Path) -> Path:
    return directory / RELAY_FILE


def clear_unfinished(directory: Path) -> None:
    """Remove the demo's files from a folder whose setup never finished (call it before the
    relay opens ``relay.db``); a finished demo is left as it is."""
    if (directory / READY_FILE).exists():
        return
    for name in (USER_FILE, PROVIDER_FILE, RELAY_FILE):
        for path in (directory / name, keys.header_path(directory / name)):
            path.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            (directory / f"{name}{suffix}").unlink(missing_ok=True)


def prepare(directory: Path, relay_url: str, *, language: str, today: date,
            progress: Callable[[str], None] = lambda _step: None) -> DemoVaults:
    """The demo's vaults in ``directory``, made now unless a finished demo is already there.

    ``relay_url`` is the running relay whose database is ``relay_db(directory)``, started
    after ``clear_unfinished(directory)``; reused vaults
    are pointed at it (its port changes from run to run). ``progress`` is told each step.
    """
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    result = DemoVaults(directory / USER_FILE, directory / PROVIDER_FILE, PASSPHRASE, relay_url)
    if (directory / READY_FILE).exists():
        progress(_("Opening the demo vaults made earlier…"))
        for path in (result.user_vault, result.provider_vault):
            vault = Vault.unlock(path, PASSPHRASE)
            try:
                resolve_relay_url(vault, relay_url)
            finally:
                vault.close()
        return result
    if result.user_vault.exists() or result.provider_vault.exists():
        raise ReconnectError(_("The demo folder {folder} holds an unfinished demo: run the"
                               " command again.").format(folder=directory))
    user, provider = _create(result, language, today, progress)
    try:
        _converse(user, provider, relay_url, language, progress)
    finally:
        user.close()
        provider.close()
    (directory / READY_FILE).write_text(today.isoformat() + "\n", encoding="utf-8")
    return result


def _create(result: DemoVaults, language: str, today: date,
            progress: Callable[[str], None]) -> tuple[Vault, Vault]:
    progress(_("Creating the service user's vault…"))
    user, _code = Vault.create(result.user_vault, PASSPHRASE,
                               Profile(name=content.USER_NAME, role=Role.USER))
    progress(_("Writing four months of goals, diary and registrations…"))
    portable.import_all(user, content.toolbox_document(today, language))
    progress(_("Creating the provider's vault…"))
    name = content.PROVIDER_NAME.get(language, content.PROVIDER_NAME["en"])
    provider, _code = Vault.create(result.provider_vault, PASSPHRASE,
                                   Profile(name=name, role=Role.PROVIDER))
    for vault in (user, provider):
        resolve_relay_url(vault, result.relay_url)
    return user, provider


def _sync(*vaults: Vault, relay_url: str) -> None:
    for vault in vaults:
        report = sync_and_process(vault, relay_url)
        if report.offline:
            raise ReconnectError(_("The demo's relay could not be reached: {error}").format(
                error=report.error))


def _converse(user: Vault, provider: Vault, relay_url: str, language: str,
              progress: Callable[[str], None]) -> None:
    progress(_("Pairing them through the relay on this computer…"))
    with relay_for(provider, relay_url) as port:
        code = Dyads(provider).create_invitation(port)
    with relay_for(user, relay_url) as port:
        Dyads(user).join(code, port)
    _sync(user, provider, user, relay_url=relay_url)
    on_user = Dyads(user).partner_named(provider.profile().name)
    on_provider = Dyads(provider).partner_named(content.USER_NAME)
    Dyads(user).verify(on_user.id)  # as if compared face to face in a consultation
    Dyads(provider).verify(on_provider.id)

    progress(_("Sharing goals and the crisis plan, agreeing on how to work together…"))
    sharing = Sharing(user)
    for module in SHARED_MODULES:
        sharing.share(module, None, on_user.id)
    provider_agreements = Agreements(provider)
    provider_agreements.propose(on_provider.id, provider_agreements.template())
    _sync(provider, user, relay_url=relay_url)
    Agreements(user).accept(on_user.id)

    progress(_("Exchanging a few messages…"))
    dyads = {"user": (Dyads(user), on_user.id), "provider": (Dyads(provider), on_provider.id)}
    for sender, text in content.texts(language)["conversation"]:
        service, partner_id = dyads[sender]
        service.send(partner_id, text)
        other = provider if sender == "user" else user
        _sync(service.vault, other, relay_url=relay_url)
    schedule_id = provider_agreements.schedule_checkin(
        on_provider.id, content.texts(language)["checkin"], every_days=7)
    provider_agreements.send_checkin(schedule_id)
    _sync(provider, user, provider, relay_url=relay_url)
