"""One kind of item to read, add, edit and delete: the shape most areas share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar

from ..errors import ReconnectError
from ..i18n import _
from .context import Context
from .forms import Field, describe, fill
from .io import Back

T = TypeVar("T")


@dataclass
class Records(Generic[T]):
    title: str
    """Translated name of the list ("Medication")."""
    heading: Callable[[int], str]
    """The count line: ``ngettext("{n} medicine.", …)``."""
    items: Callable[[], list[T]]
    label: Callable[[T], str]
    fields: Sequence[Field]
    new: Callable[[], T]
    add: Callable[[T], Any]
    update: Callable[[T], Any]
    delete: Callable[[T], None]
    details: Callable[[T], None] | None = None
    """More to say when an item is opened (after its fields)."""
    more: list[tuple[str, Callable[[T], None]]] = field(default_factory=list)
    """Further actions on one item: (translated label, action)."""
    extra: list[tuple[str, Callable[[], None]]] = field(default_factory=list)
    """Further actions on the whole list."""
    fixed: Callable[[T], str] | None = None
    """Why an item cannot be edited or deleted ("" when it can): a built-in exercise."""


def run_records(ctx: Context, records: Records[T]) -> None:
    """List, then a menu, until ``q``."""
    console = ctx.console
    while True:
        items = records.items()
        console.say_list(records.heading(len(items)), [records.label(i) for i in items])
        actions: list[tuple[str, Callable[[], None]]] = []
        if items:
            actions.append((_("Open one"), partial(_each, ctx, records, items, _open)))
        actions.append((_("Add"), partial(_add, ctx, records)))
        if items:
            actions.append((_("Edit"), partial(_each, ctx, records, items, _edit)))
            actions.append((_("Delete"), partial(_each, ctx, records, items, _delete)))
            for label, action in records.more:
                actions.append((label, partial(_each, ctx, records, items, partial(_on, action))))
        actions.extend(records.extra)
        try:
            choice = console.choose(records.title, [label for label, _a in actions])
        except Back:
            return
        try:
            actions[choice][1]()
        except Back:
            continue
        except ReconnectError as error:
            console.say(_("That did not work: {reason}").format(reason=str(error)))


def _each(ctx: Context, records: Records[T], items: list[T],
          action: Callable[[Context, Records[T], T], None]) -> None:
    index = ctx.console.pick(records.heading(len(items)), [records.label(i) for i in items],
                             listed=True)
    if index is not None:
        action(ctx, records, items[index])


def _on(action: Callable[[T], None], ctx: Context, records: Records[T], item: T) -> None:
    action(item)


def _open(ctx: Context, records: Records[T], item: T) -> None:
    ctx.console.say(records.label(item))
    describe(ctx.console, item, records.fields)
    if records.details is not None:
        records.details(item)


def _add(ctx: Context, records: Records[T]) -> None:
    item = fill(ctx.console, records.new(), records.fields, editing=False, today=ctx.today(),
                region=ctx.region)
    records.add(item)
    ctx.console.say(_("Saved: {name}.").format(name=records.label(item)))


def _why_fixed(ctx: Context, records: Records[T], item: T) -> bool:
    reason = records.fixed(item) if records.fixed is not None else ""
    if reason:
        ctx.console.say(reason)
    return bool(reason)


def _edit(ctx: Context, records: Records[T], item: T) -> None:
    if _why_fixed(ctx, records, item):
        return
    fill(ctx.console, item, records.fields, editing=True, today=ctx.today(), region=ctx.region)
    records.update(item)
    ctx.console.say(_("Saved: {name}.").format(name=records.label(item)))


def _delete(ctx: Context, records: Records[T], item: T) -> None:
    if _why_fixed(ctx, records, item):
        return
    if ctx.console.confirm(_("Delete {name}?").format(name=records.label(item))):
        records.delete(item)
        ctx.console.say(_("Deleted: {name}.").format(name=records.label(item)))
    else:
        ctx.console.say(_("Nothing deleted."))
