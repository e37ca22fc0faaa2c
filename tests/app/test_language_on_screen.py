"""The app in Norwegian leaves no English on screen, and back in English no Norwegian (issue 16).

A service user and a provider, paired through a real relay on 127.0.0.1, each walk through every
screen their role has (Home, every module, the dialog its "a" key opens, the crisis plan on F2,
the help on F1, the settings, a conversation, the lock screen) with Pilot. Every line on screen
is checked against a list of the app's common words in the other language. The seeded data are
written in the language of the run, so only the interface can fail the test.

Both languages run in the same process, one after the other: a label fixed when its module was
imported (in the other language) would show here. The two roles are two tests (each pairs its own
two vaults), so that pytest-xdist can run them side by side.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from reconnect_tui.model import Activity, CrisisPlan, Goal, Helper, Medication, Person, Sector
from reconnect_tui.screens.registry import available_modules
from reconnect_tui.store import Toolbox
from reconnect_tui.sync.dyads import Dyads, relay_for
from reconnect_tui.sync.service import resolve_relay_url
from reconnect_tui.sync.sync_service import sync_and_process
from tests.pilot import SIZE, make_app, unlock, wait_for
from tests.relay_server import RelayProcess
from tests.rendered import rendered_lines
from tests.screens.messages_helpers import Person as Side  # a vault and how to open it
from tests.support.vaults import Template, copy_vault


def words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


ENGLISH_WORDS = words_of(
    """
    goals goal save cancel delete network crisis messages message lock back help share shared
    sharing nothing only you your can see edit add remove search diary exercises exercise
    medication medicines home toolbox today week pair press write written yet open close read
    quit sync unread answer agreement safety number verified invitation code provider user users
    emergency emergencies call people section export new entry entries life domain domains
    matters important what who with the and not from this that about none trends feedback
    receipts seen queued delivered draft drafts meeting keep discard passphrase vault locked
    unlock continue name phone role rating hidden show hide reply replies thread threads posts
    join invite members report reports information local links page pages list breathe
    resume done well activity activities planned scheduled due notes why when registrations
    registration value values older
    """
)
"""Common English words of the interface (from the English message ids). Left out on purpose:
words that are Norwegian too (for, forum, status, send, start, filter, moderator, dose, ring,
hold, mine, pause, plan, post, sent, service, type, timer …) and key names (Ctrl, Enter, Escape)."""

NORWEGIAN_WORDS = words_of(
    """
    mål delmål lagre avbryt slett nettverkskart kriseplan meldinger melding lås tilbake hjelp
    delt deling ingenting du deg kan se endre legg til fjern søk dagbok øvelser medisiner hjem
    verktøykassen verktøykasse uken denne koble trykk skriv ennå åpne lukk les avslutt synk
    synkroniser uleste svar avtale sikkerhetsnummer behandler bruker brukere akutt nødnumre ved
    personer ny nytt notat livsområder livsområde viktig hva hvem med og ikke fra dette om
    utvikling tilbakemelding lesebekreftelser utkast behold forkast passordfrase hvelv låst låse
    opp fortsett navn telefon vurdering skjult vis skjul tråd tråder innlegg bli inviter
    medlemmer informasjon lokale lenker sider pust gjort aktivitet aktiviteter planlagt frist
    notater hvorfor når registreringer verdi verdier eldre tidtaker innsjekk
    """
)
"""Common Norwegian words of the interface. Left out: words that are English too (forum,
status, send, start, filter, moderator, dose, hold, under, over, side, pause, bare, ring) and
"del", the footer's name of the Delete key."""

WORD = re.compile(r"[^\W\d_]+")


def foreign_words(lines: list[str], vocabulary: frozenset[str]) -> list[tuple[str, str]]:
    """(word, line) for every word of ``vocabulary`` on the screen. Skipped: web addresses,
    paths, and `commands` in backticks (they stay as typed), also when wrapped over lines."""
    screen = re.sub(r"`[^`]*`", " ", "\n".join(lines))
    found = []
    for line in screen.splitlines():
        text = re.sub(r"\S+\.(?:no|com|org|net)\S*|\S*/\S*", " ", line)
        for word in WORD.findall(text):
            if word.lower() in vocabulary:
                found.append((word, line.strip()))
    return found


