"""Test-only: gives every Python child process of the test suite the fast KDF profile.

Only the tests put this folder on a child's ``PYTHONPATH`` (``tests/support/kdf.py``,
``pythonpath()``); Python then imports this file at start-up. It imports nothing of ReConnect
itself: when (and if) the child imports ``reconnect_tui.store.keys``, the module's floor is lowered
to libsodium's minimum right after it runs, exactly as ``tests/support/kdf.py`` does in the test
process. Nothing a user can set reaches this: the product reads no variable for it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

TARGET = "reconnect_tui.store.keys"


def _apply(module: ModuleType) -> None:
    import nacl.pwhash

    module.MIN_OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_MIN  # type: ignore[attr-defined]
    module.MIN_MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_MIN  # type: ignore[attr-defined]


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, inner: importlib.abc.Loader) -> None:
        self.inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        _apply(module)


class _FastKdfFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):  # type: ignore[no-untyped-def]
        if name != TARGET:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _PatchingLoader(spec.loader)
                return spec
        return None


sys.meta_path.insert(0, _FastKdfFinder())
