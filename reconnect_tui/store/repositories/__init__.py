"""Typed repositories, one per toolbox module. Screens use these, never SQL."""

from .crisis_plan import CrisisPlanRepository
from .diary import DiaryRepository, RegistrationRepository
from .drafts import DraftKey, DraftRepository, DraftSlot, FormDraft
from .exercises import ExerciseRepository
from .goals import GoalRepository
from .life_domains import LifeDomainRepository
from .medications import MedicationRepository
from .network import NetworkRepository
from .profile import ProfileRepository, WhatMattersRepository
from .search import SearchRepository

__all__ = [
    "CrisisPlanRepository",
    "DiaryRepository",
    "DraftKey",
    "DraftRepository",
    "DraftSlot",
    "ExerciseRepository",
    "FormDraft",
    "GoalRepository",
    "LifeDomainRepository",
    "MedicationRepository",
    "NetworkRepository",
    "ProfileRepository",
    "RegistrationRepository",
    "SearchRepository",
    "WhatMattersRepository",
]
