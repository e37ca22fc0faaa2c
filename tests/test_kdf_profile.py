"""The tests' fast KDF profile stays in the tests (tests/support/kdf.py).

The product, started with nothing of the tests on its path, still writes and demands its real
floor; the test process and its children use the fast profile, and ``real_kdf`` tests (and their
children) the real one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nacl.pwhash
import pytest

from reconnect_tui.store import keys
from tests.support import kdf as kdf_profile

PROBE = (
    "import sys\n"
    "from pathlib import Path\n"
    "from reconnect_tui.model import Profile\n"
    "from reconnect_tui.store import Vault, keys\n"
    "vault, _ = Vault.create(Path(sys.argv[1]), 'a passphrase 123', Profile(name='K'))\n"
    "vault.close()\n"
    "print(keys.MIN_OPSLIMIT, keys.MIN_MEMLIMIT)\n"
)


def _child(tmp_path: Path, pythonpath: str) -> tuple[tuple[int, int], dict[str, int]]:
    path = tmp_path / "probe.db"
    env = {**os.environ, "PYTHONPATH": pythonpath}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    ops, mem = (int(v) for v in result.stdout.split())
    return (ops, mem), json.loads(keys.header_path(path).read_text())["kdf"]


MODERATE = (nacl.pwhash.argon2id.OPSLIMIT_MODERATE, nacl.pwhash.argon2id.MEMLIMIT_MODERATE)
FAST = (kdf_profile.FAST_OPSLIMIT, kdf_profile.FAST_MEMLIMIT)


@pytest.mark.real_kdf
def test_the_product_alone_writes_its_real_floor(tmp_path: Path) -> None:
    floor, written = _child(tmp_path, str(kdf_profile.ROOT))
    assert floor == MODERATE
    assert (written["opslimit"], written["memlimit"]) == MODERATE


def test_the_tests_and_their_children_use_the_fast_profile(tmp_path: Path) -> None:
    assert (keys.MIN_OPSLIMIT, keys.MIN_MEMLIMIT) == FAST
    assert os.environ["PYTHONPATH"].split(os.pathsep)[0] == str(kdf_profile.SITE_DIR)
    floor, written = _child(tmp_path, kdf_profile.pythonpath())
    assert floor == FAST and (written["opslimit"], written["memlimit"]) == FAST


@pytest.mark.real_kdf
def test_real_kdf_tests_and_their_children_use_the_real_floor(tmp_path: Path) -> None:
    assert (keys.MIN_OPSLIMIT, keys.MIN_MEMLIMIT) == MODERATE
    assert str(kdf_profile.SITE_DIR) not in os.environ["PYTHONPATH"].split(os.pathsep)
    floor, _ = _child(tmp_path, os.environ["PYTHONPATH"])
    assert floor == MODERATE
