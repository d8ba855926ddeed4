"""Search providers with one interface: SearXNG-compatible (any SearXNG instance, or the
sandbox), Serper and Brave. Configured by environment:

    LEADSCOUT_SEARCH_PROVIDER=searxng  LEADSCOUT_SEARXNG_URL=http://host:port
    LEADSCOUT_SEARCH_PROVIDER=serper   SERPER_API_KEY=...
    LEADSCOUT_SEARCH_PROVIDER=brave    BRAVE_API_KEY=...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

import httpx
from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from leadscout import usage
from leadscout.config import Settings, load_settings
from leadscout.errors import ConfigError, PermanentError, TransientError


class SearchResult(BaseModel):
    url: str
    title: str = ""
    snippet: str = ""
    rank: int
    provider: str


class SearchProvider(Protocol):
    name: str

    async def search(self, query: str, page: int = 1) -> list[SearchResult]: ...


def _check(response: httpx.Response, provider: str, key_var: str | None = None) -> Any:
    if response.status_code in (401, 403):
        hint = f": check {key_var}" if key_var else ""
        raise PermanentError(f"{provider} refused the request ({response.status_code}){hint}")
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientError(f"{provider} answered {response.status_code}")
    if response.status_code >= 400:
        raise PermanentError(f"{provider} answered {response.status_code}: {response.text[:200]}")
    try:
        return response.json()
    except ValueError:
        raise TransientError(f"{provider} answered something that is not JSON") from None


async def _call(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
    try:
        return await client.request(method, url, **kwargs)
    except httpx.TimeoutException:
        raise TransientError(f"search timed out: {url}") from None
    except httpx.TransportError as exc:
        raise TransientError(f"search unreachable: {exc}") from None


M = TypeVar("M", bound=BaseModel)


def _reply(response: httpx.Response, model: type[M], provider: str, key_var: str | None = None) -> M:
    """The provider's JSON as a typed reply; errors mapped to transient or permanent."""
    try:
        return model.model_validate(_check(response, provider, key_var))
    except ValidationError as exc:
        raise TransientError(f"{provider} reply has an unexpected shape: {exc.error_count()} problems") from None


def _ranked(provider: str, page: int, items: list[tuple[str, str, str]]) -> list[SearchResult]:
    offset = (page - 1) * 10
    return [
        SearchResult(url=url, title=title, snippet=snippet, rank=offset + i + 1, provider=provider)
        for i, (url, title, snippet) in enumerate(items)
    ]


class _SearxItem(BaseModel):
    url: str
    title: str = ""
    content: str = ""


class _SearxReply(BaseModel):
    results: list[_SearxItem] = []


@dataclass
class SearxngProvider:
    base_url: str
    client: httpx.AsyncClient
    name: str = "searxng"

    async def search(self, query: str, page: int = 1) -> list[SearchResult]:
        response = await _call(
            self.client,
            "GET",
            f"{self.base_url.rstrip('/')}/search",
            params={"q": query, "format": "json", "pageno": page},
        )
        reply = _reply(response, _SearxReply, self.name)
        return _ranked(self.name, page, [(r.url, r.title, r.content) for r in reply.results])


class _SerperItem(BaseModel):
    link: str
    title: str = ""
    snippet: str = ""


class _SerperReply(BaseModel):
    organic: list[_SerperItem] = []


@dataclass
class SerperProvider:
    api_key: str
    client: httpx.AsyncClient
    base_url: str = "https://google.serper.dev"
    name: str = "serper"

    async def search(self, query: str, page: int = 1) -> list[SearchResult]:
        response = await _call(
            self.client,
            "POST",
            f"{self.base_url}/search",
            headers={"X-API-KEY": self.api_key},
            json={"q": query, "num": 10, "page": page},
        )
        reply = _reply(response, _SerperReply, self.name, "SERPER_API_KEY")
        return _ranked(self.name, page, [(r.link, r.title, r.snippet) for r in reply.organic])


class _BraveItem(BaseModel):
    url: str
    title: str = ""
    description: str = ""


class _BraveWeb(BaseModel):
    results: list[_BraveItem] = []


class _BraveReply(BaseModel):
    web: _BraveWeb = _BraveWeb()


@dataclass
class BraveProvider:
    api_key: str
    client: httpx.AsyncClient
    base_url: str = "https://api.search.brave.com"
    name: str = "brave"

    async def search(self, query: str, page: int = 1) -> list[SearchResult]:
        response = await _call(
            self.client,
            "GET",
            f"{self.base_url}/res/v1/web/search",
            headers={"X-Subscription-Token": self.api_key, "Accept": "application/json"},
            params={"q": query, "count": 10, "offset": page - 1},
        )
        reply = _reply(response, _BraveReply, self.name, "BRAVE_API_KEY")
        return _ranked(self.name, page, [(r.url, r.title, r.description) for r in reply.web.results])


