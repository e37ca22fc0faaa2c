"""A client process for the SIGKILL test: sends numbered envelopes and syncs both vaults in a
loop until ``total`` have been queued and everything is delivered and received.

    python crash_client.py SENDER RECEIVER KEY_HEX RELAY_URL MAILBOX TOTAL
"""

from __future__ import annotations

import sys
from pathlib import Path

from reconnect_tui.store import Vault
from reconnect_tui.store import keys as vault_keys
from reconnect_tui.sync.service import connect


def main() -> None:
    sender_path, receiver_path, key_hex, url, mailbox, total = sys.argv[1:7]
    key = bytes.fromhex(key_hex)
    sender = Vault.open_with_key(Path(sender_path), key, vault_keys.read_header(Path(sender_path)))
    receiver = Vault.open_with_key(
        Path(receiver_path), key, vault_keys.read_header(Path(receiver_path))
    )
    with connect(sender, url, timeout=5) as out, connect(receiver, url, timeout=5) as inbox:
        while True:
            with sender.read() as conn:
                queued = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
            if queued < int(total):
                for n in range(queued, min(queued + 3, int(total))):
                    out.send(mailbox, f"msg-{n}".encode())
            print("working", flush=True)  # the test kills only after it sees work going on
            report = out.sync(force=True)
            got = inbox.sync(force=True)
            if queued >= int(total) and report.waiting == 0 and got.received == 0:
                break
    print("done")


if __name__ == "__main__":
    main()
