"""write_export: atomic, nothing left behind, clear errors that name the path only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reconnect_tui.errors import ExportError
from reconnect_tui.export import write_export

SECRET = b"my warning signs: very private"


def test_writes_the_bytes_and_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "plan.pdf"
    write_export(SECRET, target)
    assert target.read_bytes() == SECRET
    assert os.listdir(tmp_path) == ["plan.pdf"]
    assert target.stat().st_mode & 0o077 == 0


def test_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.txt"
    target.write_bytes(b"old content")
    write_export(SECRET, str(target))
    assert target.read_bytes() == SECRET
    assert os.listdir(tmp_path) == ["plan.txt"]


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "plan.pdf"
    with pytest.raises(ExportError) as caught:
        write_export(SECRET, target)
    assert str(target) in str(caught.value)
    assert "does not exist" in str(caught.value)
    assert b"private" not in str(caught.value).encode()
    assert os.listdir(tmp_path) == []


def test_a_folder_as_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="it is a folder"):
        write_export(SECRET, tmp_path)
    assert os.listdir(tmp_path) == []


def test_unwritable_place_is_a_clear_error() -> None:
    with pytest.raises(ExportError) as caught:
        write_export(SECRET, "/proc/crisis-plan.pdf")
    assert "/proc/crisis-plan.pdf" in str(caught.value)
    assert "private" not in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permission bits")
def test_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="permission denied"):
            write_export(SECRET, tmp_path / "plan.pdf")
    finally:
        tmp_path.chmod(0o700)


def test_failure_while_writing_leaves_no_temp_file_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_export("not bytes", target)  # type: ignore[arg-type]
    assert os.listdir(tmp_path) == ["plan.md"]
    assert target.read_bytes() == b"old"
