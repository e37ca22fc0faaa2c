"""One unlocked vault and everything built over it: the repositories and the services.

The app makes a ``Session`` when a vault is created or unlocked and closes it when it locks
(Ctrl+L, idle, a crash, a hang-up, quitting). Screens reach it through ``self.session``
(``screens/access.py``); nothing else holds the vault. Each service is built on first use and
then kept, so the Olm identity (``Dyads``) is unpickled once per unlock and every service that
signs or sends shares it. Closing drops the services and closes the vault, which wipes its key.

This module imports no service at start-up: the sync stack (vodozemac, httpx) is imported
when a screen first asks for a service, never before the unlock screen is painted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .errors import VaultLocked
from .i18n import _

if TYPE_CHECKING:
    from .settings import Settings
    from .store import Toolbox, Vault
    from .sync.agreements import Agreements
    from .sync.devices import Devices
    from .sync.dyads import Dyads
    from .sync.forum import Forums
    from .sync.sharing import Sharing
    from .sync.sync_service import SyncService

T = TypeVar("T")


class Session:
    """The unlocked vault, its repositories and its services (dyads, devices, sharing,
    agreements, forums, sync), until ``close``."""

    def __init__(self, vault: Vault, *, settings: Settings,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        from .store import Toolbox

        self._toolbox: Toolbox | None = Toolbox(vault)
        self.settings = settings
        """The app's settings (language, relay default) as they were when it unlocked."""
        self.clock = clock
        """What every service of the session takes as "now" (tests give a fixed one)."""
        self._services: dict[str, Any] = {}
        self._lock = threading.RLock()  # services are asked for from thread workers too

    # -- lifetime ----------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._toolbox is not None

    def close(self) -> None:
        """Drop every service (and the identity they cached) and close the vault. Idempotent."""
        with self._lock:
            toolbox, self._toolbox = self._toolbox, None
            self._services.clear()
        if toolbox is not None:
            toolbox.vault.close()

    # -- what screens use --------------------------------------------------------------------

    @property
    def toolbox(self) -> Toolbox:
        """Every repository of the vault."""
        toolbox = self._toolbox
        if toolbox is None:
            raise VaultLocked(_("The vault is locked."))
        return toolbox

    @property
    def vault(self) -> Vault:
        return self.toolbox.vault

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().date()

    @property
    def dyads(self) -> Dyads:
        """Pairing and messages; holds the vault's Olm identity (loaded once, on first use).
        Its times are the real UTC clock's, not ``clock``: what is sent carries when it was."""

        def build() -> Dyads:
            from .sync.dyads import Dyads

            return Dyads(self.vault)

        return self._service("dyads", build)

    @property
    def devices(self) -> Devices:
        """The person's linked devices (docs/devices.md). Like ``dyads``, on the real UTC
        clock: a link code's expiry is checked by the other device against its own."""

        def build() -> Devices:
            from .sync.devices import Devices

            return Devices(self.vault)

        return self._service("devices", build)

    @property
    def sharing(self) -> Sharing:
        def build() -> Sharing:
            from .sync.sharing import Sharing

            return Sharing(self.vault, clock=self.clock, dyads=self.dyads)

        return self._service("sharing", build)

    @property
    def agreements(self) -> Agreements:
        def build() -> Agreements:
            from .sync.agreements import Agreements

            return Agreements(self.vault, clock=self.clock, dyads=self.dyads)

        return self._service("agreements", build)

    @property
    def forums(self) -> Forums:
        def build() -> Forums:
            from .sync.forum import Forums

            return Forums(self.vault, clock=self.clock)

        return self._service("forums", build)

    @property
    def sync(self) -> SyncService:
        """Syncing with the relay, through this session's services (run it in a worker)."""

        def build() -> SyncService:
            from .sync.sync_service import SyncService

            return SyncService(self.vault, dyads=self.dyads, sharing=self.sharing,
                               agreements=self.agreements, forums=self.forums)

        return self._service("sync", build)

    @property
    def identity_loads(self) -> int:
        """How many times this session unpickled its Olm identity (0 or 1)."""
        dyads = self._services.get("dyads")
        return dyads.identity_loads if dyads is not None else 0

    def _service(self, name: str, build: Callable[[], T]) -> T:
        """The service called ``name``, built by ``build`` the first time it is asked for."""
        with self._lock:  # re-entrant: a service's build asks for the dyads
            service = self._services.get(name)
            if service is None:
                self.toolbox  # noqa: B018 -- raises VaultLocked once closed
                service = build()
                self._services[name] = service
        return cast(T, service)
