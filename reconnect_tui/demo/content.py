"""What the demo's service user has written over the last few months, in the export format
(``docs/export-format.md``), dated relative to the day the demo is made.

The people are invented; the phone numbers of people are in the 0xx range no Norwegian number
uses, the public ones (113, 116 117, Mental Helse) are real. Content is data, not interface
text, so it is written here once per language rather than through ``_()``.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

USER_NAME = "Kari Nordmann"
PROVIDER_NAME = {"en": "Dr Ingrid Lind", "nb": "Ingrid Lind, DPS"}
DAYS_OF_HISTORY = 120


def _at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC).isoformat()


_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "what_matters": (
            "My daughter Emma, and being someone she can rely on.\n"
            "Mornings with coffee on the balcony before anyone else is up.\n"
            "Getting back to the choir, and one day to work at the library again."
        ),
        "domains": [
            ("Housing", 7, "The flat is calmer since the neighbour moved.",
             "A tidy kitchen, opening a window.", "Post piling up."),
            ("Work and education", 3, "On sick leave; the library says the door is open.",
             "Talking to Siv from the library.", "Thinking about everything at once."),
            ("Relationships", 6, "Emma visits every other weekend.",
             "Planning something small together.", "Cancelling when I am tired."),
            ("Physical health", 5, "Sleeping better, still tired in the afternoons.",
             "Walks before lunch.", "Coffee after four."),
            ("Leisure", 4, "Miss the choir.", "Music in the morning.", "Staying inside."),
        ],
        "goals": [
            ("Back to the choir before summer", "Singing was where I felt like myself.",
             "Leisure", [
                 ("Ask Liv when rehearsals are", -40, True),
                 ("Go and listen to one rehearsal", -10, True),
                 ("Sing at one rehearsal", 14, False),
             ], [("Practise two songs at home", "Leisure", [("Learn the alto part", 7, False)])]),
            ("A steady sleep rhythm", "Everything is easier when I have slept.",
             "Physical health", [
                 ("Up at the same time every day for a week", -20, True),
                 ("No screen in bed", 3, False),
             ], []),
            ("Talk to the library about a trial day", "I want to try before I decide.",
             "Work and education", [("Write down what I am afraid of", 5, False)], []),
        ],
        "network": [
            ("Emma", "daughter", "family", 1, "every other weekend", "012 34 567", True),
            ("Per", "brother", "family", 2, "weekly, by phone", "013 45 678", True),
            ("Liv", "friend from the choir", "leisure", 2, "now and then", "014 56 789",
             False),
            ("Siv", "colleague at the library", "school/work", 3, "monthly", "", False),
            ("Ingrid Lind", "psychologist at the DPS", "professional services", 2,
             "every two weeks", "015 67 890", False),
        ],
        "crisis": {
            "warning_signs": "I stop answering the phone.\nI sleep in the day and lie awake at"
                             " night.\nI think everyone would be better off without me.",
            "triggers": "Emma's visit cancelled. Letters from NAV. Long weekends alone.",
            "self_help": "Go out for twenty minutes, whatever the weather.\nThe 4-7-8"
                         " breathing exercise.\nWrite in the diary what I would tell a friend.",
            "distractions": "The café at the library. Choir music. Walking along the river.",
            "safe_surroundings": "Per keeps my extra medication. No alcohol in the flat.",
            "how_to_meet_me": "Speak calmly and plainly. Ask me straight out how I am.",
            "treatment_wishes": "I would rather go to the DPS crisis team than the ward,"
                                " if that is possible.",
            "reasons_for_living": "Emma. Singing at her confirmation. The sea in summer.",
            "professionals": [("Ingrid Lind", "015 67 890", "Psychologist, DPS"),
                              ("Out-of-hours doctor (legevakt)", "116 117", "Out of hours")],
        },
        "medications": [
            ("Sertraline", True, "50 mg", "every morning",
             "Lift my mood and lower the anxiety.",
             "Nausea the first two weeks, now fine.", "Can I take it with my iron tablets?"),
            ("Melatonin", False, "2 mg", "an hour before bed", "Fall asleep earlier.", "", ""),
        ],
        "diary": [
            "Walked to the river. Cold, but I felt my head clear for the first time in days.",
            "Bad night. Didn't call anyone, but I wrote down three things that went well.",
            "Emma came. We baked bread and she laughed at my singing.",
            "Went to the choir rehearsal, only listened. Liv saved me a seat.",
            "Letter from NAV. Read it twice, then put it away until Monday as we agreed.",
            "Slept seven hours. Small things feel possible.",
        ],
        "registrations": [("Mood", "", 0, 10), ("Sleep", "hours", 0, 12)],
        "own_exercise": ("river-walk", "Walk to the river", "Movement",
                         "Walk to the river and back. Name five things you see on the way."),
        "conversation": [
            ("provider", "Hi Kari, good to see you on Tuesday. How did the choir rehearsal go?"),
            ("user", "I went! Only listened, but Liv had saved me a seat."),
            ("provider", "That is a real step. Shall we look at the sleep goal next time?"),
            ("user", "Yes please. I have shared my goals and the crisis plan with you now."),
            ("provider", "Thank you, I have read them. See you on the 14th."),
        ],
        "checkin": "How has your sleep been this week?",
    },
    "nb": {
        "what_matters": (
            "Datteren min, Emma, og å være en hun kan stole på.\n"
            "Morgenkaffen på balkongen før noen andre er våkne.\n"
            "Å komme tilbake til koret, og en dag å jobbe på biblioteket igjen."
        ),
        "domains": [
            ("Bolig", 7, "Roligere i leiligheten etter at naboen flyttet.",
             "Ryddig kjøkken, åpne vinduet.", "Post som hoper seg opp."),
            ("Arbeid og utdanning", 3, "Sykmeldt; biblioteket sier døren står åpen.",
             "Å snakke med Siv fra biblioteket.", "Å tenke på alt på en gang."),
            ("Relasjoner", 6, "Emma kommer annenhver helg.",
             "Å planlegge noe lite sammen.", "Å avlyse når jeg er sliten."),
            ("Fysisk helse", 5, "Sover bedre, fortsatt trøtt på ettermiddagen.",
             "Tur før lunsj.", "Kaffe etter klokka fire."),
            ("Fritid", 4, "Savner koret.", "Musikk om morgenen.", "Å bli inne."),
        ],
        "goals": [
            ("Tilbake i koret før sommeren", "Når jeg sang, kjente jeg meg som meg selv.",
             "Fritid", [
                 ("Spørre Liv når de øver", -40, True),
                 ("Gå og høre på én øvelse", -10, True),
                 ("Synge med på én øvelse", 14, False),
             ], [("Øve på to sanger hjemme", "Fritid", [("Lære altstemmen", 7, False)])]),
            ("Fast døgnrytme", "Alt er lettere når jeg har sovet.", "Fysisk helse", [
                ("Stå opp til samme tid hver dag i en uke", -20, True),
                ("Ingen skjerm i senga", 3, False),
            ], []),
            ("Snakke med biblioteket om en prøvedag", "Jeg vil prøve før jeg bestemmer meg.",
             "Arbeid og utdanning", [("Skrive ned hva jeg er redd for", 5, False)], []),
        ],
        "network": [
            ("Emma", "datter", "family", 1, "annenhver helg", "012 34 567", True),
            ("Per", "bror", "family", 2, "hver uke, på telefon", "013 45 678", True),
            ("Liv", "venninne fra koret", "leisure", 2, "av og til", "014 56 789", False),
            ("Siv", "kollega på biblioteket", "school/work", 3, "hver måned", "", False),
            ("Ingrid Lind", "psykolog på DPS", "professional services", 2, "hver andre uke",
             "015 67 890", False),
        ],
        "crisis": {
            "warning_signs": "Jeg slutter å ta telefonen.\nJeg sover om dagen og ligger våken"
                             " om natta.\nJeg tenker at alle ville hatt det bedre uten meg.",
            "triggers": "Når Emma avlyser. Brev fra NAV. Lange helger alene.",
            "self_help": "Gå ut i tjue minutter, uansett vær.\nPusteøvelsen 4-7-8.\nSkrive i"
                         " dagboka det jeg ville sagt til en venn.",
            "distractions": "Kafeen på biblioteket. Kormusikk. Tur langs elva.",
            "safe_surroundings": "Per oppbevarer de ekstra medisinene mine. Ingen alkohol i"
                                 " leiligheten.",
            "how_to_meet_me": "Snakk rolig og tydelig. Spør meg rett ut hvordan jeg har det.",
            "treatment_wishes": "Jeg vil heller til det ambulante akutteamet på DPS enn til"
                                " sengepost, hvis det går.",
            "reasons_for_living": "Emma. Å synge i konfirmasjonen hennes. Havet om sommeren.",
            "professionals": [("Ingrid Lind", "015 67 890", "Psykolog, DPS"),
                              ("Legevakt", "116 117", "Utenom kontortid")],
        },
        "medications": [
            ("Sertralin", True, "50 mg", "hver morgen",
             "Løfte humøret og dempe angsten.",
             "Kvalm de første to ukene, nå greit.", "Kan jeg ta den sammen med jerntablettene?"),
            ("Melatonin", False, "2 mg", "en time før leggetid", "Sovne tidligere.", "", ""),
        ],
        "diary": [
            "Gikk ned til elva. Kaldt, men hodet ble klarere for første gang på flere dager.",
            "Dårlig natt. Ringte ingen, men skrev ned tre ting som gikk bra.",
            "Emma kom. Vi bakte brød, og hun lo av syngingen min.",
            "Var på korøvelse, bare hørte på. Liv hadde holdt av en plass til meg.",
            "Brev fra NAV. Leste det to ganger og la det bort til mandag, som vi avtalte.",
            "Sov sju timer. Små ting kjennes mulige.",
        ],
        "registrations": [("Humør", "", 0, 10), ("Søvn", "timer", 0, 12)],
        "own_exercise": ("tur-til-elva", "Tur til elva", "Bevegelse",
                         "Gå til elva og tilbake. Legg merke til fem ting du ser på veien."),
        "conversation": [
            ("provider", "Hei Kari, fint å se deg på tirsdag. Hvordan gikk korøvelsen?"),
            ("user", "Jeg gikk! Hørte bare på, men Liv hadde holdt av en plass til meg."),
            ("provider", "Det er et ordentlig steg. Skal vi se på søvnmålet neste gang?"),
            ("user", "Ja takk. Jeg har delt målene og kriseplanen min med deg nå."),
            ("provider", "Takk, jeg har lest dem. Vi ses den 14."),
        ],
        "checkin": "Hvordan har du sovet denne uka?",
    },
}


def texts(language: str) -> dict[str, Any]:
    """The demo's words in ``language`` (English for any language without its own)."""
    return _TEXT.get(language, _TEXT["en"])


