"""What sharing adds to a sync, on the ten-year vault, through a real relay on loopback.

    .venv/bin/python bench/sharing.py [--repeat 15]

The ten-year vault (``bench/vault.py``) is paired with a provider; then, alternating in the
same run:

(a) baseline: ``sync_and_process`` with nothing shared (nothing to send or fetch);
(b) the same sync with crisis plan, goals, network, life domains and medication shared and
    unchanged (each sync reads the vault once and compares content hashes: no upload);
(c) the same sync after one edit to the crisis plan (one new version encrypted, signed, PUT).

And on the provider's side: (d) its sync fetching and verifying the five shares beside (e) its
sync with nothing shared. Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from _dyad import pair  # noqa: E402
from relay_server import RelayProcess  # noqa: E402
from vault import PASSPHRASE, build_ten_year_vault  # noqa: E402

from reconnect_tui.model import Profile, Role  # noqa: E402
from reconnect_tui.store import Toolbox, Vault  # noqa: E402
from reconnect_tui.sync.dyads import Dyads  # noqa: E402
from reconnect_tui.sync.sharing import Sharing  # noqa: E402
from reconnect_tui.sync.sync_service import sync_and_process  # noqa: E402

SHARED = ("crisis-plan", "goals", "network", "life-domains", "medications")


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reconnect-bench-") as folder:
        tmp = Path(folder)
        key, header = build_ten_year_vault(tmp / "user.db")
        user = Vault.open_with_key(tmp / "user.db", key, header)
        provider, _ = Vault.create(tmp / "p.db", PASSPHRASE, Profile("Dr Bench", Role.PROVIDER))
        with RelayProcess(tmp / "relay", extra_args=["--rate-limit", "1000000",
                                                     "--no-address-limits"]) as relay:
            url = relay.url
            pair(provider, user, url)
            partner = Dyads(user).partners()[0].id

            def sync_user() -> object:
                return sync_and_process(user, url)

            def sync_provider() -> object:
                return sync_and_process(provider, url)

            for _ in range(3):
                sync_user()
            plain = [timed(sync_user) for _ in range(args.repeat)]
            plain_provider = [timed(sync_provider) for _ in range(args.repeat)]
            sharing = Sharing(user)
            for module in SHARED:
                sharing.share(module, None, partner)
            first = timed(sync_user)
            first_provider = timed(sync_provider)
            unchanged, edited, fetched = [], [], []
            toolbox = Toolbox(user)
            for i in range(args.repeat):
                unchanged.append(timed(sync_user))
                plan = toolbox.crisis_plan.get()
                toolbox.crisis_plan.save(replace(plan, warning_signs=f"edit {i}"))
                edited.append(timed(sync_user))
                fetched.append(timed(sync_provider))
            assert Sharing(provider).view(Dyads(provider).partners()[0].id
                                          ).crisis_plan.get().warning_signs == \
                f"edit {args.repeat - 1}"
        user.close()
        provider.close()
    base = statistics.median(plain)
    base_provider = statistics.median(plain_provider)
    print(f"ten-year vault, {len(SHARED)} modules shared, {args.repeat} rounds; median ms")
    rows = [
        ("(a) user sync, nothing shared (baseline)", base, base),
        ("(b) user sync, shares unchanged", statistics.median(unchanged), base),
        ("(c) user sync after one crisis-plan edit", statistics.median(edited), base),
        ("    first publish of all five (once)", first, base),
        ("(e) provider sync, nothing shared (baseline)", base_provider, base_provider),
        ("(d) provider sync, one new version of five", statistics.median(fetched),
         base_provider),
        ("    first fetch of all five (once)", first_provider, base_provider),
    ]
    for name, value, against in rows:
        print(f"{name:48} {value:8.1f}  {value / against:5.2f}x")


if __name__ == "__main__":
    main()
