"""Hybrid logical clocks and the per-field merge of toolbox records (docs/devices.md).

Pure: no I/O, no wall clock read here (the caller passes milliseconds). A stamp orders edits
across the person's devices: wall time in milliseconds, a counter for edits within one
millisecond (or while the wall clock is behind a stamp already seen), and the device id as the
last tie-break, so no two devices ever make equal stamps.

A record is the state of one item: for each field the value and the stamp of the edit that wrote
it, and the stamp of the newest deletion. :func:`merge` is a join: commutative, associative and
idempotent (property-tested), so devices that exchange records in any order, any number of times,
end with the same item. A deletion wins over every edit with a smaller stamp; an edit made after
it (a larger stamp) brings the item back with the fields written after the deletion.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

MAX_DRIFT_MS = 24 * 3600 * 1000
"""A received stamp further than this ahead of our wall clock is not adopted as our clock (a
device with a wrong clock must not drag every other device a day ahead)."""


class Stamp(NamedTuple):
    wall_ms: int
    counter: int
    device: str

    def encode(self) -> str:
        return f"{self.wall_ms:013d}-{self.counter:06d}-{self.device}"

    @classmethod
    def decode(cls, text: str) -> Stamp:
        wall, counter, device = text.split("-", 2)
        if not (wall.isdigit() and counter.isdigit() and device):
            raise ValueError("not a stamp")
        return cls(int(wall), int(counter), device)


class Hlc:
    """One device's clock: :meth:`tick` for a local edit, :meth:`observe` for a received stamp."""

    def __init__(self, device: str, last: Stamp | None = None) -> None:
        self.device = device
        self.last = last or Stamp(0, 0, device)

    def tick(self, wall_ms: int) -> Stamp:
        if wall_ms > self.last.wall_ms:
            self.last = Stamp(wall_ms, 0, self.device)
        else:
            self.last = Stamp(self.last.wall_ms, self.last.counter + 1, self.device)
        return self.last

    def observe(self, remote: Stamp, wall_ms: int) -> Stamp:
        """Move past a received stamp, so the next local edit orders after it."""
        if remote.wall_ms > wall_ms + MAX_DRIFT_MS:
            return self.tick(wall_ms)
        wall = max(wall_ms, self.last.wall_ms, remote.wall_ms)
        if wall == self.last.wall_ms == remote.wall_ms:
            counter = max(self.last.counter, remote.counter) + 1
        elif wall == self.last.wall_ms:
            counter = self.last.counter + 1
        elif wall == remote.wall_ms:
            counter = remote.counter + 1
        else:
            counter = 0
        self.last = Stamp(wall, counter, self.device)
        return self.last


def _value_key(value: Any) -> str:
    """A total order on values, only for the (never expected) case of two values under one
    stamp: it keeps the merge commutative whatever it is given."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Record:
    """One item's state: ``fields`` maps a field name to (value, stamp of its last edit)."""

    fields: Mapping[str, tuple[Any, Stamp]] = field(default_factory=dict)
    deleted: Stamp | None = None

    def visible(self) -> dict[str, Any] | None:
        """The item as a person sees it, or None when deleted (and not edited since)."""
        if self.deleted is not None and not self.fields:
            return None
        return {name: value for name, (value, _stamp) in sorted(self.fields.items())}

    def edit(self, changes: Mapping[str, Any], stamp: Stamp) -> Record:
        return merge(self, Record({name: (value, stamp) for name, value in changes.items()}))

    def delete(self, stamp: Stamp) -> Record:
        return merge(self, Record({}, stamp))


def _newer(a: tuple[Any, Stamp], b: tuple[Any, Stamp]) -> tuple[Any, Stamp]:
    if a[1] != b[1]:
        return a if a[1] > b[1] else b
    return a if _value_key(a[0]) >= _value_key(b[0]) else b


def merge(a: Record, b: Record) -> Record:
    """Last writer wins per field; a deletion drops every field written before it."""
    deleted = max((s for s in (a.deleted, b.deleted) if s is not None), default=None)
    fields: dict[str, tuple[Any, Stamp]] = dict(a.fields)
    for name, entry in b.fields.items():
        fields[name] = _newer(fields[name], entry) if name in fields else entry
    if deleted is not None:
        fields = {name: entry for name, entry in fields.items() if entry[1] > deleted}
    return Record(fields, deleted)