def _goal(title: str, why: str, domain: str, activities: list[tuple[str, int, bool]],
          sub_goals: list[Any], today: date) -> dict[str, Any]:
    return {
        "title": title, "why": why, "life_domain": domain,
        "due": (today + timedelta(days=90)).isoformat(),
        "activities": [
            {"title": name, "scheduled_on": (today + timedelta(days=offset)).isoformat(),
             "done": done,
             "done_at": _at(today + timedelta(days=offset), 11) if done else None}
            for name, offset, done in activities
        ],
        "sub_goals": [_goal(t, "", d, acts, [], today) for t, d, acts in sub_goals],
    }


def toolbox_document(today: date, language: str) -> dict[str, Any]:
    """The service user's toolbox: about four months of it, ending ``today``.

    The same day and language always give the same document (a fixed random seed), so a demo
    made twice on one day looks the same.
    """
    words = texts(language)
    rng = random.Random(f"reconnect-demo-{today.isoformat()}")
    start = today - timedelta(days=DAYS_OF_HISTORY)
    domains = []
    for name, rating, status, helps, hinders in words["domains"]:
        history = [
            {"status": status, "rating": max(0, min(10, rating + rng.choice((-2, -1, 0)))),
             "recorded_at": _at(start + timedelta(days=offset), 10)}
            for offset in (14, 60)
        ]
        domains.append({"name": name, "status": status, "rating": rating, "helps": helps,
                        "hinders": hinders, "history": history})
    crisis = words["crisis"]
    exercise_slug, exercise_title, category, body = words["own_exercise"]
    log = []
    for offset in range(3, DAYS_OF_HISTORY, 4):
        day = start + timedelta(days=offset)
        builtin = offset % 3 != 0
        log.append({"exercise": "box-breathing" if builtin else exercise_slug,
                    "builtin": builtin, "done_at": _at(day, 8 + offset % 10)})
    mood, sleep = words["registrations"]
    mood_values, sleep_values = [], []
    level = 4.0
    for offset in range(DAYS_OF_HISTORY + 1):
        day = start + timedelta(days=offset)
        level = max(1.0, min(9.0, level + rng.uniform(-1.0, 1.15)))  # a slow climb
        mood_values.append({"day": day.isoformat(), "value": round(level)})
        sleep_values.append({"day": day.isoformat(),
                             "value": round(rng.uniform(5.0, 6.0) + level / 4, 1)})
    diary = [
        {"written_at": _at(start + timedelta(days=int(i * DAYS_OF_HISTORY / len(words["diary"]))
                                              + 2), 21, 30),
         "text": text}
        for i, text in enumerate(words["diary"])
    ]
    return {
        "format": "reconnect-export",
        "version": 1,
        "what_matters": words["what_matters"],
        "life_domains": domains,
        "goals": [_goal(title, why, domain, activities, sub_goals, today)
                  for title, why, domain, activities, sub_goals in words["goals"]],
        "network": [
            {"name": name, "relation": relation, "sector": sector, "ring": ring,
             "contact_frequency": frequency, "phone": phone, "can_help_in_crisis": helps}
            for name, relation, sector, ring, frequency, phone, helps in words["network"]
        ],
        "crisis_plan": {
            **{key: value for key, value in crisis.items() if key != "professionals"},
            "updated_at": _at(today - timedelta(days=12), 14),
            "helpers": [{"name": name, "phone": phone, "from_network": True}
                        for name, _relation, _sector, _ring, _freq, phone, helps
                        in words["network"] if helps],
            "professionals": [{"name": name, "phone": phone, "role": role}
                              for name, phone, role in crisis["professionals"]],
        },
        "exercises": {"own": [{"slug": exercise_slug, "title": exercise_title,
                               "category": category, "body": body}],
                      "log": log},
        "medications": [
            {"name": name, "prescribed": prescribed, "dose": dose, "schedule": schedule,
             "intended_effect": effect, "experiences": experiences, "questions": questions}
            for name, prescribed, dose, schedule, effect, experiences, questions
            in words["medications"]
        ],
        "diary": diary,
        "registrations": [
            {"name": mood[0], "unit": mood[1], "minimum": mood[2], "maximum": mood[3],
             "values": mood_values},
            {"name": sleep[0], "unit": sleep[1], "minimum": sleep[2], "maximum": sleep[3],
             "values": sleep_values},
        ],
    }
