"""Toolbox modules of many items between the person's own devices (docs/devices.md): the diary.

Each item has a global id (random, made by the device that first saw the item) beside its local
row id, and one record (``hlc.Record``): its fields with their stamps, and the newest deletion.
Local edits, new items and deletions are found at sync by comparing the table with the records;
a record that changed (here, or by a merge) is marked unsent and goes to the other devices at the
next sync, in envelopes of many records. A deletion wins over every edit older than it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from .. import wire
from ..errors import ProtocolError
from ..i18n import _
from ..store.vault import Vault
from ..text_safety import clean_text
from .device_records import _ms, decode_fields
from .device_records import encode as _encode_fields
from .hlc import Hlc, Record, Stamp, merge

MODULE = "diary"
FIELDS = ("written_at", "text")
CLOCK_SETTING = "device-records/clock"
MAX_TEXT = 200_000
BATCH_BYTES = 160 * 1024
"""Records per envelope: up to this much JSON (the largest padding bucket is 256 KiB)."""


def encode_item(item: str, record: Record) -> dict[str, Any]:
    encoded = _encode_fields(record)
    return {"item": item, "fields": encoded["fields"], "deleted": encoded["deleted"]}


def decode_item(obj: object) -> tuple[str, Record]:
    if not isinstance(obj, dict) or not wire.is_valid_id(obj.get("item")):
        raise ProtocolError(_("A toolbox record from one of your devices could not be read."))
    return str(obj["item"]), decode_fields(obj, _valid_entry_value)


def _valid_entry_value(name: str, value: Any) -> bool:
    return (name in FIELDS and isinstance(value, str) and len(value) <= MAX_TEXT
            and (name != "written_at" or wire.utc_time(value) is not None))


class DeviceRows:
    """The diary's records on this device (call inside the caller's transaction)."""

    def __init__(self, vault: Vault, device: str) -> None:
        self.vault = vault
        self.device = device

    # -- storage -------------------------------------------------------------------------------

    def _records(self) -> dict[str, Record]:
        with self.vault.read() as conn:
            rows = conn.execute("SELECT item, state FROM device_records WHERE module = ?",
                                (MODULE,)).fetchall()
        return {r[0]: decode_item({"item": r[0], **json.loads(r[1])})[1] for r in rows}

    def _store(self, item: str, record: Record) -> None:
        state = json.dumps({k: v for k, v in encode_item(item, record).items() if k != "item"},
                           sort_keys=True)
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("INSERT INTO device_records(module, item, state, unsent)"
                         " VALUES (?, ?, ?, 1) ON CONFLICT(module, item) DO UPDATE SET"
                         " state = excluded.state, unsent = 1", (MODULE, item, state))

    def _ids(self) -> dict[int, str]:
        with self.vault.read() as conn:
            return {int(r[0]): r[1] for r in conn.execute(
                "SELECT local_id, global_id FROM device_item_ids WHERE module = ?", (MODULE,))}

    def _map(self, local_id: int, item: str) -> None:
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("INSERT OR REPLACE INTO device_item_ids(module, local_id, global_id)"
                         " VALUES (?, ?, ?)", (MODULE, local_id, item))

    def _unmap(self, item: str) -> None:
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("DELETE FROM device_item_ids WHERE module = ? AND global_id = ?",
                         (MODULE, item))

    def _rows(self) -> dict[int, dict[str, str]]:
        with self.vault.read() as conn:
            return {int(r[0]): {"written_at": r[1], "text": r[2]} for r in conn.execute(
                "SELECT id, written_at, text FROM diary")}

    def _clock(self) -> Hlc:
        with self.vault.read() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?",
                               (CLOCK_SETTING,)).fetchone()
        return Hlc(self.device, Stamp.decode(row[0]) if row and row[0] else None)

    def _keep_clock(self, clock: Hlc) -> None:
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key)"
                         " DO UPDATE SET value = excluded.value",
                         (CLOCK_SETTING, clock.last.encode()))

    # -- local edits ---------------------------------------------------------------------------

    def _states(self) -> dict[str, dict[str, Any]]:
        """Each item's stored record as JSON, not yet checked and decoded (a sync with no edit
        compares values only: 5,000 entries in a few tens of milliseconds)."""
        with self.vault.read() as conn:
            return {r[0]: json.loads(r[1]) for r in conn.execute(
                "SELECT item, state FROM device_records WHERE module = ?", (MODULE,))}

    def local_changes(self, now: datetime) -> None:
        """New items, edits and deletions made here since the last sync, as stamped records."""
        states, ids, rows = self._states(), self._ids(), self._rows()
        clock = self._clock()
        wall = _ms(now)
        for local_id, values in rows.items():
            item = ids.get(local_id)
            if item is None:
                item = wire.b64encode(uuid.uuid4().bytes + uuid.uuid4().bytes[:8])
                self._map(local_id, item)
            state = states.get(item)
            shown = ({name: entry[0] for name, entry in state["fields"].items()}
                     if state is not None else {})
            changed = {k: v for k, v in values.items() if shown.get(k) != v}
            if not changed and not (state is not None and state["deleted"] and not shown):
                continue
            record = decode_item({"item": item, **state})[1] if state is not None else Record()
            self._store(item, record.edit(values if record.visible() is None else changed,
                                          clock.tick(wall)))
        gone = {item for local_id, item in ids.items() if local_id not in rows}
        for item in gone:
            state = states.get(item)
            if state is not None:
                kept = decode_item({"item": item, **state})[1]
                if kept.visible() is not None:
                    self._store(item, kept.delete(clock.tick(wall)))
            self._unmap(item)
        self._keep_clock(clock)

    def unsent(self) -> Iterator[list[dict[str, Any]]]:
        """The records not sent yet, in batches of at most BATCH_BYTES of JSON; marked sent."""
        with self.vault.read() as conn:
            rows = conn.execute("SELECT item, state FROM device_records WHERE module = ?"
                                " AND unsent = 1 ORDER BY item", (MODULE,)).fetchall()
        batch: list[dict[str, Any]] = []
        size = 0
        for item, state in rows:
            entry = {"item": item, **json.loads(state)}
            length = len(json.dumps(entry))
            if batch and size + length > BATCH_BYTES:
                yield batch
                batch, size = [], 0
            if length <= BATCH_BYTES:  # one entry larger than an envelope is not sent
                batch.append(entry)
                size += length
        if batch:
            yield batch
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("UPDATE device_records SET unsent = 0 WHERE module = ?", (MODULE,))

    def mark_all_unsent(self) -> None:
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("UPDATE device_records SET unsent = 1 WHERE module = ?", (MODULE,))

    # -- received records ----------------------------------------------------------------------

    def merge_remote(self, items: list[Any], now: datetime) -> None:
        """Merge records another device sent and write the items they describe."""
        received = [decode_item(obj) for obj in items]  # all checked before anything changes
        self.local_changes(now)  # what changed here first gets its stamps
        records = self._records()
        by_item = {item: local_id for local_id, item in self._ids().items()}
        clock = self._clock()
        for item, remote in received:
            for _value, stamp in remote.fields.values():
                clock.observe(stamp, _ms(now))
            if remote.deleted is not None:
                clock.observe(remote.deleted, _ms(now))
            local = records.get(item, Record())
            merged = merge(local, remote)
            if merged == local:
                continue
            self._store(item, merged)
            self._write(item, by_item.get(item), merged)
        self._keep_clock(clock)

    def _write(self, item: str, local_id: int | None, merged: Record) -> None:
        visible = merged.visible()
        with self.vault.transaction(savepoint=False) as conn:
            if visible is None:
                if local_id is not None:
                    conn.execute("DELETE FROM diary WHERE id = ?", (local_id,))
                    self._unmap(item)
                return
            # An entry back after a deletion holds only the fields written after it: its date
            # is then the time of the edit that brought it back, the same on every device.
            newest = max(stamp.wall_ms for _value, stamp in merged.fields.values())
            written_at = visible.get("written_at") or datetime.fromtimestamp(
                newest / 1000, UTC).isoformat()
            text = clean_text(visible.get("text", ""))
            if local_id is None:
                cursor = conn.execute("INSERT INTO diary(written_at, text) VALUES (?, ?)",
                                      (written_at, text))
                assert cursor.lastrowid is not None
                self._map(int(cursor.lastrowid), item)
            else:
                conn.execute("UPDATE diary SET written_at = ?, text = ? WHERE id = ?",
                             (written_at, text, local_id))
