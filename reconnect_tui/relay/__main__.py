"""``python -m reconnect_tui.relay serve …``: the relay without the app's CLI (tests, servers)."""

from reconnect_tui.relay.cli import app

if __name__ == "__main__":
    app(prog_name="reconnect-relay")
