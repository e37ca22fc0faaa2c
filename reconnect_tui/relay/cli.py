"""`reconnect relay …`: run the relay server. The Typer sub-app lives with the relay, so
``python -m reconnect_tui.relay`` needs no client code; ``cli.py`` mounts it with ``add_typer``.
Like the rest of the relay it imports of ours only ``errors``, ``i18n`` (its help texts are
``N_``-marked; ``cli.py`` translates them), ``clock`` and ``wire``
(``tests/test_import_graph.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reconnect_tui.errors import ReconnectError
from reconnect_tui.i18n import N_, _
from reconnect_tui.relay.config import DAY, RelayConfig

app = typer.Typer(
    help=N_("Run the relay that carries end-to-end encrypted envelopes between vaults."),
    pretty_exceptions_show_locals=False,
    no_args_is_help=True,
)


@app.command(help=N_("Serve the relay until interrupted."))
def serve(
    host: Annotated[str, typer.Option(help=N_("Address to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help=N_("TCP port."))] = 8765,
    db: Annotated[
        str | None,
        typer.Option(help=N_("Relay database: a file (SQLite; default: in the user data "
                             "directory) or postgresql://USER@HOST:PORT/DATABASE.")),
    ] = None,
    certfile: Annotated[Path | None, typer.Option(help=N_("TLS certificate (PEM)."))] = None,
    keyfile: Annotated[Path | None, typer.Option(help=N_("TLS private key (PEM)."))] = None,
    retention_days: Annotated[
        float, typer.Option(min=0.0001, help=N_("Days an unacknowledged envelope is kept."))
    ] = 30,
    invitation_hours: Annotated[
        float, typer.Option(min=0.001, help=N_("Hours an invitation waits to be fetched."))
    ] = 24,
    max_envelope_kib: Annotated[
        int, typer.Option(min=1, help=N_("Largest envelope or item, in KiB of ciphertext."))
    ] = 257,
    rate_limit: Annotated[int, typer.Option(min=1, help=N_("Requests per key per minute."))] = 600,
    mailbox_max_envelopes: Annotated[
        int, typer.Option(min=1, help=N_("Envelopes one mailbox may hold."))
    ] = 10_000,
    mailbox_max_mib: Annotated[
        int, typer.Option(min=1, help=N_("MiB one mailbox may hold."))
    ] = 256,
    purge_interval: Annotated[
        float, typer.Option(min=0.05, help=N_("Seconds between deletions of expired data."))
    ] = 60.0,
    item_expiry_days: Annotated[
        float,
        typer.Option(min=46, help=N_("Days a shared item lives unless written again (clients "
                                    "republish after 45 days).")),
    ] = 90,
    max_storage_mib: Annotated[
        int, typer.Option(min=1, help=N_("MiB the relay stores in all (507 when full)."))
    ] = 8192,
    address_limits: Annotated[
        bool,
        typer.Option(help=N_("Budgets per client address; turn off when a proxy in front "
                            "limits, or all clients share one address.")),
    ] = True,
    address_rate_limit: Annotated[
        int, typer.Option(min=1, help=N_("Requests per client address per minute."))
    ] = 1200,
    address_mib_per_hour: Annotated[
        float, typer.Option(min=0.001, help=N_("MiB one client address may store per hour."))
    ] = 8.0,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(help=N_("Address or network of a reverse proxy whose Forwarded or "
                            "X-Forwarded-For header names the client (repeatable).")),
    ] = None,
    max_subscribers: Annotated[
        int, typer.Option(min=0, help=N_("Push channels this relay process holds open (0: none; "
                                         "clients then sync periodically)."))
    ] = 10_000,
    log_level: Annotated[str, typer.Option(help=N_("debug, info, warning or error."))] = "info",
    vault: Annotated[
        Path | None,
        typer.Option(
            "--vault", hidden=True, help=N_("Accepted like on every command; the relay has none.")
        ),
    ] = None,
) -> None:
    del vault  # the relay keeps no vault; the option exists for the CLI-wide convention
    from reconnect_tui.relay.serve import ServeOptions, default_db_path
    from reconnect_tui.relay.serve import serve as run_relay

    if log_level.lower() not in {"debug", "info", "warning", "error"}:
        raise typer.BadParameter(
            _("choose debug, info, warning or error"), param_hint="--log-level"
        )
    from reconnect_tui.relay.addresses import parse_networks
    from reconnect_tui.relay.backends import UnknownDatabase, parse_db

    try:
        database = parse_db(db) if db is not None else default_db_path()
    except UnknownDatabase:
        raise typer.BadParameter(
            _("give a file path, or an address postgresql://USER@HOST:PORT/DATABASE"),
            param_hint="--db") from None

    proxies = tuple(trusted_proxy or ())
    try:
        parse_networks(proxies)
    except ValueError:
        raise typer.BadParameter(
            _("give an IP address or network such as 10.0.0.0/8"), param_hint="--trusted-proxy"
        ) from None
    config = RelayConfig(
        retention_seconds=max(1, round(retention_days * DAY)),
        invitation_ttl_seconds=max(1, round(invitation_hours * 3600)),
        max_envelope_bytes=max_envelope_kib * 1024,
        rate_limit_per_minute=rate_limit,
        mailbox_max_envelopes=mailbox_max_envelopes,
        mailbox_max_bytes=mailbox_max_mib * 1024 * 1024,
        purge_interval_seconds=purge_interval,
        item_ttl_seconds=round(item_expiry_days * DAY),
        max_total_bytes=max_storage_mib * 1024 * 1024,
        address_limits=address_limits,
        address_rate_per_minute=address_rate_limit,
        address_bytes_per_hour=max(1, round(address_mib_per_hour * 1024 * 1024)),
        trusted_proxies=proxies,
        max_subscribers=max_subscribers,
    )
    options = ServeOptions(
        host=host,
        port=port,
        db=database,
        certfile=certfile,
        keyfile=keyfile,
        config=config,
        log_level=log_level.lower(),
    )
    try:
        run_relay(options)
    except ReconnectError as error:
        # The message is ours (it names a file the operator gave), never a client's text.
        typer.echo(_("Error: {message}").format(message=error), err=True)
        raise typer.Exit(1) from None


@app.callback()
def main() -> None:
    """Relay server commands."""
