"""The domain as plain dataclasses: no I/O, no Textual, nothing of ours imported.

Ids are integers given by the vault (``None`` before the first save). Times are timezone-aware
UTC ``datetime``s; calendar days are ``date``s.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


def N_(message: str) -> str:
    """Mark English source text for Babel's extraction (as ``i18n.N_``, which this module does
    not import); it is translated with ``_()`` where it is shown."""
    return message


class Role(enum.StrEnum):
    USER = "user"
    PROVIDER = "provider"


class Sector(enum.StrEnum):
    """The six sectors of the network map."""

    FAMILY = "family"
    RELATIVES = "relatives"
    FRIENDS = "friends"
    SCHOOL_WORK = "school/work"
    LEISURE = "leisure"
    PROFESSIONAL = "professional services"


RINGS = (1, 2, 3, 4)
"""Closeness rings of the network map: 1 is the innermost (closest)."""

RATING_RANGE = range(0, 11)
"""Ratings are whole numbers 0-10."""


@dataclass(slots=True)
class Profile:
    """Who owns this vault."""

    name: str
    role: Role = Role.USER
    locale: str = "NO"


@dataclass(slots=True)
class StatusEntry:
    """One recorded status of a life domain: kept as history, never overwritten."""

    status: str
    rating: int | None
    recorded_at: datetime
    id: int | None = None


@dataclass(slots=True)
class LifeDomain:
    name: str
    status: str = ""
    rating: int | None = None
    helps: str = ""
    hinders: str = ""
    hidden: bool = False
    position: int = 0
    updated_at: datetime | None = None
    id: int | None = None


DEFAULT_LIFE_DOMAINS = (
    N_("School / occupation"),
    N_("Social life"),
    N_("Mental health"),
    N_("Physical health"),
    N_("Housing"),
    N_("Finances"),
)


@dataclass(slots=True)
class Goal:
    """A goal; a goal with a ``parent_id`` is a sub-goal."""

    title: str
    why: str = ""
    domain_id: int | None = None
    due: date | None = None
    done: bool = False
    notes: str = ""
    parent_id: int | None = None
    position: int = 0
    id: int | None = None


@dataclass(slots=True)
class Activity:
    """Something to do for a goal (or sub-goal); may be scheduled on a day and ticked off."""

    goal_id: int
    title: str
    scheduled_on: date | None = None
    done: bool = False
    done_at: datetime | None = None
    notes: str = ""
    id: int | None = None


@dataclass(slots=True)
class Person:
    """Someone on the network map."""

    name: str
    relation: str = ""
    sector: Sector = Sector.FRIENDS
    ring: int = 2
    contact_frequency: str = ""
    phone: str = ""
    can_help_in_crisis: bool = False
    notes: str = ""
    id: int | None = None


@dataclass(slots=True)
class Helper:
    """A person I can ask for help in a crisis (picked from the network map when possible)."""

    name: str
    phone: str = ""
    person_id: int | None = None


@dataclass(slots=True)
class ServiceContact:
    """A professional or service to contact in a crisis."""

    name: str
    phone: str = ""
    role: str = ""


@dataclass(slots=True)
class CrisisPlan:
    """The crisis plan, section by section. Empty strings/lists mean "not filled in"."""

    warning_signs: str = ""
    triggers: str = ""
    self_help: str = ""
    distractions: str = ""
    helpers: list[Helper] = field(default_factory=list)
    professionals: list[ServiceContact] = field(default_factory=list)
    safe_surroundings: str = ""
    how_to_meet_me: str = ""
    treatment_wishes: str = ""
    reasons_for_living: str = ""
    updated_at: datetime | None = None

    def is_empty(self) -> bool:
        return not any(
            [
                self.warning_signs,
                self.triggers,
                self.self_help,
                self.distractions,
                self.helpers,
                self.professionals,
                self.safe_surroundings,
                self.how_to_meet_me,
                self.treatment_wishes,
                self.reasons_for_living,
            ]
        )


CRISIS_TEXT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("warning_signs", N_("My warning signs")),
    ("triggers", N_("What can trigger a crisis")),
    ("self_help", N_("What I can do myself")),
    ("distractions", N_("People and places that take my mind off things")),
    ("safe_surroundings", N_("Making my surroundings safe")),
    ("how_to_meet_me", N_("How I want to be met: what helps and what does not")),
    ("treatment_wishes", N_("Treatment and medication wishes in a crisis")),
    ("reasons_for_living", N_("My reasons for living")),
)
"""The free-text sections in the order they are shown (helpers and professionals come after
``distractions``). Titles are English source text; wrap them in ``_()`` where shown."""


@dataclass(slots=True)
class Exercise:
    """A guided exercise: built-in ones have a ``slug`` and their text in ``content/``."""

    title: str
    category: str = ""
    body: str = ""
    builtin: bool = False
    slug: str = ""
    id: int | None = None


@dataclass(slots=True)
class ExerciseLog:
    exercise_id: int
    done_at: datetime
    note: str = ""
    id: int | None = None


@dataclass(slots=True)
class Medication:
    name: str
    prescribed: bool = True
    dose: str = ""
    schedule: str = ""
    intended_effect: str = ""
    experiences: str = ""
    questions: str = ""
    id: int | None = None


@dataclass(slots=True)
class DiaryEntry:
    text: str
    written_at: datetime
    id: int | None = None


@dataclass(slots=True)
class RegistrationParameter:
    """Something the user chooses to register daily (sleep hours, anxiety 0-10 ...)."""

    name: str
    unit: str = ""
    minimum: float = 0
    maximum: float = 10
    id: int | None = None


@dataclass(slots=True)
class Registration:
    parameter_id: int
    day: date
    value: float
    id: int | None = None


@dataclass(slots=True)
class SearchHit:
    """One full-text search result: which module and item, and a short snippet."""

    module: str
    item_id: int
    title: str
    snippet: str


@dataclass(slots=True)
class SearchResults:
    """A search's best hits, and whether they were chosen among all its matches.

    A word found in thousands of entries is ranked among its ``ranked`` newest matches only
    (``store/repositories/search.py``); ``matches`` counts them all.
    """

    hits: list[SearchHit]
    matches: int
    ranked: int

    @property
    def limited(self) -> bool:
        """True when only the newest matches were ranked."""
        return self.ranked < self.matches