PROVIDERS = ("searxng", "serper", "brave")
SEARCH_ATTEMPTS = 3
SEARCH_MAX_AGE = 3_600.0  # seconds a later run reuses an answer (Settings.search_max_age)
Answer = tuple[datetime, list[SearchResult]]  # when a provider gave it, and what it said


@dataclass
class MeteredProvider:
    """Any provider, with each query counted (and priced) against the current unit of work; a
    query over the run's dollar cap is refused before it is sent. A transient failure (5xx, 429,
    a timeout, an answer that is not JSON) is retried twice with backoff; a permanent one (a
    refused key) never. Answers are remembered by the worker (and, with ``shared``, by every
    worker), so a unit re-run after a crash or a transient failure, and runs side by side, pay once
    per query. A run reuses the answers given since it started, or within ``max_age`` seconds: a
    monitor's daily tick asks again, the web may have changed."""

    inner: SearchProvider
    name: str = field(init=False)
    _memo: dict[tuple[str, int], Answer] = field(default_factory=dict, init=False, repr=False)
    retries: int = field(default=0, init=False)
    shared: SearchShare | None = None
    max_age: float = SEARCH_MAX_AGE

    def __post_init__(self) -> None:
        self.name = self.inner.name

    async def search(self, query: str, page: int = 1) -> list[SearchResult]:
        since = self._fresh_since()
        seen = self._memo.get((query, page))
        if seen is None or seen[0] < since:
            asked_at = datetime.now(UTC)
            shared = await self.shared.answer(self.name, query, page, since) if self.shared is not None else None
            seen = shared or (asked_at, await self._ask(query, page))  # a shared answer keeps its own age
            if len(self._memo) > 10_000:
                self._memo.clear()
            self._memo[(query, page)] = seen
        return seen[1]

    def _fresh_since(self) -> datetime:
        oldest = datetime.now(UTC) - timedelta(seconds=self.max_age)
        started = usage.fresh_since()
        return min(started, oldest) if started is not None else oldest

    async def _ask(self, query: str, page: int) -> list[SearchResult]:
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(SEARCH_ATTEMPTS),
                wait=wait_exponential(multiplier=0.25, max=2.0),
                retry=retry_if_exception_type(TransientError),
                reraise=True,
            ):
                with attempt:
                    self.retries += attempt.retry_state.attempt_number > 1
                    usage.record_search(self.inner.name)
                    results = await self.inner.search(query, page)
        except BaseException:
            if self.shared is not None:
                await self.shared.release(self.name, query, page)
            raise
        if self.shared is not None:
            await self.shared.put(self.name, query, page, results)
        return results


class SearchShare(Protocol):
    """Answers shared by every worker (:mod:`leadscout.research.web.search_share`)."""

    async def answer(self, provider: str, query: str, page: int, since: datetime) -> Answer | None:
        """An answer given since ``since`` (another worker's, maybe after waiting for it), or
        None after taking the claim to ask: the caller then asks, and puts or releases."""
        ...

    async def put(self, provider: str, query: str, page: int, results: list[SearchResult]) -> None: ...

    async def release(self, provider: str, query: str, page: int) -> None: ...


def provider_from_settings(
    settings: Settings, client: httpx.AsyncClient, shared: SearchShare | None = None
) -> SearchProvider:
    """The configured provider (metered, its answers ``shared`` with other workers when given), or
    a ConfigError naming the providers and --sandbox."""
    return MeteredProvider(_configured_provider(client, settings), shared=shared, max_age=settings.search_max_age)


def provider_from_env(client: httpx.AsyncClient, env: dict[str, str] | None = None) -> SearchProvider:
    """:func:`provider_from_settings` with settings read from ``env`` (default: the process's)."""
    settings = load_settings() if env is None else Settings.model_validate({k: v for k, v in env.items() if v})
    return provider_from_settings(settings, client)


def _configured_provider(client: httpx.AsyncClient, settings: Settings) -> SearchProvider:
    name = (settings.search_provider or "").strip().lower()
    if not name:
        if settings.searxng_url:
            name = "searxng"
        elif settings.serper_api_key:
            name = "serper"
        elif settings.brave_api_key:
            name = "brave"
    if name == "searxng" and settings.searxng_url:
        return SearxngProvider(settings.searxng_url, client)
    if name == "serper" and settings.serper_api_key:
        return SerperProvider(settings.serper_api_key.get_secret_value(), client, settings.serper_base_url)
    if name == "brave" and settings.brave_api_key:
        return BraveProvider(settings.brave_api_key.get_secret_value(), client, settings.brave_base_url)
    raise ConfigError(
        "no web search provider is configured. Set one of: LEADSCOUT_SEARXNG_URL (a SearXNG instance), "
        "SERPER_API_KEY (Serper) or BRAVE_API_KEY (Brave), optionally with LEADSCOUT_SEARCH_PROVIDER="
        f"{'|'.join(PROVIDERS)}; or run on the generated sandbox web with --sandbox"
    )
