"""Which thread ran each SQL statement on the app's vault, observed through SQLCipher.

SQLCipher calls a connection's trace callback in the thread that runs each statement, so a test
can see what the UI thread ran while a screen or form opened (an observation of the real vault,
not a stand-in for it)::

    with statements_by_thread(app) as log:
        await open_module(pilot, "goals")
    assert log.on_ui() == []
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

READ_ONLY = ("SELECT", "PRAGMA", "WITH")


@dataclass
class StatementLog:
    ui_thread: int = field(default_factory=threading.get_ident)
    """The thread the log was made on: a test's, which is the app's UI thread."""
    statements: list[tuple[int, str]] = field(default_factory=list)

    def on_ui(self) -> list[str]:
        return [sql for thread, sql in self.statements if thread == self.ui_thread]

    def off_ui(self) -> list[str]:
        return [sql for thread, sql in self.statements if thread != self.ui_thread]

    def changes(self) -> list[str]:
        """Statements that may write (anything but a read)."""
        return [sql for _thread, sql in self.statements
                if not sql.lstrip().upper().startswith(READ_ONLY)]


@contextlib.contextmanager
def statements_by_thread(app: Any) -> Iterator[StatementLog]:
    log = StatementLog()
    connection = app.toolbox.vault._conn
    connection.set_trace_callback(
        lambda sql: log.statements.append((threading.get_ident(), sql)))
    try:
        yield log
    finally:
        connection.set_trace_callback(None)
