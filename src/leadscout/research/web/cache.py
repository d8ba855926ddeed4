"""The content-addressed page cache in PostgreSQL: record every fetch, replay them offline.

    LEADSCOUT_FETCH_CACHE=off      no cache
    LEADSCOUT_FETCH_CACHE=use      (default) read a page from the cache when it is younger than
                                   LEADSCOUT_FETCH_CACHE_MAX_AGE (a day), else fetch and record:
                                   research and contacts read the pages discovery fetched
    LEADSCOUT_FETCH_CACHE=record   always fetch, and record
    LEADSCOUT_FETCH_CACHE=replay   only read: a page not recorded is an error, nothing goes out
    LEADSCOUT_FETCH_CACHE=revalidate  a recorded page of any age is asked "changed since?" with the
                                   validators its server sent (If-None-Match / If-Modified-Since):
                                   a 304 costs a request but no body, and the stored page is used
Bodies are stored once per SHA-256 of their bytes (``page_bodies``); ``page_cache`` maps URLs
to them with the status, final URL and fetch time."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from psycopg_pool import PoolClosed

from leadscout.db import outage
from leadscout.db.store import Store
from leadscout.research.web.fetch import FetchResult

MODES = ("off", "use", "record", "replay", "revalidate")
log = logging.getLogger(__name__)
HOST_ROWS = 60  # a site's cached pages read in one query; a host with more is read a page at a time
HOST_TTL = 5.0  # seconds a host's cached pages are trusted (another process may be reading it too)
CLAIM_POLL = 0.3  # seconds before the first look for what another worker claimed (a page, a search answer)
MISS_RECHECK = 1.0  # seconds after which a page the host's read did not have is looked for again
FAILURE_SHARED = 3.0  # seconds a claimed fetch's failure answers the workers that waited on it
WRITE_DELAY = 0.3  # seconds a recorded page waits to be written with the others
WRITE_BATCH = 32


@dataclass
class PgPageCache:
    """Reads a host's cached pages in one query (a site's pages are read together), and writes
    recorded pages a few at a time in one transaction: one transaction per page is most of what a
    run costs the database. :meth:`flush` writes what waits (before work another process
    continues, such as a discovery batch's commit)."""

    store: Store
    read: bool = True
    max_age: float | None = None  # seconds; None: any age (replay)
    _hosts: dict[str, tuple[float, bool, dict[str, dict[str, Any]]]] = field(default_factory=dict, init=False)
    _waiting: list[tuple[dict[str, Any], str | None]] = field(default_factory=list, init=False)
    _writer: asyncio.Task[None] | None = field(default=None, init=False)

    async def get(self, url: str) -> FetchResult | None:
        if not self.read:
            return None
        host = urlsplit(url).netloc.lower()
        seen = self._hosts.get(host)
        if seen is None or _stale(seen, url):
            rows = await self.store.cache_host(host, self.max_age, HOST_ROWS)
            if len(self._hosts) > 5_000:
                self._hosts.clear()
            seen = (time.monotonic(), len(rows) < HOST_ROWS, {r["url"]: r for r in rows})
            self._hosts[host] = seen
        _, complete, rows_by_url = seen
        row = rows_by_url.get(url)
        if row is None and not complete:
            row = await self.store.cache_get(url, self.max_age)
        return None if row is None else _result(url, row)

    async def stored(self, url: str, max_age: float) -> FetchResult | None:
        """The recorded page younger than ``max_age`` seconds, whatever the cache's own age limit."""
        try:
            row = await self.store.cache_get(url, max_age)
        except Exception as exc:
            log.warning("cached page %s not read: %s", url, outage.describe(exc))
            return None
        return None if row is None else _result(url, row)

    async def claim(self, url: str, seconds: float) -> bool:
        """Whether this worker may fetch ``url`` now: no other worker is fetching it (a cache that
        fails says yes: the page is fetched twice at worst)."""
        try:
            return await self.store.claim_page(url, seconds)
        except Exception as exc:
            log.warning("page claim for %s failed: %s", url, outage.describe(exc))
            return True

    async def shared(self, url: str, seconds: float) -> FetchResult | None:
        """The page another worker is fetching, once it reaches the cache (None after ``seconds``)."""
        async for _ in claim_polls(seconds):
            try:
                row, claimed, failed = await self.store.shared_page(url, self.max_age)
            except Exception as exc:
                log.warning("shared page %s not read: %s", url, outage.describe(exc))
                return None
            if row is not None:
                return _result(url, row)
            if failed is not None:  # the fetch waited on failed for now: its failure, not a second ask
                return FetchResult(url=url, final_url=url, error=failed[0], status=failed[1])
            if not claimed:
                return None  # given up without a page: fetch it yourself
        return None

    async def release(self, url: str, failure: FetchResult | None = None) -> None:
        """Give up a claim without caching a page. A fetch that failed for now answers the workers
        waiting on it with its failure for FAILURE_SHARED seconds (one process's callers share
        it the same way); the next claim after that asks the site again."""
        try:
            if failure is not None and failure.transient and failure.error:
                await self.store.fail_page(url, failure.error, failure.status, FAILURE_SHARED)
            else:
                await self.store.release_pages([url])
        except PoolClosed:  # the process is stopping: the claim runs out by itself (claimed_until)
            log.debug("page claim for %s left to expire: the database pool is closed", url)
        except Exception as exc:
            log.warning("page claim for %s not released: %s", url, outage.describe(exc))

    async def put(self, result: FetchResult) -> None:
        """Record a fetch (soon, with others); a page that cannot be stored (binary junk with NUL
        bytes) is simply not cached, and a cache that fails never fails the fetch."""
        if "\x00" in result.text:
            return
        values = result.model_dump(
            include={
                *("url", "final_url", "status", "content_type", "error", "truncated", "content_hash"),
                *("fetched_at", "etag", "last_modified"),
            }
        )
        self._waiting.append((values, result.text if result.content_hash else None))
        if len(self._waiting) >= WRITE_BATCH:
            await self.flush()
        elif self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_soon())

    async def _write_soon(self) -> None:
        await asyncio.sleep(WRITE_DELAY)
        await self.flush()

    async def flush(self) -> None:
        pages, self._waiting = self._waiting, []
        if not pages:
            return
        try:
            await self.store.cache_put_many(pages)
        except PoolClosed:  # the process is stopping: the pages are fetched again if a run needs them
            log.debug("%d pages not cached: the database pool is closed", len(pages))
        except Exception as exc:  # the pages are fetched again if needed: a cache never fails work
            log.warning("%d pages not cached: %s", len(pages), outage.describe(exc))


async def claim_polls(seconds: float) -> AsyncIterator[None]:
    """The looks for what another worker claimed (a page, a search answer), for ``seconds``: often
    at first, then at most once a second (a slow site, a render, is asked about less often)."""
    deadline, pause = time.monotonic() + seconds, CLAIM_POLL
    while time.monotonic() < deadline:
        await asyncio.sleep(pause)
        pause = min(1.0, pause * 1.5)
        yield


def _stale(seen: tuple[float, bool, dict[str, dict[str, Any]]], url: str) -> bool:
    """A host's read is too old, or a page it lacked may have been cached since by another worker."""
    age = time.monotonic() - seen[0]
    return age > HOST_TTL or (age > MISS_RECHECK and url not in seen[2])


def _result(url: str, row: dict[str, Any]) -> FetchResult:
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
        etag=row.get("etag"),
        last_modified=row.get("last_modified"),
    )
