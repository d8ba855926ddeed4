"""Research tools over real HTTP: the sandbox web (search API + forward proxy), the fetcher's
politeness and failure handling, search providers against protocol doubles, and the cache."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from leadscout.db.store import Store
from leadscout.errors import ConfigError, PermanentError, TransientError
from leadscout.research.web.cache import PgPageCache
from leadscout.research.web.fetch import Fetcher, FetchPolicy
from leadscout.research.web.http import make_client
from leadscout.research.web.search import (
    BraveProvider,
    MeteredProvider,
    SearxngProvider,
    SerperProvider,
    provider_from_env,
)
from leadscout.sandbox.server import SandboxServer
from leadscout.sandbox.world import World, WorldCompany, build

pytestmark = pytest.mark.integration


@pytest.fixture
def proxy_env(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in sandbox.env().items():
        monkeypatch.setenv(key, value)


@pytest.fixture
async def fetcher(proxy_env: None) -> AsyncIterator[Fetcher]:
    async with make_client(timeout=1.5) as client:
        yield Fetcher(client, FetchPolicy(timeout=1.5, politeness_delay=0.05))


def first(world: World, **match: Any) -> WorldCompany:
    return next(c for c in world.companies if all(getattr(c, k) == v for k, v in match.items()))


def test_same_seed_same_world_new_seed_new_world() -> None:
    a, b, c = build(7), build(7), build(8)
    assert [x.domain for x in a.companies] == [x.domain for x in b.companies]
    assert {x.domain for x in a.companies} != {x.domain for x in c.companies}
    assert len(a.companies) >= 8 * 40 and {x.metro for x in a.companies} >= {"Austin", "Denver", "Tampa"}
    kinds = {x.kind for x in a.companies}
    assert kinds >= {"property_manager", "hoa", "brokerage", "apartment_community", "vacation_rental"}
    assert len({x.pms for x in a.companies if x.pms}) >= 12
    assert {x.placement for x in a.companies if x.placement} == {
        "nav",
        "footer",
        "button",
        "iframe",
        "payrent_page",
        "redirect",
    }


async def test_searxng_compatible_search_ranks_by_page_text(sandbox: SandboxServer) -> None:
    async with httpx.AsyncClient() as client:
        provider = SearxngProvider(sandbox.url, client)
        results = await provider.search("property management companies Denver CO")
        raw = (await client.get(f"{sandbox.url}/search", params={"q": "x", "format": "json"})).json()
    assert {"query", "results", "number_of_results"} <= set(raw)
    assert len(results) == 10 and [r.rank for r in results] == list(range(1, 11))
    assert all("Denver, CO" in r.title for r in results[:3]), [r.title for r in results]
    assert sum("Denver" in r.title for r in results) >= 6
    c = first(sandbox.world, kind="property_manager", health="ok", metro="Tampa")
    async with httpx.AsyncClient() as client:
        named = await SearxngProvider(sandbox.url, client).search(f"{c.name} {c.city}")
    assert named[0].url.startswith(c.website.rstrip("/"))


async def test_proxy_serves_the_world_and_fetcher_reads_it(sandbox: SandboxServer, fetcher: Fetcher) -> None:
    c = first(sandbox.world, kind="property_manager", health="ok")
    result = await fetcher.fetch(c.website)
    assert result.ok and result.status == 200 and c.name in result.text
    assert result.content_hash and len(result.content_hash) == 64
    dead = first(sandbox.world, health="dead")
    failed = await fetcher.fetch(dead.website)
    # the proxy says the name has no address (Squid's ERR_DNS_FAIL): not a passing fault, not retried
    assert not failed.ok and failed.error == "dns_failure" and failed.attempts == 1


async def test_fetcher_failure_modes(sandbox: SandboxServer, fetcher: Fetcher) -> None:
    world = sandbox.world
    robots = await fetcher.fetch(first(world, health="robots_disallow").website)
    assert robots.error == "robots_disallowed" and robots.attempts == 0
    loop = await fetcher.fetch(first(world, health="redirect_loop").website)
    assert loop.error == "redirect_loop"
    five = await fetcher.fetch(first(world, health="error5xx").website)
    assert five.error == "http_503" and five.attempts == 3
    limited = await fetcher.fetch(first(world, health="ratelimited").website)
    assert limited.ok and limited.attempts == 2  # 429 + Retry-After, then success
    started = time.monotonic()
    slow = await fetcher.fetch(first(world, health="timeout").website)
    # a timeout is not asked again at once: a site that did not answer rarely answers the moment after
    assert slow.error == "timeout" and slow.attempts == 1 and time.monotonic() - started < 15
    legacy_company = first(world, health="latin1")
    legacy = await fetcher.fetch(legacy_company.website)
    assert legacy.ok and "Señor Café" in legacy.text  # windows-1252 bytes, no charset header
    missing = await fetcher.fetch(first(world, health="ok").website + "no-such-page")
    assert missing.error == "http_404" and missing.attempts == 1  # not transient: no retry


async def test_redirect_to_a_portal_is_captured_not_followed(sandbox: SandboxServer, fetcher: Fetcher) -> None:
    c = first(sandbox.world, placement="redirect", health="ok")
    result = await fetcher.fetch(f"{c.website}portal")
    assert result.ok and result.final_url == c.portal_url


async def test_byte_cap_and_content_type(sandbox: SandboxServer, proxy_env: None) -> None:
    async with make_client() as client:
        small = Fetcher(client, FetchPolicy(max_bytes=300, politeness_delay=0, allow_hosts=frozenset({"127.0.0.1"})))
        result = await small.fetch(first(sandbox.world, health="ok").website)
        assert result.ok and result.truncated and len(result.text.encode()) <= 300
        json_page = await small.fetch(f"{sandbox.url}/truth.json")
    assert json_page.error == "content_type:application/json"


async def test_ssrf_private_targets_refused_without_a_proxy(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(key, raising=False)
    async with make_client() as client:
        fetcher = Fetcher(client, FetchPolicy(politeness_delay=0))
        for url in (
            f"{sandbox.url}/healthz",
            "http://localhost:1/",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.1/",
            "http://[::1]:8080/",
        ):
            assert (await fetcher.fetch(url)).error == "ssrf_blocked", url
        allowed = Fetcher(client, FetchPolicy(politeness_delay=0, allow_hosts=frozenset({"127.0.0.1"})))
        assert (await allowed.fetch(f"{sandbox.url}/healthz")).ok


async def test_politeness_spaces_requests_to_one_host(sandbox: SandboxServer, proxy_env: None) -> None:
    import asyncio

    c = first(sandbox.world, health="ok")
    async with make_client() as client:
        fetcher = Fetcher(client, FetchPolicy(politeness_delay=0.3, per_host_concurrency=1))
        await fetcher.fetch(c.website)  # robots.txt is read once first
        started = time.monotonic()
        await asyncio.gather(*(fetcher.fetch(f"{c.website}{p}") for p in ("about", "team", "contact")))
    assert time.monotonic() - started >= 0.6


async def test_page_cache_records_and_replays(sandbox: SandboxServer, proxy_env: None, store: Store) -> None:
    c = first(sandbox.world, health="ok")
    async with make_client() as client:
        recorder = Fetcher(client, FetchPolicy(politeness_delay=0), cache=PgPageCache(store, read=False))
        live = await recorder.fetch(c.website)
        await recorder.flush()  # recorded pages are written a few at a time
    async with make_client(transport=httpx.MockTransport(lambda r: httpx.Response(500))) as offline:
        replay = Fetcher(offline, cache=PgPageCache(store), replay_only=True)
        again = await replay.fetch(c.website)
        assert again.from_cache and again.text == live.text and again.content_hash == live.content_hash
        assert (await replay.fetch(c.website + "about")).error == "not_in_cache"


# -- search providers against protocol doubles (they were never run against the live APIs) -----
class ProviderDouble:
    """Speaks Serper's and Brave's JSON over real HTTP, and checks their auth headers."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.requests.append(
            {"path": scope["path"], "headers": headers, "body": body, "query": scope["query_string"].decode()}
        )
        status, payload = 404, {}
        if scope["path"] == "/search" and scope["method"] == "POST":
            status, payload = (
                (401, {"message": "bad key"})
                if headers.get("x-api-key") != "serper-key"
                else (200, {"organic": [{"title": "Acme PM", "link": "https://acme-pm.com/", "snippet": "Austin PM"}]})
            )
        elif scope["path"] == "/res/v1/web/search":
            status, payload = (
                (429, {})
                if headers.get("x-subscription-token") != "brave-key"
                else (
                    200,
                    {"web": {"results": [{"title": "Oak PM", "url": "https://oak-pm.com/", "description": "d"}]}},
                )
            )
        data = json.dumps(payload).encode()
        await send(
            {"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]}
        )
        await send({"type": "http.response.body", "body": data})


@pytest.fixture(scope="module")
def double() -> Iterator[tuple[str, ProviderDouble]]:
    app = ProviderDouble()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}", app
    server.should_exit = True
    thread.join(5)


