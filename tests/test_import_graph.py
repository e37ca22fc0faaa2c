"""The import graph of ``reconnect_tui`` as written: no cycles, and the layers keep to their
imports (docs/architecture.md, "Layers").

Every ``import`` and ``from … import`` anywhere in a module counts: at module level, inside
functions, under ``if TYPE_CHECKING``. An import inside a function hides a cycle from Python,
not from the next reader. Relative imports are resolved; ``from p import x`` is an edge to the
module ``p.x`` when there is one, else to ``p``. A package's ``__init__`` that a child module
runs implicitly is not an edge (every module would then "import" its parents).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "reconnect_tui"

KNOWN_CYCLES: list[frozenset[str]] = [
    # Shrinking: whoever removes a cycle deletes its line; the lead empties the list at the end
    # of issue 14. A cycle not listed here (or grown beyond its line) fails the test.
]

MAY_IMPORT: dict[str, set[str]] = {
    # The wire format: shared by client and relay, so it takes nothing from either.
    "wire": {"wire", "errors"},
    # The relay runs without the client: the wire format, the exception hierarchy, the clock,
    # and ``_()`` for its command's help texts (clock and i18n import nothing of ours).
    "relay": {"relay", "wire", "errors", "i18n", "clock"},
    "errors": {"i18n"},
    "i18n": set(),
    "clock": set(),
    # Plain mode (issue 19) is a front end over the headless core, beside the Textual one: it
    # never reaches into the screens, widgets, the app or the command line.
    "plain": {"plain", "i18n", "errors", "model", "text_safety", "parsing", "formats",
              "settings", "session", "store", "sync", "export", "library", "clock",
              "passphrase", "notify", "domain_names", "emergency"},
}
"""For each layer (first part of the module name under ``reconnect_tui``): the layers it may
import. Layers not named here are not checked by this table."""


def _modules() -> dict[str, tuple[Path, bool]]:
    """Dotted name (without the package prefix) → (file, is a package)."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(ROOT / PACKAGE).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, is_package)
    return found


def _targets(node: ast.Import | ast.ImportFrom, here: list[str],
             modules: dict[str, tuple[Path, bool]]) -> Iterator[str]:
    """The modules of ours one import statement loads, as dotted names without the prefix."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            base = here[: len(here) - (node.level - 1)]
            assert len(base) == len(here) - (node.level - 1), "relative import above the package"
            source = ".".join([PACKAGE, *base, *([node.module] if node.module else [])])
        else:
            source = node.module or ""
        children = [f"{source}.{alias.name}" for alias in node.names]
        names = [c for c in children if c.removeprefix(PACKAGE + ".") in modules]
        if len(names) < len(children):
            names.append(source)
    for name in names:
        if name == PACKAGE:
            yield ""
        elif name.startswith(PACKAGE + "."):
            yield name.removeprefix(PACKAGE + ".")


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, is_package) in modules.items():
        parts = name.split(".") if name else []
        here = parts if is_package else parts[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _targets(node, here, modules):
                    assert target in modules or target == "", f"{name} imports unknown {target}"
                    if target != name:
                        graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def test_the_graph_sees_function_level_and_relative_imports() -> None:
    graph = import_graph()
    # relay/serve.py imports the app inside ``serve()``; sync/service.py uses ``from . import``.
    assert "relay.app" in graph["relay.serve"]
    assert "wire" in graph["sync.service"]
    assert {"errors"} <= graph["wire.codes"]
    # sync/dyads.py imports the wiring inside ``relay_for``.
    assert "sync.service" in graph["sync.dyads"]


def test_cycles_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset("abc")]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_beyond_the_known_ones() -> None:
    unexpected = [sorted(c) for c in cycles(import_graph())
                  if not any(c <= known for known in KNOWN_CYCLES)]
    assert unexpected == [], f"import cycles: {unexpected}"


def test_layers_import_only_what_they_may() -> None:
    wrong = []
    for module, targets in import_graph().items():
        layer = module.split(".")[0]
        allowed = MAY_IMPORT.get(layer)
        if allowed is None:
            continue
        wrong += [f"{module} -> {t}" for t in sorted(targets) if t.split(".")[0] not in allowed]
    assert wrong == []
