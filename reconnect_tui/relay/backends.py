"""Which storage ``--db`` names: a file path (SQLite) or a server address (PostgreSQL).

Anything of the form ``scheme://…`` is an address and never a path, so a mistyped address
cannot quietly become a folder named ``postgresql:`` with an SQLite file inside. The
PostgreSQL driver is imported only when an address asks for it.
"""

from __future__ import annotations

from pathlib import Path

from reconnect_tui.relay.storage import RelayStorage

POSTGRES_SCHEMES = ("postgresql", "postgres")


class UnknownDatabase(ValueError):
    """``--db`` is an address whose scheme no storage serves."""


def parse_db(value: str | Path) -> Path | str:
    """A path for SQLite, or the address (a str) for PostgreSQL; :class:`UnknownDatabase`
    for any other ``scheme://``."""
    if isinstance(value, Path):
        return value
    scheme, separator, _rest = value.partition("://")
    if not separator:
        return Path(value)
    if scheme.lower() in POSTGRES_SCHEMES:
        return value
    raise UnknownDatabase(
        f"{scheme}:// is not a database the relay can use; give a file path (SQLite) or "
        "postgresql://USER@HOST:PORT/DATABASE")


def describe(db: Path | str) -> str:
    """The database for logs: a path, or an address without user, password or options."""
    if isinstance(db, Path):
        return str(db)
    from reconnect_tui.relay.postgres_storage import redacted

    return redacted(db)


def open_storage(db: Path | str) -> RelayStorage:
    """Open (and migrate) the storage ``db`` names; raises ``RelayStorageError``."""
    target = parse_db(db)
    if isinstance(target, Path):
        from reconnect_tui.relay.sqlite_storage import SQLiteRelayStorage

        return SQLiteRelayStorage(target)
    from reconnect_tui.relay.postgres_storage import PostgresRelayStorage

    return PostgresRelayStorage(target)
