"""A forum of 50 members: posting, and one member syncing 1,000 new posts, beside dyad messages.

    .venv/bin/python bench/forum.py [--members 50] [--posts 1000] [--sends 100]

Everything is real: vaults (copies of one new vault, opened with its key, so Argon2id runs
once), the relay in its own process on loopback, vodozemac Olm and Megolm.

(a) Time to post. Ours: ``Posting.post`` (one Megolm encryption, one sealed copy per other
member, one vault commit) and then the delivery of the 49 copies by ``engine.sync()``.
Baseline, in the same run: ``Dyads.send`` of the same text and its one delivery.

(b) One member syncing 1,000 new posts (``sync_and_process``: fetch, decrypt, verify, store).
The posts come from ten members; only the copies for the reader are deposited before the clock
starts (the other 48 copies of each post do not change what the reader does). Baseline, in the
same run: a service user syncing 1,000 new dyad messages from their provider.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from relay_server import RelayProcess  # noqa: E402

from reconnect_tui.model import Profile, Role  # noqa: E402
from reconnect_tui.store import Vault  # noqa: E402
from reconnect_tui.store import keys as vault_keys  # noqa: E402
from reconnect_tui.sync.dyads import Dyads, relay_for  # noqa: E402
from reconnect_tui.sync.forum import Forums  # noqa: E402
from reconnect_tui.sync.service import connect  # noqa: E402
from reconnect_tui.sync.sync_service import sync_and_process  # noqa: E402

PASSPHRASE = "benchmark passphrase"
TEXT = "Hei! Jeg har gått tur tre dager på rad nå, og det hjelper. " * 5  # ~300 B: 1 KiB bucket
FORUM = "Bench circle"


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98]


class People:
    """Vaults copied from one template (one Argon2id run for all of them)."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        template = tmp / "template.db"
        vault, _code = Vault.create(template, PASSPHRASE, Profile("Bench User", Role.USER))
        self.key, self.header = vault.key, vault_keys.read_header(template)
        vault.close()
        self.template = template
        self.opened: list[Vault] = []

    def new(self, name: str) -> Vault:
        target = self.tmp / f"{name}.db"
        shutil.copyfile(self.template, target)
        shutil.copyfile(vault_keys.header_path(self.template), vault_keys.header_path(target))
        vault = Vault.open_with_key(target, self.key, self.header)
        self.opened.append(vault)
        return vault

    def close(self) -> None:
        for vault in self.opened:
            vault.close()


def sync_all(vaults: list[Vault], url: str, rounds: int) -> None:
    for _round in range(rounds):
        for vault in vaults:
            report = sync_and_process(vault, url)
            if report.offline:
                raise SystemExit(f"sync failed: {report.error}")


def build_forum(people: People, url: str, size: int) -> list[Vault]:
    """A moderator and ``size - 1`` members who joined by code, settled: every member has a
    session with every other and every key."""
    moderator = people.new("moderator")
    forum_id = Forums(moderator).membership.create(FORUM, "Mod").id
    members = [people.new(f"member{i}") for i in range(1, size)]
    for i, member in enumerate(members, start=1):
        with relay_for(moderator, url) as port:
            code = Forums(moderator).membership.invite(forum_id, port)
        with relay_for(member, url) as port:
            Forums(member).membership.join(code, f"Member {i}", port)
    everyone = [moderator, *members]
    sync_all(members, url, 1)
    sync_all(everyone, url, 3)
    for vault in everyone:
        summary = Forums(vault).views.forum_named(FORUM)
        assert summary.members == size and not summary.removed, summary
    return everyone


def measure_posts(poster: Vault, url: str, count: int) -> dict[str, list[float]]:
    forums = Forums(poster)
    forum_id = forums.views.forum_named(FORUM).id
    samples: dict[str, list[float]] = {"post": [], "deliver": [], "e2e": []}
    with connect(poster, url) as engine:
        for i in range(count + 5):
            start = time.perf_counter()
            forums.posting.post(forum_id, TEXT)
            posted = time.perf_counter()
            report = engine.sync(force=True)
            delivered = time.perf_counter()
            assert not report.offline and not engine.state.due(None), report
            if i >= 5:
                samples["post"].append((posted - start) * 1000)
                samples["deliver"].append((delivered - posted) * 1000)
                samples["e2e"].append((delivered - start) * 1000)
    return samples


def paired(people: People, url: str) -> tuple[Vault, Vault, int, int]:
    provider, _ = Vault.create(people.tmp / "provider.db", PASSPHRASE,
                               Profile("Dr Bench", Role.PROVIDER))
    people.opened.append(provider)
    user = people.new("dyad-user")
    with relay_for(provider, url) as port:
        code = Dyads(provider).create_invitation(port)
    with relay_for(user, url) as port:
        Dyads(user).join(code, port)
    sync_all([user, provider, user], url, 1)
    on_user = Dyads(user).partners()[0]
    on_provider = Dyads(provider).partners()[0]
    assert on_user.status == "paired"
    return provider, user, on_provider.id, on_user.id