async def test_serper_and_brave_protocols(double: tuple[str, ProviderDouble]) -> None:
    url, app = double
    async with httpx.AsyncClient() as client:
        serper = await SerperProvider("serper-key", client, url).search("property management austin")
        assert [(r.url, r.title, r.rank, r.provider) for r in serper] == [
            ("https://acme-pm.com/", "Acme PM", 1, "serper")
        ]
        sent = json.loads(app.requests[-1]["body"])
        assert sent["q"] == "property management austin" and app.requests[-1]["headers"]["x-api-key"] == "serper-key"
        with pytest.raises(PermanentError, match="SERPER_API_KEY"):
            await SerperProvider("wrong", client, url).search("x")
        brave = await BraveProvider("brave-key", client, url).search("oak", page=2)
        assert [(r.url, r.rank) for r in brave] == [("https://oak-pm.com/", 11)]
        assert "q=oak" in app.requests[-1]["query"] and "offset=1" in app.requests[-1]["query"]
        with pytest.raises(TransientError):
            await BraveProvider("wrong", client, url).search("x")  # 429: worth a retry


async def test_a_run_reuses_search_answers_given_since_it_started_or_within_the_hour(
    double: tuple[str, ProviderDouble],
) -> None:
    """Runs side by side pay once per query; a run started later reuses an answer younger than
    max_age (an hour by default), and past it asks again (a monitor's daily tick)."""
    from datetime import UTC, datetime
    from uuid import uuid4

    from leadscout import usage

    url, app = double
    async with httpx.AsyncClient() as client:
        provider = MeteredProvider(SerperProvider("serper-key", client, url), max_age=0)
        within_the_hour = MeteredProvider(SerperProvider("serper-key", client, url))
        before = len(app.requests)
        first_run, twin = datetime.now(UTC), datetime.now(UTC)
        with usage.metering(usage.Meter(uuid4(), "discovery", since=first_run)):
            await provider.search("property management austin")
        with usage.metering(usage.Meter(uuid4(), "discovery", since=twin)):
            assert [r.url for r in await provider.search("property management austin")] == ["https://acme-pm.com/"]
        assert len(app.requests) == before + 1
        next_tick = datetime.now(UTC)
        with usage.metering(usage.Meter(uuid4(), "discovery", since=next_tick)):
            await provider.search("property management austin")
        assert len(app.requests) == before + 2
        for started in (next_tick, datetime.now(UTC)):
            with usage.metering(usage.Meter(uuid4(), "discovery", since=started)):
                await within_the_hour.search("property management austin")
        assert len(app.requests) == before + 3


