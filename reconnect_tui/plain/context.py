"""What every plain-mode area holds: the conversation and the unlocked session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..model import Role
from .io import Console

if TYPE_CHECKING:
    from ..session import Session
    from ..store import Toolbox


@dataclass
class Context:
    console: Console
    session: Session

    @property
    def toolbox(self) -> Toolbox:
        return self.session.toolbox

    @property
    def role(self) -> Role:
        return self.toolbox.profile.get().role

    @property
    def region(self) -> str:
        """The vault's country: emergency numbers and how phone numbers are written."""
        return self.toolbox.profile.get().locale

    def today(self) -> date:
        return self.session.today()
