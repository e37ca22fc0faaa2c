"""How a life domain's name is shown, in one place for the screens, the command line and plain
mode.

The defaults a new vault gets are stored in English (``model.DEFAULT_LIFE_DOMAINS``;
``store/portable.py`` compares against them) and shown in the active language; a name the
person wrote is shown as written. JSON output keeps the stored name.
"""

from __future__ import annotations

from .i18n import _
from .model import DEFAULT_LIFE_DOMAINS


def domain_label(name: str) -> str:
    """A life domain's name as shown: a default translated, any other name as written."""
    return _(name) if name in DEFAULT_LIFE_DOMAINS else name
