"""The message catalogues for tests: compile them before the suite runs, and extract the
messages from the code with Babel's Python API (no subprocess).

The package compiles its ``.mo`` files when it is built or installed (``setup.py``); the suite
compiles them again from the ``.po`` in the tree, so it always tests the catalogue as it is, also
right after someone edited it (docs/translating.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from reconnect_tui.i18n import DOMAIN, LOCALE_DIR

PACKAGE_DIR = LOCALE_DIR.parent
BABEL_CFG = PACKAGE_DIR.parent / "babel.cfg"


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: str) -> Catalog:
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def compile_catalogues() -> None:
    """Compile each ``.po`` whose ``.mo`` is missing or older; atomic, as pytest-xdist workers
    may do it at the same time."""
    for po in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=po.parent.parent.name)
        partial = mo.with_name(f".{mo.name}.{os.getpid()}")
        with partial.open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=False)
        os.replace(partial, mo)


def extract_messages() -> Catalog:
    """Every message the code marks (``_``, ``ngettext``, ``N_`` …), as ``pybabel extract``
    with ``babel.cfg`` finds them, locations relative to the repository."""
    from babel.messages.frontend import parse_mapping_cfg

    with BABEL_CFG.open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalogue = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE_DIR), method_map, options_map
    ):
        location = f"{PACKAGE_DIR.name}/{filename}"
        catalogue.add(message, None, [(location, lineno)], auto_comments=comments, context=context)
    return catalogue