def measure_sends(user: Vault, url: str, partner_id: int, count: int) -> dict[str, list[float]]:
    dyads = Dyads(user)
    samples: dict[str, list[float]] = {"post": [], "deliver": [], "e2e": []}
    with connect(user, url) as engine:
        for i in range(count + 5):
            start = time.perf_counter()
            dyads.send(partner_id, TEXT)
            sent = time.perf_counter()
            engine.sync(force=True)
            delivered = time.perf_counter()
            if i >= 5:
                samples["post"].append((sent - start) * 1000)
                samples["deliver"].append((delivered - sent) * 1000)
                samples["e2e"].append((delivered - start) * 1000)
    return samples


def deliver_only_to(vault: Vault, url: str, mailbox_id: str) -> int:
    """Deposit the queued envelopes for one mailbox (the reader's), as the engine would."""
    from reconnect_tui.store.repositories.sync_state import SyncStateRepository

    state = SyncStateRepository(vault)
    delivered = 0
    with connect(vault, url) as engine:
        while batch := [e for e in state.due(None, limit=100_000) if e.mailbox_id == mailbox_id]:
            for envelope in batch:
                engine.relay.deposit(envelope.mailbox_id, envelope.envelope_id,
                                     envelope.ciphertext)
                state.mark_delivered(envelope.id, time.time())
                delivered += 1
    return delivered


def measure_forum_sync(everyone: list[Vault], url: str, posts: int) -> float:
    reader = everyone[-1]
    forums = Forums(reader)
    mailbox = forums.context.record(forums.views.forum_named(FORUM).id).mailbox_id
    sync_and_process(reader, url)  # what part (a) posted is not counted here
    before = len(forums.views.posts(forums.views.forum_named(FORUM).id))
    posters = [v for v in everyone[1:12] if v is not reader][:10]
    for i in range(posts):
        poster = posters[i % len(posters)]
        Forums(poster).posting.post(Forums(poster).views.forum_named(FORUM).id, TEXT)
    # At least one envelope per post; more when a poster's session rotated (its new key).
    deposited = sum(deliver_only_to(poster, url, mailbox) for poster in posters)
    assert deposited >= posts, deposited
    start = time.perf_counter()
    report = sync_and_process(reader, url)
    elapsed = (time.perf_counter() - start) * 1000
    after = len(forums.views.posts(forums.views.forum_named(FORUM).id))
    assert not report.offline and after - before == posts, (after, before)
    return elapsed


def measure_dyad_sync(provider: Vault, user: Vault, url: str, partner_id: int,
                      count: int) -> float:
    sync_and_process(user, url)
    dyads = Dyads(provider)
    for _ in range(count):
        dyads.send(partner_id, TEXT)
    sync_all([provider], url, 1)
    before = len(Dyads(user).all_messages())
    start = time.perf_counter()
    report = sync_and_process(user, url)
    elapsed = (time.perf_counter() - start) * 1000
    assert not report.offline and len(Dyads(user).all_messages()) - before == count
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--sends", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reconnect-bench-") as folder:
        tmp = Path(folder)
        people = People(tmp)
        try:
            with RelayProcess(tmp / "relay", extra_args=["--rate-limit", "1000000",
                                                         "--no-address-limits"]) as relay:
                url = relay.url
                start = time.perf_counter()
                everyone = build_forum(people, url, args.members)
                built = time.perf_counter() - start
                provider, user, provider_side, user_side = paired(people, url)
                forum_posts = measure_posts(everyone[1], url, args.sends)
                dyad_sends = measure_sends(user, url, user_side, args.sends)
                forum_sync = measure_forum_sync(everyone, url, args.posts)
                dyad_sync = measure_dyad_sync(provider, user, url, provider_side, args.posts)
        finally:
            people.close()
    others = args.members - 1
    print(f"forum of {args.members} members built (joined by code, settled) in {built:.1f} s")
    print(f"(a) {args.sends} posts / sends of {len(TEXT.encode())} bytes; ms")
    print(f"{'case':58} {'median':>8} {'p99':>8}")
    rows = [
        (f"forum: post (1 Megolm encryption, {others} sealed copies, commit)",
         forum_posts["post"]),
        (f"forum: delivery of the {others} copies (one sync)", forum_posts["deliver"]),
        ("forum: post + delivery", forum_posts["e2e"]),
        ("dyad:  send (Olm ratchet, seal, commit)", dyad_sends["post"]),
        ("dyad:  delivery (one sync)", dyad_sends["deliver"]),
        ("dyad:  send + delivery", dyad_sends["e2e"]),
    ]
    for name, values in rows:
        print(f"{name:58} {statistics.median(values):8.2f} {p99(values):8.2f}")
    post_ratio = statistics.median(forum_posts["post"]) / statistics.median(dyad_sends["post"])
    e2e_ratio = statistics.median(forum_posts["e2e"]) / statistics.median(dyad_sends["e2e"])
    print(f"ratio forum/dyad at the median: post {post_ratio:.2f}x, post + delivery "
          f"{e2e_ratio:.2f}x (per recipient {e2e_ratio / others:.3f}x)")
    print(f"(b) one member syncing {args.posts} new posts: {forum_sync:.0f} ms; one user syncing "
          f"{args.posts} new dyad messages: {dyad_sync:.0f} ms; ratio "
          f"{forum_sync / dyad_sync:.2f}x")


if __name__ == "__main__":
    main()
