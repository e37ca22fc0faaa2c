"""Notifications and reminders (issue 18) with real vaults and the real relay; the only thing
replaced is the operating system's notifier (``Recorder``), which gets the lines it would show."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from reconnect_tui.model import Activity, Goal
from reconnect_tui.notify.news import Announcer, set_reminder
from reconnect_tui.notify.notifier import Notice, Notifier, in_quiet_hours, notice_text, parse_hhmm
from reconnect_tui.store.repositories.goals import GoalRepository
from reconnect_tui.sync.agreements import Agreements
from tests.dyads.dyad_helpers import Person, agreed, pair

OSLO = ZoneInfo("Europe/Oslo")
TEXT = "Jeg har det tungt i dag, kan vi snakke?"


class Recorder:
    """Stands in for notify-send / osascript."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def send(self, text: str) -> None:
        self.lines.append(text)


class Clock:
    def __init__(self, when: datetime) -> None:
        self.when = when

    def __call__(self) -> datetime:
        return self.when


def announcer(person: Person, clock: Clock, mode: str = "something",
              quiet: tuple[str, str] = ("22:00", "07:00")) -> tuple[Announcer, Recorder]:
    recorder = Recorder()
    notifier = Notifier(recorder, mode, parse_hhmm(quiet[0]), parse_hhmm(quiet[1]), clock)
    return Announcer(person.vault, notifier), recorder


def noon() -> Clock:
    return Clock(datetime(2026, 11, 30, 12, 0, tzinfo=OSLO))  # a Monday


def test_default_says_only_something_new_never_name_or_text(provider: Person,
                                                            user: Person) -> None:
    on_provider, _on_user = pair(provider, user)
    provider.dyads.send(on_provider.id, TEXT)
    provider.sync()
    user.sync()
    told, recorder = announcer(user, noon())
    assert told.look() == ["ReConnect: something new"]
    assert recorder.lines == ["ReConnect: something new"]
    assert all("Lind" not in line and "tungt" not in line for line in recorder.lines)
    assert told.look() == []  # told once
    again, other = announcer(user, noon())  # another process on the vault (app beside watch)
    assert again.look() == [] and other.lines == []


def test_name_mode_names_the_partner_but_never_the_text(provider: Person, user: Person) -> None:
    on_provider, _on_user = pair(provider, user)
    provider.dyads.send(on_provider.id, TEXT)
    provider.sync()
    user.sync()
    told, recorder = announcer(user, noon(), mode="name")
    told.look()
    assert recorder.lines == ["ReConnect: new message from Dr Lind"]
    assert "tungt" not in recorder.lines[0]


def test_off_tells_nothing(provider: Person, user: Person) -> None:
    on_provider, _on_user = pair(provider, user)
    provider.dyads.send(on_provider.id, TEXT)
    provider.sync()
    user.sync()
    told, recorder = announcer(user, noon(), mode="off")
    assert told.look() == [] and recorder.lines == []


def test_quiet_hours_hold_notifications_until_they_end(provider: Person, user: Person) -> None:
    on_provider, _on_user = pair(provider, user)
    provider.dyads.send(on_provider.id, TEXT)
    provider.sync()
    user.sync()
    clock = Clock(datetime(2026, 11, 30, 23, 30, tzinfo=OSLO))
    told, recorder = announcer(user, clock)
    assert told.look() == [] and recorder.lines == []
    clock.when = datetime(2026, 12, 1, 6, 59, tzinfo=OSLO)
    assert told.look() == [] and recorder.lines == []
    clock.when = datetime(2026, 12, 1, 7, 0, tzinfo=OSLO)
    assert told.look() == ["ReConnect: something new"]


def test_a_check_in_to_answer_is_told(provider: Person, user: Person) -> None:
    on_provider, _on_user = pair(provider, user)
    Agreements(provider.vault).schedule_checkin(on_provider.id, "Hvordan går det?")
    provider.sync()
    user.sync()
    told, recorder = announcer(user, noon(), mode="name")
    told.look()
    assert recorder.lines == ["ReConnect: a check-in from Dr Lind to answer"]


