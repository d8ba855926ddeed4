"""The content-addressed page cache in PostgreSQL: record every fetch, replay them offline.

    LEADSCOUT_FETCH_CACHE=off      no cache
    LEADSCOUT_FETCH_CACHE=use      (default) read a page from the cache when it is younger than
                                   LEADSCOUT_FETCH_CACHE_MAX_AGE (a day), else fetch and record:
                                   research and contacts read the pages discovery fetched
    LEADSCOUT_FETCH_CACHE=record   always fetch, and record
    LEADSCOUT_FETCH_CACHE=replay   only read: a page not recorded is an error, nothing goes out
Bodies are stored once per SHA-256 of their bytes (``page_bodies``); ``page_cache`` maps URLs
to them with the status, final URL and fetch time."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from leadscout.db import outage
from leadscout.db.store import Store
from leadscout.research.fetch import FetchResult

MODES = ("off", "use", "record", "replay")
log = logging.getLogger(__name__)


@dataclass
class PgPageCache:
    store: Store
    read: bool = True
    max_age: float | None = None  # seconds; None: any age (replay)

    async def get(self, url: str) -> FetchResult | None:
        if not self.read:
            return None
        row = await self.store.cache_get(url, self.max_age)
        if row is None:
            return None
        return FetchResult(
            url=url,
            final_url=row["final_url"],
            status=row["status"],
            content_type=row["content_type"],
            text=row["body"] or "",
            ok=row["error"] is None,
            error=row["error"],
            truncated=row["truncated"],
            fetched_at=row["fetched_at"],
            content_hash=row["content_hash"],
        )

    async def put(self, result: FetchResult) -> None:
        """Record a fetch; a page that cannot be stored (binary junk with NUL bytes) is simply not
        cached, and a cache that fails never fails the fetch."""
        if "\x00" in result.text:
            return
        values = result.model_dump(
            include={"url", "final_url", "status", "content_type", "error", "truncated", "content_hash", "fetched_at"}
        )
        try:
            await self.store.cache_put(values, result.text if result.content_hash else None)
        except Exception as exc:
            if outage.is_outage(exc):
                raise  # the database is away: the job waits for it like any other call
            log.warning("page %s not cached: %s", result.url, outage.describe(exc))
