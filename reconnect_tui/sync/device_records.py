"""The toolbox between the person's own devices as per-item records (docs/devices.md): local
edits found by comparing the module with its last record, stamped with the device's hybrid
logical clock, merged with what other devices send (``hlc.merge``) and written back.

Built for one module, the crisis plan (its text sections, helpers and professionals as fields
of one item). No I/O beyond the vault: ``sync/devices.py`` encrypts and sends the records.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..errors import ProtocolError
from ..i18n import _
from ..model import CRISIS_TEXT_SECTIONS, CrisisPlan, Helper, ServiceContact
from ..store.repositories.crisis_plan import CrisisPlanRepository
from ..store.repositories.sync_state import SyncStateRepository
from ..store.vault import Vault
from .hlc import Hlc, Record, Stamp, merge

MODULE = "crisis_plan"
ITEM = "1"
TEXT_FIELDS = tuple(name for name, _title in CRISIS_TEXT_SECTIONS)
FIELDS = (*TEXT_FIELDS, "helpers", "professionals")
CLOCK_SETTING = "device-records/clock"
SENT_SETTING = "device-records/sent"
MAX_TEXT = 20_000
MAX_CONTACTS = 50


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def current_values(vault: Vault) -> dict[str, Any]:
    plan = CrisisPlanRepository(vault).get()
    values: dict[str, Any] = {name: getattr(plan, name) for name in TEXT_FIELDS}
    values["helpers"] = [[h.name, h.phone] for h in plan.helpers]
    values["professionals"] = [[p.name, p.phone, p.role] for p in plan.professionals]
    return values


def _apply(vault: Vault, values: dict[str, Any]) -> None:
    """Write the merged item into the crisis plan; a helper keeps its link to the network map
    when its name and phone are unchanged."""
    repo = CrisisPlanRepository(vault)
    plan = repo.get()
    if {name: v for name, v in current_values(vault).items()} == values:
        return
    linked = {(h.name, h.phone): h.person_id for h in plan.helpers}
    merged = CrisisPlan(**{name: values.get(name, "") for name in TEXT_FIELDS})
    merged.helpers = [Helper(name, phone, linked.get((name, phone)))
                      for name, phone in values.get("helpers", [])]
    merged.professionals = [ServiceContact(name, phone, role)
                            for name, phone, role in values.get("professionals", [])]
    repo.save(merged)


def _valid_value(name: str, value: Any) -> bool:
    if name in TEXT_FIELDS:
        return isinstance(value, str) and len(value) <= MAX_TEXT
    width = 2 if name == "helpers" else 3
    return (isinstance(value, list) and len(value) <= MAX_CONTACTS
            and all(isinstance(row, list) and len(row) == width
                    and all(isinstance(x, str) and len(x) <= 200 for x in row)
                    for row in value))


def encode(record: Record) -> dict[str, Any]:
    return {"module": MODULE, "item": ITEM,
            "fields": {name: [value, stamp.encode()]
                       for name, (value, stamp) in sorted(record.fields.items())},
            "deleted": record.deleted.encode() if record.deleted else None}


def decode(obj: object) -> Record:
    """A received record, checked: known module and fields, well-formed values and stamps."""
    if not isinstance(obj, dict) or obj.get("module") != MODULE or obj.get("item") != ITEM:
        raise _unreadable()
    return decode_fields(obj, lambda name, value: name in FIELDS and _valid_value(name, value))


def _unreadable() -> ProtocolError:
    return ProtocolError(_("A toolbox record from one of your devices could not be read."))


def decode_fields(obj: dict[str, Any], valid: Callable[[str, Any], bool]) -> Record:
    """The fields and deletion stamp of a received record (any module): every field a
    ``[value, stamp]`` pair that ``valid(name, value)`` accepts, every stamp well formed."""
    fields = obj.get("fields")
    deleted = obj.get("deleted")
    if not isinstance(fields, dict) or not (deleted is None or isinstance(deleted, str)):
        raise _unreadable()
    out: dict[str, tuple[Any, Stamp]] = {}
    try:
        for name, entry in fields.items():
            if (not isinstance(entry, list) or len(entry) != 2 or not valid(name, entry[0])
                    or not isinstance(entry[1], str)):
                raise _unreadable()
            out[name] = (entry[0], Stamp.decode(entry[1]))
        return Record(out, Stamp.decode(deleted) if deleted else None)
    except ValueError:
        raise _unreadable() from None


class DeviceRecords:
    """The crisis plan's record on this device (call inside the caller's transaction)."""

    def __init__(self, vault: Vault, device: str) -> None:
        self.vault = vault
        self.device = device
        self.state = SyncStateRepository(vault)

    def _load(self) -> Record | None:
        with self.vault.read() as conn:
            row = conn.execute("SELECT state FROM device_records WHERE module = ? AND item = ?",
                               (MODULE, ITEM)).fetchone()
        return decode(json.loads(row[0])) if row else None

    def _store(self, record: Record) -> None:
        with self.vault.transaction() as conn:
            conn.execute("INSERT INTO device_records(module, item, state) VALUES (?, ?, ?)"
                         " ON CONFLICT(module, item) DO UPDATE SET state = excluded.state",
                         (MODULE, ITEM, json.dumps(encode(record), sort_keys=True)))

    def _clock(self) -> Hlc:
        last = self.state.setting(CLOCK_SETTING)
        return Hlc(self.device, Stamp.decode(last) if last else None)

    def _keep_clock(self, clock: Hlc) -> None:
        self.state.set_setting(CLOCK_SETTING, clock.last.encode())

    def baseline(self) -> None:
        """What the module holds now, as of "before any edit" (stamp zero): any real edit on any
        device orders after it. Used when a device starts (or restarts) keeping records."""
        zero = Stamp(0, 0, self.device)
        self._store(Record({name: (value, zero) for name, value in
                            current_values(self.vault).items()}))
        self.state.set_setting(SENT_SETTING, "")

    def local_changes(self, now: datetime) -> dict[str, Any] | None:
        """Stamp the fields edited here since the last record; the record to send when it
        differs from what was sent last (None: nothing new)."""
        record = self._load()
        if record is None:
            self.baseline()
            record = self._load()
            assert record is not None
        visible = record.visible() or {}
        values = current_values(self.vault)
        changed = {name: value for name, value in values.items() if visible.get(name) != value}
        if changed:
            updated = CrisisPlanRepository(self.vault).get().updated_at
            clock = self._clock()
            stamp = clock.tick(_ms(updated or now))
            record = record.edit(changed, stamp)
            self._store(record)
            self._keep_clock(clock)
        encoded = encode(record)
        digest = hashlib.sha256(json.dumps(encoded, sort_keys=True).encode()).hexdigest()
        if self.state.setting(SENT_SETTING) == digest:
            return None
        self.state.set_setting(SENT_SETTING, digest)
        return encoded

    def merge_remote(self, remote: Record, now: datetime) -> None:
        """Merge a record another device sent, move the clock past it, write the result."""
        local = self._load()
        if local is None:
            self.local_changes(now)
            local = self._load()
            assert local is not None
        merged = merge(local, remote)
        clock = self._clock()
        for _value, stamp in remote.fields.values():
            clock.observe(stamp, _ms(now))
        self._keep_clock(clock)
        self._store(merged)
        _apply(self.vault, merged.visible() or {})
