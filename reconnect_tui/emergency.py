"""The emergency numbers the non-emergency notice, the crisis view and the crisis plan show.

Apart from ``model.py`` because the unlock screen's notice needs them for its first paint and
nothing else of the model (importing the model's dataclasses cost start-up time). Imports
nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:
    """Mark English source text for Babel's extraction (as ``i18n.N_``, which this module does
    not import); it is translated with ``_()`` where it is shown."""
    return message


@dataclass(slots=True)
class EmergencyNumber:
    label: str
    number: str


EMERGENCY_NUMBERS: dict[str, tuple[EmergencyNumber, ...]] = {
    "NO": (
        EmergencyNumber(N_("Medical emergency"), "113"),
        EmergencyNumber(N_("Out-of-hours doctor (legevakt)"), "116 117"),
        EmergencyNumber(N_("Police"), "112"),
        EmergencyNumber(N_("Mental Health helpline (Mental Helse)"), "116 123"),
    ),
    "GB": (
        EmergencyNumber(N_("Emergency services"), "999"),
        EmergencyNumber(N_("NHS urgent advice"), "111"),
        EmergencyNumber(N_("Samaritans"), "116 123"),
    ),
    "EU": (EmergencyNumber(N_("European emergency number"), "112"),),
}


def emergency_numbers(locale: str) -> tuple[EmergencyNumber, ...]:
    """Emergency numbers for a locale (country code); the EU-wide 112 when unknown."""
    return EMERGENCY_NUMBERS.get(locale.upper(), EMERGENCY_NUMBERS["EU"])
