"""The PMS vendor registry, loaded from ``data/pms_vendors.json``: the one source of truth
for vendor names, vendor-owned domains and portal fingerprints."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from pydantic import BaseModel

NONE = "none"  # criteria value: the company uses no PMS vendor at all


class Tier(BaseModel):
    hosts: list[str] = []
    urls: list[str] = []
    scripts: list[str] = []
    text: list[str] = []


class Fingerprints(BaseModel):
    strong: Tier
    medium: Tier
    weak: Tier


class Vendor(BaseModel):
    slug: str
    name: str
    aliases: list[str]
    domains: list[str]
    fingerprints: Fingerprints


@cache
def vendors() -> tuple[Vendor, ...]:
    raw = resources.files("leadscout").joinpath("data/pms_vendors.json").read_text("utf-8")
    return tuple(Vendor.model_validate(v) for v in json.loads(raw)["vendors"])


@cache
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for vendor in vendors():
        for alias in [vendor.slug, vendor.name.lower(), *vendor.aliases]:
            index[_squash(alias)] = vendor.slug
    return index


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def resolve(name: str) -> str | None:
    """Canonical slug for a vendor name as a user types it, or None when unknown."""
    if _squash(name) == NONE:
        return NONE
    return _alias_index().get(_squash(name))


def known_names() -> list[str]:
    return [v.name for v in vendors()]


@cache
def vendor_domains() -> frozenset[str]:
    return frozenset(d for v in vendors() for d in v.domains)
