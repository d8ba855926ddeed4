"""Search answers shared by every worker, in PostgreSQL (``search_answers``): runs side by side on
other workers pay for a query once. A worker about to ask claims the query; another that wants it
meanwhile waits for the answer instead of paying again. A run reuses only answers given since it
started. A failing database never fails a search: the query is then simply asked."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from leadscout.db import outage
from leadscout.db.store import Store
from leadscout.research.web.cache import claim_polls
from leadscout.research.web.search import Answer, SearchResult

log = logging.getLogger(__name__)
CLAIM_SECONDS = 15.0  # a query's claim: a provider's slowest answer with its retries


@dataclass
class PgSearchShare:
    store: Store

    async def answer(self, provider: str, query: str, page: int, since: datetime) -> Answer | None:
        try:
            polls = claim_polls(CLAIM_SECONDS)
            while True:
                found, claimed = await self.store.search_answer(provider, query, page, since)
                if found is not None:
                    return found["answered_at"], [SearchResult.model_validate(r) for r in found["results"]]
                if not claimed and await self.store.claim_search(provider, query, page, CLAIM_SECONDS, since):
                    return None  # this worker asks (no answer came meanwhile: the claim says so)
                if await anext(polls, "stuck") == "stuck":
                    return None  # the other worker is stuck: ask anyway
        except Exception as exc:
            log.warning("shared search answer for %r not read: %s", query, outage.describe(exc))
            return None

    async def put(self, provider: str, query: str, page: int, results: list[SearchResult]) -> None:
        try:
            await self.store.put_search(provider, query, page, [r.model_dump(mode="json") for r in results])
        except Exception as exc:
            log.warning("search answer for %r not shared: %s", query, outage.describe(exc))

    async def release(self, provider: str, query: str, page: int) -> None:
        try:
            await self.store.release_search(provider, query, page)
        except Exception as exc:
            log.warning("search claim for %r not released: %s", query, outage.describe(exc))
