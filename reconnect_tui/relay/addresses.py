"""Which client address a request counts against (the per-address budgets).

Signing keys cost nothing, so limits per key alone let one machine use as many keys as it
likes. The address is the TCP peer (the ASGI ``client``), or, when that peer is a trusted
reverse proxy, the hop the proxy added last to ``Forwarded`` or ``X-Forwarded-For`` (earlier
entries come from the client and prove nothing). IPv6 addresses count per /64: one host
usually holds a whole /64.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """``10.0.0.1``, ``10.0.0.0/8`` or ``fd00::/8``; raises ValueError for anything else."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values)


def _address(text: str) -> IPAddress | None:
    text = text.strip().strip('"')
    if text.startswith("["):  # "[2001:db8::1]:4711"
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # "192.0.2.1:4711"
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _last_forwarded(forwarded: list[str]) -> IPAddress | None:
    """The ``for=`` of the last element of the ``Forwarded`` headers (RFC 7239)."""
    elements = ",".join(forwarded).split(",")
    for pair in elements[-1].split(";"):
        name, _sep, value = pair.partition("=")
        if name.strip().lower() == "for":
            return _address(value)
    return None


def _last_x_forwarded_for(values: list[str]) -> IPAddress | None:
    return _address(",".join(values).split(",")[-1])


def client_address(peer: str | None, headers: dict[str, list[str]],
                   trusted: tuple[IPNetwork, ...]) -> str:
    """The address a request counts against, as text (an IPv6 address as its /64).

    ``headers`` maps lower-case header names to all their values."""
    address = _address(peer) if peer else None
    if address is not None and any(address in network for network in trusted):
        forwarded = headers.get("forwarded")
        hop = (_last_forwarded(forwarded) if forwarded
               else _last_x_forwarded_for(headers.get("x-forwarded-for", [])))
        address = hop or address
    if address is None:
        return (peer or "unknown")[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
