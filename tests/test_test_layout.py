"""The suite's own layout: no test module imports another test module or a conftest.py.

Helpers live in modules that are not tests (``tests/support/``, ``tests/pilot.py``,
``tests/*/…_helpers.py``); fixtures are shared through ``conftest.py``. A test module that imports
another runs that module's fixtures and module-level code twice, under two names, and ties the
two files' fates together. Function-level imports count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _helper_names(root: Path) -> set[str]:
    """The suite's helper modules, which are imported as ``tests.<…>.<name>`` only."""
    return {
        p.stem for p in root.rglob("*.py")
        if p.stem not in ("__init__", "conftest") and not p.stem.startswith("test_")
    }


def _forbidden(name: str, bare: set[str]) -> bool:
    last = name.rpartition(".")[2]
    return last == "conftest" or last.startswith("test_") or name.partition(".")[0] in bare


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.append((node.lineno, base))
            # ``from tests.screens import test_messages`` imports a module by its last name
            prefix = base if base.endswith(".") else base + "."
            found += [(node.lineno, prefix + alias.name) for alias in node.names]
    return found


def offending_imports(root: Path = TESTS) -> list[str]:
    """Imports of a test module or a conftest, and bare imports of the suite's helpers
    (``from relay_server import …`` works only with ``tests/`` itself on ``sys.path``)."""
    bare = _helper_names(root)
    problems = []
    for path in sorted(root.rglob("*.py")):
        if "__snapshots__" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        lines_seen = set()
        for line, name in _imported_modules(tree):
            if _forbidden(name, bare) and line not in lines_seen:
                lines_seen.add(line)
                problems.append(f"{path.relative_to(root.parent)}:{line} imports {name}")
    return problems


def test_no_test_module_or_conftest_is_imported() -> None:
    assert offending_imports() == []


def test_the_check_sees_every_form_of_import(tmp_path: Path) -> None:
    folder = tmp_path / "tests"
    folder.mkdir()
    (folder / "test_a.py").write_text(
        "from tests.conftest import PASSPHRASE\n"
        "import tests.dyads.test_b\n"
        "from tests.screens import test_messages as shared\n"
        "from . import conftest\n"
        "def f():\n"
        "    from tests.sync.test_engine import sync\n"
        "from tests.pilot import make_app\n"
        "from tests.support.vaults import Template\n"
        "from relay_server import RelayProcess\n"
    )
    (folder / "relay_server.py").write_text("")
    found = offending_imports(folder)
    assert {problem.rpartition(" imports ")[2] for problem in found} == {
        "tests.conftest",
        "tests.dyads.test_b",
        "tests.screens.test_messages",
        ".conftest",
        "tests.sync.test_engine",
        "relay_server",
    }
