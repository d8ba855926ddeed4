"""The sandbox web over real HTTP on loopback: one ASGI app that is both the search API
(requests to 127.0.0.1 / localhost) and a forward proxy for the world's hosts (requests in
absolute form, routed by their Host header, as any HTTP proxy receives them).

    HTTP_PROXY=http://127.0.0.1:PORT   -> fetches of http://www.<company>.com/ reach the world
    LEADSCOUT_SEARXNG_URL=http://127.0.0.1:PORT
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from leadscout.config import Settings
from leadscout.sandbox import pages, wild
from leadscout.sandbox.faults import FaultProfile, Injector, LatencyMeter, LatencyProfile
from leadscout.sandbox.hubspot import HubSpotDouble
from leadscout.sandbox.mail import MailServers
from leadscout.sandbox.search import SearchIndex
from leadscout.sandbox.world import (
    BLOG_HOST,
    DIRECTORY_HOSTS,
    FORUM_HOST,
    WORLD_EPOCH,
    World,
    WorldCompany,
    build,
    truth,
)
from leadscout.serving import ThreadedServer

Send = Callable[[dict[str, Any]], Awaitable[None]]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


class SandboxApp:
    def __init__(
        self,
        world: World,
        *,
        timeout_seconds: float = 20.0,
        faults: FaultProfile | None = None,
        latency: LatencyProfile | None = None,
    ) -> None:
        self.world = world
        self.injector = Injector(faults) if faults else None
        self.latency = LatencyMeter(latency) if latency else None
        self.index = SearchIndex(world)
        self.timeout_seconds = timeout_seconds
        self.hubspot = HubSpotDouble()  # the CRM double under /hubspot on the search host
        self.hits: Counter[str] = Counter()  # requests per host+path (for ratelimited sites)
        self.requests = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        self.requests += 1
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope["path"]
        if path.startswith(("http://", "https://")):  # absolute form: we are the proxy
            path = urlsplit(path).path or "/"
        host = headers.get("host", "").split(":")[0].lower()
        query = parse_qs(scope.get("query_string", b"").decode())
        if self.injector is not None and not path.startswith(("/hubspot/", "/truth.json", "/healthz")):
            qs = scope.get("query_string", b"").decode()
            key = f"{host}{path}" + (f"?{qs}" if qs else "")
            raw, send = send, self._logged(send, key)
            if await self._misbehave(send, raw, key, search=host in LOCAL_HOSTS):
                return
            world_site = self.world.by_domain.get(host.removeprefix("www."))
            if world_site is not None and world_site.health == "timeout" and path != "/robots.txt":
                self.injector.answered(key, 408)  # a site that never answers in time, logged as such
                send = raw
        if self.latency is not None and not path.startswith(("/hubspot/", "/truth.json", "/healthz")):
            qs = scope.get("query_string", b"").decode()  # page 2 of a list is another URL, with its own wait
            await self.latency.wait(f"{host}{path}" + (f"?{qs}" if qs and host not in LOCAL_HOSTS else ""),
                                    search=host in LOCAL_HOSTS)  # fmt: skip
        if scope["method"] == "CONNECT":
            await _respond(send, 502, "text/plain", b"HTTPS tunnels are not part of the sandbox")
        elif host in LOCAL_HOSTS and path.startswith("/hubspot/"):
            inner = path.removeprefix("/hubspot")
            scope = {**scope, "path": inner, "raw_path": inner.encode(), "root_path": ""}
            await self.hubspot.app(scope, receive, send)  # type: ignore[arg-type]
        elif host in LOCAL_HOSTS:
            await self._local(send, path, query)
        elif host in DIRECTORY_HOSTS:
            status, html = pages.directory_page(self.world, host, path, int(query.get("page", ["1"])[0] or 1))
            await _versioned(send, status, html, headers)
        elif host == BLOG_HOST:
            await _versioned(send, *pages.blog_page(self.world, path), headers)
        elif host == FORUM_HOST:
            await _versioned(send, *pages.forum_page(self.world, path), headers)
        else:
            await self._company(send, host, path, headers)

    def _logged(self, send: Send, key: str) -> Send:
        injector = self.injector
        assert injector is not None

        async def logged(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                injector.answered(key, int(message["status"]))
            await send(message)

        return logged

    async def _misbehave(self, send: Send, raw: Send, key: str, *, search: bool) -> bool:
        """Inject this URL's fault, if it has one; True when the answer was sent."""
        assert self.injector is not None
        fault = self.injector.fault_for(key, search=search)
        if fault is None:
            return False
        if fault == "slow":
            await asyncio.sleep(self.injector.profile.slow_seconds)
            return False
        if fault == "5xx":
            await _respond(send, 503, "text/html", b"<h1>503 Service Unavailable</h1>")
        elif fault == "429":
            await _respond(send, 429, "text/html", b"<h1>Too Many Requests</h1>", {"retry-after": "1"})
        elif fault == "dns":
            await _respond(send, 502, "text/plain", b"Bad Gateway: temporary failure in name resolution")
        elif fault == "timeout":
            self.injector.answered(key, 408)  # logged now: the client gives up long before we answer
            try:
                await asyncio.sleep(self.timeout_seconds)
            except asyncio.CancelledError:
                return True
            await _respond(raw, 504, "text/plain", b"too late")
        elif fault == "truncated":
            body = b"<html><body>" + b"cut short " * 400
            headers = [(b"content-type", b"text/html"), (b"content-length", str(len(body) * 2).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})
        elif fault == "garbage":
            noise = hashlib.sha256(key.encode()).digest() * 512 + b"<<<\x00\xff<div<<p>>"
            await _respond(send, 200, "text/html", noise)
        return True

    async def _local(self, send: Send, path: str, query: dict[str, list[str]]) -> None:
        if path == "/search":
            q = query.get("q", [""])[0]
            if query.get("format", ["html"])[0] != "json":
                await _respond(send, 403, "text/plain", b"format=json only")  # like SearXNG without html
                return
            page = max(1, int(query.get("pageno", ["1"])[0] or 1))
            body = json.dumps(self.index.searxng_json(q, page)).encode()
            await _respond(send, 200, "application/json", body)
        elif path == "/truth.json":
            await _respond(send, 200, "application/json", json.dumps(truth(self.world)).encode())
        elif path == "/healthz":
            await _respond(send, 200, "text/plain", b"ok")
        else:
            await _respond(send, 404, "text/plain", b"not found")

    async def _company(self, send: Send, host: str, path: str, headers: dict[str, str] | None = None) -> None:
        c = self.world.by_domain.get(host.removeprefix("www."))
        if c is None or c.health == "dead":
            # what a real proxy answers when the name does not resolve
            # (Squid's way of saying which: the name has no address, not a passing fault)
            await _respond(
                send, 502, "text/plain", f"Bad Gateway: cannot resolve {host}".encode(),
                {"x-squid-error": "ERR_DNS_FAIL 0"},
            )  # fmt: skip
            return
        if path == "/robots.txt":
            rules = "User-agent: *\nDisallow: /\n" if c.health == "robots_disallow" else wild.robots_txt(c)
            await _respond(send, 200, "text/plain", rules.encode())
            return
        if (kind := wild.bot_wall(c)) is not None:
            code, challenge, wall_headers = wild.challenge_page(kind)
            await _respond(send, code, "text/html; charset=utf-8", challenge.encode(), wall_headers)
            return
        if c.health == "timeout":
            try:
                await asyncio.sleep(self.timeout_seconds)
            except asyncio.CancelledError:  # server shutting down while a client waits: nothing to say
                return
        if c.health in ("error5xx", "down"):  # down: a bad day (timeline outage), back tomorrow
            await _respond(send, 503, "text/html", b"<h1>503 Service Unavailable</h1>")
            return
        if c.health == "ratelimited":
            self.hits[f"{host}{path}"] += 1
            if self.hits[f"{host}{path}"] % 2 == 1:  # every first try is refused, the retry passes
                await _respond(send, 429, "text/html", b"<h1>Too Many Requests</h1>", {"retry-after": "1"})
                return
        if c.health == "redirect_loop":
            target = "/loop-b" if path != "/loop-b" else "/loop-a"
            await _respond(send, 302, "text/html", b"", {"location": target})
            return
        if c.health == "parked":
            await _html(send, 200, pages.parked_page(c.domain))
            return
        if c.look is not None:
            status, html, extra = wild.company_page(c, path)
        else:
            status, html, extra = pages.company_page(c, path)
        if c.health == "latin1":  # legacy site: windows-1252 bytes and no charset in the header
            legacy = html.replace("<meta charset='utf-8'>", "").replace("</h1>", " - Se\u00f1or Caf\u00e9 Rentals</h1>")
            await _html(send, status, legacy, extra, encoding="cp1252", default_type="text/html")
            return
        if status == 200:
            validators = _validators(c, html)
            if validators and _not_modified(validators, headers or {}):
                await _respond(send, 304, "text/html; charset=utf-8", b"", validators)
                return
            extra = {**(extra or {}), **validators}
        await _html(send, status, html, extra)


