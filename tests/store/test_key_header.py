"""The key header on a bad day: each malformed field named, KDF settings bounded both ways.

A header is read before the passphrase is asked for, so every check here runs before Argon2id;
a header asking for more work than the maximum (opslimit 1000 hung the app) is refused unread.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from reconnect_tui.cli import app
from reconnect_tui.errors import (
    ExcessiveKdfParameters,
    KeyHeaderInvalid,
    VaultDamaged,
    VaultError,
    WeakKdfParameters,
)
from reconnect_tui.store import Vault, read_backup
from reconnect_tui.store import keys as vault_keys
from tests.support import kdf as kdf_profile
from tests.support.vaults import PASSPHRASE, Template

GiB = 1 << 30

# The header is the KDF's own subject: the product's real floor, on vaults made with it.
pytestmark = pytest.mark.real_kdf


def _header(path: Path) -> dict[str, Any]:
    return json.loads(vault_keys.header_path(path).read_text())


def _write(path: Path, data: Any) -> None:
    text = data if isinstance(data, str) else json.dumps(data)
    vault_keys.header_path(path).write_text(text)


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        data = data[key]
    data[last] = value


def _delete(data: dict[str, Any], dotted: str) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        data = data[key]
    del data[last]


MISSING = [
    "version",
    "vault_id",
    "kdf",
    "kdf.alg",
    "kdf.opslimit",
    "kdf.memlimit",
    "slots",
    "slots.passphrase.salt",
    "slots.passphrase.nonce",
    "slots.recovery.wrapped",
]


@pytest.mark.parametrize("field", MISSING)
def test_each_missing_field_is_named(vault_path: Path, field: str) -> None:
    data = _header(vault_path)
    _delete(data, field)
    _write(vault_path, data)
    with pytest.raises(KeyHeaderInvalid) as info:
        Vault.unlock(vault_path, PASSPHRASE)
    message = str(info.value)
    assert f'"{field}" is missing' in message
    assert str(vault_path) in message and "reconnect restore" in message


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("version", "1", '"version" should be a whole number'),
        ("version", 1.0, '"version" should be a whole number'),
        ("version", True, '"version" should be a whole number'),
        ("version", 2, "it has version 2; this ReConnect reads version 1"),
        ("format", "something-else", '"format" does not name a ReConnect key header'),
        ("vault_id", 7, '"vault_id" should be text'),
        ("vault_id", "not hex", '"vault_id" should be 32 hexadecimal characters'),
        ("kdf", [], '"kdf" should be an object'),
        ("kdf.alg", "scrypt", '"kdf.alg" names a key derivation ReConnect does not know'),
        ("kdf.opslimit", "3", '"kdf.opslimit" should be a whole number'),
        ("kdf.memlimit", None, '"kdf.memlimit" should be a whole number'),
        ("slots", "x", '"slots" should be an object'),
        ("slots", {}, '"slots" holds no key'),
        ("slots.passphrase", [1], '"slots.passphrase" should be an object'),
        ("slots.backdoor", {}, '"slots" holds a key slot ReConnect does not know'),
        ("slots.passphrase.salt", 16, '"slots.passphrase.salt" should be text'),
        ("slots.passphrase.salt", "!!!not base64", '"slots.passphrase.salt" is not valid base64'),
        ("slots.passphrase.salt", "åäö", '"slots.passphrase.salt" is not valid base64'),
        (
            "slots.passphrase.salt",
            "AAAA",
            '"slots.passphrase.salt" should be 16 bytes long, not 3',
        ),
        (
            "slots.recovery.nonce",
            "A" * 36,
            '"slots.recovery.nonce" should be 24 bytes long, not 27',
        ),
        ("slots.recovery.wrapped", "", '"slots.recovery.wrapped" should be 48 bytes long, not 0'),
    ],
)
def test_each_malformed_field_has_its_own_message(
    vault_path: Path, field: str, value: Any, expected: str
) -> None:
    data = _header(vault_path)
    _set(data, field, value)
    _write(vault_path, data)
    with pytest.raises(KeyHeaderInvalid) as info:
        Vault._header_for(vault_path)
    assert expected in str(info.value)
    assert str(vault_path) in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("{not json", "it is not valid JSON", id="not-json"),
        pytest.param("[1, 2]", "it does not hold a JSON object", id="list"),
        pytest.param('"a string"', "it does not hold a JSON object", id="string"),
        pytest.param("{}", '"format" is missing', id="empty-object"),
        pytest.param(  # deeper than the parser goes, still under the size limit
            "[" * 20_000 + "]" * 20_000, "it is not valid JSON", id="deep"
        ),
        pytest.param(  # more digits than int() converts
            '{"version": 1' + "0" * 5000 + "}", "it is not valid JSON", id="long-number"
        ),
        pytest.param(
            "x" * (vault_keys.MAX_HEADER_BYTES + 1), "far larger than a key header", id="huge"
        ),
    ],
)
def test_a_header_that_is_not_a_header_says_what_it_is(
    vault_path: Path, text: str, expected: str
) -> None:
    _write(vault_path, text)
    with pytest.raises(KeyHeaderInvalid, match=expected):
        Vault._header_for(vault_path)


def test_header_that_is_not_text(vault_path: Path) -> None:
    vault_keys.header_path(vault_path).write_bytes(b"\xff\xfe{}")
    with pytest.raises(KeyHeaderInvalid, match="it is not text"):
        Vault._header_for(vault_path)


@pytest.mark.parametrize(
    ("opslimit", "memlimit"),
    [
        (1000, kdf_profile.REAL_MEMLIMIT),  # the reported hang
        (17, kdf_profile.REAL_MEMLIMIT),
        (3, 4 * GiB),
        (8, GiB),  # each within its own bound, the two together costlier than SENSITIVE
        (10**30, 10**30),
    ],
)
def test_kdf_settings_above_the_maximum_are_refused_before_any_work(
    vault_path: Path, opslimit: int, memlimit: int
) -> None:
    data = _header(vault_path)
    data["kdf"].update(opslimit=opslimit, memlimit=memlimit)
    _write(vault_path, data)
    with pytest.raises(ExcessiveKdfParameters, match="costlier"):
        Vault._header_for(vault_path)  # refused while reading: no passphrase asked for
    with pytest.raises(ExcessiveKdfParameters):
        Vault.unlock(vault_path, PASSPHRASE)
    result = CliRunner().invoke(
        app, ["export", "all", "--vault", str(vault_path)], env={"RECONNECT_PASSPHRASE": PASSPHRASE}
    )
    assert result.exit_code == 1 and "costlier" in result.stderr


def test_the_maximum_itself_and_sensitive_are_allowed() -> None:
    vault_keys.KdfParams(opslimit=16, memlimit=vault_keys.MIN_MEMLIMIT).check()
    vault_keys.KdfParams(opslimit=4, memlimit=GiB).check()
    with pytest.raises(WeakKdfParameters):
        vault_keys.KdfParams(opslimit=2, memlimit=GiB).check()


def test_backup_with_a_malformed_header_says_which_field(vault: Vault, tmp_path: Path) -> None:
    backup = tmp_path / "b.reconnect"
    vault.backup(backup)
    data = backup.read_bytes()
    header = vault._header.to_json().encode()
    broken = header.replace(b'"version": 1', b'"version": "one"')
    backup.write_bytes(
        data.replace(f"{len(header)}\n".encode() + header, b"%d\n" % len(broken) + broken)
    )
    with pytest.raises(VaultDamaged, match='"version" should be a whole number'):
        read_backup(backup)


# -- Hypothesis: whatever a header holds, only our errors come out -----------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)
PATHS = [
    "format",
    "version",
    "vault_id",
    "kdf",
    "kdf.alg",
    "kdf.opslimit",
    "kdf.memlimit",
    "slots",
    "slots.passphrase",
    "slots.passphrase.salt",
    "slots.passphrase.nonce",
    "slots.passphrase.wrapped",
    "slots.recovery",
    "slots.recovery.wrapped",
]


@st.composite
def mutated_headers(draw: st.DrawFn, original: dict[str, Any]) -> str:
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(PATHS))
        try:
            if draw(st.booleans()):
                _delete(data, path)
            else:
                _set(data, path, draw(JSON_VALUES))
        except (KeyError, TypeError, IndexError):
            pass  # a parent was already replaced by something else
    text = json.dumps(data)
    if draw(st.booleans()):  # and now and then damage the text itself
        cut = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:cut] + draw(st.text(max_size=5)) + text[cut + 1 :]
    return text


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_mutated_header_raises_only_our_errors(
    real_user_template: Template, tmp_path: Path, data: st.DataObject
) -> None:
    original = json.loads(vault_keys.header_path(real_user_template.path).read_text())
    text = data.draw(mutated_headers(original))
    target = tmp_path / "vault.db"
    target.write_bytes(b"")
    _write(target, text)
    try:
        header = vault_keys.read_header(target)
    except VaultError as exc:
        assert str(exc) and "Traceback" not in str(exc)
        return
    # It parsed: then every value is in range, so unwrapping is bounded work.
    assert vault_keys.MIN_OPSLIMIT <= header.kdf.opslimit <= vault_keys.MAX_OPSLIMIT
    assert vault_keys.MIN_MEMLIMIT <= header.kdf.memlimit <= vault_keys.MAX_MEMLIMIT
    for wrapped in header.slots.values():
        assert len(wrapped.salt) == vault_keys.SALT_BYTES and len(wrapped.nonce) == 24
        assert len(wrapped.ciphertext) == vault_keys.WRAPPED_BYTES
