"""A second OS process on the same vault, for the concurrency tests.

    python concurrent_client.py send VAULT KEY_HEX GO_FILE PARTNER COUNT TAG
    python concurrent_client.py sync VAULT KEY_HEX GO_FILE RELAY_URL

Each waits until GO_FILE exists (so two of them start together), then sends COUNT messages
("TAG-0" …) to PARTNER, or runs one full sync (fetch, decrypt, answer). Prints "done".
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from reconnect_tui.store import Vault
from reconnect_tui.store import keys as vault_keys
from reconnect_tui.sync.dyads import Dyads
from reconnect_tui.sync.sync_service import sync_and_process


def main() -> None:
    mode, path, key_hex, go = sys.argv[1:5]
    vault = Vault.open_with_key(Path(path), bytes.fromhex(key_hex),
                                vault_keys.read_header(Path(path)))
    while not Path(go).exists():
        time.sleep(0.005)
    if mode == "send":
        partner, count, tag = sys.argv[5], int(sys.argv[6]), sys.argv[7]
        dyads = Dyads(vault)
        partner_id = dyads.partner_named(partner).id
        for n in range(count):
            dyads.send(partner_id, f"{tag}-{n}")
    else:
        report = sync_and_process(vault, sys.argv[5])
        if report.offline:
            raise SystemExit(report.error)
    vault.close()
    print("done")


if __name__ == "__main__":
    main()
