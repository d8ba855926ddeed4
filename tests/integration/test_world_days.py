"""A sandbox world served on a later day, over real HTTP: what closed no longer resolves, what
opened answers and is found by the search API, and the truth (served and exported by the CLI)
lists what changed since day 0."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from pytest import MonkeyPatch

from leadscout.db.store import Store
from leadscout.research.web.cache import PgPageCache
from leadscout.research.web.fetch import Fetcher, FetchPolicy
from leadscout.research.web.http import make_client
from leadscout.sandbox import pages
from leadscout.sandbox.faults import LatencyProfile
from leadscout.sandbox.server import SandboxServer, _validators
from leadscout.sandbox.world import build
from tests.conftest import leadscout


def test_a_later_day_is_served_as_it_is_that_day() -> None:
    expected = build(7, day=3)
    closed = next(c for c in expected.changes if c.change == "closed")
    opened = next(c for c in expected.changes if c.change == "opened")
    with SandboxServer(seed=7, day=3, timeout_seconds=3) as server, httpx.Client(proxy=server.url, timeout=10) as web:
        assert web.get(f"http://www.{closed.domain}/").status_code == 502
        home = web.get(f"http://www.{opened.domain}/")
        assert home.status_code == 200 and opened.new in home.text
        with httpx.Client(timeout=10) as local:
            found = local.get(f"{server.url}/search", params={"q": opened.new, "format": "json"}).json()
            served = local.get(f"{server.url}/truth.json").json()
    assert any(opened.domain in r["url"] for r in found["results"])
    assert served["day"] == 3 and [c["domain"] for c in served["changes"]] == [c.domain for c in expected.changes]
    with SandboxServer(seed=7, timeout_seconds=3) as today, httpx.Client(proxy=today.url, timeout=10) as web:
        assert web.get(f"http://www.{closed.domain}/").status_code != 502  # it was open on day 0
        assert web.get(f"http://www.{opened.domain}/").status_code == 502  # and this one did not exist


def test_the_truth_of_a_day_is_exported_and_a_negative_day_is_refused(tmp_path: Path, dsn: str) -> None:
    out = tmp_path / "day2.json"
    done = leadscout("sandbox", "truth", "--day", "2", "--style", "wild", "--out", str(out), dsn=dsn)
    assert done.returncode == 0 and "changes since day 0" in done.stdout
    data = json.loads(out.read_text())
    assert data["day"] == 2 and data["style"] == "wild" and data["changes"]
    assert {"day", "domain", "change", "field", "old", "new"} <= set(data["changes"][0])
    refused = leadscout("sandbox", "truth", "--day", "-1", "--out", str(out), dsn=dsn)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr and "--day -1" in refused.stderr


async def test_a_stored_page_is_reread_with_a_conditional_request(store: Store, monkeypatch: MonkeyPatch) -> None:
    """Re-reading known companies (monitors): a page the server says is unchanged costs one request
    and no body (304); a server that sends no validators is read whole and compared by hash; a
    company that changed since is read anew."""
    later = build(7, day=6)
    changed = {c.domain for c in later.changes if c.change in ("pms_switched", "units_changed")}
    by_kind = {}
    for c in build(7).companies:  # one company per way its server dates pages (see sandbox.server)
        kind = tuple(sorted(_validators(c, "x")))
        if c.health == "ok" and c.domain not in changed and kind not in by_kind:
            by_kind[kind] = c
    home = {d: pages.company_page(build(7).by_domain[d], "/")[1] for d in changed}
    switched = next(  # a company whose home page reads differently six days on, and whose server dates pages
        later.by_domain[d]
        for d in sorted(changed)
        if _validators(later.by_domain[d], "x") and pages.company_page(later.by_domain[d], "/")[1] != home[d]
    )
    urls = [c.website for c in by_kind.values()] + [switched.website]
    assert len(by_kind) == 4  # ETag and Last-Modified, each alone, neither
    no_latency = LatencyProfile(search=0, fetch=(0, 0))
    with SandboxServer(seed=7, timeout_seconds=3, latency=no_latency) as today:
        for key, value in today.env().items():
            monkeypatch.setenv(key, value)
        async with make_client(timeout=5) as client:
            first = Fetcher(client, FetchPolicy(politeness_delay=0), cache=PgPageCache(store))
            stored = {url: await first.fetch(url) for url in urls}
            await first.flush()
            again = Fetcher(client, FetchPolicy(politeness_delay=0, revalidate=True), cache=PgPageCache(store))
            reread = {url: await again.fetch(url) for url in urls}
        assert today.app.latency is not None
        asked = today.app.latency.paths
    unchanged = [c.website for kind, c in by_kind.items() if kind]
    assert all(reread[u].revalidated and reread[u].text == stored[u].text for u in [*unchanged, switched.website])
    assert again.stats["not_modified"] == len(unchanged) + 1
    blind = by_kind[()].website  # no validators: read whole, the same bytes as stored
    assert not reread[blind].revalidated and reread[blind].content_hash == stored[blind].content_hash
    assert all(asked[u.removeprefix("http://").removesuffix("/") + "/"] == 2 for u in urls)  # one read each time
    with SandboxServer(seed=7, day=6, timeout_seconds=3) as six_days_on:
        for key, value in six_days_on.env().items():
            monkeypatch.setenv(key, value)
        async with make_client(timeout=5) as client:
            fresh = Fetcher(client, FetchPolicy(politeness_delay=0, revalidate=True), cache=PgPageCache(store))
            moved = await fresh.fetch(switched.website)
    assert moved.ok and not moved.revalidated and moved.content_hash != stored[switched.website].content_hash
