"""A message "about" an item names it only when the partner can see that item already.

Real vaults and a real relay on 127.0.0.1. An unshared goal's title must leave no trace in the
provider's vault (every table, read through SQLCipher) nor in the relay's database, WAL or log.
"""

from __future__ import annotations

import secrets

from reconnect_tui.model import Goal
from reconnect_tui.store import Toolbox
from reconnect_tui.sync.dyads import ItemRef
from reconnect_tui.sync.sharing import Sharing
from tests.dyads.dyad_helpers import Person, pair, relay_bytes, run


def vault_text(person: Person) -> str:
    """Every value of every table of the vault, as text (blobs decoded leniently)."""
    parts: list[str] = []
    with person.vault.read() as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, bytes):
                        parts.append(value.decode("utf-8", "replace"))
                    elif value is not None:
                        parts.append(str(value))
    return "\n".join(parts)


def marker(label: str) -> str:
    return f"{label}-{secrets.token_hex(5)}"


def test_about_an_unshared_goal_sends_no_title(provider, user, relay) -> None:
    on_provider, on_user = pair(provider, user)
    title = marker("UNSHARED-GOAL")
    goal = Toolbox(user.vault).goals.add(Goal(title=title))
    about = ItemRef("goals", goal.id or 0, title)
    check = user.dyads.about_check(on_user.id, about)
    assert not check.title_travels and check.can_share
    sent = user.dyads.send(on_user.id, "Jeg gikk tre ganger denne uka.", about=about)
    assert sent.about is not None and sent.about.title == ""  # what was sent is what is kept
    user.sync()
    provider.sync()
    [message] = provider.dyads.conversation(on_provider.id)
    assert message.text == "Jeg gikk tre ganger denne uka."
    assert message.about == ItemRef("goals", 0, "")
    assert title not in vault_text(provider)
    assert title.encode() not in relay_bytes(relay)
    provider.vault.close()
    listed = run("message", "list", "--vault", str(provider.path))
    assert listed.exit_code == 0, listed.output
    assert "[an item whose title is not shared]" in listed.stdout
    provider.reopen()


def test_about_a_shared_goal_or_its_sub_goal_shows_the_title(provider, user, relay) -> None:
    on_provider, on_user = pair(provider, user)
    goals = Toolbox(user.vault).goals
    shared = goals.add(Goal(title=marker("SHARED-GOAL")))
    sub = goals.add(Goal(title=marker("SUB-GOAL"), parent_id=shared.id))
    other = goals.add(Goal(title=marker("OTHER-GOAL")))
    Sharing(user.vault).share("goals", shared.id, on_user.id)
    for goal in (shared, sub, other):
        about = ItemRef("goals", goal.id or 0, goal.title)
        assert user.dyads.about_check(on_user.id, about).title_travels is (goal is not other)
        user.dyads.send(on_user.id, f"Om {goal.id}", about=about)
    user.sync()
    provider.sync()
    abouts = [m.about for m in provider.dyads.conversation(on_provider.id)]
    assert abouts == [ItemRef("goals", shared.id or 0, shared.title),
                      ItemRef("goals", sub.id or 0, sub.title), ItemRef("goals", 0, "")]
    assert other.title not in vault_text(provider)


def test_a_whole_shared_module_names_its_items(provider, user, relay) -> None:
    _on_provider, on_user = pair(provider, user)
    goal = Toolbox(user.vault).goals.add(Goal(title="Walk every morning"))
    Sharing(user.vault).share("goals", None, on_user.id)
    about = ItemRef("goals", goal.id or 0, goal.title)
    assert user.dyads.about_check(on_user.id, about).title_travels
    # a title that is not the item's own (a stale or made-up one) does not travel
    assert not user.dyads.about_check(on_user.id, ItemRef("goals", goal.id or 0,
                                                          "Something else")).title_travels
    # after revoking, the title no longer travels
    Sharing(user.vault).revoke("goals", None, on_user.id)
    assert not user.dyads.about_check(on_user.id, about).title_travels


def test_the_provider_names_only_what_was_shared_with_them(provider, user, relay) -> None:
    on_provider, on_user = pair(provider, user)
    goal = Toolbox(user.vault).goals.add(Goal(title="Swim on Sundays"))
    Sharing(user.vault).share("goals", goal.id, on_user.id)
    user.sync()
    provider.sync()
    own_title = marker("PROVIDER-OWN-GOAL")
    own = Toolbox(provider.vault).goals.add(Goal(title=own_title))
    received = ItemRef("goals", goal.id or 0, "Goals: Swim on Sundays")  # as the screen names it
    assert provider.dyads.about_check(on_provider.id, received).title_travels
    mine = ItemRef("goals", own.id or 0, own_title)
    check = provider.dyads.about_check(on_provider.id, mine)
    assert not check.title_travels and not check.can_share  # providers do not share
    provider.dyads.send(on_provider.id, "Fint!", about=received)
    provider.dyads.send(on_provider.id, "Og dette", about=mine)
    provider.sync()
    user.sync()
    abouts = [m.about for m in user.dyads.conversation(on_user.id)]
    assert abouts == [received, ItemRef("goals", 0, "")]
    assert own_title not in vault_text(user)
    # the user answers about what the provider named: it came from the user, so it travels
    assert user.dyads.about_check(on_user.id, received).title_travels


def test_a_reference_without_a_title_sends_no_item_id_either(provider, user, relay) -> None:
    on_provider, on_user = pair(provider, user)
    goal = Toolbox(user.vault).goals.add(Goal(title="Private"))
    sent = user.dyads.send(on_user.id, "Hei", about=ItemRef("goals", goal.id or 0, ""))
    assert sent.about == ItemRef("goals", 0, "")
