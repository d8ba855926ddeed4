"""A local HubSpot double: the v3/v4 CRM endpoints leadscout uses, with HubSpot's JSON
shapes, bearer-token auth and a per-second rate limit answered with 429 + Retry-After.
State lives in memory; ``HubSpotDouble.companies`` / ``contacts`` / ``associations`` let tests
look inside. It is a double of the documented API, never checked against the live service."""

from __future__ import annotations

import itertools
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


def _error(status: int, message: str, category: str) -> JSONResponse:
    return JSONResponse(
        {"status": "error", "message": message, "category": category, "correlationId": "sandbox"}, status
    )


class HubSpotDouble:
    def __init__(self, token: str = "sandbox-token", per_second: int = 5) -> None:
        self.token = token
        self.per_second = per_second
        self.companies: dict[str, dict[str, Any]] = {}  # id -> {"id", "properties"}
        self.contacts: dict[str, dict[str, Any]] = {}
        self.associations: set[tuple[str, str]] = set()  # (contact id, company id)
        self.calls: list[str] = []
        self.rate_limited = 0
        self._ids = itertools.count(1001)
        self._window: list[float] = []
        self.app = self._build()

    def _limited(self) -> bool:
        now = time.monotonic()
        self._window = [t for t in self._window if now - t < 1.0]
        if len(self._window) >= self.per_second:
            self.rate_limited += 1
            return True
        self._window.append(now)
        return False

    def _new(self, store: dict[str, dict[str, Any]], properties: dict[str, Any]) -> dict[str, Any]:
        record_id = str(next(self._ids))
        record = {"id": record_id, "properties": dict(properties), "archived": False}
        store[record_id] = record
        return record

    def _build(self) -> FastAPI:
        app = FastAPI(title="HubSpot double")

        @app.middleware("http")
        async def guard(request: Request, call_next: Any) -> Any:
            self.calls.append(f"{request.method} {request.url.path}")
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return _error(401, "Authentication credentials not found.", "INVALID_AUTHENTICATION")
            if self._limited():
                response = _error(429, "You have reached your secondly limit.", "RATE_LIMITS")
                response.headers["Retry-After"] = "1"
                return response
            return await call_next(request)

        @app.post("/crm/v3/objects/{kind}/search")
        async def search(kind: str, body: dict[str, Any]) -> Any:
            store = self.companies if kind == "companies" else self.contacts
            hits = [r for r in store.values() if _matches(r, body.get("filterGroups", []))]
            start = int(body.get("after") or 0)
            limit = min(int(body.get("limit", 10)), 200)
            page = hits[start : start + limit]
            reply: dict[str, Any] = {"total": len(hits), "results": page}
            if start + limit < len(hits):
                reply["paging"] = {"next": {"after": str(start + limit)}}
            return reply

        @app.post("/crm/v3/objects/companies/batch/create")
        async def create_companies(body: dict[str, Any]) -> Any:
            if len(body.get("inputs", [])) > 100:
                return _error(400, "Batch size exceeds 100", "VALIDATION_ERROR")
            results = [self._new(self.companies, i["properties"]) for i in body["inputs"]]
            return JSONResponse({"status": "COMPLETE", "results": results}, 201)

        @app.post("/crm/v3/objects/companies/batch/update")
        async def update_companies(body: dict[str, Any]) -> Any:
            results = []
            for item in body.get("inputs", []):
                record = self.companies.get(str(item["id"]))
                if record is None:
                    return _error(404, f"Object {item['id']} not found", "OBJECT_NOT_FOUND")
                record["properties"].update(item["properties"])
                results.append(record)
            return {"status": "COMPLETE", "results": results}

        @app.post("/crm/v3/objects/contacts/batch/upsert")
        async def upsert_contacts(body: dict[str, Any]) -> Any:
            results = []
            for item in body.get("inputs", []):
                if item.get("idProperty") != "email":
                    return _error(400, "idProperty must be a unique property", "VALIDATION_ERROR")
                email = str(item["id"]).lower()
                found = next((r for r in self.contacts.values() if r["properties"].get("email") == email), None)
                if found is None:
                    found = self._new(self.contacts, {**item["properties"], "email": email})
                else:
                    found["properties"].update(item["properties"])
                results.append(found)
            return {"status": "COMPLETE", "results": results}

        @app.post("/crm/v4/associations/contact/company/batch/associate/default")
        async def associate(body: dict[str, Any]) -> Any:
            results = []
            for item in body.get("inputs", []):
                pair = (str(item["from"]["id"]), str(item["to"]["id"]))
                if pair[0] not in self.contacts or pair[1] not in self.companies:
                    return _error(400, f"unknown object in {pair}", "VALIDATION_ERROR")
                self.associations.add(pair)
                results.append({"fromObjectTypeId": "0-1", "fromObjectId": pair[0], "toObjectId": pair[1]})
            return {"status": "COMPLETE", "results": results}

        return app


def _matches(record: dict[str, Any], groups: list[dict[str, Any]]) -> bool:
    """HubSpot search semantics: OR between filter groups, AND inside a group."""
    if not groups:
        return True
    return any(all(_test(record["properties"], f) for f in g.get("filters", [])) for g in groups)


def _test(props: dict[str, Any], f: dict[str, Any]) -> bool:
    value = props.get(f["propertyName"])
    op = f["operator"]
    if op == "EQ":
        return str(value) == str(f["value"])
    if op == "IN":
        return str(value) in {str(v) for v in f["values"]}
    if op == "GTE":
        return value is not None and float(value) >= float(f["value"])
    if op == "HAS_PROPERTY":
        return value not in (None, "")
    return False