def _validators(c: WorldCompany, html: str) -> dict[str, str]:
    """What a site's server says about a page's version, as real servers vary: an ETag and a
    Last-Modified (the day its company last changed), only one of them, or neither (a fetcher must
    then compare what it read with the page it stored)."""
    kind = int(hashlib.sha256(c.domain.encode()).hexdigest(), 16) % 4
    etag = f'"{hashlib.sha256(html.encode()).hexdigest()[:20]}"'
    changed = WORLD_EPOCH + timedelta(days=c.changed_on if c.changed_on is not None else 0)
    modified = format_datetime(changed, usegmt=True)
    return [{"etag": etag, "last-modified": modified}, {"etag": etag}, {"last-modified": modified}, {}][kind]


async def _versioned(send: Send, status: int, html: str, request: dict[str, str]) -> None:
    """A list page as directory software serves it: an ETag of its body, and 304 to a client that
    holds that version."""
    if status != 200:
        await _html(send, status, html)
        return
    validators = {"etag": f'"{hashlib.sha256(html.encode()).hexdigest()[:20]}"'}
    if _not_modified(validators, request):
        await _respond(send, 304, "text/html; charset=utf-8", b"", validators)
        return
    await _html(send, status, html, validators)


def _not_modified(validators: dict[str, str], request: dict[str, str]) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since."""
    if "if-none-match" in request:
        return "etag" in validators and validators["etag"] in [t.strip() for t in request["if-none-match"].split(",")]
    since = request.get("if-modified-since")
    return since is not None and "last-modified" in validators and since == validators["last-modified"]


async def _html(
    send: Send,
    status: int,
    html: str,
    extra: dict[str, str] | None = None,
    *,
    encoding: str = "utf-8",
    default_type: str = "text/html; charset=utf-8",
) -> None:
    headers = dict(extra or {})
    content_type = headers.pop("content-type", default_type)  # a sitemap says xml
    await _respond(send, status, content_type, html.encode(encoding, "replace"), headers)


async def _respond(
    send: Send, status: int, content_type: str, body: bytes, extra: dict[str, str] | None = None
) -> None:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SandboxServer:
    """Serve a world on 127.0.0.1 in a background thread (tests, ``leadscout run --sandbox``)."""

    def __init__(
        self,
        world: World | None = None,
        *,
        seed: int = 7,
        style: str = "classic",
        day: int = 0,
        scale: int = 1,
        port: int = 0,
        timeout_seconds: float = 20.0,
        faults: FaultProfile | None = None,
        latency: LatencyProfile | None = None,
    ) -> None:
        self.world = world or build(seed, style=style, day=day, scale=scale)
        self.app = SandboxApp(self.world, timeout_seconds=timeout_seconds, faults=faults, latency=latency)
        self.server = ThreadedServer(
            self.app,
            port=port,
            name="leadscout-sandbox",
            log_level="critical",  # clients that give up on a "timeout" site are expected here
            http="h11",
            timeout_graceful_shutdown=1,
        )
        self.port = 0
        self.mail = MailServers(self.world, self.app.injector)

    def __enter__(self) -> SandboxServer:
        self.mail.start()
        self.server.start()
        self.port = self.server.port
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop(timeout=5)
        self.mail.stop()

    def move_to(self, day: int) -> World:
        """Serve the same world ``day`` days on, on the same ports (long-running workers follow)."""
        w = self.world
        moved = build(w.seed, style=w.style, day=day, scale=w.scale)
        self.world = self.app.world = self.mail.world = self.mail.handler.world = moved
        self.app.index = SearchIndex(moved)
        if self.mail.dns is not None:
            self.mail.dns.server.resolver.world = moved
        return moved

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wiring(self) -> dict[str, str]:
        """What routes leadscout to this world, as its settings' variables: the proxy every page
        goes through, the search API, the HubSpot double, the DNS and SMTP servers, and where
        notifications go (the sandbox SMTP server accepts and keeps them)."""
        return {
            "LEADSCOUT_HTTP_PROXY": self.url,
            "LEADSCOUT_SEARCH_PROVIDER": "searxng",
            "LEADSCOUT_SEARXNG_URL": self.url,
            "HUBSPOT_API_BASE": f"{self.url}/hubspot",
            "HUBSPOT_ACCESS_TOKEN": "sandbox-token",
            "LEADSCOUT_NOTIFY_TO": "you@leadscout.sandbox",
            **self.mail.env(),
        }

    def settings_for(self, base: Settings) -> Settings:
        """``base`` routed to this world (in-process workers get it passed in, never through the
        process environment)."""
        wired = Settings.model_validate(self.wiring())  # from these variables only, not the environment
        return base.model_copy(update={name: getattr(wired, name) for name in wired.model_fields_set})

    def env(self) -> dict[str, str]:
        """The same wiring as environment variables, for worker processes this one starts; the
        standard proxy variables too, for clients other than leadscout's."""
        return {
            "HTTP_PROXY": self.url,
            "http_proxy": self.url,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            **self.wiring(),
        }
