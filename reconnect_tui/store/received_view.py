"""A read-only toolbox built from what a service user shared: the provider's view.

The snapshots a provider received are portable-format sections (``store/portable.py``). They are
loaded into a private in-memory database with the vault's own schema, so every module screen can
show them in exactly the layout the service user sees; the view then refuses every write with
``ReadOnlyItem``. Nothing of it is written to disk: the database lives in memory
(``temp_store = MEMORY``) and is dropped with the view.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import sqlcipher3

from ..errors import ImportRefused, ReadOnlyItem
from ..i18n import _
from ..model import Profile, Role
from . import portable, portable_schema
from .db import Connection, Row
from .schema import migrate
from .toolbox import Toolbox
from .vault import Vault


class ReceivedVault(Vault):
    """A vault-shaped, in-memory copy of shared sections. Reads work; writes raise."""

    def __init__(self, owner: str, locale: str = "NO") -> None:
        conn = sqlcipher3.connect(":memory:", check_same_thread=False, isolation_level=None)
        conn.row_factory = Row
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
        self.path = Path(":memory:")
        self._conn: Connection | None = conn
        self._key = None
        self._header = None  # type: ignore[assignment]  # a received copy has no key header
        self._lock = threading.RLock()
        self._writable = True
        self.owner = owner
        self.slots: dict[str, str] = {}
        """The relay slots this copy was built from, slot -> module (``Sharing.view``)."""
        self._seed(Profile(name=owner, role=Role.USER, locale=locale))
        with self._writable_transaction() as c:  # only what was shared is shown
            c.execute("DELETE FROM life_domains")

    @contextlib.contextmanager
    def _writable_transaction(self) -> Iterator[Connection]:
        with super().transaction() as conn:
            yield conn

    @contextlib.contextmanager
    def transaction(self, *, savepoint: bool = True) -> Iterator[Connection]:
        if not self._writable:
            raise ReadOnlyItem(
                _("This was shared with you by {name}: you can read it, not change it.").format(
                    name=self.owner
                )
            )
        with super().transaction(savepoint=savepoint) as conn:
            yield conn

    def load(self, sections: Mapping[str, Any]) -> None:
        """Write the shared sections (portable format), then close the view for writing.
        Sections that break the format raise ImportRefused ("could not be opened")."""
        checked = check_shared(self.owner, sections)
        portable.import_all(self, checked, replace=True, partial=True)
        self._writable = False

    @property
    def key(self) -> bytes:
        raise ReadOnlyItem(_("A received view has no keys."))

    @property
    def vault_id(self) -> str:
        return "received:" + self.owner


def check_shared(owner: str, sections: Mapping[str, Any]) -> portable.Checked:
    """``sections`` a partner shares, checked as an import file is (references between
    sections are not required: a goal may name a life domain that is not shared)."""
    data = {"format": portable.FORMAT, "version": portable.VERSION, **sections}
    try:
        return portable.check(data, partial=True)
    except ImportRefused as error:
        heading = _("What {name} shared could not be opened: it does not follow the format."
                    ).format(name=owner)
        raise portable_schema.refused(error.problems, heading) from None


def read_only_toolbox(owner: str, sections: Mapping[str, Any], locale: str = "NO",
                      slots: Mapping[str, str] | None = None) -> Toolbox:
    """A toolbox over ``sections`` (portable-format, keyed by module) that refuses writes;
    ``slots``: the relay slots it was built from (slot -> module)."""
    vault = ReceivedVault(owner, locale)
    vault.load(sections)
    vault.slots = dict(slots or {})
    return Toolbox(vault)