async def test_no_claim_to_ask_a_query_another_worker_has_just_answered(store: Store) -> None:
    """A worker looked (no answer yet), another answered, then the first claims: it must not ask again."""
    import asyncio
    from datetime import UTC, datetime, timedelta

    query = "property management austin race"
    looked = datetime.now(UTC)
    await store.put_search("serper", query, 1, [{"url": "https://acme-pm.com/", "title": "Acme"}])
    assert not await store.claim_search("serper", query, 1, 15.0, looked)
    await asyncio.sleep(0.01)
    assert await store.claim_search("serper", query, 1, 15.0, datetime.now(UTC) + timedelta(seconds=1))


async def test_workers_side_by_side_pay_once_for_a_query(double: tuple[str, ProviderDouble], store: Store) -> None:
    """Two workers (two providers, one database) asked the same query at once: one asks the
    provider, the other waits for its answer; a run started after it asks again."""
    import asyncio
    from datetime import UTC, datetime
    from uuid import uuid4

    from leadscout import usage
    from leadscout.research.web.search_share import PgSearchShare

    url, app = double
    query = f"property management austin {uuid4().hex[:6]}"

    async def ask(provider: MeteredProvider, since: datetime) -> list[str]:
        with usage.metering(usage.Meter(uuid4(), "discovery", since=since)):
            return [r.url for r in await provider.search(query)]

    async with httpx.AsyncClient() as client:
        workers = [MeteredProvider(SerperProvider("serper-key", client, url), max_age=0) for _ in range(2)]
        for provider in workers:
            provider.shared = PgSearchShare(store)
        before, started = len(app.requests), datetime.now(UTC)
        answers = await asyncio.gather(ask(workers[0], started), ask(workers[1], started))
        assert answers == [["https://acme-pm.com/"]] * 2 and len(app.requests) == before + 1
        assert await ask(workers[1], datetime.now(UTC)) == ["https://acme-pm.com/"]
        assert len(app.requests) == before + 2  # a later run: the web may have changed

        # an answer taken from another worker keeps its own age: it is not made younger by the taking
        query = f"property management dallas {uuid4().hex[:6]}"
        given, taker = (MeteredProvider(SerperProvider("serper-key", client, url), max_age=0.5) for _ in range(2))
        taker.shared = given.shared = PgSearchShare(store)
        run_started = datetime.now(UTC)
        await ask(given, run_started)
        await asyncio.sleep(0.3)
        await ask(taker, run_started)
        assert len(app.requests) == before + 3
        await asyncio.sleep(0.3)
        await ask(taker, datetime.now(UTC))  # 0.6 s after the answer, past max_age
        assert len(app.requests) == before + 4


