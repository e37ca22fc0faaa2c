"""Both roles in plain mode through the real relay: a provider pairs with a service user, and
they write, agree (one version declined with a reason, the next accepted), check in, share,
and read what is shared; the service user also runs a forum. Each step is one run of
``reconnect --plain`` with its script of answers, as a person would come back to it."""

from __future__ import annotations

import re
from pathlib import Path

from reconnect_tui.model import Role
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.sync import agreement_terms
from reconnect_tui.sync.agreements import Agreements
from reconnect_tui.sync.dyads import Dyads
from reconnect_tui.sync.forum import Forums
from tests.plain.plain_helpers import home, problems, run_plain, spelled_out_runs
from tests.support.vaults import Template, copy_vault

P = Role.PROVIDER
KEEP_TERMS = [""] * len(agreement_terms.FORM_FIELDS)
"""Enter at each term of the agreement: keep the template's value."""


def _run(vault: Path, answers: list[str], relay_url: str) -> str:
    result = run_plain(vault, answers, env={"RECONNECT_RELAY": relay_url})
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    assert problems(result.stdout) == [], problems(result.stdout)
    return result.stdout


def test_provider_and_service_user_in_plain_mode(user_template: Template,
                                                 provider_template: Template, relay,
                                                 tmp_path: Path) -> None:
    user = copy_vault(user_template, tmp_path / "user")
    provider = copy_vault(provider_template, tmp_path / "provider")

    said = _run(provider, [home("pair", P), home("quit", P)], relay.url)
    code = re.search(r"Invitation code: (\S+)", said)
    assert code is not None, said
    said = _run(user, [home("pair"), code[1], home("quit")], relay.url)
    assert "Joined Dr Lind." in said

    # the provider writes, proposes an agreement (keeping every term of the template) and
    # schedules a check-in
    said = _run(provider, [
        home("sync", P),
        home("messages", P), "1",
        "2", "Hello Kari, how are you?",
        "3", "1", *KEEP_TERMS, "q",
        "4", "1", "How was your week?", "", "q",
        "q", "q", home("quit", P),
    ], relay.url)
    assert "Proposed version 1." in said and "1 check-in." in said

    # the service user reads, declines the proposal with a reason and proposes her own,
    # answers the check-in, shares her crisis plan, and starts a forum with a thread
    said = _run(user, [
        home("crisis-plan"), "1", "1", "I stop sleeping", "", "q",
        home("messages"), "1",
        "1",
        "2", "Fine, thank you.",
        "3", "3", "Too fast for me", "1", *KEEP_TERMS, "q",
        "4", "1", "1", "7", "A calm week",
        "5", "yes", "8", "7", "9", "8",
        "q", "q",
        home("sharing"), "1", "1", "5", "q",
        home("forum"), "2", "Peers", "Fox", "1", "1", "1", "Hello all", "q", "q",
        home("quit"),
    ], relay.url)
    assert "Hello Kari, how are you?" in said
    assert "Declined version 1." in said and "Proposed version 2." in said
    assert "Answered." in said and "Shared:" in said and "Posted." in said
    assert "Thank you. Dr Lind sees your feedback after the next sync." in said
    conversation = said.split("1 message.", 1)[1].split("Dr Lind: 10 choices.", 1)[0]
    assert spelled_out_runs(conversation) == [], conversation

    # the provider sees the decline and its reason, accepts version 2, reads the answer and,
    # from ``crisis`` at a prompt, the crisis plan the service user shares
    said = _run(provider, [
        home("messages", P), "1",
        "1",
        "3", "2", "q",
        "4", "q", "q", "q",
        "crisis", "1",
        home("shared", P), "1", "1", "q", "q",
        home("quit", P),
    ], relay.url)
    assert "Fine, thank you." in said
    assert "Version 1 was declined by Kari Nordmann." in said and "Reason: Too fast for me" in said
    assert "Accepted version 2." in said
    assert "answered 7 of 10. A calm week" in said
    assert "1 crisis plan shared with you." in said
    plan = said.split("1 crisis plan shared with you.", 1)[1]
    assert "My warning signs:\nI stop sleeping" in plan
    assert spelled_out_runs(plan.split("Home: ", 1)[0]) == []

    with _open(provider, provider_template) as vault:
        dyads = Dyads(vault)
        partner = dyads.partner_named("Kari Nordmann")
        assert [m.text for m in dyads.conversation(partner.id)] == [
            "Hello Kari, how are you?", "Fine, thank you."]
        assert Agreements(vault).state(partner.id).status == "accepted"
        (given,) = Agreements(vault).feedback(partner.id)
        assert given.scores == {"heard": 8, "matters": 7, "way": 9, "overall": 8}
    with _open(user, user_template) as vault:
        forums = Forums(vault).views.forums()
        assert [(f.name, f.pseudonym) for f in forums] == [("Peers", "Fox")]
        assert [p.text for p in Forums(vault).views.posts(forums[0].id)] == ["Hello all"]
        assert Toolbox(vault).crisis_plan.get().warning_signs == "I stop sleeping"


class _open:
    def __init__(self, path: Path, template: Template) -> None:
        self.vault = Vault.open_with_key(path, template.key, template.header)

    def __enter__(self) -> Vault:
        return self.vault

    def __exit__(self, *exc: object) -> None:
        self.vault.close()
