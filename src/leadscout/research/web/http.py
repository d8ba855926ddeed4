"""The one HTTP client factory for research traffic.

A proxy given to it (``LEADSCOUT_HTTP_PROXY``, or the sandbox's) carries every request but those
to loopback; without one it honours the standard proxy variables (HTTP_PROXY, HTTPS_PROXY,
NO_PROXY) through httpx's ``trust_env``. Either way the sandbox (a forward proxy) and the live web
share one code path. Tests may pass a transport."""

from __future__ import annotations

import codecs
import re

import httpx
from charset_normalizer import from_bytes

USER_AGENT = "leadscout/0.1 (B2B research crawler; respects robots.txt)"


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def detect_encoding(content: bytes) -> str:
    """Charset for bodies whose headers do not name one: valid UTF-8, else what the document
    declares, else windows-1252 (the HTML standard's fallback for English-locale pages), and
    only bytes that are not even that go to charset detection."""
    head = content[:65536]
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if (declared := _META_CHARSET.search(content[:4096])) is not None:
        name = declared.group(1).decode("ascii", "ignore")
        try:
            codecs.lookup(name)
            return name
        except LookupError:
            pass
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        best = from_bytes(head).best()
        return best.encoding if best else "utf-8"


LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def make_client(
    *,
    timeout: float = 10.0,
    transport: httpx.AsyncBaseTransport | None = None,
    max_connections: int = 50,
    proxy: str | None = None,
) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=20)
    mounts: dict[str, httpx.AsyncBaseTransport | None] | None = None
    if proxy is not None and transport is None:
        direct = httpx.AsyncHTTPTransport(limits=limits)
        mounts = {"all://": httpx.AsyncHTTPTransport(proxy=proxy, limits=limits)}
        mounts |= {f"all://{host}": direct for host in LOOPBACK_HOSTS}
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        headers={"user-agent": USER_AGENT},
        follow_redirects=False,  # the fetcher follows redirects itself, checking every hop
        trust_env=transport is None and proxy is None,
        transport=transport,
        mounts=mounts,
        default_encoding=detect_encoding,
        limits=limits,
    )


def proxied(url: str, proxy: str | None = None) -> bool:
    """True when ``url`` goes through a proxy (the proxy resolves its host): the given one (all
    but loopback), else the one the environment names."""
    from urllib.request import getproxies, proxy_bypass

    if proxy is not None:
        return httpx.URL(url).host not in LOOPBACK_HOSTS
    scheme = url.split("://", 1)[0].lower()
    if scheme not in getproxies():
        return False
    host = httpx.URL(url).host
    return not proxy_bypass(host)
