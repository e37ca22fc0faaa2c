"""The `reconnect` console script.

Opening the app is by far the most common use, and a person waits for its first screen, so
that path skips the command-line library (Typer and Click: about 30 ms of imports) when the
arguments can only mean "open the app": none, or just ``--vault PATH``. Everything else goes
to the full command line in ``cli.py``.

Whatever goes wrong outside the app itself takes the same crash path as inside it
(``crash.py``): a report without user text, one line, a non-zero exit code.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _app_only_vault(args: list[str]) -> tuple[bool, str | None]:
    """(True, vault or None) when ``args`` only ask to open the app."""
    if not args:
        return True, None
    if len(args) == 1 and args[0].startswith("--vault=") and len(args[0]) > len("--vault="):
        return True, args[0].partition("=")[2]
    if len(args) == 2 and args[0] == "--vault" and not args[1].startswith("-"):
        return True, args[1]
    return False, None


def main() -> None:
    from . import crash
    from .hygiene import disable_core_dumps

    disable_core_dumps()
    crash.install_quiet_hooks()
    app_only, vault = _app_only_vault(sys.argv[1:])
    if not app_only:
        from .cli import main as cli_main

        cli_main()
        return
    try:
        from .plain import wanted
        from .settings import resolve_vault_path

        path = resolve_vault_path(Path(vault) if vault else None)
        if wanted(False):  # RECONNECT_PLAIN, TERM=dumb or the plain setting
            from .plain import run_plain

            code = run_plain(path)
        else:
            from .app import run_app

            code = run_app(path)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # not the app's own (it has its path): start-up, settings …
        sys.exit(crash.handle(error))
    sys.exit(code)
