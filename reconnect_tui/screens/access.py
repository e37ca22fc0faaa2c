"""How a screen or widget reaches the unlocked vault: ``self.session``, typed.

Screens and widgets mix in ``SessionAccess``; it is the only way they reach the vault, the
repositories (``session.toolbox``) and the services (``session.dyads``, ``session.sharing`` …).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from ..errors import VaultLocked
from ..i18n import _

if TYPE_CHECKING:
    from textual.app import App

    from ..session import Session


class _HasApp(Protocol):
    @property
    def app(self) -> App[object]: ...


class SessionAccess:
    """Mixin for screens and widgets of the ReConnect app."""

    @property
    def session(self: _HasApp) -> Session:
        """The unlocked vault's session; ``VaultLocked`` once the app locked."""
        session: Session | None = getattr(self.app, "session", None)
        if session is None or not session.is_open:
            raise VaultLocked(_("The vault is locked."))
        return session

    def current_session(self: _HasApp) -> Session | None:
        """The session, or None once the app locked (for thread workers and late callbacks)."""
        session: Session | None = getattr(self.app, "session", None)
        return session if session is not None and session.is_open else None
