"""Normalise websites to registrable domains, offline (tldextract's bundled suffix list)."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

import tldextract

from leadscout.errors import UserError
from leadscout.vendors import vendor_domains


class InvalidDomain(UserError):
    """Not a usable company domain."""


@cache
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=() keeps it offline: the snapshot shipped in the wheel is used
    # private suffixes too: two shops on x.wixsite.com and y.wixsite.com are two companies
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def host_of(value: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidDomain("empty website")
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError as exc:
        raise InvalidDomain(f"not a URL: {value!r}") from exc
    return host.rstrip(".").lower()


def registrable_domain(value: str) -> str:
    """``https://www.Acme-PM.com/about`` -> ``acme-pm.com``; raises InvalidDomain."""
    host = host_of(value)
    parts = _extractor()(host)
    if not parts.domain or not parts.suffix:
        raise InvalidDomain(f"no registrable domain in {value!r}")
    return f"{parts.domain}.{parts.suffix}"


def is_vendor_host(value: str) -> bool:
    """True for a PMS vendor's own host, such as ``acme.appfolio.com``."""
    try:
        return registrable_domain(value) in vendor_domains()
    except InvalidDomain:
        return False


def company_domain(value: str) -> str:
    """The registrable domain of a company website. A PMS portal host is never one."""
    domain = registrable_domain(value)
    if domain in vendor_domains():
        raise InvalidDomain(f"{host_of(value)} is a PMS vendor host ({domain}), not a company's own domain")
    return domain
