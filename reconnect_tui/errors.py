"""One exception hierarchy for everything a user can run into.

Every ``ReconnectError`` carries a message written for the person at the keyboard; the CLI
and the app show ``str(error)`` and never a traceback. Messages never contain what the
user wrote (no plaintext of their data in exceptions).
"""

from __future__ import annotations


class ReconnectError(Exception):
    """Base class: a failure the message explains (CLI exit code 1)."""


class VaultError(ReconnectError):
    """Something about the vault file itself."""


class VaultNotFound(VaultError):
    pass


class VaultExists(VaultError):
    pass


class WrongPassphrase(VaultError):
    pass


class VaultDamaged(VaultError):
    pass


class KeyHeaderInvalid(VaultDamaged):
    """A field of the key header is missing or malformed; ``problem`` says which."""

    def __init__(self, message: str, problem: str = "") -> None:
        super().__init__(message)
        self.problem = problem


class WeakKdfParameters(VaultError):
    """The key header asks for KDF settings below the built-in minimum."""


class ExcessiveKdfParameters(VaultError):
    """The key header asks for KDF settings above the built-in maximum (it would hang)."""


class VaultLocked(VaultError):
    pass


class VaultNotWritable(VaultError):
    """A folder or file ReConnect must write to refuses it (permission, a read-only disk); the
    vault itself is intact."""


class DiskFull(VaultError):
    """The disk has no room for what ReConnect had to write; the vault itself is intact."""


class ReadOnlyItem(ReconnectError):
    """A write to an item received from someone else (providers never edit)."""


class ImportRefused(ReconnectError):
    """An import file (or a partner's shared sections) that does not follow the format.
    ``problems``: (where, what) pairs, for a caller that words them again."""

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.problems: list[tuple[str, str]] = problems or []


class ExportError(ReconnectError):
    pass


class RelayError(ReconnectError):
    """The relay could not be reached or refused a request."""


class RelayRefused(RelayError):
    """The relay answered with an error (``status`` HTTP code, ``code`` wire error code)."""

    def __init__(self, message: str, status: int, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class ProtocolError(ReconnectError):
    """An envelope or message failed a check (never shown as if it were real)."""


class NotFound(ReconnectError):
    pass


class ForumError(ReconnectError):
    """A forum action that is not allowed here (not a member, not the moderator, removed …)."""
