"""docs/export-format.md's field reference is the one the schema writes, so they cannot drift."""

from __future__ import annotations

from pathlib import Path

from reconnect_tui.store import portable_schema

DOC = Path(__file__).resolve().parents[2] / "docs" / "export-format.md"


def test_the_field_reference_in_the_doc_is_generated_from_the_schema() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(portable_schema.MARKDOWN_START)
    end = text.index(portable_schema.MARKDOWN_END) + len(portable_schema.MARKDOWN_END) + 1
    assert text[start:end] == portable_schema.markdown(), (
        "regenerate it: python -m reconnect_tui.store.portable_schema --markdown")


def test_every_section_and_model_is_in_the_reference() -> None:
    reference = portable_schema.markdown()
    for module in portable_schema.MODULES:
        assert f"| `{module}` |" in reference
    for model in ("Goal", "Activity", "CrisisPlan", "RegistrationValue", "ExerciseLogEntry"):
        assert f"### `{model}`" in reference


def test_the_markdown_command(capsys) -> None:
    assert portable_schema._main(["--markdown"]) == 0
    assert capsys.readouterr().out == portable_schema.markdown()
    assert portable_schema._main([]) == 2
