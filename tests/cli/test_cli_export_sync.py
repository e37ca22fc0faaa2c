"""`reconnect export crisis-plan` and `reconnect sync` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

from pypdf import PdfReader
from typer.testing import CliRunner

from reconnect_tui.cli import app
from reconnect_tui.model import CrisisPlan, Helper
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.store.repositories.sync_state import SyncStateRepository
from tests.relay_server import RelayProcess
from tests.support.vaults import PASSPHRASE

runner = CliRunner()


def run(*args: str, passphrase: str = PASSPHRASE):
    return runner.invoke(app, list(args), env={"RECONNECT_PASSPHRASE": passphrase})


def seed_plan(vault_path: Path, template) -> None:
    with Vault.open_with_key(vault_path, template.key, template.header) as vault:
        Toolbox(vault).crisis_plan.save(
            CrisisPlan(
                warning_signs="Jeg sover dårlig og trekker meg unna",
                self_help="Gå en tur – ring Åse",
                helpers=[Helper(name="Åse", phone="900 00 000")],
            )
        )


def test_markdown_and_text_go_to_stdout(vault_path: Path, user_template) -> None:
    seed_plan(vault_path, user_template)
    md = run("export", "crisis-plan", "--format", "md", "--vault", str(vault_path))
    assert md.exit_code == 0, md.output
    assert "Jeg sover dårlig" in md.stdout and "(not filled in)" in md.stdout
    txt = run("export", "crisis-plan", "--format", "txt", "--vault", str(vault_path))
    assert txt.exit_code == 0
    assert all(len(line) <= 80 for line in txt.stdout.splitlines())
    assert "900 00 000" in txt.stdout


def test_pdf_to_file_holds_the_plan(vault_path: Path, user_template, tmp_path: Path) -> None:
    seed_plan(vault_path, user_template)
    out = tmp_path / "plan.pdf"
    result = run("export", "crisis-plan", "-o", str(out), "--vault", str(vault_path))
    assert result.exit_code == 0, result.output
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Jeg sover dårlig" in text and "Åse" in text and "113" in text
    compact = tmp_path / "compact.pdf"
    result = run(
        "export", "crisis-plan", "--compact", "-o", str(compact), "--vault", str(vault_path)
    )
    assert result.exit_code == 0 and len(PdfReader(compact).pages) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compact.pdf", "plan.pdf", "user"]


def test_export_error_cases(vault_path: Path, tmp_path: Path) -> None:
    no_vault = run("export", "crisis-plan", "-f", "md", "--vault", str(tmp_path / "none.db"))
    assert no_vault.exit_code == 1 and "reconnect init" in no_vault.stderr
    wrong = run(
        "export", "crisis-plan", "-f", "md", "--vault", str(vault_path), passphrase="wrong wrong"
    )
    assert wrong.exit_code == 1 and "Wrong passphrase" in wrong.stderr
    unwritable = run(
        "export",
        "crisis-plan",
        "-o",
        str(tmp_path / "no" / "dir" / "p.pdf"),
        "--vault",
        str(vault_path),
    )
    assert unwritable.exit_code == 1 and "Traceback" not in unwritable.output
    assert str(tmp_path / "no" / "dir") in unwritable.stderr
    pdf_to_stdout = run("export", "crisis-plan", "--vault", str(vault_path))
    assert pdf_to_stdout.exit_code == 2 and "-o" in pdf_to_stdout.output
    bad_format = run("export", "crisis-plan", "-f", "docx", "--vault", str(vault_path))
    assert bad_format.exit_code == 2


def test_sync_reports_and_exits_1_when_relay_is_down(
    vault_path: Path, user_template, tmp_path: Path
) -> None:
    no_relay = run("sync", "--vault", str(vault_path))
    assert no_relay.exit_code == 1 and "--relay" in no_relay.stderr
    relay = RelayProcess(tmp_path / "relay").start()
    try:
        ok = run("sync", "--relay", relay.url, "--vault", str(vault_path), "--json")
        assert ok.exit_code == 0, ok.output
        report = json.loads(ok.stdout)
        assert (report["sent"], report["received"], report["offline"]) == (0, 0, False)
    finally:
        relay.stop()
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        SyncStateRepository(vault).enqueue("E" * 22, "M" * 22, b"x", 0.0)
    down = run("sync", "--vault", str(vault_path))  # the relay address was kept
    assert down.exit_code == 1
    assert "1 waiting" in down.stderr and "could not be reached" in down.stderr
    down_json = run("sync", "--vault", str(vault_path), "--json")
    assert down_json.exit_code == 1 and json.loads(down_json.stdout)["waiting"] == 1


def test_dash_means_standard_output_for_every_export(
    vault_path: Path, user_template, tmp_path: Path, monkeypatch
) -> None:
    seed_plan(vault_path, user_template)
    monkeypatch.chdir(tmp_path)
    pdf = run("export", "crisis-plan", "-o", "-", "--vault", str(vault_path))
    assert pdf.exit_code == 0, pdf.output
    assert pdf.stdout_bytes.startswith(b"%PDF-")
    for fmt in ("md", "txt"):
        result = run("export", "crisis-plan", "-f", fmt, "-o", "-", "--vault", str(vault_path))
        assert result.exit_code == 0 and "Jeg sover dårlig" in result.stdout
    everything = run("export", "all", "-o", "-", "--vault", str(vault_path))
    assert everything.exit_code == 0
    assert json.loads(everything.stdout)["format"] == "reconnect-export"
    assert "not encrypted" in everything.stderr
    assert not (tmp_path / "-").exists()  # once, `-o -` wrote a file named "-"


def test_export_all_to_a_file_says_where_and_that_it_is_not_encrypted(
    vault_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "all.json"
    result = run("export", "all", "-o", str(target), "--vault", str(vault_path))
    assert result.exit_code == 0
    assert str(target) in result.stderr and "not encrypted" in result.stderr
