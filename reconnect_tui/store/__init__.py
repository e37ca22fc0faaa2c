"""The vault: SQLCipher storage, key handling, migrations and typed repositories.

Never imports Textual.
"""

from .toolbox import Toolbox
from .vault import Vault, read_backup, restore

__all__ = ["Toolbox", "Vault", "read_backup", "restore"]
