"""Import boundaries at run time: the relay loads only the wire format of the client's code; httpx
loads only with the client. (`tests/test_import_graph.py` checks the imports as written.)"""

from __future__ import annotations

import subprocess
import sys


def loaded_after(statement: str) -> set[str]:
    code = f"{statement}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    return set(result.stdout.split())


def test_wire_does_not_load_httpx() -> None:
    loaded = loaded_after("import reconnect_tui.sync, reconnect_tui.wire, "
                          "reconnect_tui.wire.padding, reconnect_tui.sync.padding")
    assert "httpx" not in loaded
    assert not any(m == "textual" or m.startswith("textual.") for m in loaded)


def test_relay_imports_nothing_from_store_screens_or_textual() -> None:
    loaded = loaded_after("import reconnect_tui.relay.app, reconnect_tui.relay.serve, "
                          "reconnect_tui.relay.sqlite_storage, reconnect_tui.relay.backends, "
                          "reconnect_tui.relay.cli")
    assert "reconnect_tui.relay.app" in loaded
    forbidden = ("reconnect_tui.store", "reconnect_tui.screens", "reconnect_tui.widgets",
                 "reconnect_tui.sync", "reconnect_tui.commands", "reconnect_tui.cli",
                 "textual", "httpx", "psycopg")  # PostgreSQL's driver only when --db asks
    assert not [m for m in loaded if m.startswith(forbidden)]
