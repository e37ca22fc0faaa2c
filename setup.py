"""Builds the message catalogues (``.po`` → ``.mo``) whenever the package is built or installed.

Everything else is in ``pyproject.toml``. The compiled ``.mo`` files are build products: never
committed (``.gitignore``), never edited by hand. ``build_py`` compiles them:

- a wheel or a normal install: into the build folder, beside the copied ``.po`` files;
- an editable install (``pip install -e .``, as ``make run`` and ``make test`` do): setuptools'
  ``editable_wheel`` runs ``build_py`` in editable mode, which copies nothing because the
  package is read from the source tree, so the ``.mo`` is written into the source tree
  (``reconnect_tui/locale/<lang>/LC_MESSAGES/``), where ``reconnect_tui/i18n.py`` looks.

After editing a ``.po``, run ``make translations`` (or install again) to rebuild the ``.mo``.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

PACKAGE = "reconnect_tui"
DOMAIN = "reconnect"


def compile_catalogues(package_dir: Path, target_dir: Path) -> list[Path]:
    """Compile every ``locale/*/LC_MESSAGES/<DOMAIN>.po`` under ``package_dir`` into the same
    place under ``target_dir``; returns the ``.mo`` files written.

    Fuzzy entries are left out (gettext then shows the English), as ``msgfmt`` does.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted((package_dir / "locale").glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po_path.open("rb") as handle:
            catalogue = read_po(handle, locale=po_path.parent.parent.name)
        mo_path = target_dir / po_path.relative_to(package_dir).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=False)
        written.append(mo_path)
    return written


class BuildPyWithCatalogues(build_py):
    """``build_py`` that also compiles the message catalogues (see the module docstring)."""

    def run(self) -> None:
        source = Path(self.get_package_dir(PACKAGE))
        if self.editable_mode:
            compile_catalogues(source, source)
        super().run()  # returns at once in editable mode
        if not self.editable_mode:
            compile_catalogues(source, Path(self.build_lib) / PACKAGE)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            source = Path(self.get_package_dir(PACKAGE))
            for po_path in (source / "locale").glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
                mo = Path(self.build_lib) / PACKAGE / po_path.relative_to(source)
                outputs.append(str(mo.with_suffix(".mo")))
        return outputs


setup(cmdclass={"build_py": BuildPyWithCatalogues})
