"""`reconnect export fhir` and `reconnect shared export NAME --format fhir`: the scripted
contract with real vaults (and a real relay for what a provider exports)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconnect_tui.cli import app
from reconnect_tui.store import Toolbox
from reconnect_tui.sync.agreements import Agreements
from tests.dyads.dyad_helpers import TERMS, pair
from tests.fhir.fhir_helpers import MARKERS, fill, text_of, unresolved, validate
from tests.support.vaults import PASSPHRASE

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), env={"RECONNECT_PASSPHRASE": PASSPHRASE})


@pytest.fixture
def filled_path(vault_path: Path, user_template) -> Path:
    from reconnect_tui.store import Vault

    opened = Vault.open_with_key(vault_path, user_template.key, user_template.header)
    try:
        fill(Toolbox(opened))
    finally:
        opened.close()
    return vault_path


def test_dash_writes_pure_json_to_stdout(filled_path: Path) -> None:
    result = run("export", "fhir", "--only", "goals,medications", "-o", "-",
                 "--vault", str(filled_path))
    assert result.exit_code == 0, result.output
    bundle = json.loads(result.stdout)
    validate(bundle)
    assert unresolved(bundle) == []
    text = text_of(bundle)
    assert MARKERS["goals"] in text and MARKERS["medications"] in text
    assert MARKERS["crisis-plan"] not in text and MARKERS["life-domains"] not in text
    assert "not encrypted" in result.stderr and "standard output" in result.stderr


def test_default_file_and_the_not_encrypted_line(filled_path: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("export", "fhir", "--only", "crisis-plan", "--vault", str(filled_path))
    assert result.exit_code == 0, result.output
    written = tmp_path / "reconnect-fhir.json"
    assert result.stdout == ""
    assert "reconnect-fhir.json" in result.stderr and "not encrypted" in result.stderr
    bundle = json.loads(written.read_text(encoding="utf-8"))
    validate(bundle)
    assert MARKERS["crisis-plan"] in text_of(bundle) and MARKERS["goals"] not in text_of(bundle)
    chosen = tmp_path / "out.json"
    result = run("export", "fhir", "--only", "life-domains", "-o", str(chosen),
                 "--vault", str(filled_path))
    assert result.exit_code == 0 and str(chosen) in result.stderr
    assert MARKERS["life-domains"] in chosen.read_text(encoding="utf-8")


@pytest.mark.parametrize("only", [None, "diary", "goals,network", ""])
def test_only_missing_or_unknown_is_a_usage_error(filled_path: Path, only: str | None) -> None:
    args = ["export", "fhir", "-o", "-", "--vault", str(filled_path)]
    if only is not None:
        args += ["--only", only]
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    words = " ".join(re.sub("[│╭╮╰╯─]", " ", result.stderr).split())  # a framed message
    assert "goals, crisis-plan, medications, registrations, life-domains, feedback" in words


def test_a_folder_that_does_not_exist_is_explained(filled_path: Path, tmp_path: Path) -> None:
    result = run("export", "fhir", "--only", "goals", "-o", str(tmp_path / "no" / "x.json"),
                 "--vault", str(filled_path))
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert "Traceback" not in result.output


def test_a_providers_export_of_what_is_shared_counts_as_reading(provider, user, relay) -> None:
    on_provider, on_user = pair(provider, user)
    # view receipts are agreed on (without that, none are sent: docs/sharing.md)
    Agreements(provider.vault).propose(on_provider.id, {**TERMS, "view_receipts": True})
    provider.sync()
    user.sync()
    Agreements(user.vault).accept(on_user.id)
    user.sync()
    provider.sync()
    fill(Toolbox(user.vault))
    provider.vault.close()
    user.vault.close()
    u, p = str(user.path), str(provider.path)
    for module in ("crisis-plan", "medications"):
        assert run("share", "add", module, "--with", "Dr Lind", "--relay", relay.url,
                   "--vault", u).exit_code == 0
    assert run("sync", "--vault", p, "--relay", relay.url).exit_code == 0
    assert run("sync", "--vault", p).exit_code == 0
    before = json.loads(run("share", "list", "--json", "--vault", u).stdout)
    assert [e["seen_at"] for e in before] == [None, None]

    result = run("shared", "export", "Kari Nordmann", "--format", "fhir", "-o", "-",
                 "--vault", p)
    assert result.exit_code == 0, result.output
    bundle = json.loads(result.stdout)
    validate(bundle)
    assert unresolved(bundle) == []
    sections = [s["code"]["coding"][0]["code"]
                for s in bundle["entry"][0]["resource"]["section"]]
    assert sections == ["crisis-plan", "medications"]
    text = text_of(bundle)
    assert MARKERS["crisis-plan"] in text and MARKERS["medications"] in text
    assert all(MARKERS[m] not in text for m in ("goals", "registrations", "life-domains"))
    assert bundle["entry"][1]["resource"]["name"] == [{"text": "Kari Nordmann"}]

    # The view receipt travels back at the next syncs, as after `shared show`.
    assert run("sync", "--vault", p).exit_code == 0
    assert run("sync", "--vault", u).exit_code == 0
    seen = json.loads(run("share", "list", "--json", "--vault", u).stdout)
    assert all(e["seen_at"] for e in seen)

    only = run("shared", "export", "Kari Nordmann", "--format", "fhir", "--only", "medications",
               "-o", "-", "--vault", p)
    assert only.exit_code == 0, only.output
    assert MARKERS["crisis-plan"] not in only.stdout and MARKERS["medications"] in only.stdout
    refused = run("shared", "export", "Kari Nordmann", "--format", "fhir", "--only", "goals",
                  "-o", "-", "--vault", p)
    assert refused.exit_code == 1 and "does not share" in refused.stderr
    assert refused.stdout == ""
    no_format = run("shared", "export", "Kari Nordmann", "-o", "-", "--vault", p)
    assert no_format.exit_code == 2
