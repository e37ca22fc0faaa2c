"""The test suite's KDF profiles: fast for almost every test, real where the KDF is the subject.

Argon2id at ReConnect's floor (libsodium MODERATE: 3 passes over 256 MiB) costs about a second per
derivation on a busy 2-core machine, and most tests unlock, create or restore a vault only to get
at what is inside. The fast profile lowers the floor in ``reconnect_tui.store.keys``
(``MIN_OPSLIMIT``/``MIN_MEMLIMIT``, read at call time by ``KdfParams.default()`` and
``KdfParams.check()``) to libsodium's minimum, in the test process (``use_fast``, from
``tests/conftest.py``) and in every Python child the tests start (``pythonpath()`` puts
``tests/support/fast_kdf_site/sitecustomize.py`` first on the child's path). The product has no
knob for this: no variable, flag or setting lowers a real vault's cost.

Tests marked ``@pytest.mark.real_kdf`` run with the product's own floor (``real()``), in-process
and in their children, and get vaults made with it (``real_user_template``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import nacl.pwhash

from reconnect_tui.store import keys

ROOT = Path(__file__).resolve().parents[2]
SITE_DIR = Path(__file__).resolve().parent / "fast_kdf_site"

# The product's floor is libsodium's MODERATE (tests/test_kdf_profile.py checks that the product,
# alone, still writes it). Not read from ``keys``: in a pytest-xdist worker, a child of the test
# process, the start-up file has already lowered it.
REAL_OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_MODERATE
REAL_MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_MODERATE
FAST_OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_MIN
FAST_MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_MIN


def _set(opslimit: int, memlimit: int) -> None:
    keys.MIN_OPSLIMIT = opslimit
    keys.MIN_MEMLIMIT = memlimit


def use_fast() -> None:
    """The suite's default, set once per test process."""
    _set(FAST_OPSLIMIT, FAST_MEMLIMIT)


def is_fast() -> bool:
    return keys.MIN_OPSLIMIT == FAST_OPSLIMIT


@contextlib.contextmanager
def real() -> Iterator[None]:
    """The product's own floor inside the block; whatever was set before, after it."""
    before = keys.MIN_OPSLIMIT, keys.MIN_MEMLIMIT
    _set(REAL_OPSLIMIT, REAL_MEMLIMIT)
    try:
        yield
    finally:
        _set(*before)


def pythonpath(*first: str | Path) -> str:
    """``PYTHONPATH`` for a Python child: the repository (so this checkout's code wins), and
    the fast-profile start-up file while the fast profile is on in this process."""
    parts = [str(p) for p in first]
    if is_fast():
        parts.append(str(SITE_DIR))
    parts.append(str(ROOT))
    inherited = [
        p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(SITE_DIR)
    ]
    return os.pathsep.join(dict.fromkeys(parts + inherited))
