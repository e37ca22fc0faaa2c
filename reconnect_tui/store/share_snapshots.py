"""What a share holds: a snapshot of one module or one item in the portable export format.

A snapshot is ``{section: content}`` with the same sections and shapes as ``export all``
(``store/portable.py``), so the provider's view is built by the same importer that reads export
files, and shows the item in the layout the user sees. A single item is its module's section
holding only that item (a goal with its sub-goals and activities; one life domain with its
history; one person; one medicine; one registration with its values).
"""

from __future__ import annotations

from typing import Any

from ..errors import NotFound
from ..i18n import N_, _
from . import portable
from .db import Connection
from .vault import Vault

SECTION: dict[str, str] = {
    "what-matters": "what_matters",
    "life-domains": "life_domains",
    "goals": "goals",
    "network": "network",
    "crisis-plan": "crisis_plan",
    "medications": "medications",
    "exercises": "exercises",
    "diary": "diary",
    "registrations": "registrations",
}
"""CLI module name -> portable section."""

TITLES: dict[str, str] = {
    "what-matters": N_("What matters to me"),
    "life-domains": N_("Life domains"),
    "goals": N_("Goals"),
    "network": N_("Network map"),
    "crisis-plan": N_("Crisis plan"),
    "medications": N_("Medication"),
    "exercises": N_("Exercises"),
    "diary": N_("Diary"),
    "registrations": N_("Registrations"),
}
"""English source titles; show through ``_()``."""

_ITEM_QUERIES: dict[str, str] = {
    "life-domains": "SELECT id, name FROM life_domains ORDER BY position, id",
    "goals": "SELECT id, title FROM goals ORDER BY position, id",
    "network": "SELECT id, name FROM people ORDER BY id",
    "medications": "SELECT id, name FROM medications ORDER BY id",
    "registrations": "SELECT id, name FROM registration_parameters ORDER BY id",
}
ITEM_MODULES: tuple[str, ...] = tuple(_ITEM_QUERIES)


def module_title(module: str) -> str:
    return _(TITLES[module])


def received_title(module: str, item_id: int | None, title: str) -> str:
    """How a provider's screens name a received share: "Goals (all)" for a whole module,
    "Goals: Find a job" for one item."""
    if item_id is None:
        return _("{module} (all)").format(module=module_title(module))
    return f"{module_title(module)}: {title}"


def covering_items(vault: Vault, module: str, item_id: int) -> set[int]:
    """The items whose share shows ``item_id``: itself and, for a sub-goal, every goal above it
    (a goal is shared with its sub-goals)."""
    if module != "goals":
        return {item_id}
    with vault.read() as conn:
        rows = conn.execute(
            "WITH RECURSIVE up(id, parent_id) AS (SELECT id, parent_id FROM goals WHERE id = ?"
            " UNION SELECT g.id, g.parent_id FROM goals g JOIN up ON g.id = up.parent_id)"
            " SELECT id FROM up", (item_id,)).fetchall()
    return {item_id, *(r[0] for r in rows)}


def check_module(module: str) -> str:
    if module not in SECTION:
        raise NotFound(_("No module called {module}. Modules: {names}.").format(
            module=module, names=", ".join(SECTION)))
    return module


def shareable_items(vault: Vault, module: str) -> list[tuple[int, str]]:
    """(id, title) of the items of ``module`` that can be shared one by one."""
    query = _ITEM_QUERIES.get(check_module(module))
    if query is None:
        return []
    with vault.read() as conn:
        return [(r[0], r[1]) for r in conn.execute(query)]


def item_title(vault: Vault, module: str, item_id: int | None) -> str:
    """The module's title, or the item's own title; NotFound when the item is gone."""
    if item_id is None:
        return module_title(module)
    for found, title in shareable_items(vault, module):
        if found == item_id:
            return title
    if module not in ITEM_MODULES:
        raise NotFound(_("{module} is shared as a whole, not item by item.").format(
            module=module_title(module)))
    raise NotFound(_("No item {id} in {module}.").format(id=item_id, module=module_title(module)))


def snapshot(vault: Vault, module: str, item_id: int | None,
             exported: dict[str, Any] | None = None) -> dict[str, Any]:
    """The portable sections a share of ``module`` (or one of its items) holds now.

    ``exported``: ``portable.export_sections(...)`` holding this section, when the caller
    already has it (publishing many shares reads each module once)."""
    section = SECTION[check_module(module)]
    data = exported if exported is not None else portable.export_sections(vault, [section])
    content = data[section]
    if item_id is None:
        return {section: content}
    with vault.read() as conn:
        return {section: [_pick(conn, module, content, item_id)]}


def _pick(conn: Connection, module: str, content: list[dict[str, Any]], item_id: int
          ) -> dict[str, Any]:
    """The exported entry of one item: exports list items in the order of ``_ITEM_QUERIES``
    (goals as a tree, walked in the same order)."""
    if module == "goals":
        return _pick_goal(conn, content, item_id)
    ids = [r[0] for r in conn.execute(_ITEM_QUERIES[module])]
    if item_id not in ids:
        raise NotFound(_("No item {id} in {module}.").format(id=item_id,
                                                             module=module_title(module)))
    return content[ids.index(item_id)]


def _pick_goal(conn: Connection, roots: list[dict[str, Any]], goal_id: int) -> dict[str, Any]:
    rows = conn.execute("SELECT id, parent_id FROM goals ORDER BY position, id").fetchall()
    children: dict[int | None, list[int]] = {}
    for row in rows:
        children.setdefault(row[1], []).append(row[0])

    def walk(ids: list[int], nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
        for node_id, node in zip(ids, nodes, strict=True):
            if node_id == goal_id:
                return node
            found = walk(children.get(node_id, []), node["sub_goals"])
            if found is not None:
                return found
        return None

    found = walk(children.get(None, []), roots)
    if found is None:
        raise NotFound(_("No goal with id {id}.").format(id=goal_id))
    return found
