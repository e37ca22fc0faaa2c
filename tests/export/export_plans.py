"""Sample crisis plans shared by the export tests and bench/export.py, and PDF text helpers."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from reconnect_tui.model import CrisisPlan, Helper, ServiceContact

FIXED_TODAY = date(2024, 5, 3)
NAME = "Kari Nordmann-Ødegård"


def full_plan() -> CrisisPlan:
    """Every section filled, Norwegian letters and typographic punctuation included."""
    return CrisisPlan(
        warning_signs=(
            "I sleep less than four hours for several nights in a row.\n"
            "I stop answering the phone – even when Åse calls.\n"
            "- I pace around the flat at night\n"
            "- I skip meals and forget my medication\n"
            "\n"
            "Thoughts like “nobody would notice if I were gone” come back again and again…"
        ),
        triggers="Conflicts at work; the anniversary of Dad’s death in February; bills piling up.",
        self_help=(
            "Take a long walk by the fjord, even when it is cold.\n"
            "Breathing exercise: 4 seconds in, hold 7, 8 seconds out – repeat five times.\n"
            "Write down what I am feeling in the diary instead of keeping it in."
        ),
        distractions="Kaffebrenneriet on Grünerløkka; knitting; the choir on Thursdays at 19:00.",
        helpers=[
            Helper("Ola Nordmann (brother)", "+47 912 34 567"),
            Helper("Åse Bjørnstad", "934 56 789"),
        ],
        professionals=[
            ServiceContact("DPS Øst, akutt-team", "22 11 33 44", "Crisis team"),
            ServiceContact("Dr. Ingrid Sæther", "23 45 67 89", "GP (fastlege)"),
        ],
        safe_surroundings="Ask Ola to keep my spare pills; remove the razor blades from the flat.",
        how_to_meet_me=(
            "Speak calmly and slowly. Do not touch me without asking.\n"
            "It does not help when people tell me to “pull myself together”."
        ),
        treatment_wishes="I prefer Sobril over Zyprexa if I need something to calm down.",
        reasons_for_living="My cat Pus, my niece Sofie, the summer cabin in Lofoten.",
        updated_at=datetime(2024, 4, 17, 12, 0, tzinfo=UTC),
    )


def half_plan() -> CrisisPlan:
    """Some sections filled, the rest empty; never saved (no updated_at)."""
    return CrisisPlan(
        warning_signs="Jeg sover dårlig og trekker meg unna – særlig fra dem jeg er glad i.",
        helpers=[Helper("Mamma", "900 00 000"), Helper("Nabo Per", "")],
        reasons_for_living="Å se barna vokse opp.",
    )


def long_plan(paragraphs: int = 30) -> CrisisPlan:
    """A plan far too long for one page (for the compact version and multi-page PDFs)."""
    text = "\n".join(
        f"{i}. Dette er en lang linje om hva som skjer når ting blir vanskelige – æøå ÆØÅ “sitat”."
        for i in range(1, paragraphs + 1)
    )
    plan = full_plan()
    plan.warning_signs = text
    plan.self_help = text
    plan.helpers = [
        Helper(f"Hjelper nummer {i} med et ganske langt navn", "99 99 99 99") for i in range(20)
    ]
    plan.professionals = [ServiceContact(f"Tjeneste {i}", "22 22 22 22", "Rolle") for i in range(9)]
    return plan


def pdf_pages(data: bytes) -> list[str]:
    """Text of each page of a PDF, as pypdf reads it back."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def squash(text: str) -> str:
    """Whitespace collapsed, so wrapped lines compare equal to the original text."""
    return re.sub(r"\s+", " ", text).strip()