SEED = {
    "nb": {
        "goal": "Finne en deltidsjobb",
        "activity": "Ringe NAV",
        "person": ("Mor", "mamma"),
        "warning": "Jeg slutter å sove",
        "medicine": "Sertralin",
        "what_matters": "Datteren min og hagen.",
        "provider": "Lege Lind",
        "user": "Kari",
        "message": "Kan vi snakke om søvnen på torsdag?",
    },
    "en": {
        "goal": "Find a part-time job",
        "activity": "Call the job centre",
        "person": ("Mum", "mother"),
        "warning": "I stop sleeping",
        "medicine": "Sertraline",
        "what_matters": "My daughter and the garden.",
        "provider": "Dr Lind",
        "user": "Kari",
        "message": "Can we talk about my sleep on Thursday?",
    },
}


def seed_user(side: Side, words: dict) -> None:
    with side.open() as vault:
        toolbox = Toolbox(vault)
        toolbox.what_matters.set(words["what_matters"])
        goal = toolbox.goals.add(Goal(title=words["goal"]))
        toolbox.goals.add_activity(Activity(goal.id, words["activity"], date(2026, 11, 27)))
        name, relation = words["person"]
        person = Person(name, relation, Sector.FAMILY, 1, phone="900 00 001",
                        can_help_in_crisis=True)
        toolbox.network.add(person)
        toolbox.crisis_plan.save(CrisisPlan(warning_signs=words["warning"],
                                            helpers=[Helper(name, "900 00 001", person.id)]))
        toolbox.medications.add(Medication(words["medicine"]))


def pair_and_talk(provider: Side, user: Side, url: str, words: dict) -> None:
    """Pair the two vaults through the relay and let the user write one message."""
    with provider.open() as vault:
        resolve_relay_url(vault, url)
        with relay_for(vault, url) as relay:
            code = Dyads(vault).create_invitation(relay)
    with user.open() as vault:
        resolve_relay_url(vault, url)
        with relay_for(vault, url) as relay:
            Dyads(vault).join(code, relay)
    for side in (user, provider, user):
        with side.open() as vault:
            sync_and_process(vault, url)
    with user.open() as vault:
        dyads = Dyads(vault)
        dyads.send(dyads.partners()[0].id, words["message"])
        sync_and_process(vault, url)
    with provider.open() as vault:
        sync_and_process(vault, url)



async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def back_to_home(pilot) -> None:
    from reconnect_tui.screens.home import HomeScreen

    pilot.app.show_home()
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen))
    await settle(pilot)


MORE_KEYS = {
    "messages": ("ctrl+o", "ctrl+n", "ctrl+t", "f3", "f4", "f5", "p", "j", "o"),
    "forum": ("n", "j"),
    "diary": ("tab",),
    "network": ("v",),
}
"""Keys pressed on a module's screen besides "a", each from the screen itself: a dialog or
screen they open is looked at too. A key the screen (or role) does not have does nothing."""


