"""The fetcher: polite, bounded, transient-only retries, SSRF-safe. Built on httpx.

* per-host concurrency and a politeness delay between requests to one host;
* robots.txt honoured (urllib.robotparser), cached per host;
* timeouts, a cap on bytes, a cap on redirects (followed here, each hop checked), HTML/text
  content types only, charset detection when the server names none;
* retries only on transient failures (timeouts, connection errors, 429 with Retry-After, 5xx);
* no private, loopback or link-local targets unless a configured proxy carries the request
  or the host is on the allowlist. The address that was checked is the address connected to
  (the request goes to that IP with the Host header and TLS SNI of the name), at every redirect
  hop and for robots.txt, so a DNS answer that changes between check and connect (rebinding)
  cannot reach a private network.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
from pydantic import BaseModel, Field

from leadscout import usage
from leadscout.addresses import is_private_address, resolve_host
from leadscout.domains import is_vendor_host
from leadscout.models import Evidence
from leadscout.research.web.appshell import needs_browser
from leadscout.research.web.botwall import wall
from leadscout.research.web.http import USER_AGENT, proxied
from leadscout.research.web.render import Renderer

TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")  # xml: sitemaps
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
TRANSIENT_ERRORS = frozenset({"timeout", "connect_error", *(f"http_{status}" for status in RETRY_STATUSES)})


class FetchPolicy(BaseModel):
    timeout: float = 10.0
    max_bytes: int = 2_000_000
    max_redirects: int = 5
    per_host_concurrency: int = 2
    politeness_delay: float = 0.25
    attempts: int = 3
    revalidate: bool = False  # a cached page is asked "changed since?" (If-None-Match / If-Modified-Since), not trusted
    timeout_attempts: int = 1  # a site silent for `timeout` is rarely quicker at once; a later job may ask again
    max_retry_after: float = 10.0
    wall_retry_delay: float = 2.0  # a challenge page is asked once more, after this pause, never hard
    allow_hosts: frozenset[str] = Field(default_factory=frozenset)
    proxy: str | None = None  # the proxy the client was made with (it resolves names, not us)


class FetchResult(BaseModel):
    url: str
    final_url: str
    status: int | None = None
    content_type: str | None = None
    text: str = ""
    ok: bool = False
    error: str | None = None  # timeout | http_503 | robots_disallowed | bot_protection | redirect_loop | ...
    wall: str | None = None  # bot_protection: whose challenge page stood in front of the site
    rendered: bool = False  # the text is the DOM after the page's scripts ran (a JS app)
    truncated: bool = False
    attempts: int = 0
    fetched_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    content_hash: str | None = None
    from_cache: bool = False
    etag: str | None = None  # the server's validators, for a later conditional read
    last_modified: str | None = None
    revalidated: bool = False  # read from the cache after the server said it had not changed (304)
    unchanged: bool = False  # asked again, it says what the cached copy said (a 304, or the same body)

    @property
    def transient(self) -> bool:
        """The failure may pass (a timeout, a dropped connection, 429 or 5xx): worth asking again later."""
        return self.error in TRANSIENT_ERRORS

    def evidence(self, quote: str, tool: str) -> Evidence:
        """Proof quoted from this page: its URL, the words (whitespace folded, at most 300 characters),
        when it was fetched and the hash of what was read."""
        return Evidence(
            url=self.final_url,
            quote=" ".join(quote.split())[:300],
            source=tool,
            fetched_at=self.fetched_at,
            content_hash=self.content_hash,
            origin=self.url if self.url != self.final_url else None,
        )


class PageCache(Protocol):
    async def stored(self, url: str, max_age: float) -> FetchResult | None: ...
    async def get(self, url: str) -> FetchResult | None: ...
    async def put(self, result: FetchResult) -> None: ...
    async def flush(self) -> None: ...
    async def claim(self, url: str, seconds: float) -> bool: ...
    async def shared(self, url: str, seconds: float) -> FetchResult | None: ...
    async def release(self, url: str, failure: FetchResult | None = None) -> None: ...


class _Transient(Exception):
    def __init__(self, error: str, retry_after: float = 0.0, wall: str | None = None) -> None:
        super().__init__(error)
        self.error, self.retry_after, self.wall = error, retry_after, wall


class Fetcher:
    def __init__(
        self,
        client: httpx.AsyncClient,
        policy: FetchPolicy | None = None,
        *,
        cache: PageCache | None = None,
        replay_only: bool = False,
        resolver: Callable[[str], Awaitable[list[str]]] | None = None,
        renderer: Renderer | None = None,
    ) -> None:
        self.client = client
        self.renderer = renderer
        self.resolve = resolver or resolve_host
        self.policy = policy or FetchPolicy()
        self.cache = cache
        self.replay_only = replay_only
        self._host_locks: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.policy.per_host_concurrency)
        )
        self._last: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | None] = {}
        self._robots_loading: dict[str, asyncio.Future[RobotFileParser | None]] = {}
        self.stats: dict[str, int] = defaultdict(int)
        self._memo: dict[str, FetchResult] = {}  # this process already read it: no second request
        self._inflight: dict[str, asyncio.Task[FetchResult]] = {}
        self.walled: dict[str, str] = {}  # host -> the wall it showed: not asked again by this fetcher

    async def flush(self) -> None:
        """Write the pages the cache still holds (before another process goes on with this work)."""
        if self.cache is not None:
            await self.cache.flush()

    async def fetch(self, url: str) -> FetchResult:
        """One URL, read once per process: concurrent callers share the request, and a caller
        that is cancelled (a verification no longer needed) lets it finish for the next one."""
        if (seen := self._memo.get(url)) is not None:
            return seen
        task = self._inflight.get(url)
        if task is None:
            task = asyncio.create_task(self._fetch_uncached(url))
            self._inflight[url] = task
            task.add_done_callback(lambda done: self._remember(url, done))
        return await asyncio.shield(task)

    def _remember(self, url: str, done: asyncio.Task[FetchResult]) -> None:
        self._inflight.pop(url, None)
        if done.cancelled() or done.exception() is not None or done.result().transient:
            return  # a later caller (a retried job) asks the site again
        if len(self._memo) > 20_000:
            self._memo.clear()
        self._memo[url] = done.result()

    async def _fetch_uncached(self, url: str) -> FetchResult:
        cached = await self.cache.get(url) if self.cache is not None else None
        trusted = not self.policy.revalidate or self.replay_only  # replay never asks the site
        if cached is not None and trusted:
            self.stats["cache_hits"] += 1
            return cached.model_copy(update={"from_cache": True})
        if self.replay_only:
            return FetchResult(url=url, final_url=url, error="not_in_cache")
        claimed = cached is None and self.cache is not None and not self.policy.revalidate
        if claimed:
            assert self.cache is not None
            wait = self.policy.timeout + 2.0  # how long one fetch may take (a claim outlives a stuck worker)
            if (shared := await self._from_another_worker(url, wait)) is not None:
                self.stats["shared"] += 1  # another worker fetched it meanwhile
                return shared.model_copy(update={"from_cache": True})
        kept = False
        result: FetchResult | None = None
        try:
            result = await self._fetch_live(url, _conditions(cached))
            if cached is not None and result.status == 304:  # unchanged: the stored page, now confirmed
                self.stats["not_modified"] += 1
                confirmed = {"from_cache": True, "revalidated": True, "fetched_at": result.fetched_at}
                result = cached.model_copy(update=confirmed)
            same = result.ok and cached is not None and result.content_hash == cached.content_hash
            if result.revalidated or same:
                result = result.model_copy(update={"unchanged": True})
            if result.ok and not result.rendered and needs_browser(result.text):
                result = await self._rendered(result)
            kept = not result.transient and result.error not in ("ssrf_blocked", "needs_browser")
            if self.cache is not None and kept:
                await self.cache.put(result)  # its claim goes when it is written
            return result
        finally:
            if claimed and not kept and self.cache is not None:  # nothing to cache: a failure, or nothing
                await self.cache.release(url, result)

    async def stored(self, url: str, max_age: float) -> FetchResult | None:
        """The cached copy of ``url`` if it is younger than ``max_age`` seconds, without asking
        the site (for a page its neighbours showed unchanged), else None."""
        if (seen := self._memo.get(url)) is not None or self.cache is None:
            return seen
        stored = await self.cache.stored(url, max_age)
        return stored.model_copy(update={"from_cache": True}) if stored is not None and stored.ok else None

    async def _from_another_worker(self, url: str, wait: float) -> FetchResult | None:
        """The page another worker holds the claim to fetch, once it is cached; None when this
        worker takes the claim (it fetches the page) or the other gives up without it."""
        assert self.cache is not None
        if await self.cache.claim(url, wait):
            return None
        return await self.cache.shared(url, wait)

    async def _fetch_live(self, url: str, conditions: dict[str, str] | None = None) -> FetchResult:
        self.stats["fetches"] += 1
        usage.record_fetch()
        seen: list[str] = []
        current = url
        attempts = 0
        for _ in range(self.policy.max_redirects + 1):
            if (shown := self.walled.get(urlsplit(current).hostname or "")) is not None:
                return FetchResult(url=url, final_url=current, error="bot_protection", wall=shown, attempts=attempts)
            blocked, pin = await self._target(current)
            if blocked:
                return FetchResult(url=url, final_url=current, error=blocked, attempts=attempts)
            if not await self._robots_allow(current, pin):
                return FetchResult(url=url, final_url=current, error="robots_disallowed", attempts=attempts)
            result, tries = await self._get_with_retries(url, current, pin, conditions if current == url else None)
            attempts += tries
            result.attempts = attempts
            location = result.error == "redirect" and result.final_url
            if not location:
                return result
            seen.append(current)
            if location in seen:
                return result.model_copy(update={"error": "redirect_loop", "final_url": location})
            if is_vendor_host(location):  # a redirect into a PMS portal: that is the evidence, stop here
                return result.model_copy(update={"ok": True, "error": None, "final_url": location})
            current = location
        return FetchResult(url=url, final_url=current, error="too_many_redirects", attempts=attempts)

    async def _get_with_retries(
        self, url: str, current: str, pin: str | None, conditions: dict[str, str] | None = None
    ) -> tuple[FetchResult, int]:
        last = FetchResult(url=url, final_url=current, error="not_fetched")
        for attempt in range(1, self.policy.attempts + 1):
            try:
                return await self._get_once(url, current, pin, conditions), attempt
            except _Transient as exc:
                limit = {"timeout": self.policy.timeout_attempts, "bot_protection": 2}.get(
                    exc.error, self.policy.attempts
                )
                self.stats["retries"] += attempt < limit
                last = FetchResult(url=url, final_url=current, error=exc.error, wall=exc.wall)
                if attempt >= limit:
                    if exc.wall:
                        self.walled[urlsplit(current).hostname or ""] = exc.wall
                        self.stats["bot_walls"] += 1
                    return last, attempt
                if exc.wall:
                    await asyncio.sleep(self.policy.wall_retry_delay)
                elif attempt < self.policy.attempts:
                    backoff = exc.retry_after or 0.2 * 2 ** (attempt - 1)
                    await asyncio.sleep(min(backoff, self.policy.max_retry_after))
        return last, self.policy.attempts

    async def _get_once(
        self, url: str, current: str, pin: str | None, conditions: dict[str, str] | None = None
    ) -> FetchResult:
        host = urlsplit(current).hostname or ""
        async with self._host_locks[host]:
            await self._be_polite(host)
            target, options = _pinned(current, pin)
            if conditions:
                options = {**options, "headers": {**options.get("headers", {}), **conditions}}
            try:
                async with self.client.stream("GET", target, **options) as response:
                    return await self._read(url, current, response)
            except httpx.TimeoutException:
                raise _Transient("timeout") from None
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.ProxyError):
                raise _Transient("connect_error") from None

    async def _read(self, url: str, current: str, response: httpx.Response) -> FetchResult:
        status = response.status_code
        if status == 304:
            return FetchResult(url=url, final_url=current, status=status, error="not_modified")
        if status in (403, 429, 503) or "cf-mitigated" in response.headers:
            head, _ = await self._body(response, 100_000)
            if shown := wall(status, dict(response.headers), head.decode("utf-8", errors="replace")):
                raise _Transient("bot_protection", wall=shown)
        if response.headers.get("x-squid-error", "").startswith("ERR_DNS_FAIL"):  # the proxy found no address
            return FetchResult(url=url, final_url=current, status=status, error="dns_failure")
        if status in RETRY_STATUSES:
            retry_after = _retry_after(response.headers.get("retry-after"))
            raise _Transient(f"http_{status}", retry_after)
        if 300 <= status < 400 and "location" in response.headers:
            target = urljoin(current, response.headers["location"])
            return FetchResult(url=url, final_url=target, status=status, error="redirect")
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if status >= 400:
            return FetchResult(
                url=url, final_url=current, status=status, content_type=content_type, error=f"http_{status}"
            )
        if content_type and content_type not in TEXT_TYPES:
            return FetchResult(
                url=url,
                final_url=current,
                status=status,
                content_type=content_type,
                error=f"content_type:{content_type}",
            )
        body, truncated = await self._body(response, self.policy.max_bytes)
        if len(body) < 2_000 and (shown := wall(status, dict(response.headers), body.decode("utf-8", "replace"))):
            raise _Transient("bot_protection", wall=shown)  # a tiny page that is only a challenge script
        encoding = response.charset_encoding or self.client._default_encoding
        if callable(encoding):
            encoding = encoding(bytes(body))
        text = bytes(body).decode(encoding or "utf-8", errors="replace")
        return FetchResult(
            url=url,
            final_url=current,
            status=status,
            content_type=content_type,
            text=text,
            ok=True,
            truncated=truncated,
            content_hash=hashlib.sha256(body).hexdigest(),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )

    async def _rendered(self, result: FetchResult) -> FetchResult:
        """An app shell read after its scripts ran, or ``needs_browser`` (no renderer, no budget)."""
        dom = await self.renderer.render(result.final_url, result.text) if self.renderer is not None else None
        if dom is None:
            self.stats["needs_browser"] += 1
            return result.model_copy(update={"ok": False, "error": "needs_browser"})
        self.stats["rendered"] += 1
        # the body is the DOM now, and so is its hash: a script app serves one shell for every route,
        # so the shell's hash stored every page's DOM under one key (the first rendered won, and
        # another worker reading "/team" from the cache got the home page)
        digest = hashlib.sha256(dom.encode("utf-8")).hexdigest()
        return result.model_copy(update={"text": dom, "rendered": True, "content_hash": digest})

    @staticmethod
    async def _body(response: httpx.Response, limit: int) -> tuple[bytearray, bool]:
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body.extend(chunk)
            if len(body) > limit:
                del body[limit:]
                return body, True
        return body, False

    async def _be_polite(self, host: str) -> None:
        wait = self._last.get(host, 0.0) + self.policy.politeness_delay - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last[host] = time.monotonic()

    async def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this page be read (the site's rules are read once, and cached)."""
        return await self._robots_allow(url, None)

    async def _robots_allow(self, url: str, pin: str | None) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            # one read per site however many of its pages are asked for at once
            loading = self._robots_loading.get(origin)
            if loading is None:
                loading = self._robots_loading[origin] = asyncio.ensure_future(self._load_robots(origin, pin))
            try:
                self._robots[origin] = await asyncio.shield(loading)
            finally:
                self._robots_loading.pop(origin, None)
        parser = self._robots[origin]
        return parser is None or parser.can_fetch(USER_AGENT, url)

    async def _load_robots(self, origin: str, pin: str | None) -> RobotFileParser | None:
        """A site's robots.txt: from the page cache when another process read it (every worker
        would ask again otherwise), else from the site (and then cached)."""
        robots_url = f"{origin}/robots.txt"
        cached = await self.cache.get(robots_url) if self.cache is not None else None
        if cached is None and self.cache is not None:
            cached = await self._from_another_worker(robots_url, self.policy.timeout)
        if cached is None:
            try:
                url, options = _pinned(robots_url, pin)
                response = await self.client.get(url, **options)
            except httpx.HTTPError:
                if self.cache is not None:
                    await self.cache.release(robots_url)
                return None  # no robots.txt reachable: crawling is allowed (and asked again later)
            status = response.status_code
            cached = FetchResult(
                url=robots_url, final_url=robots_url, status=status, text=response.text, ok=status < 400,
                error=None if status < 400 else f"http_{status}", content_type=response.headers.get("content-type"),
                content_hash=hashlib.sha256(response.content).hexdigest(),
            )  # fmt: skip
            if self.cache is not None and response.status_code < 500:
                await self.cache.put(cached)
            elif self.cache is not None:
                await self.cache.release(robots_url)
        if not cached.ok:
            return None
        parser = RobotFileParser()
        parser.parse(cached.text.splitlines())
        return parser

    async def _target(self, url: str) -> tuple[str | None, str | None]:
        """(why ``url`` must not be fetched, or None; the checked address to connect to, or None
        when a proxy resolves the name or the host is allowlisted)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return "unsupported_scheme", None
        host = (parts.hostname or "").lower()
        if not host:
            return "no_host", None
        if host in self.policy.allow_hosts or proxied(url, self.policy.proxy):
            return None, None
        addresses = await self.resolve(host)
        if not addresses:
            return "dns_failure", None
        if any(is_private_address(a) for a in addresses):
            return "ssrf_blocked", None
        return None, addresses[0]


def _pinned(url: str, pin: str | None) -> tuple[str, dict[str, Any]]:
    """The request for ``url`` sent to the checked address ``pin``: the IP in the URL, the name in
    the Host header and as TLS SNI (certificates are still verified against the name)."""
    if pin is None:
        return url, {}
    parts = urlsplit(url)
    ip = f"[{pin}]" if ":" in pin else pin
    netloc = ip + (f":{parts.port}" if parts.port else "")
    target = parts._replace(netloc=netloc).geturl()
    return target, {"headers": {"Host": parts.netloc}, "extensions": {"sni_hostname": parts.hostname or ""}}


def _retry_after(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 1.0


def _conditions(cached: FetchResult | None) -> dict[str, str] | None:
    """The conditional-request headers for re-reading a stored page (None: nothing to ask with)."""
    if cached is None or not cached.ok:
        return None
    conditions = {"if-none-match": cached.etag} if cached.etag else {}
    if cached.last_modified:
        conditions["if-modified-since"] = cached.last_modified
    return conditions or None
