"""A rough passphrase strength hint (no dictionary): length and variety, in plain words."""

from __future__ import annotations

import math

from .i18n import _, ngettext

MIN_LENGTH = 8


def estimated_bits(passphrase: str) -> float:
    pool = 0
    if any(c.islower() for c in passphrase):
        pool += 26
    if any(c.isupper() for c in passphrase):
        pool += 26
    if any(c.isdigit() for c in passphrase):
        pool += 10
    if any(not c.isalnum() for c in passphrase):
        pool += 20
    distinct = len(set(passphrase))
    effective_length = min(len(passphrase), distinct * 2)
    return effective_length * math.log2(pool) if pool else 0.0


def strength_hint(passphrase: str) -> tuple[int, str]:
    """Score 0-4 and a short hint for the create screen."""
    if len(passphrase) < MIN_LENGTH:
        return 0, ngettext(
            "Too short: use at least {n} character.",
            "Too short: use at least {n} characters.",
            MIN_LENGTH,
        ).format(n=MIN_LENGTH)
    bits = estimated_bits(passphrase)
    if bits < 40:
        return 1, _("Weak: add a few more words.")
    if bits < 60:
        return 2, _("Fair: one or two more words would make it strong.")
    if bits < 80:
        return 3, _("Good.")
    return 4, _("Strong.")
