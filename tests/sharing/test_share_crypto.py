"""The shared-item format on its own: every altered byte, moved slot or wrong key is refused."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import vodozemac
from hypothesis import given, settings
from hypothesis import strategies as st

from reconnect_tui import wire
from reconnect_tui.errors import ProtocolError
from reconnect_tui.model import Role
from reconnect_tui.store.repositories.dyads import PartnerRecord
from reconnect_tui.store.repositories.sharing import SharingRepository
from reconnect_tui.sync import share_crypto, share_inbound
from reconnect_tui.wire.padding import BUCKETS

OWNER = vodozemac.Account()
OTHER = vodozemac.Account()
OWNER_KEY = OWNER.ed25519_key.to_base64()
SLOT = "s" * 22
DYAD = share_crypto.dyad_id(OWNER_KEY, OTHER.ed25519_key.to_base64())
SHARE_KEY = share_crypto.new_key()
CONTENT = {"module": "goals", "item_id": 3, "title": "Swim",
           "sections": {"goals": [{"title": "Swim"}]}}


def _sign(account: vodozemac.Account):
    return lambda message: account.sign(message).to_base64()


def _seal(version: int = 4, epoch: int = 2, account: vodozemac.Account = OWNER,
          content: dict = CONTENT) -> bytes:
    return share_crypto.seal_item(share_key=SHARE_KEY, epoch=epoch, slot=SLOT, version=version,
                                  dyad=DYAD, content=content, sign=_sign(account))


def _open(blob: bytes, *, version: int = 4, slot: str = SLOT, dyad: str = DYAD,
          keys: dict | None = None) -> share_crypto.Opened:
    return share_crypto.open_item(blob, version=version, slot=slot, dyad=dyad,
                                  owner_ed25519=OWNER_KEY,
                                  share_keys={2: SHARE_KEY} if keys is None else keys)


def test_round_trip_and_size_overhead() -> None:
    blob = _seal()
    opened = _open(blob)
    assert opened.content == CONTENT and opened.version == 4 and opened.epoch == 2
    assert opened.content_hash == share_crypto.content_hash(CONTENT, 2)
    # Padded to a bucket, plus a fixed 184 bytes: the relay learns a bucket, nothing more.
    assert len(blob) - BUCKETS[0] == 184
    assert b"Swim" not in blob


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_altered_byte_is_refused(data) -> None:
    blob = bytearray(_seal())
    index = data.draw(st.integers(0, len(blob) - 1))
    blob[index] ^= data.draw(st.integers(1, 255))
    with pytest.raises(ProtocolError):
        _open(bytes(blob))


@pytest.mark.parametrize("change", ["version", "slot", "dyad", "key", "signer", "truncated"])
def test_moved_relabelled_or_forged_versions_are_refused(change: str) -> None:
    blob = _seal(account=OTHER) if change == "signer" else _seal()
    kwargs: dict = {}
    if change == "version":
        kwargs["version"] = 5
    elif change == "slot":
        kwargs["slot"] = "t" * 22
    elif change == "dyad":
        kwargs["dyad"] = share_crypto.dyad_id(OTHER.ed25519_key.to_base64(), OWNER_KEY)
    elif change == "key":
        kwargs["keys"] = {1: SHARE_KEY, 2: share_crypto.new_key()}
    elif change == "truncated":
        blob = blob[:100]
    with pytest.raises(ProtocolError):
        _open(blob, **kwargs)


def test_content_that_is_not_a_snapshot_is_refused() -> None:
    with pytest.raises(ProtocolError):
        _open(_seal(content={"module": "goals", "sections": "not a dict", "title": "x"}))


# --- the manifest and view receipt inside Olm ------------------------------------------------

USER_RECORD = PartnerRecord(1, "Kari", "user", OWNER_KEY, "c", "m" * 22, "n" * 22, b"k" * 32,
                            "", "paired", False, False, True, 0)
NOW = datetime(2026, 11, 27, tzinfo=UTC)
REPO = SharingRepository(None)  # type: ignore[arg-type]  # inbound() only builds the write
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["epoch", "seq", "key", "slots", "at", "x"]), JSON,
                       max_size=5),
       st.sampled_from(share_inbound.SHARE_TYPES))
def test_malformed_sharing_messages_raise_protocol_errors_only(fields, kind) -> None:
    role = Role.PROVIDER if kind == "share-manifest" else Role.USER
    record = USER_RECORD if role is Role.PROVIDER else replace(USER_RECORD, role="provider")
    with contextlib.suppress(ProtocolError):
        share_inbound.inbound(REPO, record, role, kind, fields, NOW)


def test_a_well_formed_manifest_is_accepted_only_by_a_provider() -> None:
    fields = {"epoch": 1, "seq": 1, "key": wire.b64encode(SHARE_KEY),
              "slots": [{"slot": SLOT, "module": "goals", "item_id": 3, "title": "Swim"}]}
    write = share_inbound.inbound(REPO, USER_RECORD, Role.PROVIDER,
                                  "share-manifest", fields, NOW)
    assert callable(write)
    with pytest.raises(ProtocolError):
        share_inbound.inbound(REPO, USER_RECORD, Role.USER,
                              "share-manifest", fields, NOW)
    for bad in ({**fields, "epoch": 0}, {**fields, "seq": 0}, {**fields, "seq": None},
                {**fields, "key": "short"},
                {**fields, "slots": [{"slot": SLOT, "module": "calendar", "item_id": None,
                                      "title": ""}]}):
        with pytest.raises(ProtocolError):
            share_inbound.inbound(REPO, USER_RECORD, Role.PROVIDER,
                                  "share-manifest", bad, NOW)


@pytest.mark.parametrize("module", [["goals"], {"goals": 1}])
def test_a_manifest_slot_with_an_unhashable_module_is_refused_not_a_crash(module) -> None:
    """Only ProtocolError is caught around a received message: a TypeError here would stop
    every sync at the same message."""
    fields = {"epoch": 1, "seq": 1, "key": wire.b64encode(SHARE_KEY),
              "slots": [{"slot": SLOT, "module": module, "item_id": None, "title": ""}]}
    with pytest.raises(ProtocolError):
        share_inbound.inbound(REPO, USER_RECORD, Role.PROVIDER, "share-manifest", fields, NOW)
