"""The forum's modules form no import cycle, counting imports inside functions (issue 14:
``sync.forum ↔ sync.forum_inbound`` and ``screens.forum ↔ forum_dialogs ↔ forum_moderation``
were cycles hidden that way)."""

from __future__ import annotations

import ast
from pathlib import Path

import reconnect_tui

PACKAGE = Path(reconnect_tui.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, known: set[str]) -> set[str]:
    """Every module of ours ``path`` imports, at any depth of its code (TYPE_CHECKING blocks
    too: a cycle there is still a cycle of knowledge)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    paths = list(PACKAGE.rglob("*.py"))
    known = {module_name(p) for p in paths}
    return {module_name(p): imports(p, known) for p in paths}


def cycle_through(start: str, edges: dict[str, set[str]]) -> list[str] | None:
    """A path start → … → start, if there is one."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in edges.get(node, ()):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def test_no_forum_module_is_part_of_an_import_cycle() -> None:
    edges = graph()
    forum_modules = sorted(m for m in edges if m.rpartition(".")[2].startswith("forum")
                           and m.split(".")[1] in ("sync", "screens"))
    assert "reconnect_tui.sync.forum_inbound" in forum_modules  # the graph is real
    cycles = {m: cycle_through(m, edges) for m in forum_modules}
    assert {m: c for m, c in cycles.items() if c} == {}


def test_the_graph_sees_imports_inside_functions() -> None:
    """The check above would pass vacuously if function-level imports were missed."""
    edges = graph()
    # sync/service.py imports the HTTP client only inside its functions.
    assert "reconnect_tui.sync.client" in edges["reconnect_tui.sync.service"]
