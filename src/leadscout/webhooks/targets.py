"""Where a webhook may go: like the fetcher's targets, never a private, loopback or link-local
address (a webhook URL is user input and must not reach the internal network), unless its host is
listed in ``LEADSCOUT_WEBHOOK_ALLOW_HOSTS``."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from leadscout.addresses import is_private_address, resolve_host
from leadscout.errors import PermanentError, UserError

# an absolute http(s) URL with a host name or address, an optional port and path, no credentials
URL_SHAPE = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$"  # ASCII: percent-encode the rest


def allowed_hosts(setting: str) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in setting.split(",") if h.strip())


def check_url(url: str) -> str:
    """The URL, when its form is acceptable; a UserError saying what is wrong otherwise."""
    if re.fullmatch(URL_SHAPE, url.strip()) is None and "@" not in url:
        raise UserError(
            f"webhook URL {url!r} must be an absolute http(s) URL, e.g. https://example.com/hooks/leadscout"
        )
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(
            f"webhook URL {url!r} must be an absolute http(s) URL, e.g. https://example.com/hooks/leadscout"
        )
    if parts.username or parts.password:
        raise UserError("a webhook URL must not carry credentials; the signature authenticates leadscout")
    return url.strip()


async def check_target(url: str, allow: frozenset[str]) -> None:
    """Refuse a URL whose host resolves to a private, loopback or link-local address, unless the
    host is allowed. Raises PermanentError: a refused target does not get better by retrying."""
    host = (urlsplit(url).hostname or "").lower()
    if host in allow:
        return
    addresses = await resolve_host(host)
    if not addresses:
        raise PermanentError(f"webhook host {host!r} does not resolve")
    if private := next((a for a in addresses if is_private_address(a)), None):
        raise PermanentError(
            f"webhook host {host!r} is a private or loopback address ({private}); "
            "list it in LEADSCOUT_WEBHOOK_ALLOW_HOSTS to allow it"
        )
