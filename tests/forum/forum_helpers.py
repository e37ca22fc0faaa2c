"""Helpers for forum tests: people with real vaults, a forum built through the real relay."""

from __future__ import annotations

from dataclasses import dataclass

from reconnect_tui.sync.dyads import relay_for
from reconnect_tui.sync.forum import Forums
from tests.dyads.dyad_helpers import Person

PSEUDONYMS = ("Birch", "Fjord", "Heron")
FORUM_NAME = "Tuesday circle"


def forums(person: Person) -> Forums:
    return Forums(person.vault)


def forum_id(person: Person, name: str = FORUM_NAME) -> str:
    return forums(person).views.forum_named(name).id


def invite(moderator: Person, name: str = FORUM_NAME) -> str:
    with relay_for(moderator.vault, moderator.relay_url) as port:
        return forums(moderator).membership.invite(forum_id(moderator, name), port)


def join(person: Person, code: str, pseudonym: str):
    with relay_for(person.vault, person.relay_url) as port:
        return forums(person).membership.join(code, pseudonym, port)


def settle(people: list[Person], rounds: int = 2) -> None:
    """Sync everyone in turn, a few rounds: every queued envelope and its answers arrive."""
    for _round in range(rounds):
        for person in people:
            person.sync()


@dataclass
class Circle:
    moderator: Person
    members: list[Person]
    forum: str
    """The moderator's local forum id."""

    @property
    def everyone(self) -> list[Person]:
        return [self.moderator, *self.members]

    def fid(self, person: Person) -> str:
        return forum_id(person)


def build_circle(moderator: Person, members: list[Person], *, name: str = FORUM_NAME,
                 moderator_pseudonym: str = "Mod",
                 pseudonyms: tuple[str, ...] = PSEUDONYMS) -> Circle:
    summary = forums(moderator).membership.create(name, moderator_pseudonym)
    joined: list[Person] = []
    for person, pseudonym in zip(members, pseudonyms, strict=False):
        join(person, invite(moderator, name), pseudonym)
        person.sync()
        joined.append(person)
        settle([moderator, *joined])
    settle([moderator, *joined])
    return Circle(moderator, members, summary.id)
