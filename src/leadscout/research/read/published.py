"""Email addresses a page publishes, however it hides them: ``mailto:`` links, Cloudflare's
email protection (``data-cfemail`` / ``/cdn-cgi/l/email-protection#...``, a hex string XORed with
its first byte), spellings such as "jane [at] acme [dot] com", and plain text."""

from __future__ import annotations

import re
from urllib.parse import unquote

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}")  # bounded: linear on hostile text
_SPELLED = re.compile(
    r"\b([A-Za-z0-9._%+-]{1,64})\s*(?:\[|\(|\{)\s*at\s*(?:\]|\)|\})\s*([A-Za-z0-9-]{1,63}(?:\s*(?:\[|\(|\{)\s*dot\s*"
    r"(?:\]|\)|\})\s*[A-Za-z0-9-]{1,63})+)",
    re.IGNORECASE,
)
_DOT = re.compile(r"\s*(?:\[|\(|\{)\s*dot\s*(?:\]|\)|\})\s*", re.IGNORECASE)


def valid(address: str) -> str | None:
    """The address lower-cased when it is one, else None."""
    clean = address.strip().strip(".,;:<>()[]\"'").lower()
    return clean if _EMAIL.fullmatch(clean) else None


def from_mailto(href: str) -> str | None:
    if not href.lower().startswith("mailto:"):
        return None
    return valid(unquote(href[7:].split("?")[0]))


def decode_cfemail(hex_string: str) -> str | None:
    """Cloudflare's email obfuscation: the first byte is the key every other byte is XORed with."""
    try:
        data = bytes.fromhex(hex_string.strip())
    except ValueError:
        return None
    if len(data) < 4:
        return None
    key = data[0]
    try:
        return valid(bytes(b ^ key for b in data[1:]).decode("utf-8"))
    except UnicodeDecodeError:
        return None


def cf_href(href: str) -> str | None:
    """``/cdn-cgi/l/email-protection#HEX`` links."""
    if "email-protection#" not in href:
        return None
    return decode_cfemail(href.rsplit("#", 1)[-1])


def in_text(text: str) -> list[str]:
    """Plain and spelled-out addresses in visible text, in order."""
    found: list[str] = []
    for m in _EMAIL.finditer(text):
        if (address := valid(m.group(0))) and address not in found:
            found.append(address)
    for m in _SPELLED.finditer(text):
        domain = _DOT.sub(".", m.group(2))
        if (address := valid(f"{m.group(1)}@{domain}")) and address not in found:
            found.append(address)
    return found
