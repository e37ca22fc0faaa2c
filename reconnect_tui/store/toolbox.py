"""All of a vault's repositories in one object: what the app and the CLI hold."""

from __future__ import annotations

from .repositories import (
    CrisisPlanRepository,
    DiaryRepository,
    DraftRepository,
    ExerciseRepository,
    GoalRepository,
    LifeDomainRepository,
    MedicationRepository,
    NetworkRepository,
    ProfileRepository,
    RegistrationRepository,
    SearchRepository,
    WhatMattersRepository,
)
from .vault import Vault


class Toolbox:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.profile = ProfileRepository(vault)
        self.what_matters = WhatMattersRepository(vault)
        self.domains = LifeDomainRepository(vault)
        self.goals = GoalRepository(vault)
        self.network = NetworkRepository(vault)
        self.crisis_plan = CrisisPlanRepository(vault)
        self.exercises = ExerciseRepository(vault)
        self.medications = MedicationRepository(vault)
        self.diary = DiaryRepository(vault)
        self.registrations = RegistrationRepository(vault)
        self.search = SearchRepository(vault)
        self.drafts = DraftRepository(vault)
