"""The relay's two storages for tests: an SQLite file, or a fresh schema in PostgreSQL.

PostgreSQL tests talk to the server named by ``RECONNECT_TEST_POSTGRES`` (default
``postgresql://postgres@127.0.0.1:5432/test``). Each relay gets a schema of its own with a
unique name, dropped afterwards; where no server answers, those tests are skipped with a
message saying how to point them at one.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import uuid
from pathlib import Path
from typing import Any

POSTGRES_ENV = "RECONNECT_TEST_POSTGRES"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgres")


def postgres_url() -> str:
    return os.environ.get(POSTGRES_ENV) or DEFAULT_POSTGRES


@functools.cache
def postgres_unavailable() -> str | None:
    """None when the server answers, else why not and how to point the tests at one."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install 'psycopg[binary,pool]')"
    try:
        with psycopg.connect(postgres_url(), connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        return (f"no PostgreSQL answers at {postgres_url()} ({type(error).__name__}); set "
                f"{POSTGRES_ENV}=postgresql://USER@HOST:PORT/DATABASE to run these tests")
    return None


def _with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


class RelayDatabase:
    """One relay database: ``target`` is what ``--db`` takes; ``rows(sql)`` reads it."""

    def __init__(self, target: str, schema: str | None = None) -> None:
        self.target = target
        self.schema = schema
        """The PostgreSQL schema, or None for an SQLite file."""

    @classmethod
    def create(cls, backend: str, tmp_path: Path, name: str = "relay") -> RelayDatabase:
        """A fresh database: a file in ``tmp_path``, or a new schema with a unique name."""
        if backend == "sqlite":
            return cls(str(tmp_path / f"{name}.db"))
        import psycopg

        schema = f"relay_test_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(postgres_url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        return cls(_with_search_path(postgres_url(), schema), schema)

    @classmethod
    def of(cls, target: str | Path) -> RelayDatabase:
        """The database behind a ``--db`` value made by :meth:`create`."""
        text = str(target)
        marker = "search_path%3D"
        return cls(text, text.split(marker, 1)[1] if marker in text else None)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one parameterless query (written to suit both databases); bytes as bytes."""
        if self.schema is None:
            with sqlite3.connect(self.target) as conn:
                found = conn.execute(sql).fetchall()
        else:
            import psycopg

            with psycopg.connect(self.target, autocommit=True) as conn:
                found = conn.execute(sql).fetchall()
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in found]

    def drop(self) -> None:
        if self.schema is None:
            return
        import psycopg

        with psycopg.connect(postgres_url(), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
