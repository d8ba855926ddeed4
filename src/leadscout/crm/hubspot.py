"""HubSpot over its documented v3/v4 REST API with a private-app token (plain httpx: the
official client is synchronous and we already speak httpx everywhere).

* ``push_run``: companies upserted by domain (search, then batch create/update), contacts
  upserted by email (batch upsert), contact-to-company associations. Re-pushing a run finds
  everything it created before, so it never duplicates.
* ``sync_suppression``: customer domains and domains contacted in the last N days go into
  ``blocked_domains`` with their reason.
* 429 answers are retried after their Retry-After; 5xx and network errors with backoff.

Tested against :mod:`leadscout.sandbox.hubspot` only; never run against the live API."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

import httpx
from pydantic import BaseModel

from leadscout.db.store import Store
from leadscout.domains import InvalidDomain, registrable_domain
from leadscout.errors import ConfigError, PermanentError, TransientError
from leadscout.pipeline.export import export_rows

BATCH = 100  # HubSpot's batch and IN-filter limit
T = TypeVar("T")


def chunks(items: list[T], size: int = BATCH) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PushReport(BaseModel):
    companies_created: int = 0
    companies_updated: int = 0
    contacts_upserted: int = 0
    contacts_skipped_no_email: int = 0
    associations: int = 0
    rate_limited: int = 0


class SuppressionReport(BaseModel):
    customers: int = 0
    recently_contacted: int = 0
    added: int = 0


class HubSpot:
    def __init__(
        self, client: httpx.AsyncClient, token: str, base_url: str = "https://api.hubapi.com", *, max_attempts: int = 6
    ) -> None:
        self.client, self.base_url, self.max_attempts = client, base_url.rstrip("/"), max_attempts
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.rate_limited = 0

    async def call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = await self.client.post(f"{self.base_url}{path}", json=body, headers=self.headers)
            except httpx.TransportError as exc:
                if attempt == self.max_attempts:
                    raise TransientError(f"HubSpot unreachable at {self.base_url}: {exc}") from exc
                await asyncio.sleep(min(0.25 * 2.0**attempt, 8.0))
                continue
            if response.status_code == 429 or response.status_code >= 500:
                self.rate_limited += response.status_code == 429
                if attempt == self.max_attempts:
                    raise TransientError(f"HubSpot answered {response.status_code} {attempt} times on {path}")
                await asyncio.sleep(_retry_after(response, attempt))
                continue
            return _json_or_raise(response, path)
        raise AssertionError("unreachable")

    async def search_all(self, kind: str, filters: list[dict[str, Any]], properties: list[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        after: str | None = None
        while True:
            body: dict[str, Any] = {"filterGroups": [{"filters": filters}], "properties": properties, "limit": BATCH}
            if after:
                body["after"] = after
            reply = await self.call(f"/crm/v3/objects/{kind}/search", body)
            out.extend(reply.get("results", []))
            after = ((reply.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return out

    async def company_ids(self, domains: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for part in chunks(domains):
            filters = [{"propertyName": "domain", "operator": "IN", "values": part}]
            for row in await self.search_all("companies", filters, ["domain"]):
                found.setdefault(str(row["properties"].get("domain", "")).lower(), str(row["id"]))
        return found


def _retry_after(response: httpx.Response, attempt: int) -> float:
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return min(0.25 * 2.0**attempt, 8.0)
    return float(min(max(seconds, 0.0), 30.0))


def _json_or_raise(response: httpx.Response, path: str) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code == 401:
        raise ConfigError("HubSpot refused the token (401): check HUBSPOT_ACCESS_TOKEN (a private-app token)")
    if response.status_code >= 400:
        message = data.get("message") if isinstance(data, dict) else None
        raise PermanentError(f"HubSpot {path}: {response.status_code} {message or response.text[:200]}")
    if not isinstance(data, dict):
        raise PermanentError(f"HubSpot {path}: expected a JSON object, got {type(data).__name__}")
    return data


def _company_properties(row: dict[str, Any]) -> dict[str, str]:
    facts = [
        f"PMS: {row['pms']}" if row["pms"] else "",
        f"{row['units_estimate']} units" if row["units_estimate"] else "",
    ]
    facts.append(f"fit {row['fit_score']}" if row["fit_score"] != "" else "")
    return {
        "name": row["company_name"],
        "domain": row["domain"],
        "website": row["website"],
        "city": row["city"],
        "state": row["state"],
        "description": "; ".join(f for f in [*facts, f"leadscout run {row['run_id']}"] if f),
    }


def _contact_properties(row: dict[str, Any]) -> dict[str, str]:
    first, _, last = row["full_name"].partition(" ")
    props = {"email": row["email"].lower(), "firstname": first, "lastname": last, "jobtitle": row["title"]}
    props |= {"company": row["company_name"], "website": f"http://{row['company_domain']}/"}
    return {k: v for k, v in props.items() if v}


async def push_run(store: Store, hubspot: HubSpot, run_id: UUID | str) -> PushReport:
    companies, contacts = await export_rows(store, run_id)
    report = PushReport()
    ids = await hubspot.company_ids([c["domain"] for c in companies])
    new = [c for c in companies if c["domain"] not in ids]
    old = [c for c in companies if c["domain"] in ids]
    for part in chunks(new):
        reply = await hubspot.call(
            "/crm/v3/objects/companies/batch/create", {"inputs": [{"properties": _company_properties(c)} for c in part]}
        )
        for record in reply.get("results", []):
            ids[str(record["properties"]["domain"]).lower()] = str(record["id"])
        report.companies_created += len(part)
    for part in chunks(old):
        inputs = [{"id": ids[c["domain"]], "properties": _company_properties(c)} for c in part]
        await hubspot.call("/crm/v3/objects/companies/batch/update", {"inputs": inputs})
        report.companies_updated += len(part)
    with_email = [c for c in contacts if c["email"]]
    report.contacts_skipped_no_email = len(contacts) - len(with_email)  # HubSpot dedupes contacts by email only
    pairs: list[tuple[str, str]] = []
    for part in chunks(with_email):
        inputs = [{"idProperty": "email", "id": c["email"].lower(), "properties": _contact_properties(c)} for c in part]
        reply = await hubspot.call("/crm/v3/objects/contacts/batch/upsert", {"inputs": inputs})
        by_email = {str(r["properties"]["email"]).lower(): str(r["id"]) for r in reply.get("results", [])}
        pairs += [(by_email[c["email"].lower()], ids[c["company_domain"]]) for c in part if c["company_domain"] in ids]
        report.contacts_upserted += len(part)
    for pair_part in chunks(pairs):
        links = [{"from": {"id": contact}, "to": {"id": company}} for contact, company in pair_part]
        await hubspot.call("/crm/v4/associations/contact/company/batch/associate/default", {"inputs": links})
        report.associations += len(pair_part)
    report.rate_limited = hubspot.rate_limited
    return report


async def sync_suppression(store: Store, hubspot: HubSpot, days: int = 90) -> SuppressionReport:
    report = SuppressionReport()
    customers = await hubspot.search_all(
        "companies", [{"propertyName": "lifecyclestage", "operator": "EQ", "value": "customer"}], ["domain"]
    )
    since = int((datetime.now(UTC) - timedelta(days=days)).timestamp() * 1000)
    contacted = await hubspot.search_all(
        "companies", [{"propertyName": "notes_last_contacted", "operator": "GTE", "value": str(since)}], ["domain"]
    )
    report.customers, report.recently_contacted = len(customers), len(contacted)
    for found, reason in ((customers, "customer"), (contacted, f"contacted_last_{days}d")):
        for row in found:
            try:
                domain = registrable_domain(str(row["properties"].get("domain") or ""))
            except InvalidDomain:
                continue
            report.added += await store.add_blocked_domain(domain, reason, "hubspot")
    return report