def test_an_agreement_to_accept_is_told(provider: Person, user: Person) -> None:
    on_provider, _on_user = pair(provider, user)
    Agreements(provider.vault).propose(on_provider.id, {
        "answer_within_working_days": 2, "working_hours": "08:00-15:30", "notes": ""})
    provider.sync()
    user.sync()
    told, recorder = announcer(user, noon(), mode="name")
    told.look()
    assert recorder.lines == ["ReConnect: an agreement with Dr Lind to accept or review"]


def test_a_providers_notifications_wait_for_the_agreed_working_hours(provider: Person,
                                                                     user: Person) -> None:
    _on_provider, on_user = agreed(provider, user)  # working hours 08:00-15:30
    user.dyads.send(on_user, TEXT)
    user.sync()
    provider.sync()
    clock = Clock(datetime(2026, 12, 5, 12, 0, tzinfo=OSLO))  # a Saturday noon
    told, recorder = announcer(provider, clock, mode="name")
    assert told.look() == [] and recorder.lines == []
    clock.when = datetime(2026, 12, 7, 7, 30, tzinfo=OSLO)  # Monday, before 08:00
    assert told.look() == []
    clock.when = datetime(2026, 12, 7, 8, 0, tzinfo=OSLO)
    assert told.look() == ["ReConnect: new message from Kari Nordmann"]


def test_reminders_once_a_day_for_todays_activities_and_a_scheduled_exercise(
        user: Person) -> None:
    goals = GoalRepository(user.vault)
    goal = goals.add(Goal("Komme i jobb"))
    assert goal.id is not None
    goals.add_activity(Activity(goal.id, "Ringe NAV", date(2026, 11, 30)))
    set_reminder(user.vault, "exercise", 1, "08:30")
    clock = Clock(datetime(2026, 11, 30, 8, 0, tzinfo=OSLO))
    told, recorder = announcer(user, clock, mode="name")
    assert told.look() == ["ReConnect: activities planned for today"]
    assert told.look() == []
    clock.when = datetime(2026, 11, 30, 8, 30, tzinfo=OSLO)
    assert told.look() == ["ReConnect: time for an exercise you scheduled"]
    clock.when = datetime(2026, 11, 30, 21, 0, tzinfo=OSLO)
    assert told.look() == []
    clock.when = datetime(2026, 12, 1, 9, 0, tzinfo=OSLO)  # the next day: no activity, exercise
    assert told.look() == ["ReConnect: time for an exercise you scheduled"]
    assert all("NAV" not in line for line in recorder.lines)
    set_reminder(user.vault, "exercise", 1, None)
    clock.when = datetime(2026, 12, 2, 9, 0, tzinfo=OSLO)
    assert told.look() == []


def test_reminders_wait_for_quiet_hours_to_end(user: Person) -> None:
    set_reminder(user.vault, "registration", 2, "06:00")
    clock = Clock(datetime(2026, 11, 30, 6, 30, tzinfo=OSLO))
    told, _recorder = announcer(user, clock)
    assert told.look() == []
    clock.when = datetime(2026, 11, 30, 7, 5, tzinfo=OSLO)
    assert told.look() == ["ReConnect: something new"]


def test_quiet_hours_may_run_past_midnight() -> None:
    start, end = parse_hhmm("22:00"), parse_hhmm("07:00")
    assert in_quiet_hours(parse_hhmm("23:59") or start, start, end)  # type: ignore[arg-type]
    assert not in_quiet_hours(parse_hhmm("12:00") or start, start, end)  # type: ignore[arg-type]
    assert not in_quiet_hours(parse_hhmm("12:00") or start, None, None)  # type: ignore[arg-type]


def test_a_partners_name_is_one_clean_line_in_a_notice() -> None:
    """The name mode shows a name someone else chose: no escape codes, and no newline that
    would make a second, made-up line in the notification."""
    name = "Eve\x1b]0;x\x07\nReConnect: your passphrase expired"
    line = notice_text(Notice("message", name), "name")
    assert "\n" not in line and "\x1b" not in line and "\x07" not in line
    assert line.startswith("ReConnect: new message from Eve")
    assert notice_text(Notice("message", name), "something") == "ReConnect: something new"
