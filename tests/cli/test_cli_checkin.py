"""`reconnect checkin list|answer|schedule` and `reconnect feedback give|list` between a real
provider and service user, through a real relay."""

from __future__ import annotations

import json

from tests.dyads.dyad_helpers import close, pair, run


def _json(*args: str):
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_checkin_and_feedback_on_the_command_line(provider, user, relay) -> None:
    pair(provider, user)
    close(provider, user)
    p, u = str(provider.path), str(user.path)
    scheduled = _json("checkin", "schedule", "Kari Nordmann", "How was your week?",
                      "--every", "7", "--domain", "Sleep", "--vault", p, "--relay", relay.url)
    assert set(scheduled) == {"id"}
    listed = _json("checkin", "list", "--vault", p)
    [schedule] = listed["schedules"]
    assert schedule["partner"] == "Kari Nordmann" and schedule["every_days"] == 7
    [asked] = listed["checkins"]  # the first went with the sync that scheduled it
    assert asked["asked_by_me"] is True and asked["answered_at"] is None

    assert run("sync", "--vault", u, "--relay", relay.url).exit_code == 0
    [received] = _json("checkin", "list", "--vault", u)["checkins"]
    assert received["question"] == "How was your week?" and received["domains"] == ["Sleep"]
    assert received["partner"] == "Dr Lind" and received["asked_by_me"] is False
    bad = run("checkin", "answer", "--overall", "11", "--vault", u)
    assert bad.exit_code == 2
    wrong = run("checkin", "answer", "zzzz", "--overall", "6", "--vault", u)
    assert wrong.exit_code == 1 and received["checkin_id"] in wrong.stderr
    answered = _json("checkin", "answer", received["checkin_id"][:6], "--overall", "6",
                     "--domain", "Sleep=4", "--line", "A better week", "--share-trend",
                     "--vault", u)
    assert answered == {"checkin_id": received["checkin_id"], "overall": 6}
    none_open = run("checkin", "answer", "--overall", "5", "--vault", u)
    assert none_open.exit_code == 1 and "no open check-in" in none_open.stderr

    assert run("sync", "--vault", p, "--relay", relay.url).exit_code == 0
    [seen] = _json("checkin", "list", "--with", "Kari Nordmann", "--vault", p)["checkins"]
    assert (seen["overall"], seen["domain_scores"], seen["line"], seen["share_trend"]) == (
        6, {"Sleep": 4}, "A better week", True)
    assert "6/10" in run("checkin", "list", "--vault", p).stdout

    given = _json("feedback", "give", "Dr Lind", "--heard", "8", "--matters", "7", "--way",
                  "9", "--overall", "8", "--vault", u, "--relay", relay.url)
    assert given["scores"] == {"heard": 8, "matters": 7, "way": 9, "overall": 8}
    assert run("sync", "--vault", p, "--relay", relay.url).exit_code == 0
    [feedback] = _json("feedback", "list", "--vault", p)
    assert feedback["from_me"] is False and feedback["partner"] == "Kari Nordmann"
    assert feedback["scores"] == given["scores"]
    missing = run("feedback", "give", "Dr Lind", "--heard", "8", "--vault", u)
    assert missing.exit_code == 2
    not_provider = run("checkin", "schedule", "Dr Lind", "How?", "--vault", u)
    assert not_provider.exit_code == 1 and "provider" in not_provider.stderr
