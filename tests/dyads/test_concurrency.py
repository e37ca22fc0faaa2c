"""Two OS processes on one vault at the same time: every change to Olm state is serialised,
so nothing is lost, duplicated or left unreadable (docs/dyads.md, "Two processes")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.dyads.dyad_helpers import Person, pair

SCRIPT = Path(__file__).with_name("concurrent_client.py")


def _together(person: Person, go: Path, *commands: list[str]) -> None:
    """Run each command as its own process on ``person``'s vault, all released at once."""
    person.vault.close()
    base = [sys.executable, str(SCRIPT)]
    children = [subprocess.Popen([*base, c[0], str(person.path), person.template.key.hex(),
                                  str(go), *c[1:]], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for c in commands]
    go.touch()
    results = [child.communicate(timeout=300) for child in children]
    for child, (out, err) in zip(children, results, strict=True):
        assert child.returncode == 0 and out.strip() == "done", err
    person.reopen()
    go.unlink()


def test_two_processes_sending_50_each_lose_nothing(provider: Person, user: Person,
                                                    tmp_path: Path) -> None:
    on_provider, on_user = pair(provider, user)
    name = provider.vault.profile().name
    _together(user, tmp_path / "go", ["send", name, "50", "a"], ["send", name, "50", "b"])
    user.sync()
    provider.sync()

    received = provider.dyads.conversation(on_provider.id)
    expected = {f"{tag}-{n}" for tag in "ab" for n in range(50)}
    assert [m.status for m in received if m.status == "unverified"] == []
    assert sorted(m.text for m in received) == sorted(expected)  # each once
    sent = [m for m in user.dyads.conversation(on_user.id) if m.outgoing]
    assert sorted(m.text for m in sent) == sorted(expected)
    assert {m.status for m in sent} == {"delivered"}
    # The counter orders each side's own messages: 100 distinct values.
    with user.vault.read() as conn:
        counters = [r[0] for r in conn.execute(
            "SELECT counter FROM messages WHERE outgoing = 1")]
    assert len(set(counters)) == 100


def test_two_syncs_at_once_neither_lose_nor_double_process(provider: Person, user: Person,
                                                           tmp_path: Path) -> None:
    on_provider, on_user = pair(provider, user)
    texts = [f"m-{n}" for n in range(40)]
    for text in texts:
        user.dyads.send(on_user.id, text)
    user.sync()
    _together(provider, tmp_path / "go", ["sync", provider.relay_url],
              ["sync", provider.relay_url])
    provider.sync()

    received = provider.dyads.conversation(on_provider.id)
    assert sorted(m.text for m in received) == sorted(texts)
    assert [m for m in received if m.status == "unverified"] == []
    # The session still works both ways afterwards.
    provider.dyads.send(on_provider.id, "after")
    provider.sync()
    user.sync()
    assert user.dyads.conversation(on_user.id)[-1].text == "after"
