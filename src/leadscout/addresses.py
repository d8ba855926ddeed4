"""Which network addresses leadscout may reach: the fetcher and the webhook sender both refuse a
private, loopback or link-local target (a URL from a page or a user must not reach the internal
network)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket


async def resolve_host(host: str) -> list[str]:
    """The addresses of ``host`` (itself when it is an IP), or [] when it does not resolve."""
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return sorted({str(info[4][0]) for info in infos})


def is_private_address(address: str) -> bool:
    """Private, loopback, link-local, reserved, multicast or unspecified: never a target of ours."""
    ip = ipaddress.ip_address(address.split("%")[0])
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified
