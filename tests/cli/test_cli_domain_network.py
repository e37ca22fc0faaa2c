"""`reconnect domain`, `what-matters` and `network` from the command line, on a real vault."""

from __future__ import annotations

from pathlib import Path

from tests.cli.module_helpers import exported, ok, run


def test_domain_round_trip(vault_path: Path) -> None:
    names = [d["name"] for d in ok(vault_path, "domain", "list")]
    assert "Housing" in names
    faith = ok(vault_path, "domain", "add", "Faith")["id"]
    shown = ok(vault_path, "domain", "status", "faith", "--rating", "6", "--status", "Better",
               "--helps", "Choir", "--hinders", "Sundays alone")
    assert (shown["id"], shown["rating"], shown["status"], shown["helps"], shown["hinders"]) \
        == (faith, 6, "Better", "Choir", "Sundays alone")
    again = ok(vault_path, "domain", "status", str(faith), "--rating", "7")
    assert [e["rating"] for e in again["history"]] == [6, 7] and again["status"] == "Better"
    listed = next(d for d in ok(vault_path, "domain", "list") if d["id"] == faith)
    assert listed["rating"] == 7 and listed["helps"] == "Choir"
    out_of_range = run(vault_path, "domain", "status", "Faith", "--rating", "11")
    assert out_of_range.exit_code == 2
    text = run(vault_path, "domain", "status", "Faith")
    assert text.exit_code == 0 and "7/10" in text.stdout and "Choir" in text.stdout
    nb = run(vault_path, "--lang", "nb", "domain", "list")
    assert "Bolig" in nb.stdout  # a default domain in the person's language
    assert ok(vault_path, "--lang", "nb", "domain", "status", "bolig", "--rating", "3")[
        "name"] == "Housing"
    domain = next(d for d in exported(vault_path)["life_domains"] if d["name"] == "Faith")
    assert domain["rating"] == 7 and [h["rating"] for h in domain["history"]] == [6, 7]


def test_what_matters(vault_path: Path) -> None:
    assert ok(vault_path, "what-matters", "show") == {"text": ""}
    ok(vault_path, "what-matters", "set", "My children\nmusic")
    assert ok(vault_path, "what-matters", "show") == {"text": "My children\nmusic"}
    assert exported(vault_path)["what_matters"] == "My children\nmusic"
    result = run(vault_path, "what-matters", "show")
    assert result.stdout == "My children\nmusic\n"


def test_network_round_trip(vault_path: Path) -> None:
    person = ok(vault_path, "network", "add", "Åse", "--relation", "sister", "--sector",
                "family", "--ring", "1", "--phone", "91234567", "--crisis-helper")["id"]
    ok(vault_path, "network", "add", "Bjørn", "--sector", "school-work")
    listed = ok(vault_path, "network", "list")
    ase = next(p for p in listed if p["id"] == person)
    assert ase == {"id": person, "name": "Åse", "relation": "sister", "sector": "family",
                   "ring": 1, "contact_frequency": "", "phone": "91 23 45 67",
                   "can_help_in_crisis": True, "notes": ""}
    assert next(p for p in listed if p["name"] == "Bjørn")["sector"] == "school/work"
    ok(vault_path, "network", "edit", "åse", "--ring", "2", "--no-crisis-helper",
       "--name", "Åse Berg", "--notes", "Call after six")
    ase = next(p for p in ok(vault_path, "network", "list") if p["id"] == person)
    assert (ase["name"], ase["ring"], ase["can_help_in_crisis"], ase["notes"]) == (
        "Åse Berg", 2, False, "Call after six")
    assert {p["name"] for p in exported(vault_path)["network"]} == {"Åse Berg", "Bjørn"}
    bad_phone = run(vault_path, "network", "add", "Carl", "--phone", "12")
    assert bad_phone.exit_code == 2 and "phone number" in bad_phone.output
    bad_sector = run(vault_path, "network", "add", "Carl", "--sector", "space")
    assert bad_sector.exit_code == 2 and "school-work" in bad_sector.output
    ok(vault_path, "network", "remove", "Åse Berg")
    assert [p["name"] for p in ok(vault_path, "network", "list")] == ["Bjørn"]
    missing = run(vault_path, "network", "remove", "Åse")
    assert missing.exit_code == 1 and "Bjørn" in missing.stderr
