"""Toolbox modules of many items between the person's own devices (docs/devices.md): every
table that ``device_tables.TABLES`` describes (life domains and their history, goals and
activities, the network map, exercises and their log, medications, the diary, registrations,
"what is important in my life").

Each item has a global id (random, made by the device that first saw the item, or made from a
natural key such as a built-in exercise's slug) beside its local row id, and one record
(``hlc.Record``): its fields with their stamps, and the newest deletion. A reference to another
item (a goal's parent, an activity's goal) is that item's global id. Local edits, new items and
deletions are found at sync by comparing each table with the records: a digest per row of what
its record last held, so a sync with no edit reads only the tables. A record that changed (here,
or by a merge) is marked unsent and goes to the other devices at the next sync, many records to
an envelope. A deletion wins over every edit older than it. An item whose parent has not arrived
yet keeps its record and is written when the parent comes.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from .. import wire
from ..errors import ProtocolError
from ..i18n import _
from ..store.db import Connection, IntegrityError
from ..store.repositories.profile import index_what_matters
from ..store.vault import Vault
from ..text_safety import clean_text
from .device_records import _ms, decode_fields
from .device_records import encode as _encode_fields
from .device_tables import BY_MODULE, TABLES, Column, Table, valid_value
from .hlc import Hlc, Record, Stamp, merge

MODULE = "diary"
CLOCK_SETTING = "device-records/clock"
BATCH_BYTES = 160 * 1024
"""Records per envelope: up to this much JSON (the largest padding bucket is 256 KiB)."""
_KEY_CONTEXT = "reconnect/v1/device-item\n"


def _unreadable() -> ProtocolError:
    return ProtocolError(_("A toolbox record from one of your devices could not be read."))


def encode_item(item: str, record: Record) -> dict[str, Any]:
    encoded = _encode_fields(record)
    return {"item": item, "fields": encoded["fields"], "deleted": encoded["deleted"]}


def decode_item(obj: object, module: str = MODULE) -> tuple[str, Record]:
    """A received item of ``module``, checked: its id, known fields, values each column may
    hold, well-formed stamps."""
    table = BY_MODULE.get(module)
    if table is None or not isinstance(obj, dict) or not wire.is_valid_id(obj.get("item")):
        raise _unreadable()

    def valid(name: str, value: Any) -> bool:
        column = table.column(name)
        return column is not None and valid_value(column, value)

    return str(obj["item"]), decode_fields(obj, valid)


def _natural_id(table: Table, values: dict[str, Any]) -> str:
    assert table.key is not None
    key = json.dumps([table.module, *(values.get(name) for name in table.key)],
                     ensure_ascii=False, separators=(",", ":"))
    return wire.b64encode(hashlib.sha256((_KEY_CONTEXT + key).encode()).digest()[:24])


def _random_id() -> str:
    return wire.b64encode(uuid.uuid4().bytes + uuid.uuid4().bytes[:8])


def _digest(values: list[Any]) -> str:
    """What a row's values hash to (``repr`` of strings, numbers, booleans and None is the
    same in every run, and several times cheaper than JSON: most of a sync with no edit)."""
    return hashlib.blake2b(repr(values).encode(), digest_size=12).hexdigest()


class DeviceRows:
    """The records of every many-item module on this device (call inside the caller's
    transaction; each write joins it without a savepoint of its own)."""

    def __init__(self, vault: Vault, device: str) -> None:
        self.vault = vault
        self.device = device

    def _conn(self) -> Any:
        return self.vault.transaction(savepoint=False)

    # -- storage -------------------------------------------------------------------------------

    def _load(self, module: str, items: list[str]) -> dict[str, Record]:
        with self.vault.read() as conn:
            rows = conn.execute(
                "SELECT item, state FROM device_records WHERE module = ? AND item IN"
                " (SELECT value FROM json_each(?))", (module, json.dumps(items))).fetchall()
        return {r[0]: decode_item({"item": r[0], **json.loads(r[1])}, module)[1] for r in rows}

    def _store(self, module: str, item: str, record: Record) -> None:
        writes = _Writes()
        writes.store(module, item, record)
        with self._conn() as conn:
            writes.flush(conn)

    def _ids(self) -> dict[str, dict[int, tuple[str, str | None]]]:
        """Per module: local row id -> (global id, digest of the values its record held)."""
        out: dict[str, dict[int, tuple[str, str | None]]] = {t.module: {} for t in TABLES}
        with self.vault.read() as conn:
            for module, local_id, global_id, digest in conn.execute(
                    "SELECT module, local_id, global_id, digest FROM device_item_ids"):
                if module in out:
                    out[module][int(local_id)] = (global_id, digest)
        return out

    def _map(self, module: str, local_id: int, item: str, digest: str | None = None) -> None:
        with self._conn() as conn:
            conn.execute("INSERT OR REPLACE INTO device_item_ids(module, local_id, global_id,"
                         " digest) VALUES (?, ?, ?, ?)", (module, local_id, item, digest))

    def _unmap(self, module: str, item: str) -> None:
        with self._conn() as conn:
            conn.execute("DELETE FROM device_item_ids WHERE module = ? AND global_id = ?",
                         (module, item))

    def _rows(self, table: Table) -> dict[int, tuple[Any, ...]]:
        where = f" WHERE {table.where}" if table.where else ""
        with self.vault.read() as conn:
            return {int(r[0]): tuple(r[1:]) for r in conn.execute(
                f"SELECT {table.id_column}, {', '.join(table.names)} FROM {table.table}{where}")}

    def _clock(self) -> Hlc:
        with self.vault.read() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?",
                               (CLOCK_SETTING,)).fetchone()
        return Hlc(self.device, Stamp.decode(row[0]) if row and row[0] else None)

    def _keep_clock(self, clock: Hlc) -> None:
        with self._conn() as conn:
            conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key)"
                         " DO UPDATE SET value = excluded.value",
                         (CLOCK_SETTING, clock.last.encode()))

    # -- local edits ---------------------------------------------------------------------------

    @staticmethod
    def _values(table: Table, row: tuple[Any, ...],
                globals_of: dict[str, dict[int, str]]) -> list[Any]:
        """A row as its record holds it: booleans as booleans, references as global ids."""
        if all(column.kind in _AS_STORED for column in table.columns):
            return list(row)
        out: list[Any] = []
        for column, value in zip(table.columns, row, strict=True):
            if value is not None and column.kind == "bool":
                value = bool(value)
            elif value is not None and column.kind == "real":
                value = float(value)
            elif value is not None and column.kind == "ref":
                value = globals_of[column.ref].get(int(value))
            out.append(value)
        return out

    def local_changes(self, now: datetime, modules: frozenset[str] | None = None) -> None:
        """New items, edits and deletions made here since the last sync, as stamped records.
        A row whose values hash to the digest its record held is not compared further.
        ``modules``: only these (closed under references, ``_related``); the rest wait for
        the next sync, which compares every module."""
        ids = self._ids()
        tables = [t for t in TABLES if modules is None or t.module in modules]
        rows = {t.module: self._rows(t) for t in tables}
        globals_of = {m: {local: gid for local, (gid, _d) in by.items()} for m, by in ids.items()}
        clock = self._clock()
        wall = _ms(now)
        for table in tables:  # references first, so a row's parent has its global id
            taken = set(globals_of[table.module].values())
            for local_id, row in rows[table.module].items():
                if local_id in globals_of[table.module]:
                    continue
                item = _random_id()
                if table.key is not None:
                    natural = _natural_id(table, dict(zip(
                        table.names, self._values(table, row, globals_of), strict=True)))
                    item = natural if natural not in taken else item
                taken.add(item)
                globals_of[table.module][local_id] = item
                ids[table.module][local_id] = (item, None)
        writes = _Writes()
        for table in tables:
            self._local_table(table, ids[table.module], rows[table.module], globals_of,
                              clock, wall, writes)
        with self._conn() as conn:
            writes.flush(conn)
        self._keep_clock(clock)

    def _local_table(self, table: Table, ids: dict[int, tuple[str, str | None]],
                     rows: dict[int, tuple[Any, ...]], globals_of: dict[str, dict[int, str]],
                     clock: Hlc, wall: int, writes: _Writes) -> None:
        module = table.module
        edited: dict[str, tuple[int, dict[str, Any], str]] = {}
        for local_id, row in rows.items():
            values = self._values(table, row, globals_of)
            digest = _digest(values)
            item, kept = ids[local_id]
            if kept != digest:
                edited[item] = (local_id, dict(zip(table.names, values, strict=True)), digest)
        gone = [item for local_id, (item, _d) in ids.items() if local_id not in rows]
        records = self._load(module, [*edited, *gone]) if edited or gone else {}
        for item, (local_id, named, digest) in edited.items():
            record = records.get(item)
            shown = record.visible() if record is not None else None
            if record is None or shown is None:
                writes.store(module, item, (record or Record()).edit(named, clock.tick(wall)))
            else:
                changed = {k: v for k, v in named.items() if shown.get(k, _MISSING) != v}
                if changed:
                    writes.store(module, item, record.edit(changed, clock.tick(wall)))
            writes.maps.append((module, local_id, item, digest))
        for item in gone:
            record = records.get(item)
            if record is not None and record.visible() is not None:
                writes.store(module, item, record.delete(clock.tick(wall)))
            writes.unmaps.append((module, item))

    def baseline(self) -> None:
        """What the many-item modules hold now (a new device's built-in exercises, "what is
        important" from the welcome), as of "before any edit" (stamp zero), so that any real
        edit on any device orders after it."""
        ids = self._ids()
        globals_of = {m: {local: gid for local, (gid, _d) in by.items()} for m, by in ids.items()}
        zero = Stamp(0, 0, self.device)
        for table in TABLES:
            for local_id, row in self._rows(table).items():
                if local_id in globals_of[table.module]:
                    continue
                values = self._values(table, row, globals_of)
                named = dict(zip(table.names, values, strict=True))
                item = _natural_id(table, named) if table.key is not None else _random_id()
                globals_of[table.module][local_id] = item
                self._map(table.module, local_id, item, _digest(values))
                self._store(table.module, item, Record({k: (v, zero) for k, v in named.items()}))
        with self._conn() as conn:
            conn.execute("UPDATE device_records SET unsent = 0 WHERE module IN"
                         " (SELECT value FROM json_each(?))", (json.dumps(list(BY_MODULE)),))

    def unsent(self) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """The records not sent yet, per module (references first), in batches of at most
        BATCH_BYTES of JSON; marked sent."""
        for table in TABLES:
            with self.vault.read() as conn:
                rows = conn.execute("SELECT item, state FROM device_records WHERE module = ?"
                                    " AND unsent = 1 ORDER BY item", (table.module,)).fetchall()
            batch: list[dict[str, Any]] = []
            size = 0
            for item, state in rows:
                entry = {"item": item, **json.loads(state)}
                length = len(json.dumps(entry))
                if batch and size + length > BATCH_BYTES:
                    yield table.module, batch
                    batch, size = [], 0
                if length <= BATCH_BYTES:  # one entry larger than an envelope is not sent
                    batch.append(entry)
                    size += length
            if batch:
                yield table.module, batch
            with self._conn() as conn:
                conn.execute("UPDATE device_records SET unsent = 0 WHERE module = ?",
                             (table.module,))

    def mark_all_unsent(self) -> None:
        with self._conn() as conn:
            conn.execute("UPDATE device_records SET unsent = 1 WHERE module IN"
                         " (SELECT value FROM json_each(?))", (json.dumps(list(BY_MODULE)),))

    # -- received records ----------------------------------------------------------------------

    def merge_remote(self, module: str, items: list[Any], now: datetime) -> None:
        """Merge records another device sent for ``module`` and write the items they
        describe; every item is checked before anything changes."""
        received = [decode_item(obj, module) for obj in items]
        # What changed here first gets its stamps: in the modules this merge can write or
        # delete in (a diary envelope does not read the other eleven tables; each of a new
        # device's first envelopes would otherwise compare the whole vault again).
        self.local_changes(now, _related(module))
        records = self._load(module, [item for item, _r in received])
        clock = self._clock()
        table = BY_MODULE[module]
        changed: dict[str, Record] = {}
        writes = _Writes()
        for item, remote in received:
            for _value, stamp in remote.fields.values():
                clock.observe(stamp, _ms(now))
            if remote.deleted is not None:
                clock.observe(remote.deleted, _ms(now))
            local = records.get(item, Record())
            merged = merge(local, remote)
            if merged == local:
                continue
            records[item] = changed[item] = merged
            writes.store(module, item, merged)
        with self._conn() as conn:
            writes.flush(conn)
        self._keep_clock(clock)
        waiting = self._write(table, list(changed.items()))
        self._write_waiting({table.module: waiting}, module)

    def _write_waiting(self, waiting: dict[str, list[tuple[str, Record]]], parent: str) -> None:
        """Write the items whose parent was missing: those of this batch, and every item with
        a record but no row in a module that refers to ``parent`` (its parent may be here
        now). A module that refers to no other is not read."""
        for table in TABLES:
            if not any(c.ref == parent for c in table.columns):
                continue
            with self.vault.read() as conn:
                rows = conn.execute(
                    "SELECT item, state FROM device_records r WHERE module = ?"
                    " AND json_extract(state, '$.fields') != '{}' AND NOT EXISTS (SELECT 1"
                    " FROM device_item_ids i WHERE i.module = r.module AND i.global_id = r.item)",
                    (table.module,)).fetchall()
            known = {item for item, _r in waiting.get(table.module, [])}
            waiting.setdefault(table.module, []).extend(
                (item, decode_item({"item": item, **json.loads(state)}, table.module)[1])
                for item, state in rows if item not in known)
        while any(waiting.values()):
            left = {t.module: self._write(t, waiting[t.module]) if waiting.get(t.module) else []
                    for t in TABLES}
            if sum(map(len, left.values())) == sum(map(len, waiting.values())):
                return
            waiting = left

    def _write(self, table: Table, items: list[tuple[str, Record]]) -> list[tuple[str, Record]]:
        """Write merged items into their table, each kind of change with one statement (a
        statement that writes the search index pays FTS5's cost once, not once a row);
        returns the items that wait for a parent."""
        if not items:
            return []
        module = table.module
        with self.vault.read() as conn:
            local_ids = {r[0]: int(r[1]) for r in conn.execute(
                "SELECT global_id, local_id FROM device_item_ids WHERE module = ? AND global_id"
                " IN (SELECT value FROM json_each(?))",
                (module, json.dumps([item for item, _r in items])))}
        parents = self._parents(table)
        waiting: list[tuple[str, Record]] = []
        deletes: list[str] = []
        updates: list[tuple[str, int, list[Any]]] = []
        inserts: list[tuple[str, list[Any]]] = []
        digests: dict[str, str | None] = {}
        for item, merged in items:
            local_id = local_ids.get(item)
            values = self._row_values(table, merged, parents)
            if values is _WAIT:
                waiting.append((item, merged))
            elif values is _GONE:
                if local_id is not None:
                    deletes.append(item)
            elif local_id is not None:
                updates.append((item, local_id, values))
                digests[item] = _record_digest(table, merged)
            elif table.table != "meta":  # the one row of "what is important" is always here
                inserts.append((item, values))
                digests[item] = _record_digest(table, merged)
        names = ", ".join(table.names)
        with self._conn() as conn:
            if deletes:
                conn.execute(f"DELETE FROM {table.table} WHERE {table.id_column} IN"
                             " (SELECT value FROM json_each(?))",
                             (json.dumps([local_ids[item] for item in deletes]),))
                conn.executemany("DELETE FROM device_item_ids WHERE module = ? AND"
                                 " global_id = ?", [(module, item) for item in deletes])
            if updates:
                rows = [[local_id, *values] for _item, local_id, values in updates]
                if _json_safe(table):
                    sets = ", ".join(f"{n} = j.value ->> {i + 1}"
                                     for i, n in enumerate(table.names))
                    conn.execute(f"UPDATE {table.table} SET {sets} FROM json_each(?) AS j"
                                 f" WHERE {table.table}.{table.id_column} = j.value ->> 0",
                                 (json.dumps(rows, ensure_ascii=False),))
                else:
                    conn.executemany(
                        f"UPDATE {table.table} SET {', '.join(f'{n} = ?' for n in table.names)}"
                        f" WHERE {table.id_column} = ?", [(*r[1:], r[0]) for r in rows])
                conn.executemany(  # a row that is not what its record holds (text made
                    # safe, a neutral value) has no digest: compared in full at the next sync
                    "UPDATE device_item_ids SET digest = ? WHERE module = ? AND local_id = ?",
                    [(digests[item], module, local_id) for item, local_id, _v in updates])
                if table.table == "meta":
                    _index_meta(conn, str(updates[-1][2][0]))
            if inserts:
                self._insert(conn, table, names, inserts, digests)
        return waiting

    def _insert(self, conn: Connection, table: Table, names: str,
                inserts: list[tuple[str, list[Any]]], digests: dict[str, str | None]) -> None:
        """New rows with ids chosen here, so each maps to its item without reading back."""
        (first,) = conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table.table}").fetchone()
        rows = [[first + i, *values] for i, (_item, values) in enumerate(inserts)]
        try:
            if _json_safe(table):
                picks = ", ".join(f"value ->> {i}" for i in range(len(table.columns) + 1))
                conn.execute(f"INSERT INTO {table.table}(id, {names}) SELECT {picks} FROM"
                             " json_each(?) ORDER BY key", (json.dumps(rows, ensure_ascii=False),))
            else:
                conn.executemany(f"INSERT INTO {table.table}(id, {names}) VALUES"
                                 f" ({', '.join('?' for _r in rows[0])})", rows)
            written = list(zip(inserts, rows, strict=True))
        except IntegrityError:  # a rule of the table (a name taken): one at a time, the rest
            written = []        # wait in their records
            for insert, row in zip(inserts, rows, strict=True):
                try:
                    conn.execute(f"INSERT INTO {table.table}(id, {names}) VALUES"
                                 f" ({', '.join('?' for _r in row)})", row)
                    written.append((insert, row))
                except IntegrityError:
                    continue
        conn.executemany("INSERT OR REPLACE INTO device_item_ids(module, local_id, global_id,"
                         " digest) VALUES (?, ?, ?, ?)",
                         [(table.module, row[0], item, digests.get(item))
                          for (item, _v), row in written])

    def _parents(self, table: Table) -> dict[str, dict[str, int]]:
        """Per module ``table`` refers to: global id -> local row id, one read each (not one
        read per reference of every item written)."""
        out: dict[str, dict[str, int]] = {}
        with self.vault.read() as conn:
            for module in {c.ref for c in table.columns if c.kind == "ref"}:
                out[module] = {r[0]: int(r[1]) for r in conn.execute(
                    "SELECT global_id, local_id FROM device_item_ids WHERE module = ?",
                    (module,))}
        return out

    def _row_values(self, table: Table, merged: Record,
                    parents: dict[str, dict[str, int]]) -> Any:
        """The row a merged item is written as; _GONE when it is deleted (or its parent is),
        _WAIT while a parent it needs is missing."""
        visible = merged.visible()
        if visible is None and table.deletable:
            return _GONE
        values: list[Any] = []
        for column in table.columns:
            value = self._local_value(column, (visible or {}).get(column.name, _MISSING), merged,
                                      parents)
            if value is _WAIT or value is _GONE:
                return value
            values.append(value)
        return values

    def _local_value(self, column: Column, value: Any, merged: Record,
                     parents: dict[str, dict[str, int]]) -> Any:
        if value is _MISSING:  # not written since a deletion: the column's neutral value
            return _neutral(column, merged)
        if value is None:
            return None
        if column.kind == "text":
            return clean_text(value)
        if column.kind == "bool":
            return int(value)
        if column.kind != "ref":
            return value
        parent = parents[column.ref].get(value)
        if parent is not None:
            return parent
        kept = self._load(column.ref, [value]).get(value)
        if kept is not None and kept.visible() is None:  # its item was deleted
            return _GONE if column.cascade else None
        return _WAIT


_AS_STORED = frozenset({"text", "time", "date", "int"})


def _related(module: str) -> frozenset[str]:
    """The modules a merge into ``module`` can write or delete rows of (it, and every module
    that refers to it, transitively: waiting children, cascades), and every module those
    refer to (so a new row's parent has its global id)."""
    wanted = {module}
    for _pass in range(2):
        grown = True
        while grown:
            grown = False
            for table in TABLES:
                refs = {c.ref for c in table.columns if c.kind == "ref"}
                if _pass == 0 and table.module not in wanted and refs & wanted:
                    wanted.add(table.module)
                    grown = True
                if _pass == 1 and table.module in wanted and not refs <= wanted:
                    wanted |= refs
                    grown = True
    return frozenset(wanted)


def _record_digest(table: Table, merged: Record) -> str | None:
    """The digest of what a merged item's record holds, as ``local_changes`` hashes its row;
    a row written as exactly that needs no comparing at the next sync (one that differs, text
    made safe for instance, does not match and is compared in full). None while the record
    lacks a field (a neutral value stands in for it)."""
    visible = merged.visible()
    if visible is None or any(name not in visible for name in table.names):
        return None
    return _digest([visible[name] for name in table.names])


def _json_safe(table: Table) -> bool:
    """Rows of this table can be written through ``json_each`` (no floats: SQLite's own
    number parsing need not give back Python's float)."""
    return all(column.kind != "real" for column in table.columns)


class _Writes:
    """Records and id mappings to write, each kind with one statement."""

    def __init__(self) -> None:
        self.states: list[tuple[str, str, str]] = []
        self.maps: list[tuple[str, int, str, str | None]] = []
        self.unmaps: list[tuple[str, str]] = []

    def store(self, module: str, item: str, record: Record) -> None:
        self.states.append((module, item, json.dumps(
            {k: v for k, v in encode_item(item, record).items() if k != "item"},
            sort_keys=True)))

    def flush(self, conn: Connection) -> None:
        conn.executemany("INSERT INTO device_records(module, item, state, unsent)"
                         " VALUES (?, ?, ?, 1) ON CONFLICT(module, item) DO UPDATE SET"
                         " state = excluded.state, unsent = 1", self.states)
        conn.executemany("INSERT OR REPLACE INTO device_item_ids(module, local_id, global_id,"
                         " digest) VALUES (?, ?, ?, ?)", self.maps)
        conn.executemany("DELETE FROM device_item_ids WHERE module = ? AND global_id = ?",
                         self.unmaps)


class _Marker:
    pass


_MISSING: Any = _Marker()
_WAIT: Any = _Marker()
_GONE: Any = _Marker()


def _neutral(column: Column, merged: Record) -> Any:
    """A column not written since the item's deletion (an edit after it brought the item back
    with only the fields it wrote): a time is the time of that edit, the same on every device."""
    if column.nullable:
        return None
    if column.kind == "time":
        newest = max(stamp.wall_ms for _value, stamp in merged.fields.values())
        return datetime.fromtimestamp(newest / 1000, UTC).isoformat()
    if column.kind in ("ref", "date", "real"):
        return _WAIT
    if column.kind == "int":
        return max(column.low, min(column.high, 0)) if column.low <= 0 else column.low
    if column.kind == "bool":
        return 0
    return column.choices[0] if column.choices else ""


def _index_meta(conn: Connection, text: str) -> None:
    index_what_matters(conn, clean_text(text))