def test_no_provider_names_the_choices_and_sandbox() -> None:
    with pytest.raises(ConfigError) as info:
        provider_from_env(httpx.AsyncClient(), env={})
    message = str(info.value)
    for word in ("LEADSCOUT_SEARXNG_URL", "SERPER_API_KEY", "BRAVE_API_KEY", "--sandbox"):
        assert word in message
    configured = provider_from_env(httpx.AsyncClient(), env={"SERPER_API_KEY": "k"})
    assert isinstance(configured, MeteredProvider) and isinstance(configured.inner, SerperProvider)


class _Recorder:
    """A plain HTTP server on 127.0.0.1 that records what reaches it (the 'internal service')."""

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        hits: list[str] = []
        self.hits = hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(f"{self.headers.get('Host')}{self.path}")
                if self.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", f"http://internal.example:{self.server.server_address[1]}/x")
                    self.end_headers()
                    return
                body = b"<html><body>internal secret</body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


async def test_dns_rebinding_and_redirects_cannot_reach_a_private_address(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(key, raising=False)
    internal = _Recorder()
    asked: list[str] = []

    async def rebinding(host: str) -> list[str]:
        """A public answer for the check, then the internal address (a rebinding attacker's DNS). The
        name is localhost, so a client that resolved again for the connection would reach 127.0.0.1."""
        asked.append(host)
        return ["93.184.216.34"] if len(asked) == 1 else ["127.0.0.1"]

    try:
        async with make_client(timeout=1.0) as client:
            policy = FetchPolicy(politeness_delay=0, attempts=1, timeout=1.0)
            first = await Fetcher(client, policy, resolver=rebinding).fetch(f"http://localhost:{internal.port}/")
            assert not first.ok and internal.hits == []  # it connected to the checked (public) address, not 127.0.0.1
            assert asked == ["localhost"]  # one answer per hop: the check and the connection share it
            second = await Fetcher(client, policy, resolver=rebinding).fetch(f"http://localhost:{internal.port}/")
            assert second.error == "ssrf_blocked" and internal.hits == []

            async def internal_dns(host: str) -> list[str]:
                return ["10.1.2.3"]

            hop = Fetcher(
                client, FetchPolicy(politeness_delay=0, allow_hosts=frozenset({"127.0.0.1"})), resolver=internal_dns
            )
            redirected = await hop.fetch(f"http://127.0.0.1:{internal.port}/redirect")
            assert redirected.error == "ssrf_blocked" and redirected.final_url.startswith("http://internal.example")
            assert [h.split("/", 1)[1] for h in internal.hits] == ["robots.txt", "redirect"]  # never /x
    finally:
        internal.close()


def test_a_pinned_request_keeps_the_name_for_host_and_tls() -> None:
    from leadscout.research.web.fetch import _pinned

    url, options = _pinned("https://www.acme-pm.com:8443/about?x=1", "93.184.216.34")
    assert url == "https://93.184.216.34:8443/about?x=1"
    assert options == {"headers": {"Host": "www.acme-pm.com:8443"}, "extensions": {"sni_hostname": "www.acme-pm.com"}}
    assert _pinned("http://a.com/", "2001:db8::1")[0] == "http://[2001:db8::1]/"
    assert _pinned("http://a.com/", None) == ("http://a.com/", {})
