"""The loader is headless, and the content ships inside the wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_library_does_not_import_textual_or_platformdirs_at_import() -> None:
    code = (
        "import sys, reconnect_tui.library as lib\n"
        "lib.exercises()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'platformdirs')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _content_files() -> set[str]:
    root = resources.files("reconnect_tui").joinpath("content")
    assert root.is_dir()
    return {
        str(path.relative_to(ROOT / "reconnect_tui")).replace("\\", "/")
        for path in (ROOT / "reconnect_tui" / "content").rglob("*")
        if path.is_file()
    }


@pytest.mark.slow
def test_content_is_in_the_wheel(tmp_path: Path) -> None:
    """Builds a wheel from a copy of the tree (so no build/ lands in the repository)."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "reconnect_tui",
        source / "reconnect_tui",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    out = tmp_path / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 and "Could not find a version" in result.stderr:
        pytest.skip("no package index reachable to fetch the build backend")
    assert result.returncode == 0, result.stderr
    (wheel,) = out.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"reconnect_tui/{name}" for name in _content_files()}
    assert {n for n in expected if n.endswith(".md")} <= names
    assert "reconnect_tui/library.py" in names
