"""The toolbox modules as data: their titles, keys on Home, and where their screen lives.

Screens are imported only when opened, so start-up loads only what the first screen needs.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen

from ..i18n import N_, _
from ..model import Role


@dataclass(frozen=True, slots=True)
class Module:
    id: str
    title: str
    """English source text; show through ``_()``."""
    key: str
    """The key that opens it from Home."""
    target: str
    """``module:Class`` of its screen."""
    summary: str
    roles: tuple[Role, ...] = (Role.USER,)

    def screen(self, **kwargs: Any) -> Screen:
        """A new screen; ``kwargs`` go to its constructor (a read-only view's toolbox …)."""
        module_name, _sep, class_name = self.target.partition(":")
        module = importlib.import_module(module_name)
        return getattr(module, class_name)(**kwargs)


MODULES: tuple[Module, ...] = (
    Module(
        "life-domains",
        N_("What matters and life domains"),
        "l",
        "reconnect_tui.screens.life_domains:LifeDomainsScreen",
        N_("What is important in my life, and how each part of life is going"),
    ),
    Module(
        "goals",
        N_("Goals"),
        "g",
        "reconnect_tui.screens.goals:GoalsScreen",
        N_("Goals, sub-goals and the small steps towards them"),
    ),
    Module(
        "network",
        N_("Network map"),
        "n",
        "reconnect_tui.screens.network:NetworkScreen",
        N_("The people around me, from close to further away"),
    ),
    Module(
        "crisis-plan",
        N_("Crisis plan"),
        "c",
        "reconnect_tui.screens.crisis_plan:CrisisPlanScreen",
        N_("What I and others can do when things get hard"),
    ),
    Module(
        "exercises",
        N_("Exercises"),
        "e",
        "reconnect_tui.screens.exercises:ExercisesScreen",
        N_("Guided breathing, mindfulness, sleep and coping exercises"),
    ),
    Module(
        "medications",
        N_("Medication"),
        "m",
        "reconnect_tui.screens.medications:MedicationsScreen",
        N_("My medicines, how they work for me, questions for my doctor"),
    ),
    Module(
        "diary",
        N_("Diary and registrations"),
        "d",
        "reconnect_tui.screens.diary:DiaryScreen",
        N_("Write entries and track what I choose, day by day"),
    ),
    Module(
        "info",
        N_("Information and local links"),
        "i",
        "reconnect_tui.screens.info:InfoScreen",
        N_("Recovery, user involvement, how to use ReConnect, local activities"),
        (Role.USER, Role.PROVIDER),
    ),
    Module(
        "search",
        N_("Search"),
        "slash",
        "reconnect_tui.screens.search:SearchScreen",
        N_("Find anything I wrote"),
    ),
    Module(
        "messages",
        N_("Messages"),
        "s",
        "reconnect_tui.screens.messages:MessagesScreen",
        N_("Write with the people you are paired with, end-to-end encrypted"),
        (Role.USER, Role.PROVIDER),
    ),
    Module(
        "sharing",
        N_("Sharing: who sees what"),
        "w",
        "reconnect_tui.screens.sharing:SharingScreen",
        N_("Choose what each of your providers may see, and see what they saw"),
    ),
    Module(
        "shared",
        N_("Shared with me"),
        "w",
        "reconnect_tui.screens.shared:SharedWithMeScreen",
        N_("What your service users share with you, read only"),
        (Role.PROVIDER,),
    ),
    Module(
        "forum",
        N_("Peer forum"),
        "f",
        "reconnect_tui.screens.forum:ForumsScreen",
        N_("Peer support among service users, under a pseudonym"),
    ),
    Module(
        "devices",
        N_("Devices"),
        "v",
        "reconnect_tui.screens.devices:DevicesScreen",
        N_("Link another computer to your vault, see and remove linked devices"),
        (Role.USER, Role.PROVIDER),
    ),
)


def available_modules(role: Role) -> list[Module]:
    """Modules whose screens exist in this build, for this role."""
    found = []
    for module in MODULES:
        if role not in module.roles:
            continue
        module_name = module.target.partition(":")[0]
        if importlib.util.find_spec(module_name) is not None:
            found.append(module)
    return found


def translated_title(module: Module) -> str:
    return _(module.title)