async def walk(app, pilot, seen: dict[str, list[str]]) -> None:
    """Unlock, then every screen of the role, each screen's lines kept under a name."""
    from reconnect_tui.screens.home import HomeScreen

    def keep(name: str) -> None:
        seen[name] = rendered_lines(app)

    await pilot.pause()
    keep("unlock")
    await unlock(pilot)
    await settle(pilot)
    keep("home")
    await pilot.press("f1")
    await settle(pilot)
    keep("help")
    await pilot.press("escape")
    await settle(pilot)
    app.action_settings()
    await settle(pilot)
    keep("settings")
    await pilot.press("escape")
    await pilot.press("f2")
    await settle(pilot)
    keep("crisis (F2)")
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(app.screen, HomeScreen)
    role = app.toolbox.profile.get().role
    for module in available_modules(role):
        app.action_open_module(module.id)
        await wait_for(pilot, lambda: not isinstance(app.screen, HomeScreen))
        await settle(pilot)
        keep(module.id)
        opened = app.screen
        for key in ("a", *MORE_KEYS.get(module.id, ())):  # "a": the add dialog, if any
            await pilot.press(key)
            await settle(pilot)
            if app.screen is not opened:
                keep(f"{module.id}: {key}")
                await pilot.press("escape")
                await settle(pilot)
            else:
                keep(f"{module.id} after {key}")
            if app.screen is not opened:  # escape led elsewhere: start the module again
                await back_to_home(pilot)
                app.action_open_module(module.id)
                await wait_for(pilot, lambda: not isinstance(app.screen, HomeScreen))
                await settle(pilot)
                opened = app.screen
        await back_to_home(pilot)
    await pilot.press("ctrl+l")
    await wait_for(pilot, lambda: not isinstance(app.screen, HomeScreen))
    await settle(pilot)
    keep("locked")


async def walk_role(role: str, language: str, relay: RelayProcess, templates, tmp_path: Path
                    ) -> dict[str, list[str]]:
    """Seed and pair both sides in ``language``, then walk ``role``'s app (the user's run also
    looks at the new-vault screen)."""
    user_template, provider_template = templates
    words = SEED[language]
    user = Side(copy_vault(user_template, tmp_path / f"user-{language}"), user_template)
    provider = Side(copy_vault(provider_template, tmp_path / f"provider-{language}"),
                    provider_template)
    seed_user(user, words)
    pair_and_talk(provider, user, relay.url, words)
    seen: dict[str, list[str]] = {}
    if role == "user":
        creating = make_app(tmp_path / f"new-{language}" / "vault.db", language=language)
        async with creating.run_test(size=SIZE) as pilot:
            await settle(pilot)
            seen["new · create vault"] = rendered_lines(creating)
    side = user if role == "user" else provider
    role_seen: dict[str, list[str]] = {}
    app = make_app(side.path, language=language)
    async with app.run_test(size=SIZE) as pilot:
        await walk(app, pilot, role_seen)
    seen.update({f"{role} · {name}": lines for name, lines in role_seen.items()})
    return seen


def report(found: dict[str, list[tuple[str, str]]]) -> str:
    return "\n".join(
        f"{screen}: {word!r} in {line!r}" for screen, hits in found.items() for word, line in hits
    )


@pytest.mark.slow
@pytest.mark.parametrize("role", ["user", "provider"])
async def test_norwegian_then_english_leave_no_other_language_on_screen(
    role: str, relay: RelayProcess, user_template: Template, provider_template: Template,
    tmp_path: Path
) -> None:
    templates = (user_template, provider_template)
    norwegian = await walk_role(role, "nb", relay, templates, tmp_path)
    # Every module was reached, in both roles, and conversations were on screen.
    if role == "user":
        assert "new · create vault" in norwegian
        assert any(name.startswith("user · messages") for name in norwegian)
        assert any("Ved akutt fare, ring" in line for line in norwegian["user · crisis (F2)"])
    else:
        assert any(name.startswith("provider · shared") for name in norwegian)
        assert any("Innstillinger" in line for line in norwegian["provider · settings"])
    english_left = {
        screen: hits for screen, lines in norwegian.items()
        if (hits := foreign_words(lines, ENGLISH_WORDS))
    }
    assert not english_left, "English on screen in nb:\n" + report(english_left)

    english = await walk_role(role, "en", relay, templates, tmp_path)
    if role == "user":
        assert any("In an emergency, call" in line for line in english["user · crisis (F2)"])
    else:
        assert any("Settings" in line for line in english["provider · settings"])
    norwegian_left = {
        screen: hits for screen, lines in english.items()
        if (hits := foreign_words(lines, NORWEGIAN_WORDS))
    }
    assert not norwegian_left, "Norwegian on screen in en:\n" + report(norwegian_left)
