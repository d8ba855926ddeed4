"""The one HTTP client factory for research traffic.

It honours the standard proxy variables (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) through httpx's
``trust_env``, so the sandbox (a forward proxy) and the live web share one code path. Tests
may pass a transport."""

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


def make_client(
    *, timeout: float = 10.0, transport: httpx.AsyncBaseTransport | None = None, max_connections: int = 50
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        headers={"user-agent": USER_AGENT},
        follow_redirects=False,  # the fetcher follows redirects itself, checking every hop
        trust_env=transport is None,
        transport=transport,
        default_encoding=detect_encoding,
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=20),
    )


def proxied(url: str) -> bool:
    """True when the environment routes ``url`` through a proxy (the proxy resolves its host)."""
    from urllib.request import getproxies, proxy_bypass

    scheme = url.split("://", 1)[0].lower()
    if scheme not in getproxies():
        return False
    host = httpx.URL(url).host
    return not proxy_bypass(host)
