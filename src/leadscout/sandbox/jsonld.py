"""The schema.org JSON-LD the sandbox's sites embed (both styles): a company as an organisation,
and its people."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from leadscout.sandbox.world import Person, WorldCompany


def script(data: dict[str, Any]) -> str:
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


def organization(
    c: WorldCompany, kind: str | list[str] = "LocalBusiness", *, url: bool = True, country: bool = True
) -> str:
    """The company, its telephone and postal address (and, as asked, its website and country)."""
    address: dict[str, Any] = {
        "@type": "PostalAddress",
        "streetAddress": c.street,
        "addressLocality": c.city,
        "addressRegion": c.state,
        "postalCode": c.zip,
    }
    if country:
        address["addressCountry"] = "US"
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": kind, "name": c.name}
    if url:
        data["url"] = c.website
    return script(data | {"telephone": c.phone, "address": address})


def people(c: WorldCompany, staff: Iterable[Person]) -> str:
    """Each person with their job title, working for the company."""
    graph = [{"@type": "Person", "name": p.full_name, "jobTitle": p.title, "worksFor": c.name} for p in staff]
    return script({"@context": "https://schema.org", "@graph": graph})
