"""A page is fetched once across workers: two fetchers with caches of their own (two worker
processes) over one database, asking for the same pages at the same time, send each request to
the sandbox once; the one that waited gets the page from the cache, and a fetch that failed for now
answers the worker that waited on it with its failure."""

from __future__ import annotations

import asyncio
import logging
import time
from urllib.parse import urlsplit

from pytest import LogCaptureFixture, MonkeyPatch

from leadscout.config import Settings
from leadscout.db.connection import open_pool
from leadscout.db.store import Store
from leadscout.research.web.cache import PgPageCache
from leadscout.research.web.fetch import Fetcher, FetchPolicy, FetchResult
from leadscout.research.web.http import make_client
from leadscout.sandbox.faults import LatencyProfile
from leadscout.sandbox.server import SandboxServer
from leadscout.sandbox.world import build


async def test_two_workers_fetch_a_page_once(store: Store, monkeypatch: MonkeyPatch) -> None:
    sites = [c for c in build(7).companies if c.health == "ok"][:6]
    urls = [f"{c.website}{path}" for c in sites for path in ("", "about")]
    slow = LatencyProfile(search=0, fetch=(0.4, 0.4))  # long enough for both to ask while one fetches
    with SandboxServer(seed=7, timeout_seconds=3, latency=slow) as sandbox:
        for key, value in sandbox.env().items():
            monkeypatch.setenv(key, value)
        async with make_client(timeout=5) as client:
            one, two = (Fetcher(client, FetchPolicy(politeness_delay=0), cache=PgPageCache(store)) for _ in range(2))
            first, second = await asyncio.gather(
                asyncio.gather(*(one.fetch(u) for u in urls)), asyncio.gather(*(two.fetch(u) for u in urls))
            )
        assert sandbox.app.latency is not None
        asked = sandbox.app.latency.paths
    pages = {k: n for k, n in asked.items() if not k.endswith("/robots.txt")}
    assert len(pages) == len(urls) and set(pages.values()) == {1}, pages  # every page once, not twice
    assert all(n == 1 for k, n in asked.items() if k.endswith("/robots.txt"))
    assert [r.text for r in first] == [r.text for r in second] and all(r.ok for r in first)
    assert one.stats["shared"] + two.stats["shared"] == len(urls)  # the other half came from the cache


async def test_a_failed_fetch_answers_the_worker_that_waited_on_it(store: Store, monkeypatch: MonkeyPatch) -> None:
    """The second worker gets the first one's 503 at once, not its claim's 7 s, and does not ask the
    failing site again itself (one process's callers share a failure the same way)."""
    broken = next(c for c in build(7).companies if c.health == "error5xx")
    slow = LatencyProfile(search=0, fetch=(0.3, 0.3))  # the second asks while the first fetches
    with SandboxServer(seed=7, timeout_seconds=3, latency=slow) as sandbox:
        for key, value in sandbox.env().items():
            monkeypatch.setenv(key, value)
        async with make_client(timeout=5) as client:
            policy = FetchPolicy(politeness_delay=0, attempts=1, timeout=5)
            one, two = (Fetcher(client, policy, cache=PgPageCache(store)) for _ in range(2))
            started = time.monotonic()
            results = await asyncio.gather(one.fetch(broken.website), two.fetch(broken.website))
            waited = time.monotonic() - started
        assert sandbox.app.latency is not None
        asked = sandbox.app.latency.paths
    assert all(r.error == "http_503" for r in results)
    assert waited < 4, waited  # not the claim's 7 s: the failed fetch answered it
    home = f"{urlsplit(broken.website).hostname}/"
    assert asked[home] == 1, asked  # the site was asked once, not once per worker


async def test_a_claim_released_after_the_pool_closed_is_left_to_expire_quietly(
    dsn: str, settings: Settings, caplog: LogCaptureFixture
) -> None:
    """A cancelled fetch that gives its claim up while the process stops (its pool closed) warns no
    one: the claim runs out by itself. A quickstart run used to end on such a warning."""
    pool = open_pool(dsn, settings, max_size=2)
    await pool.open(wait=True)
    await pool.close()
    with caplog.at_level(logging.DEBUG, logger="leadscout.research.web.cache"):
        await PgPageCache(Store(pool)).release("http://www.example-pm.test/")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("left to expire" in r.getMessage() for r in caplog.records)


async def test_pages_written_after_the_pool_closed_are_dropped_quietly(
    dsn: str, settings: Settings, caplog: LogCaptureFixture
) -> None:
    """The pages a fetcher still holds when its process stops (its pool closed) are simply not
    cached, as a claim is left to expire: a benchmark's report used to end on such a warning."""
    pool = open_pool(dsn, settings, max_size=2)
    await pool.open(wait=True)
    await pool.close()
    cache = PgPageCache(Store(pool))
    page = FetchResult(url="http://www.example-pm.test/", final_url="http://www.example-pm.test/", status=200)
    with caplog.at_level(logging.DEBUG, logger="leadscout.research.web.cache"):
        await cache.put(page)
        await cache.flush()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("pool is closed" in r.getMessage() for r in caplog.records)
