"""Hostile import files: each is refused (exit 1) with the place named, and the vault is unchanged.

Issue 13: ``crisis_plan.updated_at: "garbage"`` was accepted and broke every later crisis-plan
export; ``Infinity`` was accepted and later exports were not JSON; others were refused only
with "something unexpected went wrong"; ``import /dev/zero`` grew without limit.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reconnect_tui.cli import app
from reconnect_tui.errors import ImportRefused
from reconnect_tui.model import Medication
from reconnect_tui.store import Toolbox, Vault, portable, portable_schema
from tests.support.vaults import PASSPHRASE, Template

runner = CliRunner()
HEAD = '{"format": "reconnect-export", "version": 1, '


def doc(**sections: Any) -> str:
    return json.dumps({"format": "reconnect-export", "version": 1, **sections})


def deep_goals(levels: int) -> str:
    goal: dict[str, Any] = {"title": "bottom"}
    for _level in range(levels):
        goal = {"title": "up", "sub_goals": [goal]}
    return doc(goals=[goal])


GOAL = {"title": "Walk", "life_domain": None}
HOSTILE: list[tuple[str, str | bytes, str]] = [
    ("garbage time", doc(crisis_plan={"updated_at": "garbage"}), "crisis_plan.updated_at: not a"),
    ("time with a space", doc(diary=[{"written_at": "2026-11-03 10:00:00Z", "text": "x"}]),
     "diary[0].written_at: not a date and time"),
    ("time on day 31 of November", doc(diary=[{"written_at": "2026-11-31T10:00Z", "text": "x"}]),
     "diary[0].written_at: not a date and time"),
    ("time in year 1", doc(diary=[{"written_at": "0001-01-01T00:00:00+05:00", "text": "x"}]),
     "diary[0].written_at"),
    ("bad day", doc(goals=[{**GOAL, "due": "2026-13-45"}]), "goals[0].due: not a day"),
    ("day as a time", doc(goals=[{**GOAL, "activities": [
        {"title": "a", "scheduled_on": "2026-11-03T10:00:00+00:00"}]}]),
     "goals[0].activities[0].scheduled_on"),
    ("number for text", doc(goals=[{"title": 5}]), "goals[0].title: not text"),
    ("text for list", doc(goals="walk more"), "goals: not a list"),
    ("null section", doc(diary=None), "diary: not a list"),
    ("list for object", doc(crisis_plan=["calm"]), "crisis_plan: not an object"),
    ("1 for true", doc(goals=[{**GOAL, "done": 1}]), "goals[0].done: not true or false"),
    ("float ring", doc(network=[{"name": "Mum", "ring": 1.0}]), "network[0].ring"),
    ("ring out of range", doc(network=[{"name": "Mum", "ring": 7}]),
     "network[0].ring: out of range"),
    ("unknown sector", doc(network=[{"name": "Mum", "sector": "enemies"}]),
     "network[0].sector: not one of"),
    ("rating 11", doc(life_domains=[{"name": "Work", "rating": 11}]), "life_domains[0].rating"),
    ("Infinity", HEAD + '"registrations": [{"name": "Sleep", "values": '
     '[{"day": "2026-11-03", "value": Infinity}]}]}', "registrations[0].values[0].value: NaN"),
    ("NaN", HEAD + '"life_domains": [{"name": "Work", "rating": NaN}]}',
     "life_domains[0].rating: NaN"),
    ("-Infinity", HEAD + '"registrations": [{"name": "Sleep", "minimum": -Infinity}]}',
     "registrations[0].minimum"),
    ("1e400", HEAD + '"registrations": [{"name": "Sleep", "maximum": 1e400}]}',
     "registrations[0].maximum: NaN, Infinity and numbers this large"),
    ("huge value", doc(registrations=[{"name": "Sleep", "values": [
        {"day": "2026-11-03", "value": 1e300}]}]), "registrations[0].values[0].value: out of"),
    ("30-digit ring", HEAD + '"network": [{"name": "Mum", "ring": ' + "9" * 30 + "}]}",
     "network[0].ring: NaN, Infinity and numbers this large"),
    ("5000-digit number", HEAD + '"network": [{"name": "Mum", "ring": ' + "9" * 5000 + "}]}",
     "network[0].ring"),
    ("text as number", doc(registrations=[{"name": "Sleep", "values": [
        {"day": "2026-11-03", "value": "7"}]}]), "registrations[0].values[0].value: not a"),
    ("too long", doc(medications=[{"name": "x" * 10_001}]),
     "medications[0].name: longer than 10000"),
    ("unknown module", doc(frobnicate=[]), "frobnicate: not a key"),
    ("unknown key", doc(goals=[{"titel": "Walk"}]), "goals[0].titel: not a key"),
    ("missing key", doc(diary=[{"text": "a"}]), "diary[0].written_at: missing"),
    ("bad slug", doc(exercises={"own": [{"slug": "Box Breathing", "title": "B"}]}),
     "exercises.own[0].slug: not a slug"),
    ("duplicate slug", doc(exercises={"own": [{"slug": "my-a", "title": "A"},
                                               {"slug": "my-a", "title": "B"}]}),
     "exercises.own[1].slug: this slug appears twice"),
    ("duplicate registration", doc(registrations=[{"name": "Sleep"}, {"name": "Sleep"}]),
     "registrations[1].name: this name appears twice"),
    ("duplicate day", doc(registrations=[{"name": "Sleep", "values": [
        {"day": "2026-11-03", "value": 1}, {"day": "2026-11-03", "value": 2}]}]),
     "registrations[0].values[1].day: this day appears twice"),
    ("dangling life domain", doc(life_domains=[{"name": "Work"}], goals=[
        {"title": "Up", "sub_goals": [{"title": "Down", "life_domain": "Nowhere"}]}]),
     "goals[0].sub_goals[0].life_domain: no life domain"),
    ("dangling domain in the vault", doc(goals=[{"title": "Up", "life_domain": "Nowhere"}]),
     "goals[0].life_domain: no life domain of this name in the file or the vault"),
    ("log of a missing own exercise", doc(exercises={"log": [
        {"exercise": "my-gone", "builtin": False, "done_at": "2026-11-03T10:00:00+00:00"}]}),
     "exercises.log[0].exercise: no own exercise"),
    ("own exercise takes a built-in's slug", doc(exercises={"own": [
        {"slug": "box-breathing", "title": "Mine"}]}),
     "exercises.own[0].slug: the slug of a built-in exercise"),
    ("goals 150 deep", deep_goals(150), "goals[0].sub_goals[0].sub_goals[0]"),
    ("arrays 100,000 deep", "[" * 100_000 + "]" * 100_000,
     "line 1, column 205: nested more than 204 levels"),
    ("version 3", '{"format": "reconnect-export", "version": 3}', "version: this export has"),
    ("version as text", '{"format": "reconnect-export", "version": "1"}', "version:"),
    ("version 1.0", '{"format": "reconnect-export", "version": 1.0}', "version: this export has"),
    ("no format", '{"version": 1, "goals": []}', "format: missing"),
    ("array at the top", "[]", "(the whole file): not a ReConnect export"),
    ("empty file", "", "(the whole file): empty"),
    ("only spaces", "  \n ", "(the whole file): empty"),
    ("not JSON", "{nope", "line 1, column 2: not valid JSON"),
    ("not UTF-8", b'{"format": "reconnect-export", "version": 1, "what_matters": "\xff\xfe"}',
     "line 1 (byte 62): not UTF-8 text"),
]


def run(*args: str):
    return runner.invoke(app, list(args), env={"RECONNECT_PASSPHRASE": PASSPHRASE})


def snapshot(vault_path: Path, template: Template) -> str:
    with Vault.open_with_key(vault_path, template.key, template.header) as vault:
        return portable.dumps(portable.export_all(vault))


@pytest.fixture
def filled(vault_path: Path, user_template: Template) -> Path:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        toolbox = Toolbox(vault)
        toolbox.medications.add(Medication(name="Sertraline", dose="50 mg"))
        toolbox.what_matters.set("My garden")
        toolbox.exercises.register_builtin("box-breathing", "Box breathing", "breathing")
    return vault_path


def refuse_through_cli(file: Path, vault_path: Path, template: Template) -> str:
    before = snapshot(vault_path, template)
    result = run("import", str(file), "--replace", "--vault", str(vault_path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "unexpected" not in result.output
    assert snapshot(vault_path, template) == before
    return result.stderr


@pytest.mark.parametrize(("name", "content", "where"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_file_is_refused_with_its_place_and_nothing_written(
    name: str, content: str | bytes, where: str, filled: Path, user_template: Template,
    tmp_path: Path,
) -> None:
    file = tmp_path / "hostile.json"
    if isinstance(content, bytes):
        file.write_bytes(content)
    else:
        file.write_text(content, encoding="utf-8")
    message = refuse_through_cli(file, filled, user_template)
    assert where in message


def test_problems_are_listed_each_with_its_path(tmp_path: Path) -> None:
    text = doc(crisis_plan={"updated_at": "garbage", "triggers": 3},
               network=[{"name": "Mum", "ring": 9}], goals=[{"title": "a", "done": "no"}])
    with pytest.raises(ImportRefused) as caught:
        portable.parse(text)
    message = str(caught.value)
    assert "4 problems" in message
    for path in ("crisis_plan.updated_at:", "crisis_plan.triggers: not text",
                 "network[0].ring:", "goals[0].done:"):
        assert path in message
    assert "Mum" not in message  # what the user wrote is never echoed


def test_many_problems_are_counted_not_all_listed() -> None:
    text = doc(diary=[{"text": 1, "written_at": "x"}] * 40)
    with pytest.raises(ImportRefused, match=r"80 problems(.|\n)*… and 60 more"):
        portable.parse(text)


def test_dev_zero_is_refused_after_the_limit(filled: Path, user_template: Template) -> None:
    message = refuse_through_cli(Path("/dev/zero"), filled, user_template)
    assert "larger than 64 MiB" in message


def test_a_file_over_the_limit_is_refused(
    filled: Path, user_template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portable_schema, "MAX_FILE_BYTES", 1000)
    file = tmp_path / "big.json"
    file.write_text(doc(what_matters="x" * 1000))
    assert "larger than" in refuse_through_cli(file, filled, user_template)
    file.write_text(doc(what_matters="x" * 900))  # just under: read and imported
    assert run("import", str(file), "--replace", "--vault", str(filled)).exit_code == 0


def test_a_fifo_nobody_writes_to_does_not_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portable_schema, "FIFO_WAIT", 0.2)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            portable.read(fifo)
        except ImportRefused as error:
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=20)
    if reader.is_alive():  # unblock the reader so the test run can end, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO with no writer hung")
    assert "nothing arrived through this pipe" in str(outcome[0])


def test_a_fifo_with_a_writer_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    text = doc(what_matters="Håp")

    def write() -> None:
        with open(fifo, "w", encoding="utf-8") as pipe:
            pipe.write(text)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    assert portable.read(fifo)["what_matters"] == "Håp"
    writer.join(timeout=20)


def test_a_folder_or_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="folder"):
        portable.read(tmp_path)
    with pytest.raises(ImportRefused, match="No file at"):
        portable.read(tmp_path / "nothing.json")


def test_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    file = tmp_path / "bom.json"
    file.write_bytes(b"\xef\xbb\xbf" + doc(what_matters="x").encode())
    assert portable.read(file)["what_matters"] == "x"


def test_the_garbage_plan_no_longer_breaks_exports(
    filled: Path, user_template: Template, tmp_path: Path
) -> None:
    """The issue's sequence: after the refused import, crisis-plan exports still work."""
    file = tmp_path / "plan.json"
    file.write_text(doc(crisis_plan={"updated_at": "garbage", "warning_signs": "x"}))
    refuse_through_cli(file, filled, user_template)
    result = run("export", "crisis-plan", "--format", "txt", "--vault", str(filled))
    assert result.exit_code == 0, result.output


def test_export_all_warns_when_import_would_refuse_what_it_wrote(
    filled: Path, user_template: Template, tmp_path: Path
) -> None:
    """A vault an older version let a bad value into still exports (it is the person's data),
    and is told which values import will refuse."""
    with Vault.open_with_key(filled, user_template.key, user_template.header) as vault, \
            vault.transaction() as conn:
        conn.execute("UPDATE crisis_plan SET updated_at = 'garbage' WHERE id = 1")
    out = tmp_path / "all.json"
    result = run("export", "all", "-o", str(out), "--vault", str(filled))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["crisis_plan"]["updated_at"] == "garbage"
    assert "Warning: import will refuse" in result.stderr
    assert "crisis_plan.updated_at: not a date and time" in result.stderr
    with Vault.open_with_key(filled, user_template.key, user_template.header) as vault, \
            vault.transaction() as conn:
        conn.execute("UPDATE crisis_plan SET updated_at = NULL WHERE id = 1")
    clean = run("export", "all", "-o", str(out), "--vault", str(filled))
    assert clean.exit_code == 0 and "Warning" not in clean.stderr
