"""The relay client's TLS: the system's trust, loaded once per process and never weakened."""

from __future__ import annotations

import ssl

import nacl.signing

from reconnect_tui.sync.client import RelayClient, system_trust


def test_clients_share_one_verifying_context_of_the_systems_authorities() -> None:
    key = nacl.signing.SigningKey.generate()
    with RelayClient("https://relay.example.org", key) as first, \
            RelayClient("https://other.example.org", key) as second:
        contexts = {id(client._http._transport._pool._ssl_context)  # noqa: SLF001
                    for client in (first, second, first.with_key(key))}
    context = system_trust()
    assert contexts == {id(context)}
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.get_ca_certs() or context.cert_store_stats()["x509_ca"] > 0


def test_an_unverified_client_does_not_touch_the_shared_context() -> None:
    key = nacl.signing.SigningKey.generate()
    with RelayClient("https://relay.example.org", key, verify=False):
        pass
    assert system_trust().verify_mode == ssl.CERT_REQUIRED
